package sim

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// e01From returns the transcript from the phase-11 banner on.
func e01From(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "Executing nimadm phase 11.\n")
	if i < 0 {
		t.Fatalf("no phase 11 in:\n%s", out)
	}
	j := strings.LastIndex(out[:i-1], "\n")
	return out[j+1:]
}

// TestSeedCaseByteExact is the field report: nimadm fails in phase 11 and
// prints errors.md E01 line for line.
func TestSeedCaseByteExact(t *testing.T) {
	l := scenarioLab(t, "seed")
	before := l.Snapshot("lpar1")
	r := run(t, l, "nim1", seedCmd)
	if r.rc == 0 {
		t.Fatalf("nimadm succeeded; want the E01 failure\n%s", r.out)
	}
	if r.err != "" {
		t.Errorf("stderr = %q, want empty (nimadm writes its transcript to stdout)", r.err)
	}
	if diff := cmp.Diff(readGolden(t, "e01_block.txt"), e01From(t, r.out)); diff != "" {
		t.Errorf("phase 11 transcript differs from errors.md E01 (-want +got):\n%s", diff)
	}
	if got := mustRun(t, l, "lpar1", "lsvg"); strings.Contains(got, "altinst_rootvg") {
		t.Errorf("altinst_rootvg left behind:\n%s", got)
	}
	if got := mustRun(t, l, "lpar1", "bootlist -m normal -o"); got != "hdisk0 blv=hd5\n" {
		t.Errorf("bootlist = %q, want hdisk0 blv=hd5", got)
	}
	if got := mustRun(t, l, "lpar1", "lspv"); !strings.Contains(got, "hdisk1          ") || strings.Contains(got, "altinst") {
		t.Errorf("lspv after cleanup:\n%s", got)
	}
	// The client's alt_disk_inst.log has the records of the field report.
	log := mustRun(t, l, "lpar1", "cat /var/adm/ras/alt_disk_inst.log")
	for _, want := range []string{
		"\ncmd: /ALT_MIG_SPOT/sbin/alt_disk_copy -j -M 7.1 -P1 -d hdisk1\n",
		"\ncmd: /ALT_MIG_SPOT/sbin/alt_disk_copy -j -M 7.1 -P3 -d hdisk1\nVerifying altinst_rootvg...\nalt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.\nCleaning up.\n",
		"\ncmd: /ALT_MIG_SPOT/sbin/alt_disk_install -M 7.1 -X\nBootlist is set to the boot disk: hdisk0 blv=hd5\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("alt_disk_inst.log lacks %q\n%s", want, log)
		}
	}
	if !regexp.MustCompile(`(?m)^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d EETDT \d{4}$`).MatchString(log) {
		t.Errorf("alt_disk_inst.log has no date line like the field report's:\n%s", log)
	}
	// The master's log holds the same transcript.
	if got := mustRun(t, l, "nim1", "cat /var/adm/ras/alt_mig/lpar1_alt_mig.log"); got != r.out {
		t.Errorf("master log differs from the console transcript")
	}
	// NIM state is back to ready, with the failure recorded.
	nim := mustRun(t, l, "nim1", "lsnim -Z -a Cstate -a Cstate_result lpar1")
	if nim != "#name:Cstate:Cstate_result:\nlpar1:ready for a NIM operation:failure:\n" {
		t.Errorf("lsnim -Z = %q", nim)
	}
	// Nothing changed on the client but its log and the old VGDA mark on
	// hdisk1 (cleared by chpv -C).
	for _, d := range snapshotDiff(before, l.Snapshot("lpar1")) {
		if !strings.Contains(d, "alt_disk_inst.log") && !strings.HasPrefix(strings.TrimPrefix(d, "-"), "disk hdisk1 ") {
			t.Errorf("unexpected change on the client: %q", d)
		}
	}
}

// snapshotDiff returns the lines present in after but not in before.
func snapshotDiff(before, after string) []string {
	seen := map[string]bool{}
	for _, l := range strings.Split(before, "\n") {
		seen[l] = true
	}
	var out []string
	for _, l := range strings.Split(after, "\n") {
		if !seen[l] {
			out = append(out, l)
		}
	}
	seen = map[string]bool{}
	for _, l := range strings.Split(after, "\n") {
		seen[l] = true
	}
	for _, l := range strings.Split(before, "\n") {
		if !seen[l] {
			out = append(out, "-"+l)
		}
	}
	return out
}

// TestSeedStandbyVariant: a standby instance fails the same way; removing
// it (the field team's workaround) makes nimadm pass.
func TestSeedStandbyVariant(t *testing.T) {
	l := scenarioLab(t, "seed")
	mustRun(t, l, "lpar1", "rm -r /bos_inst")
	out := mustRun(t, l, "lpar1", "multibos -sX")
	if !strings.HasSuffix(out, "Return Status = SUCCESS\n") {
		t.Fatalf("multibos -sX:\n%s", out)
	}
	if got := mustRun(t, l, "lpar1", "lsvg -l rootvg"); !strings.Contains(got, "bos_hd5             boot       1       1       1    closed/syncd  N/A\n") {
		t.Fatalf("no standby BLV:\n%s", got)
	}
	r := run(t, l, "nim1", seedCmd)
	if r.rc == 0 {
		t.Fatal("nimadm succeeded with a standby instance")
	}
	if diff := cmp.Diff(readGolden(t, "e01_block.txt"), e01From(t, r.out)); diff != "" {
		t.Errorf("standby variant differs from E01 (-want +got):\n%s", diff)
	}
	mustRun(t, l, "lpar1", "multibos -R")
	if r := run(t, l, "nim1", seedCmd); r.rc != 0 {
		t.Errorf("nimadm after multibos -R: exit %d\n%s", r.rc, r.out)
	}
}

// TestSeedFixedRerun: after rm -r /bos_inst the same command runs through
// phase 12 and leaves the clone on hdisk1 with the bootlist on it.
func TestSeedFixedRerun(t *testing.T) {
	l := scenarioLab(t, "seed")
	run(t, l, "nim1", seedCmd)
	mustRun(t, l, "lpar1", "rm -r /bos_inst")
	out := mustRun(t, l, "nim1", seedCmd)
	for n := 1; n <= 12; n++ {
		if !strings.Contains(out, fmt.Sprintf("\n%s\nExecuting nimadm phase %d.\n%s\n", banner, n, banner)) {
			t.Errorf("no banner for phase %d", n)
		}
	}
	if !strings.HasSuffix(out, "Cleaning up alt_disk_migration on the NIM master.\nCleaning up alt_disk_migration on client lpar1.\n") {
		t.Errorf("run does not end with the phase-12 cleanup:\n%s", out[len(out)-300:])
	}
	if !strings.Contains(out, "Bootlist is set to the boot disk: hdisk1 blv=hd5\n") {
		t.Error("phase 11 did not set the bootlist")
	}
	if got := mustRun(t, l, "lpar1", "lspv"); !regexp.MustCompile(`(?m)^hdisk1 +[0-9a-f]{16} +altinst_rootvg$`).MatchString(got) {
		t.Errorf("lspv:\n%s", got)
	}
	if got := mustRun(t, l, "lpar1", "bootlist -m normal -o"); got != "hdisk1 blv=hd5\n" {
		t.Errorf("bootlist = %q", got)
	}
	if got := mustRun(t, l, "lpar1", "lsvg -o"); got != "rootvg\n" {
		t.Errorf("lsvg -o = %q (altinst_rootvg must be varied off)", got)
	}
	if got := mustRun(t, l, "nim1", "lsvg nimadmvg | grep 'USED PPs'"); !strings.Contains(got, "USED PPs:       0 (0 megabytes)") {
		t.Errorf("cache not released: %s", got)
	}
	if got := mustRun(t, l, "nim1", "lsnim -l lpar1 | grep Cstate"); !strings.Contains(got, "Cstate         = ready for a NIM operation\n") || !strings.Contains(got, "Cstate_result  = success") {
		t.Errorf("lsnim:\n%s", got)
	}
}

// TestRebootSemantics: booting the migrated disk runs the new level and
// turns the old disk into old_rootvg; booting back shows altinst_rootvg
// again (transcripts.md §6).
func TestRebootSemantics(t *testing.T) {
	l := scenarioLab(t, "seed")
	mustRun(t, l, "lpar1", "rm -r /bos_inst")
	mustRun(t, l, "nim1", seedCmd)
	reboot := func() {
		t.Helper()
		mustRun(t, l, "lpar1", "shutdown -Fr")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.WaitUp(ctx, "lpar1"); err != nil {
			t.Fatal(err)
		}
	}
	reboot()
	if got := mustRun(t, l, "lpar1", "oslevel -s"); got != "7100-01-01-1141\n" {
		t.Errorf("oslevel -s after booting the migrated disk = %q", got)
	}
	lspv := mustRun(t, l, "lpar1", "lspv")
	if !regexp.MustCompile(`(?m)^hdisk0 +\S+ +old_rootvg$`).MatchString(lspv) || !regexp.MustCompile(`(?m)^hdisk1 +\S+ +rootvg +active$`).MatchString(lspv) {
		t.Errorf("lspv after migration boot:\n%s", lspv)
	}
	if got := mustRun(t, l, "lpar1", "bootinfo -b"); !strings.HasPrefix(got, "hdisk1\n") {
		t.Errorf("bootinfo -b = %q", got)
	}
	if got := mustRun(t, l, "lpar1", "lslpp -lcq bos.rte"); !strings.Contains(got, ":bos.rte:7.1.1.15:") {
		t.Errorf("bos.rte not migrated: %s", got)
	}
	if got := mustRun(t, l, "lpar1", "lsvg -l rootvg"); strings.Contains(got, "alt_") || !strings.Contains(got, "/usr/local") {
		t.Errorf("migrated rootvg LVs:\n%s", got)
	}
	// Roll back by bootlist.
	mustRun(t, l, "lpar1", "bootlist -m normal hdisk0")
	reboot()
	if got := mustRun(t, l, "lpar1", "oslevel -s"); got != "5300-12-04-1119\n" {
		t.Errorf("oslevel -s after rollback = %q", got)
	}
	lspv = mustRun(t, l, "lpar1", "lspv")
	if !regexp.MustCompile(`(?m)^hdisk0 +\S+ +rootvg +active$`).MatchString(lspv) || !regexp.MustCompile(`(?m)^hdisk1 +\S+ +altinst_rootvg$`).MatchString(lspv) {
		t.Errorf("lspv after rollback:\n%s", lspv)
	}
}

// TestNimadmBackgroundFollow: nohup'ed nimadm survives its session; a
// follower reading the log by byte offset sees the banners appear while
// the run is held in phase 6.
func TestNimadmBackgroundFollow(t *testing.T) {
	l := scenarioLab(t, "seed")
	mustRun(t, l, "lpar1", "rm -r /bos_inst")
	hold := make(chan struct{})
	reached := make(chan struct{})
	var once sync.Once
	l.SetPhaseHook(func(ctx context.Context, master, client string, phase int) {
		if phase == 6 {
			once.Do(func() { close(reached) })
			select {
			case <-hold:
			case <-ctx.Done():
			}
		}
	})
	out := mustRun(t, l, "nim1", "nohup "+seedCmd+" > /tmp/nimadm.lpar1.log 2>&1 & echo $!")
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("echo $! = %q", out)
	}
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("nimadm never reached phase 6")
	}
	// The session is over; the job lives on and ps shows it.
	if got := mustRun(t, l, "nim1", fmt.Sprintf("ps -p %d", pid)); !strings.Contains(got, "nimadm") {
		t.Errorf("ps -p %d:\n%s", pid, got)
	}
	first := mustRun(t, l, "nim1", "tail -c +1 /tmp/nimadm.lpar1.log")
	if !strings.Contains(first, "Executing nimadm phase 5.") || strings.Contains(first, "Executing nimadm phase 6.") {
		t.Fatalf("log while held before phase 6:\n%s", first)
	}
	if got := mustRun(t, l, "nim1", "lsnim -l lpar1 | grep Cstate"); !strings.Contains(got, "alt_disk_install operation is being performed") {
		t.Errorf("Cstate during the run:\n%s", got)
	}
	close(hold)
	// Follow from the byte offset until phase 12 appears and the job ends.
	offset := len(first) + 1
	var rest string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		chunk := mustRun(t, l, "nim1", fmt.Sprintf("tail -c +%d /tmp/nimadm.lpar1.log", offset))
		rest += chunk
		offset += len(chunk)
		if run(t, l, "nim1", fmt.Sprintf("kill -0 %d", pid)).rc != 0 {
			rest += mustRun(t, l, "nim1", fmt.Sprintf("tail -c +%d /tmp/nimadm.lpar1.log", offset))
			break
		}
		time.Sleep(time.Millisecond)
	}
	if !strings.Contains(rest, "Executing nimadm phase 6.") || !strings.HasSuffix(rest, "Cleaning up alt_disk_migration on client lpar1.\n") {
		t.Errorf("followed tail:\n%s", rest)
	}
}

// TestNimadmKilled: killing a background run stops it mid-way and leaves
// the client busy in NIM (nimadm -C cleans up).
func TestNimadmKilled(t *testing.T) {
	l := scenarioLab(t, "seed")
	mustRun(t, l, "lpar1", "rm -r /bos_inst")
	reached := make(chan struct{})
	var once sync.Once
	l.SetPhaseHook(func(ctx context.Context, master, client string, phase int) {
		if phase == 3 {
			once.Do(func() { close(reached) })
			<-ctx.Done()
		}
	})
	pid := strings.TrimSpace(mustRun(t, l, "nim1", "nohup "+seedCmd+" > /tmp/n.log 2>&1 & echo $!"))
	<-reached
	mustRun(t, l, "nim1", "kill "+pid)
	for i := 0; run(t, l, "nim1", "kill -0 "+pid).rc == 0; i++ {
		if i > 10000 {
			t.Fatal("nimadm still running after kill")
		}
		time.Sleep(100 * time.Microsecond)
	}
	if got := mustRun(t, l, "lpar1", "lsvg"); !strings.Contains(got, "altinst_rootvg") {
		t.Errorf("the interrupted clone should remain until nimadm -C:\n%s", got)
	}
	if r := run(t, l, "nim1", seedCmd); r.rc == 0 || !strings.Contains(r.out, "0505-150") {
		t.Errorf("rerun on a busy client: exit %d\n%s", r.rc, r.out)
	}
	l.SetPhaseHook(nil)
	out := mustRun(t, l, "nim1", "nimadm -C -c lpar1 -s spotaix710101")
	if !strings.Contains(out, "Bootlist is set to the boot disk: hdisk0 blv=hd5") {
		t.Errorf("nimadm -C:\n%s", out)
	}
	if got := mustRun(t, l, "lpar1", "lsvg"); got != "rootvg\n" {
		t.Errorf("after nimadm -C lsvg = %q", got)
	}
	mustRun(t, l, "nim1", seedCmd)
}

// TestSeedThroughRunner drives the seed case through the in-memory Runner.
func TestSeedThroughRunner(t *testing.T) {
	l := scenarioLab(t, "seed")
	res, err := l.Runner().Run(context.Background(), transport.Command{Host: "nim1", Line: seedCmd, Mutates: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode == 0 || !strings.Contains(string(res.Stdout), "0505-218") {
		t.Errorf("exit %d\n%s", res.ExitCode, res.Stdout)
	}
	// c_rsh relays the client's output and exits 0 whatever the remote status.
	res, err = l.Runner().Run(context.Background(), transport.Command{Host: "nim1", Line: "/usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar1 'ls -ld /nonexistent; echo rc=$?'"})
	if err != nil || res.ExitCode != 0 || string(res.Stdout) != "rc=2\n" || !strings.Contains(string(res.Stderr), "0653-341") {
		t.Errorf("c_rsh = %+v, %v", res, err)
	}
	res, err = l.Runner().Run(context.Background(), transport.Command{Host: "nim1", Line: "/usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar1 /usr/bin/hostname"})
	if err != nil || string(res.Stdout) != "lpar1\n" {
		t.Errorf("c_rsh hostname = %+v, %v", res, err)
	}
}

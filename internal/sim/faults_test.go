package sim

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// faultConfig is one 7.3 master and two 7.2 clients; the fault goes on
// client a1 (or on the master).
func faultConfig(fault string) Config {
	tl := "7300-03-01-2446"
	cfg := Config{
		Masters: []MasterSpec{{
			HostSpec: HostSpec{Name: "nim73", Level: tl,
				Disks: []DiskSpec{{Name: "hdisk0", SizeGB: 100}, {Name: "hdisk1", SizeGB: 200}},
				VGs:   []VGSpec{{Name: "nimadmvg", Disks: []string{"hdisk1"}}}},
			Spots:      []SpotSpec{{Name: "spot73", Level: tl}},
			LPPSources: []LPPSourceSpec{{Name: "lpp73", Level: tl}},
			Intent:     MasterIntent{Spot: "spot73", LPPSource: "lpp73", CacheVG: "nimadmvg", TargetLevel: tl},
		}},
		Clients: []ClientSpec{
			{HostSpec: HostSpec{Name: "a1", Level: "7200-05-07-2346", RootVG: RootVGSpec{UsedGB: 10}}, Master: "nim73"},
			{HostSpec: HostSpec{Name: "a2", Level: "7200-05-05-2246"}, Master: "nim73"},
		},
	}
	if fault == FaultSSHDConfig {
		// E45 needs an old OpenSSH that accepts the legacy ciphers.
		cfg.Clients[0].Level = "7100-03-05-1524"
	}
	if masterFaults[fault] {
		cfg.Masters[0].Faults = []string{fault}
	} else if fault != "" {
		cfg.Clients[0].Faults = []string{fault}
	}
	return cfg
}

const nimadm73 = "nimadm -j nimadmvg -c a1 -s spot73 -l lpp73 -d hdisk1 -Y"

var phaseRE = regexp.MustCompile(`(?m)^Executing nimadm phase (\d+)\.$`)

// lastPhase returns the last phase banner in a transcript, or "start".
func lastPhase(out string) string {
	m := phaseRE.FindAllStringSubmatch(out, -1)
	if len(m) == 0 {
		return "start"
	}
	return m[len(m)-1][1]
}

// faultMessages are the texts each fault must produce (errors.md §5 and
// the lab's documented [U] lines).
var faultMessages = map[string][]string{
	FaultBosInstLeftover:   {"alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.", "0505-187 nimadm: Error cloning altinst_rootvg on client."},
	FaultMultibosStandby:   {"0505-218", "0505-187"},
	FaultAltinstExists:     {"0505-120", "0505-187"},
	FaultTargetInVG:        {"0505-126 alt_disk_install- target disk hdisk1 has a volume group assigned to it.\n0505-187"},
	FaultTargetTooSmall:    {allocpMsg + "0516-822 mklv: Unable to create logical volume.\n"},
	FaultNotBootable:       {"0505-121"},
	FaultRshBroken:         {"0505-158 nimadm: WARNING, unexpected result from the /alt_inst/tmp/i"},
	FaultNIMUndefined:      {`0042-053 lsnim: there is no NIM object named "a1"`},
	FaultNiminfoWrong:      {"0505-158"},
	FaultNimshDown:         {"0505-158"},
	FaultCstateNotReady:    {"0505-150"},
	FaultClientAtTarget:    {"0505-154"},
	FaultUnsupportedPath:   {"0505-155"},
	FaultProcessorTooOld:   {"0505-156"},
	FaultLowMemory:         {"0505-159"},
	FaultTCBEnabled:        {"0505-157"},
	FaultEfixLocks:         {"EFIX MANAGER LOCKS\n* * * ATTENTION * * *\nThe following selected filesets are locked by EFIX manager:\n  bos.net.tcp.client\n"},
	FaultEfixRebootPending: {"EFIX MANAGER LOCKS"},
	FaultBadIPLDevice:      {"0301-150 bosboot: Invalid or no boot device specified!\n"},
	FaultRootvgLocked:      {"0516-1201 lsvg: Warning: Volume group rootvg is locked. This command\n"},
	FaultStaleRootvg:       {"0505-122"},
	FaultMissingGroups:     {"sysck: 3001-038 The name mail is not a known group for entry /usr/bin/bellmail.\n", "0503-464 installp:  The installation has FAILED for the \"usr\" part\n"},
	FaultLPPIncomplete:     {"  Requisite Failures\n"},
	FaultUnreachable:       {"0505-160"},
	FaultCacheVGTooSmall:   {"Creating cache file system /a1_alt/alt_inst", "0516-404 allocp:", "0505-188"},
	FaultCacheVGMissing:    {"0516-306"},
	FaultCacheVGVariedOff:  {"0516-010"},
	FaultMasterBelowTarget: {"0505-151"},
	FaultAltDiskMismatch:   {"0505-205"},
	FaultSpotNoAltDisk:     {"0505-206"},
	FaultLPPSpotMismatch:   {"0505-152"},
	FaultResourcesNotLocal: {"0505-153"},
	FaultMasterLowMemory:   {"0505-159"},
}

// TestEveryFault injects each catalogue fault and runs nimadm: it must fail
// (or not) at the phase the catalogue documents, with the documented text,
// and always clean up after itself.
func TestEveryFault(t *testing.T) {
	for _, f := range Faults() {
		t.Run(f.Name, func(t *testing.T) {
			l := newLab(t, faultConfig(f.Name))
			if f.Phase == "transport" {
				host := "a1"
				if f.Role == "master" {
					host = "nim73"
				}
				_, err := l.Runner().Run(context.Background(), transport.Command{Host: host, Line: "oslevel -s"})
				if !errors.Is(err, transport.ErrUnreachable) {
					t.Errorf("Run on %s: %v, want ErrUnreachable", host, err)
				}
				if f.Role == "master" {
					return
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			blocking := f.Name == FaultRootvgLocked || f.Name == FaultNimadmHang
			if blocking {
				l.SetPhaseHook(func(_ context.Context, _, _ string, phase int) {
					if phase == 1 || phase == 6 {
						time.AfterFunc(50*time.Millisecond, cancel)
					}
				})
			}
			cmd := nimadm73
			if f.Name == FaultTCBEnabled {
				cmd = strings.Replace(cmd, "-j nimadmvg ", "", 1) // E31 bites in NFS mode
			}
			var out, errb strings.Builder
			rc := l.Exec(ctx, "nim73", cmd, nil, &out, &errb)
			got := out.String()
			wantPhase := f.Phase
			switch wantPhase {
			case "none", "after-reboot":
				if rc != 0 {
					t.Fatalf("nimadm failed (exit %d) but %s should not stop it:\n%s", rc, f.Name, got)
				}
			case "transport":
				wantPhase = "start"
				fallthrough
			default:
				if rc == 0 {
					t.Fatalf("nimadm succeeded despite %s", f.Name)
				}
				if blocking && rc != 143 {
					t.Errorf("blocking fault: exit %d, want 143 (killed)", rc)
				}
				if p := lastPhase(got); p != wantPhase {
					t.Errorf("failed at phase %s, want %s\n%s", p, wantPhase, got)
				}
			}
			for _, m := range faultMessages[f.Name] {
				if !strings.Contains(got, m) {
					t.Errorf("transcript lacks %q\n%s", m, got)
				}
			}
			if rc != 0 && !blocking && wantPhase != "start" {
				tail := "Cleaning up alt_disk_migration on the NIM master.\nCleaning up alt_disk_migration on client a1.\nClient alt_disk_install command: alt_disk_install -M 7.3 -X\nBootlist is set to the boot disk: hdisk0 blv=hd5\n"
				if !strings.HasSuffix(got, tail) {
					t.Errorf("failure does not end with the cleanup:\n%s", got)
				}
				if vgs := mustRun(t, l, "a1", "lsvg"); strings.Contains(vgs, "altinst_rootvg") && f.Name != FaultAltinstExists {
					t.Errorf("altinst_rootvg left after the failure: %s", vgs)
				}
				if got := mustRun(t, l, "nim73", "lsnim -Z -a Cstate -a Cstate_result a1"); got != "#name:Cstate:Cstate_result:\na1:ready for a NIM operation:failure:\n" {
					t.Errorf("NIM state after failure: %q", got)
				}
				if got := mustRun(t, l, "nim73", "lsvg nimadmvg"); !strings.Contains(got, "LVs:                0 ") && f.Name != FaultCacheVGTooSmall {
					t.Errorf("cache not released:\n%s", got)
				}
			}
		})
	}
}

// TestFaultDetection checks the commands a preflight check would run show
// each fault (errors.md "Detect beforehand").
func TestFaultDetection(t *testing.T) {
	tests := []struct {
		fault, host, cmd string
		want             string // regexp on stdout+stderr
	}{
		{FaultBosInstLeftover, "a1", "ls -ld /bos_inst; ls -A /bos_inst; lsfs /bos_inst", `(?s)^drwxr-xr-x .* /bos_inst\nlsfs: No record matching '/bos_inst'`},
		{FaultMultibosStandby, "a1", "lsvg -l rootvg | grep bos_", `bos_hd5 +boot`},
		{FaultBLVLevelZero, "a1", "/usr/lpp/bosinst/blvset -d /dev/hdisk0 -g level", `^0\.0\n$`},
		{FaultAltinstExists, "a1", "lspv", `(?m)^hdisk2 +\S+ +altinst_rootvg$`},
		{FaultOldRootvgExists, "a1", "lspv", `(?m)^hdisk2 +\S+ +old_rootvg$`},
		{FaultTargetInVG, "a1", "lspv; getlvodm -j hdisk1", `(?m)^hdisk1 +\S+ +datavg +active\n[0-9a-f]{32}$`},
		{FaultNoPVID, "a1", "lspv", `(?m)^hdisk1          none                                None$`},
		{FaultTargetTooSmall, "a1", "bootinfo -s hdisk1", `^5120\n$`},
		{FaultNotBootable, "a1", "bootinfo -B hdisk1", `^0\n$`},
		{FaultNimshDown, "a1", "lssrc -s nimsh", `nimsh +nimclient +inoperative`},
		{FaultNiminfoWrong, "a1", "grep NIM_MASTER_HOSTNAME /etc/niminfo", `=nimold`},
		{FaultCstateNotReady, "nim73", "lsnim -l a1", `Cstate         = alt_disk_install operation is being performed`},
		{FaultProcessorTooOld, "a1", "prtconf | grep 'Processor Type'", `PowerPC_POWER7`},
		{FaultTCBEnabled, "a1", "tcbck", `^Usage: tcbck`},
		{FaultLowMemory, "a1", "lsattr -El sys0 -a realmem", `realmem 2097152 `},
		{FaultEfixLocks, "a1", "emgr -P; lslpp -l bos.net.tcp.client", `(?s)bos.net.tcp.client +installp +IJ20785s2a.*EFIXLOCKED`},
		{FaultEfixRebootPending, "a1", "emgr -l", `\*Q\* +IJ30808s1a`},
		{FaultBadIPLDevice, "a1", "ls -l /dev/ipldevice", `0653-341`},
		{FaultStaleRootvg, "a1", "lsvg rootvg | grep STALE; lsvg -M rootvg | grep -c stale", `STALE PPs:      2\n2\n$`},
		{FaultMissingGroups, "a1", "lsgroup mail printq", `3004-686 Group "mail" does not exist.`},
		{FaultLPPIncomplete, "a1", "lslpp -Lc Java8_64.sdk", `Java8_64.sdk:8.0.0.600`},
		{FaultAltPrefix, "a1", "lsvg -l rootvg", `(?m)^altdatalv `},
		{FaultUnmountedFS, "a1", "lsfs; mount", `(?s)/dev/hd1 .*/home .* no +no\n.*`},
		{FaultSSHDConfig, "a1", "grep -c arcfour /etc/ssh/sshd_config; sshd -t", `^1\n$`},
		{FaultAppRunning, "a1", "ps -ef | grep -E 'db2sysc|slapd'", `db2sysc 0\n.*slapd`},
		{FaultRootvgFull, "a1", "lsvg rootvg | grep FREE", `FREE PPs:       \d \(\d+ megabytes\)`},
		{FaultSpotBusy, "nim73", "nim -o showres -a lslpp_flags=Lc spot73", `0042-207 m_showres: Unable to allocate the spot73 resource to master.`},
		{FaultResourcesNotLocal, "nim73", "lsnim -l spot73", `server +  = nimsrv2|server        = nimsrv2`},
		{FaultCacheVGVariedOff, "nim73", "lsvg -o", `^rootvg\n$`},
		{FaultMasterBelowTarget, "nim73", "oslevel -s", `^7300-02-00-0000\n$`},
		{FaultRshBroken, "nim73", "/usr/lpp/bos.sysmgt/nim/methods/c_rsh a1 /usr/bin/hostname", `Connection refused`},
	}
	for _, tc := range tests {
		t.Run(tc.fault, func(t *testing.T) {
			l := newLab(t, faultConfig(tc.fault))
			r := run(t, l, tc.host, tc.cmd)
			if !regexp.MustCompile(tc.want).MatchString(r.out + r.err) {
				t.Errorf("%s: %s\n%s%s\nwant /%s/", tc.host, tc.cmd, r.out, r.err, tc.want)
			}
		})
	}
}

// TestFaultFixes applies the documented safe fix and checks nimadm then
// succeeds, for every fault the catalogue marks fixable (E01's rm -r; E02's
// multibos -R; ...).
func TestFaultFixes(t *testing.T) {
	fixes := map[string][]string{
		FaultBosInstLeftover:  {"a1", "rmdir /bos_inst"},
		FaultMultibosStandby:  {"a1", "multibos -R"},
		FaultBLVLevelZero:     {"a1", "bosboot -ad /dev/ipldevice"},
		FaultNoPVID:           {"a1", "chdev -l hdisk1 -a pv=yes"},
		FaultNimshDown:        {"a1", "startsrc -s nimsh"},
		FaultCstateNotReady:   {"nim73", "nim -Fo reset a1 && nim -o deallocate -a subclass=all a1"},
		FaultEfixLocks:        {"a1", "emgr -r -L IJ20785s2a"},
		FaultUnmountedFS:      {"a1", "mount /home"},
		FaultCacheVGVariedOff: {"nim73", "varyonvg nimadmvg"},
	}
	for _, f := range Faults() {
		if !f.Fixable {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			fix, ok := fixes[f.Name]
			if !ok {
				t.Fatalf("no fix test for fixable fault %s", f.Name)
			}
			l := newLab(t, faultConfig(f.Name))
			mustRun(t, l, fix[0], fix[1])
			if r := run(t, l, "nim73", nimadm73); r.rc != 0 {
				t.Errorf("nimadm after %q: exit %d\n%s", fix[1], r.rc, r.out)
			}
		})
	}
}

// TestAfterRebootFaults: E39 shows after the first boot of the migrated
// disk (lower oslevel, instfix "Not all"); E45 leaves sshd down.
func TestAfterRebootFaults(t *testing.T) {
	boot := func(t *testing.T, l *Lab) {
		mustRun(t, l, "nim73", nimadm73)
		mustRun(t, l, "a1", "shutdown -Fr")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.WaitUp(ctx, "a1"); err != nil {
			t.Fatal(err)
		}
	}
	t.Run(FaultLPPIncomplete, func(t *testing.T) {
		l := newLab(t, faultConfig(FaultLPPIncomplete))
		boot(t, l)
		if got := mustRun(t, l, "a1", "oslevel -s"); got != "7300-03-00-0000\n" {
			t.Errorf("oslevel -s = %q, want the TL without its SP", got)
		}
		if got := mustRun(t, l, "a1", "instfix -i | grep 'Not all'"); got != "    Not all filesets for 7300-03_AIX_ML were found.\n" {
			t.Errorf("instfix = %q", got)
		}
		if r := run(t, l, "a1", "lppchk -v"); r.rc == 0 {
			t.Error("lppchk -v passed after an incomplete migration")
		}
	})
	t.Run(FaultSSHDConfig, func(t *testing.T) {
		l := newLab(t, faultConfig(FaultSSHDConfig))
		if !l.Up("a1") {
			t.Fatal("sshd down before the migration")
		}
		boot(t, l)
		if l.Up("a1") || !l.Running("a1") {
			t.Errorf("after reboot: Up=%v Running=%v, want sshd down on a running host", l.Up("a1"), l.Running("a1"))
		}
		if _, err := l.Runner().Run(context.Background(), transport.Command{Host: "a1", Line: "true"}); !errors.Is(err, transport.ErrUnreachable) {
			t.Errorf("Runner on a host without sshd: %v", err)
		}
		r := run(t, l, "a1", "sshd -t")
		if r.rc != 255 || !strings.Contains(r.err, "Bad SSH2 cipher spec 'aes128-cbc,aes192-cbc,aes256-cbc,blowfish-cbc,arcfour,") || !strings.Contains(r.err, "line 40:") {
			t.Errorf("sshd -t = %+v", r)
		}
	})
}

// TestTCBWithoutCache: TCB only blocks NFS-mode migrations (E31).
func TestTCBWithoutCache(t *testing.T) {
	l := newLab(t, faultConfig(FaultTCBEnabled))
	r := run(t, l, "nim73", "nimadm -c a1 -s spot73 -l lpp73 -d hdisk1 -Y")
	if r.rc == 0 || !strings.Contains(r.out, "0505-157") {
		t.Errorf("NFS-mode nimadm with TCB: exit %d\n%s", r.rc, r.out)
	}
}

// TestNimadmFlags: unknown flags, missing required flags and -B with -r
// print the usage on stderr and fail.
func TestNimadmFlags(t *testing.T) {
	l := newLab(t, faultConfig(""))
	for _, cmd := range []string{
		"nimadm -H -c a1 -s spot73 -l lpp73 -d hdisk1 -Y",
		"nimadm -X -c a1 -s spot73 -l lpp73 -d hdisk1 -Y",
		"nimadm -c a1 -s spot73 -d hdisk1 -Y",
		"nimadm -c a1 -s spot73 -l lpp73 -d hdisk1 -Y -B -r",
		"nimadm -C -c a1",
	} {
		r := run(t, l, "nim73", cmd)
		if r.rc == 0 || !strings.Contains(r.err, "Usage nimadm:") || r.out != "" {
			t.Errorf("%s: exit %d stdout %q stderr %q", cmd, r.rc, r.out, r.err)
		}
	}
	r := run(t, l, "nim73", "nimadm -c a1 -s spot73 -l lpp73 -d hdisk1 -Y -B -j nimadmvg -V -D -P 1,2,3,4,5,6,7,8,9,10,11,12")
	if r.rc != 0 {
		t.Fatalf("accepted flags: exit %d\n%s%s", r.rc, r.out, r.err)
	}
	if strings.Contains(r.out, "Bootlist is set") || mustRun(t, l, "a1", "bootlist -m normal -o") != "hdisk0 blv=hd5 pathid=0\n" {
		t.Error("-B changed the bootlist")
	}
}

// TestLoadPenalty: more runs than the master's capacity slow phases 5-8.
func TestLoadPenalty(t *testing.T) {
	l := newLab(t, faultConfig(""))
	m := l.hosts["nim73"]
	r := &migration{lab: l, m: m, o: nimadmOpts{cacheVG: "nimadmvg"}, usedGB: 20}
	base := r.phaseSeconds(6)
	if base != 1800 {
		t.Errorf("phase 6 = %v s, want 1800", base)
	}
	total := 0.0
	for n := 1; n <= 12; n++ {
		total += r.phaseSeconds(n)
	}
	if total < 3000 || total > 5000 {
		t.Errorf("20 GB run = %v s, want about an hour", total)
	}
	m.mu.Lock()
	for i := 0; i < 8; i++ {
		m.runs[string(rune('a'+i))] = &nimadmRun{}
	}
	m.mu.Unlock()
	if got := r.phaseSeconds(6); got != 2*base {
		t.Errorf("phase 6 with 8 runs on capacity 4 = %v, want %v", got, 2*base)
	}
}

package sim

import (
	"bytes"
	"strings"
	"testing"
)

// TestMultibosSetupNoSpace: multibos -sX on a full rootvg fails with the
// FRNOTES messages (multibos.md §5.2) and removes what it created.
func TestMultibosSetupNoSpace(t *testing.T) {
	l := newLab(t, faultConfig(FaultRootvgFull))
	before := l.Snapshot("a1")
	r := run(t, l, "a1", "multibos -sX")
	if r.rc == 0 {
		t.Fatalf("multibos -sX succeeded on a full rootvg:\n%s", r.out)
	}
	for _, want := range []string{
		"Setup Operation\n",
		allocpMsg + "0516-822 mklv: Unable to create logical volume.\nbosinst_mkobject: failed command: /usr/sbin/mklv  -o n",
		"multibos: 0565-003 Error creating logical volumes.\nmultibos: 0565-035 Error setting up standby BOS.\n",
		"Removing all standby BOS logical volumes ...\n",
		"Log file is /etc/multibos/logs/op.alog\nReturn Status: FAILURE\n",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q\n%s", want, r.out)
		}
	}
	// Only the standby mount-point directories may remain.
	for _, d := range snapshotDiff(before, l.Snapshot("a1")) {
		if !strings.Contains(d, "dir /bos_inst") {
			t.Errorf("unexpected change: %q", d)
		}
	}
	// Preview changes nothing at all.
	l2 := newLab(t, faultConfig(""))
	before = l2.Snapshot("a1")
	if out := mustRun(t, l2, "a1", "multibos -sXp"); !strings.HasSuffix(out, "Return Status = SUCCESS\n") {
		t.Errorf("preview:\n%s", out)
	}
	if after := l2.Snapshot("a1"); after != before {
		t.Errorf("preview changed the host: %v", snapshotDiff(before, after))
	}
	// Setup sets the bootlist to the standby BLV unless -t.
	mustRun(t, l2, "a1", "multibos -sX")
	if got := mustRun(t, l2, "a1", "bootlist -m normal -o"); got != "hdisk0 blv=bos_hd5 pathid=0\n" {
		t.Errorf("bootlist after setup = %q", got)
	}
}

// TestSnapshotShowsOnlyTheFix: rm -r /bos_inst changes exactly one entry.
func TestSnapshotShowsOnlyTheFix(t *testing.T) {
	l := scenarioLab(t, "seed")
	before := l.Snapshot("lpar1")
	mustRun(t, l, "lpar1", "rm -r /bos_inst")
	d := snapshotDiff(before, l.Snapshot("lpar1"))
	if len(d) != 1 || d[0] != "-    dir /bos_inst" {
		t.Errorf("diff = %q", d)
	}
	if l.Snapshot("nosuch") != "" {
		t.Error("snapshot of an unknown host")
	}
}

func TestTrace(t *testing.T) {
	l := newLab(t, faultConfig(""))
	var buf bytes.Buffer
	l.trace = &buf
	mustRun(t, l, "a1", "oslevel -s | grep 72")
	got := buf.String()
	for _, want := range []string{"sim: a1: $ oslevel -s | grep 72\n", "sim: a1: oslevel -s -> 0\n", "sim: a1: grep 72 -> 0\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("trace lacks %q:\n%s", want, got)
		}
	}
}

// TestCrshFailures: c_rsh refuses with a message and non-zero status when
// the client is down, not in NIM, or its remote shell is broken.
func TestCrshFailures(t *testing.T) {
	l := newLab(t, faultConfig(FaultNimshDown))
	const crsh = "/usr/lpp/bos.sysmgt/nim/methods/c_rsh "
	for _, tc := range []struct{ client, want string }{
		{"a1", "Connection refused"},
		{"nosuch", `0042-053 c_rsh: there is no NIM object named "nosuch"`},
	} {
		if r := run(t, l, "nim73", crsh+tc.client+" hostname"); r.rc == 0 || !strings.Contains(r.err, tc.want) {
			t.Errorf("c_rsh %s = %+v", tc.client, r)
		}
	}
	l.SetDown("a2", true)
	if r := run(t, l, "nim73", crsh+"a2 hostname"); r.rc == 0 || !strings.Contains(r.err, "timed out") {
		t.Errorf("c_rsh to a down client = %+v", r)
	}
	mustRun(t, l, "a1", "startsrc -s nimsh")
	if got := mustRun(t, l, "nim73", crsh+"a1 'oslevel -s; false; echo rc=$?'"); got != "7200-05-07-2346\nrc=1\n" {
		t.Errorf("c_rsh after startsrc = %q", got)
	}
}

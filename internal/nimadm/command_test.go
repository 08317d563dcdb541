package nimadm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func testClient(mod func(*inventory.Host)) *inventory.Host {
	inv := &inventory.Inventory{}
	m := inv.AddMaster(inventory.Host{Name: "nim1"})
	h := inventory.Host{Name: "lpar1", Disks: []string{"hdisk1"}, SPOT: "spotaix710101", LPPSource: "lpp_sourceaix710101", CacheVG: "nimadmvg"}
	if mod != nil {
		mod(&h)
	}
	return inv.AddClient(m, h)
}

func TestCommand(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*inventory.Host)
		want string
		err  []string
	}{
		{name: "GIBSON's run", want: "/usr/sbin/nimadm -c lpar1 -l lpp_sourceaix710101 -s spotaix710101 -j nimadmvg -Y -d hdisk1"},
		{name: "NFS mode", mod: func(h *inventory.Host) { h.CacheVG = "" }, want: "/usr/sbin/nimadm -c lpar1 -l lpp_sourceaix710101 -s spotaix710101 -Y -d hdisk1"},
		{name: "two disks", mod: func(h *inventory.Host) { h.Disks = []string{"hdisk1", "hdisk2"} }, want: "/usr/sbin/nimadm -c lpar1 -l lpp_sourceaix710101 -s spotaix710101 -j nimadmvg -Y -d 'hdisk1 hdisk2'"},
		{name: "NIM name differs", mod: func(h *inventory.Host) { h.NIMName = "lpar1_nim" }, want: "/usr/sbin/nimadm -c lpar1_nim -l lpp_sourceaix710101 -s spotaix710101 -j nimadmvg -Y -d hdisk1"},
		{
			name: "every problem at once",
			mod: func(h *inventory.Host) {
				h.SPOT, h.LPPSource, h.Disks, h.CacheVG = "spot;rm", "-lpp", nil, "vg one"
			},
			err: []string{"nimadm command for lpar1", "lpp_source", "spot", "disks", "cache vg"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Command(testClient(c.mod))
			if c.err != nil {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				for _, w := range c.err {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("got %q, %v\nwant %q", got, err, c.want)
			}
		})
	}
	if _, err := Command(testClient(nil).Master); err == nil {
		t.Error("a master: no error")
	}
}

func TestCleanupCommand(t *testing.T) {
	got, err := CleanupCommand(testClient(nil))
	if want := "/usr/sbin/nimadm -C -c lpar1 -s spotaix710101"; got != want || err != nil {
		t.Errorf("got %q, %v, want %q", got, err, want)
	}
}

func TestFilesFor(t *testing.T) {
	f, err := FilesFor(testClient(nil), "", "r20260301-1", 2)
	if err != nil {
		t.Fatal(err)
	}
	want := Files{Dir: DefaultDir, Log: DefaultDir + "/lpar1.r20260301-1.2.log", RC: DefaultDir + "/lpar1.r20260301-1.2.rc", PID: DefaultDir + "/lpar1.r20260301-1.2.pid"}
	if d := cmp.Diff(want, f); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, bad := range []struct {
		dir, run string
		n        int
	}{{"", "r 1", 1}, {"", "-r", 1}, {"", "", 1}, {"", "r1", 0}, {"relative", "r1", 1}, {"/a/../b", "r1", 1}} {
		if _, err := FilesFor(testClient(nil), bad.dir, bad.run, bad.n); err == nil {
			t.Errorf("FilesFor(%q, %q, %d): no error", bad.dir, bad.run, bad.n)
		}
	}
}

const wantStart = `/usr/bin/mkdir -p /var/adm/ras/nimfleet || exit 1; /usr/bin/nohup /usr/bin/sh -c 'LC_ALL=C /usr/sbin/nimadm -c lpar1 -l lpp_sourceaix710101 -s spotaix710101 -j nimadmvg -Y -d '\''hdisk1 hdisk2'\'' > /var/adm/ras/nimfleet/lpar1.r1.1.log 2>&1; echo $? > /var/adm/ras/nimfleet/lpar1.r1.1.rc' < /dev/null > /dev/null 2>&1 & echo $! > /var/adm/ras/nimfleet/lpar1.r1.1.pid; echo $!`

func TestStartLine(t *testing.T) {
	h := testClient(func(h *inventory.Host) { h.Disks = []string{"hdisk1", "hdisk2"} })
	f, err := FilesFor(h, "", "r1", 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := StartLine(h, f)
	if err != nil {
		t.Fatal(err)
	}
	if got != wantStart {
		t.Errorf("got\n%s\nwant\n%s", got, wantStart)
	}
}

// TestLinesParse: every line this package sends parses in the lab's ksh
// subset (shell.Check) and with the system's /bin/sh -n.
func TestLinesParse(t *testing.T) {
	h := testClient(func(h *inventory.Host) { h.Disks = []string{"hdisk1", "hdisk2"} })
	f, _ := FilesFor(h, "", "r1", 1)
	start, _ := StartLine(h, f)
	cmd, _ := Command(h)
	cleanup, _ := CleanupCommand(h)
	lines := map[string]string{
		"start": start, "command": cmd, "cleanup": cleanup, "poll": PollLine(f, 4242, 1234),
		"tail": TailLine(f.Log, 0), "cat": CatLine(f.RC), "alive": AliveLine(17), "kill": KillLine(17, 19), "ps": PsLine,
	}
	sh, shErr := exec.LookPath("sh")
	for name, line := range lines {
		if err := shell.Check(line); err != nil {
			t.Errorf("%s: shell.Check: %v\n%s", name, err, line)
		}
		if shErr != nil {
			continue
		}
		p := filepath.Join(t.TempDir(), name+".sh")
		if err := os.WriteFile(p, []byte(line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(sh, "-n", p).CombinedOutput(); err != nil {
			t.Errorf("%s: sh -n: %v: %s\n%s", name, err, out, line)
		}
	}
	if shErr != nil {
		t.Logf("no sh on PATH: only shell.Check ran")
	}
}

func TestProbeLines(t *testing.T) {
	f := Files{Log: "/v/l.log", RC: "/v/l.rc"}
	for _, c := range []struct{ got, want string }{
		{TailLine("/v/l.log", 0), "/usr/bin/tail -c +1 /v/l.log"},
		{TailLine("/v/l.log", 4096), "/usr/bin/tail -c +4097 /v/l.log"},
		{AliveLine(4242), "/usr/bin/kill -0 4242"},
		{KillLine(4242, 4244), "/usr/bin/kill 4242 4244"},
		{PollLine(f, 4242, 10), `/usr/bin/kill -0 4242 > /dev/null 2>&1; echo "@@nimfleet alive=$?"; /usr/bin/cat /v/l.rc 2> /dev/null; echo '@@nimfleet log'; /usr/bin/tail -c +11 /v/l.log 2> /dev/null`},
		// pid unknown: never alive (kill -0 0 would probe the shell's own
		// process group), so only the exit-status file decides.
		{PollLine(f, 0, 10), `false > /dev/null 2>&1; echo "@@nimfleet alive=$?"; /usr/bin/cat /v/l.rc 2> /dev/null; echo '@@nimfleet log'; /usr/bin/tail -c +11 /v/l.log 2> /dev/null`},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestParsePoll(t *testing.T) {
	cases := []struct {
		name string
		out  string
		want PollResult
		err  string
	}{
		{"running", "@@nimfleet alive=0\n@@nimfleet log\nline 1\npart", PollResult{Alive: true, Log: []byte("line 1\npart")}, ""},
		{"ended", "@@nimfleet alive=1\n0\n@@nimfleet log\n", PollResult{Exited: true, ExitCode: 0, Log: []byte{}}, ""},
		{"failed", "@@nimfleet alive=1\n1\n@@nimfleet log\nx\n", PollResult{Exited: true, ExitCode: 1, Log: []byte("x\n")}, ""},
		{"vanished", "@@nimfleet alive=1\n@@nimfleet log\n", PollResult{Log: []byte{}}, ""},
		{"log quoting the marker", "@@nimfleet alive=0\n@@nimfleet log\n@@nimfleet log\n", PollResult{Alive: true, Log: []byte("@@nimfleet log\n")}, ""},
		{"garbage", "ksh: lab: something\n", PollResult{}, "does not start"},
		{"bad rc", "@@nimfleet alive=1\nrc\n@@nimfleet log\n", PollResult{}, "bad exit status"},
		{"no log marker", "@@nimfleet alive=1\n", PollResult{}, "no log marker"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParsePoll([]byte(c.out))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("got %v, want error %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParsePID(t *testing.T) {
	if pid, err := ParsePID([]byte("1234567\n")); pid != 1234567 || err != nil {
		t.Errorf("got %d, %v", pid, err)
	}
	for _, bad := range []string{"", "\n", "abc\n", "1\n"} {
		if _, err := ParsePID([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

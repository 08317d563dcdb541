package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/transport"
	"github.com/nimfleet/nimfleet/internal/transport/transporttest"
)

func bigOutput(n int) string { return fmt.Sprintf("dd if=/dev/zero bs=%d count=1 2>/dev/null", n) }

func TestConformance(t *testing.T) {
	r := newRunner(t)
	transporttest.Run(t, transporttest.Harness{
		Runner:        r,
		Host:          "nim01",
		UnknownHost:   "lpar1",
		HangLine:      "sleep 300",
		BigOutputLine: bigOutput,
	})
}

// TestConformanceViaMaster runs the suite against ViaMaster over the local
// runner, with c_rsh replaced by a shell function (see fakeCRsh).
func TestConformanceViaMaster(t *testing.T) {
	r := newRunner(t)
	route := func(client string) (string, string, error) {
		if client != "lpar1.example.com" {
			return "", "", fmt.Errorf("%w: %s is not reached via a master", transport.ErrUnknownHost, client)
		}
		return "nim01", "lpar1", nil
	}
	transporttest.Run(t, transporttest.Harness{
		Runner:        transport.ViaMaster(fakeCRsh(r), route),
		Host:          "lpar1.example.com",
		UnknownHost:   "nosuchhost",
		HangLine:      "sleep 300",
		BigOutputLine: bigOutput,
	})
}

// fakeCRsh runs c_rsh lines on r with c_rsh replaced by a shell function
// that runs its second argument in a fresh shell, as rsh and nimsh do on
// the client.
func fakeCRsh(r *Runner) transport.Runner {
	sh := DefaultShell()
	return transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		c.Line = "c_rsh() { " + sh + " -c \"$2\"; }; c_rsh" + strings.TrimPrefix(c.Line, cmdline.CRshPath)
		return r.Run(ctx, c)
	})
}

func newRunner(t *testing.T) *Runner {
	t.Helper()
	if _, err := os.Stat(DefaultShell()); err != nil {
		t.Skipf("no %s: %v", DefaultShell(), err)
	}
	return New("nim01")
}

func TestRun(t *testing.T) {
	r := newRunner(t)
	tests := []struct {
		name       string
		line       string
		wantStdout string
		wantStderr string
		wantExit   int
	}{
		{"stdout", "echo hello", "hello\n", "", 0},
		{"stderr and exit", "echo oops >&2; exit 3", "", "oops\n", 3},
		{"locale", `echo "$LANG $LC_ALL"`, "C C\n", "", 0},
		{"no stdin", "cat", "", "", 0},
		{"killed by signal", "kill -9 $$", "", "", 137},
		{"built line", cmdline.Build("printf", `%s|`, "a b", "$(id)", "it's"), "a b|$(id)|it's|", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.Run(context.Background(), transport.Command{Host: "nim01", Line: tt.line})
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Stdout) != tt.wantStdout || string(res.Stderr) != tt.wantStderr || res.ExitCode != tt.wantExit {
				t.Errorf("got (%q, %q, %d), want (%q, %q, %d)", res.Stdout, res.Stderr, res.ExitCode, tt.wantStdout, tt.wantStderr, tt.wantExit)
			}
		})
	}
}

func TestRunWrongHost(t *testing.T) {
	r := New("nim01")
	_, err := r.Run(context.Background(), transport.Command{Host: "lpar1", Line: "echo hi"})
	if !errors.Is(err, transport.ErrUnknownHost) {
		t.Errorf("got %v, want ErrUnknownHost", err)
	}
}

// withWaitForever makes Run wait until every process holding the output
// open is gone, so that a prompt return proves the process group died.
func withWaitForever(t *testing.T) {
	old := waitDelay
	waitDelay = 0
	t.Cleanup(func() { waitDelay = old })
}

func TestRunTimeoutKillsProcessGroup(t *testing.T) {
	r := newRunner(t)
	withWaitForever(t)
	// The background sleep keeps stdout open; unless the whole group is
	// killed, Run would wait for it.
	res, err := r.Run(context.Background(), transport.Command{
		Host: "nim01", Line: "echo before; sleep 300 & sleep 300; echo after", Timeout: 50 * time.Millisecond,
	})
	if !errors.Is(err, transport.ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if string(res.Stdout) != "before\n" || res.ExitCode != -1 {
		t.Errorf("got stdout %q, exit %d; want the output before the kill and -1", res.Stdout, res.ExitCode)
	}
	if want := `host nim01: run "echo before; sleep 300 & sleep 300; echo after": command timed out: killed after 50ms`; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

func TestRunDefaultTimeout(t *testing.T) {
	r := newRunner(t)
	r.Timeout = 50 * time.Millisecond
	if _, err := r.Run(context.Background(), transport.Command{Host: "nim01", Line: "sleep 300"}); !errors.Is(err, transport.ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
}

func TestRunCancel(t *testing.T) {
	r := newRunner(t)
	withWaitForever(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := r.Run(ctx, transport.Command{Host: "nim01", Line: "echo go; sleep 300 & sleep 300"})
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestRunOutputCap(t *testing.T) {
	r := newRunner(t)
	withWaitForever(t)
	tests := []struct {
		name    string
		line    string
		max     int
		wantErr bool
	}{
		{"endless output is cut and killed", "while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done", 1000, true},
		{"both streams count", "echo 12345; echo 67890 >&2", 11, true},
		{"exactly the cap", "printf 1234567890", 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.Run(context.Background(), transport.Command{Host: "nim01", Line: tt.line, MaxOutput: tt.max})
			if got := errors.Is(err, transport.ErrOutputTooLarge); got != tt.wantErr {
				t.Fatalf("got error %v, want ErrOutputTooLarge %v", err, tt.wantErr)
			}
			if tt.wantErr && (res.Stdout != nil || res.Stderr != nil) {
				t.Errorf("kept output %q %q with ErrOutputTooLarge, want none", res.Stdout, res.Stderr)
			}
		})
	}
}

func TestCEnv(t *testing.T) {
	got := cEnv([]string{"PATH=/bin", "LANG=fr_FR", "LC_MESSAGES=fr_FR", "LC_ALL=de_DE", "HOME=/root"})
	want := "PATH=/bin HOME=/root LANG=C LC_ALL=C"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestViaMasterLocally runs the via-master decorator over the local runner,
// with c_rsh replaced by a shell function that runs its second argument in
// a fresh shell, as rsh and nimsh do on the client.
func TestViaMasterLocally(t *testing.T) {
	r := newRunner(t)
	via := transport.ViaMaster(fakeCRsh(r), func(client string) (string, string, error) { return "nim01", "lpar1", nil })
	tests := []struct {
		name       string
		line       string
		wantStdout string
		wantExit   int
	}{
		{"exit status", "echo out; exit 4", "out\n", 4},
		{"quoted args survive twice", cmdline.Build("printf", `%s|`, "hdisk1 hdisk2", "it's", "$(reboot)", "`id`"), "hdisk1 hdisk2|it's|$(reboot)|`id`|", 0},
		{"locale", `echo "$LC_ALL"`, "C\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := via.Run(context.Background(), transport.Command{Host: "lpar1", Line: tt.line})
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Stdout) != tt.wantStdout || res.ExitCode != tt.wantExit {
				t.Errorf("got (%q, %d), want (%q, %d)", res.Stdout, res.ExitCode, tt.wantStdout, tt.wantExit)
			}
		})
	}
	// A c_rsh that dies before the client's shell prints the trailer.
	broken := transport.ViaMaster(transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		c.Line = "echo 'c_rsh: cannot reach lpar1' >&2; exit 1"
		return r.Run(ctx, c)
	}), func(string) (string, string, error) { return "nim01", "lpar1", nil })
	if _, err := broken.Run(context.Background(), transport.Command{Host: "lpar1", Line: "true"}); !errors.Is(err, transport.ErrConnLost) {
		t.Errorf("got %v, want ErrConnLost", err)
	}
}

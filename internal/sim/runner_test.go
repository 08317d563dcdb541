package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

func TestRunnerContract(t *testing.T) {
	l := newLab(t, faultConfig(""))
	r := l.Runner()
	ctx := context.Background()

	if _, err := r.Run(ctx, transport.Command{Host: "nope", Line: "true"}); !errors.Is(err, transport.ErrUnknownHost) {
		t.Errorf("unknown host: %v", err)
	}
	res, err := r.Run(ctx, transport.Command{Host: "a1", Line: "ls /nonexistent"})
	if err != nil || res.ExitCode != 2 || !strings.Contains(string(res.Stderr), "0653-341") {
		t.Errorf("non-zero exit must be a result: %+v %v", res, err)
	}
	// Timeout: a hung command is killed, partial output kept.
	l.SetHang("a1", "lsvg", true)
	res, err = r.Run(ctx, transport.Command{Host: "a1", Line: "echo before; lsvg rootvg", Timeout: 20 * time.Millisecond})
	if !errors.Is(err, transport.ErrTimeout) || res.ExitCode != -1 || string(res.Stdout) != "before\n" {
		t.Errorf("timeout: %+v %v", res, err)
	}
	l.SetHang("a1", "lsvg", false)
	// Output cap.
	if _, err := r.Run(ctx, transport.Command{Host: "a1", Line: "lslpp -L", MaxOutput: 100}); !errors.Is(err, transport.ErrOutputTooLarge) {
		t.Errorf("max output: %v", err)
	}
	// Down and unreachable hosts.
	if err := l.SetDown("a2", true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(ctx, transport.Command{Host: "a2", Line: "true"}); !errors.Is(err, transport.ErrUnreachable) || !transport.IsTransient(err) {
		t.Errorf("down host: %v", err)
	}
	if got := mustRun(t, l, "nim73", "lsnim -l a2 | grep Mstate"); !strings.Contains(got, "not running") {
		t.Errorf("Mstate of a powered-off client: %s", got)
	}
	l.SetDown("a2", false)
	if _, err := r.Run(ctx, transport.Command{Host: "a2", Line: "true"}); err != nil {
		t.Errorf("after power on: %v", err)
	}
	l.SetUnreachable("a2", true)
	if _, err := r.Run(ctx, transport.Command{Host: "a2", Line: "true"}); !errors.Is(err, transport.ErrUnreachable) {
		t.Errorf("unreachable host: %v", err)
	}
	l.SetUnreachable("a2", false)
	// A host going down under a running command loses the connection.
	started := make(chan struct{})
	l.SetCommandHook("a2", "sleep", func(ctx context.Context, _ string, _ []string) (int, bool) {
		close(started)
		<-ctx.Done()
		return 143, true
	})
	go func() { <-started; l.SetDown("a2", true) }()
	if _, err := r.Run(ctx, transport.Command{Host: "a2", Line: "sleep 600"}); !errors.Is(err, transport.ErrConnLost) {
		t.Errorf("host lost mid-command: %v", err)
	}
	// shutdown -r returns normally; the host is then down for a while.
	l.SetDown("a2", false)
	res, err = r.Run(ctx, transport.Command{Host: "a2", Line: "shutdown -Fr", Mutates: true})
	if err != nil || res.ExitCode != 0 || !strings.Contains(string(res.Stdout), "SHUTDOWN PROGRAM") {
		t.Errorf("shutdown -Fr: %+v %v", res, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := l.WaitUp(wctx, "a2"); err != nil {
		t.Fatal(err)
	}
}

func TestHooksAndLatency(t *testing.T) {
	l := newLab(t, faultConfig(""))
	l.SetCommandHook("", "oslevel", func(context.Context, string, []string) (int, bool) { return 7, true })
	if r := run(t, l, "a1", "oslevel -s"); r.rc != 7 || r.out != "" {
		t.Errorf("hooked oslevel = %+v", r)
	}
	l.SetCommandHook("", "oslevel", nil)
	l.SetLatency("a1", "oslevel", time.Hour) // an hour of lab time is microseconds here
	if got := mustRun(t, l, "a1", "oslevel -s"); got != "7200-05-07-2346\n" {
		t.Errorf("oslevel = %q", got)
	}
}

func TestShellIntegration(t *testing.T) {
	l := newLab(t, faultConfig(""))
	out := mustRun(t, l, "a1", "lsvg -o > /tmp/vgs; cat /tmp/vgs; echo x >> /tmp/vgs; tail -c +1 /tmp/vgs; /usr/sbin/lsvg | /usr/bin/grep -c rootvg")
	if out != "rootvg\nrootvg\nx\n1\n" {
		t.Errorf("redirections and pipes: %q", out)
	}
	if r := run(t, l, "a1", "/usr/bin/nonesuch"); r.rc != 127 {
		t.Errorf("unknown path: %+v", r)
	}
	if r := run(t, l, "a1", "lsvg -z"); r.rc == 0 || !strings.Contains(r.err, "Not a recognized flag: z") || !strings.Contains(r.err, "Usage: lsvg") {
		t.Errorf("bad flag: %+v", r)
	}
	// A foreground command killed with the session.
	ctx, cancel := context.WithCancel(context.Background())
	l.SetCommandHook("a1", "sleep", func(ctx context.Context, _ string, _ []string) (int, bool) {
		cancel()
		return 0, false
	})
	if rc := l.Exec(ctx, "a1", "sleep 36000", nil, nil, nil); rc != 143 {
		t.Errorf("killed sleep: exit %d", rc)
	}
}

// BenchmarkNewLab200 builds a generated 200-client, 4-master lab.
func BenchmarkNewLab200(b *testing.B) {
	cfg := Generate(GenOptions{Clients: 200, Masters: 4, Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		l, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		l.Close()
	}
}

// BenchmarkRunnerParallel runs read-only preflight commands on random hosts
// of a 200-client lab through the in-memory Runner, concurrently.
func BenchmarkRunnerParallel(b *testing.B) {
	cfg := Generate(GenOptions{Clients: 200, Masters: 4, Seed: 1, FaultRate: -1})
	cfg.TimeScale = 1e9
	l, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	r := l.Runner()
	lines := []string{"oslevel -s", "lsvg rootvg", "lspv", "lslpp -Lcq", "bootlist -m normal -o; echo rc=$?", "ls -ld /bos_inst; lsvg -l rootvg"}
	var mu sync.Mutex
	seed := uint64(0)
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		seed++
		rng := rand.New(rand.NewPCG(seed, seed))
		mu.Unlock()
		for pb.Next() {
			host := fmt.Sprintf("lpar%03d", 1+rng.IntN(200))
			if _, err := r.Run(context.Background(), transport.Command{Host: host, Line: lines[rng.IntN(len(lines))]}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkNimadmRun is one full nimadm migration (time scaled away).
func BenchmarkNimadmRun(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		cfg := faultConfig("")
		cfg.TimeScale = 1e12
		l, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if rc := l.Exec(context.Background(), "nim73", nimadm73, nil, nil, nil); rc != 0 {
			b.Fatalf("exit %d", rc)
		}
		b.StopTimer()
		l.Close()
		b.StartTimer()
	}
}

package sshrun_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
	"github.com/nimfleet/nimfleet/internal/transport/sshrun"
	"github.com/nimfleet/nimfleet/internal/transport/transporttest"
)

func TestConformance(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1", "lpar2", "lpar3", "lpar-down")
	l.back.SetUp("lpar-down", false)
	r := newRunner(t, l.config())
	transporttest.Run(t, transporttest.Harness{
		Runner:        r,
		Host:          "lpar1",
		Hosts:         []string{"lpar2", "lpar3"},
		UnknownHost:   "nosuchhost",
		DownHost:      "lpar-down",
		HangLine:      "hang",
		BigOutputLine: func(n int) string { return fmt.Sprintf("bigout %d", n) },
	})
}

func TestErrorMessage(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	r := newRunner(t, l.config())
	l.srv.SetFaults("lpar1", simssh.Faults{Drop: true})
	_, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "lsvg -o"})
	ep, _ := l.srv.Endpoint("lpar1")
	// The OS may add why the socket closed ("read: connection reset by
	// peer") between the two fixed parts.
	prefix := fmt.Sprintf(`host lpar1: run "lsvg -o": connection lost: connection to %s closed`, ep.Addr)
	const suffix = " before the command exited"
	if err == nil || !strings.HasPrefix(err.Error(), prefix) || !strings.HasSuffix(err.Error(), suffix) {
		t.Errorf("got  %v\nwant %s...%s", err, prefix, suffix)
	}
	var he *transport.HostError
	if !errors.As(err, &he) || he.Host != "lpar1" {
		t.Errorf("error is not a *transport.HostError for lpar1: %#v", err)
	}
}

// TestConnectionReuse: one login per host however many commands, and
// concurrent first commands share one dial.
func TestConnectionReuse(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1", "lpar2")
	r := newRunner(t, l.config())
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			host := []string{"lpar1", "lpar2"}[i%2]
			if res, err := r.Run(t.Context(), transport.Command{Host: host, Line: "echo hi"}); err != nil || string(res.Stdout) != "hi\n" {
				t.Errorf("run %d: %q, %v", i, res.Stdout, err)
			}
		})
	}
	wg.Wait()
	for range 10 {
		if _, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range []string{"lpar1", "lpar2"} {
		if st := l.srv.Stats(h); st.Logins != 1 || st.Conns != 1 {
			t.Errorf("%s: %+v, want 1 connection and 1 login", h, st)
		}
	}
}

// TestRedial: a connection the host dropped is replaced on the next
// command, which succeeds.
func TestRedial(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	r := newRunner(t, l.config())
	run := func() {
		t.Helper()
		if res, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "echo hi"}); err != nil || string(res.Stdout) != "hi\n" {
			t.Fatalf("got %q, %v", res.Stdout, err)
		}
	}
	run()
	l.srv.Disconnect("lpar1")
	run()
	if st := l.srv.Stats("lpar1"); st.Logins != 2 {
		t.Errorf("got %d logins, want 2", st.Logins)
	}
}

// TestReboot: while a host is down commands fail as unreachable
// (transient), and once it is back they work again.
func TestReboot(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	r := newRunner(t, l.config())
	cmd := transport.Command{Host: "lpar1", Line: "echo up"}
	if _, err := r.Run(t.Context(), cmd); err != nil {
		t.Fatal(err)
	}
	l.back.SetUp("lpar1", false)
	l.srv.Disconnect("lpar1")
	for _, f := range []simssh.Faults{{}, {Refuse: true}, {Offline: true}} {
		l.srv.SetFaults("lpar1", f)
		_, err := r.Run(t.Context(), cmd)
		if !errors.Is(err, transport.ErrUnreachable) || !transport.IsTransient(err) {
			t.Errorf("%+v: got %v, want a transient ErrUnreachable", f, err)
		}
	}
	l.srv.SetFaults("lpar1", simssh.Faults{})
	l.back.SetUp("lpar1", true)
	if res, err := r.Run(t.Context(), cmd); err != nil || string(res.Stdout) != "up\n" {
		t.Errorf("after reboot: %q, %v", res.Stdout, err)
	}
}

// TestConnectTimeout: a host that accepts TCP but never speaks SSH is
// unreachable once the connect timeout passes.
func TestConnectTimeout(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	l.srv.SetFaults("lpar1", simssh.Faults{Stall: true})
	cfg := l.config()
	cfg.ConnectTimeout = 20 * time.Millisecond
	_, err := newRunner(t, cfg).Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"})
	if !errors.Is(err, transport.ErrUnreachable) || !strings.Contains(err.Error(), "no SSH handshake within 20ms") {
		t.Errorf("got %v, want ErrUnreachable after the connect timeout", err)
	}
}

func TestDropMidCommand(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	r := newRunner(t, l.config())
	const after = 10000
	l.srv.SetFaults("lpar1", simssh.Faults{Drop: true, DropAfter: after})
	res, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "bigout 1000000"})
	if !errors.Is(err, transport.ErrConnLost) || !transport.IsTransient(err) {
		t.Fatalf("got %v, want a transient ErrConnLost", err)
	}
	if res.ExitCode != -1 || len(res.Stdout) > after {
		t.Errorf("got exit %d and %d bytes, want -1 and at most %d", res.ExitCode, len(res.Stdout), after)
	}
	if !strings.HasPrefix("abcdefghijklmnopqrstuvwxyz", string(res.Stdout[:min(len(res.Stdout), 26)])) {
		t.Errorf("partial output %q is not the start of the output", res.Stdout[:min(len(res.Stdout), 40)])
	}
	l.srv.SetFaults("lpar1", simssh.Faults{})
	if _, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"}); err != nil {
		t.Errorf("after the drop: %v", err)
	}
}

// TestTimeoutKillsCommand: on timeout the runner sends KILL, and the host
// sees it.
func TestTimeoutKillsCommand(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	r := newRunner(t, l.config())
	if _, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"}); err != nil {
		t.Fatal(err) // connect first: the timeout is for the command
	}
	_, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "hang", Timeout: 50 * time.Millisecond})
	if !errors.Is(err, transport.ErrTimeout) || !strings.Contains(err.Error(), "sent KILL") {
		t.Fatalf("got %v, want ErrTimeout mentioning KILL", err)
	}
	waitFor(t, "the host to see KILL", func() bool { return strings.Contains(l.trace.String(), `exec "hang": signal KILL`) })
}

// TestHostCommandTimeout: HostConfig.CommandTimeout applies when the
// command sets none.
func TestHostCommandTimeout(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	cfg := l.config()
	hc := cfg.Hosts["lpar1"]
	hc.CommandTimeout = 20 * time.Millisecond
	cfg.Hosts = map[string]sshrun.HostConfig{"lpar1": hc}
	r := newRunner(t, cfg)
	if _, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "hang"}); !errors.Is(err, transport.ErrTimeout) {
		t.Errorf("got %v, want ErrTimeout", err)
	}
}

// TestKeepaliveDeadPeer: a host that goes silent mid-command is declared
// dead by keepalives.
func TestKeepaliveDeadPeer(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	cfg := l.config()
	cfg.KeepaliveInterval = 10 * time.Millisecond
	cfg.KeepaliveCountMax = 2
	r := newRunner(t, cfg)
	errc := make(chan error, 1)
	go func() {
		_, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "hang", Timeout: time.Hour})
		errc <- err
	}()
	waitFor(t, "the command to start", func() bool { return l.srv.Stats("lpar1").Execs == 1 })
	l.srv.SetFaults("lpar1", simssh.Faults{Stall: true})
	err := <-errc
	if !errors.Is(err, transport.ErrConnLost) || !strings.Contains(err.Error(), "did not answer keepalives") {
		t.Errorf("got %v, want ErrConnLost from keepalives", err)
	}
}

// TestSessionsPerHostCapped: the runner never opens more sessions on one
// connection than MaxSessions, so a stock sshd never refuses one.
func TestSessionsPerHostCapped(t *testing.T) {
	l := newLab(t, simssh.Options{MaxSessions: 3}, "lpar1")
	cfg := l.config()
	cfg.MaxSessions = 3
	r := newRunner(t, cfg)
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			if _, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "echo hi"}); err != nil {
				t.Errorf("run %d: %v", i, err)
			}
		})
	}
	wg.Wait()
}

// Test1000Concurrent runs 1,000 commands at once on 100 hosts (20 under the
// race detector) through one runner.
func Test1000Concurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	nHosts := 100
	if raceEnabled {
		nHosts = 20
	}
	hosts := hostNames("lpar", nHosts)
	l := newLab(t, simssh.Options{Trace: discard{}}, hosts...)
	cfg := l.config()
	// Generous: a loaded machine running the race detector is slow at key
	// exchanges. This test is about correctness under concurrency.
	cfg.ConnectTimeout = 2 * time.Minute
	cfg.MaxSessions = 1000 / nHosts
	r := newRunner(t, cfg)
	var wg sync.WaitGroup
	for i := range 1000 {
		wg.Go(func() {
			host := hosts[i%len(hosts)]
			want := fmt.Sprintf("n%d\n", i)
			res, err := r.Run(t.Context(), transport.Command{Host: host, Line: "echo n" + fmt.Sprint(i)})
			if err != nil || string(res.Stdout) != want {
				t.Errorf("%s: got %q, %v", host, res.Stdout, err)
			}
		})
	}
	wg.Wait()
	for _, h := range hosts {
		if st := l.srv.Stats(h); st.Logins != 1 || st.Execs != 1000/nHosts {
			t.Errorf("%s: %+v, want 1 login and %d execs", h, st, 1000/nHosts)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestClose(t *testing.T) {
	before := runtime.NumGoroutine()
	l := newLab(t, simssh.Options{}, "nim1", "lpar1")
	cfg := l.config()
	cfg.Hosts = map[string]sshrun.HostConfig{
		"nim1":  l.hosts["nim1"],
		"lpar1": {Address: "lpar1", ProxyJump: "nim1"},
	}
	writeFile(t, l.knownHosts, append(l.srv.KnownHosts(), []byte("lpar1 "+keyOf(l, "lpar1"))...))
	r, err := sshrun.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"nim1", "lpar1"} {
		if _, err := r.Run(t.Context(), transport.Command{Host: h, Line: "true"}); err != nil {
			t.Fatal(err)
		}
	}
	hung := make(chan error, 1)
	go func() {
		_, err := r.Run(context.Background(), transport.Command{Host: "lpar1", Line: "hang"})
		hung <- err
	}()
	waitFor(t, "the command to start", func() bool { return l.srv.Stats("lpar1").Execs == 2 })
	r.Close()
	if err := <-hung; !errors.Is(err, transport.ErrConnLost) {
		t.Errorf("command running at Close: got %v, want ErrConnLost", err)
	}
	if _, err := r.Run(t.Context(), transport.Command{Host: "nim1", Line: "true"}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Run after Close: got %v", err)
	}
	l.srv.Close()
	waitFor(t, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= before })
}

func TestNewRejectsBadConfig(t *testing.T) {
	_, err := sshrun.New(sshrun.Config{ConnectTimeout: -1, MaxSessions: -2, KnownHostsFiles: []string{"x"}})
	if err == nil || !strings.Contains(err.Error(), "connect timeout") || !strings.Contains(err.Error(), "max sessions") {
		t.Errorf("got %v, want both problems reported", err)
	}
}

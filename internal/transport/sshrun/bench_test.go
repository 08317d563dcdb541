package sshrun_test

import (
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// BenchmarkRun1000 measures one wave of 1,000 concurrent Run calls over 200
// lab hosts through one Runner (5 commands per host, so under the default
// MaxSessions). Connections are made before the timer starts.
func BenchmarkRun1000(b *testing.B) {
	const nHosts, total = 200, 1000
	hosts := hostNames("lpar", nHosts)
	l := newLab(b, simssh.Options{Trace: discard{}}, hosts...)
	cfg := l.config()
	cfg.ConnectTimeout = time.Minute
	r := newRunner(b, cfg)
	wave := func() {
		var wg sync.WaitGroup
		for i := range total {
			wg.Go(func() {
				res, err := r.Run(b.Context(), transport.Command{Host: hosts[i%nHosts], Line: "echo hello"})
				if err != nil || string(res.Stdout) != "hello\n" {
					b.Errorf("got %q, %v", res.Stdout, err)
				}
			})
		}
		wg.Wait()
	}
	wave() // connect
	start := time.Now()
	for b.Loop() {
		wave()
	}
	b.ReportMetric(float64(b.N*total)/time.Since(start).Seconds(), "runs/s")
}

// BenchmarkFirstContact measures the first command to 200 hosts at once:
// dials (coalesced, MaxConcurrentDials at a time), handshakes, commands.
func BenchmarkFirstContact(b *testing.B) {
	const nHosts = 200
	hosts := hostNames("lpar", nHosts)
	l := newLab(b, simssh.Options{Trace: discard{}}, hosts...)
	cfg := l.config()
	cfg.ConnectTimeout = time.Minute
	for b.Loop() {
		r := newRunner(b, cfg)
		var wg sync.WaitGroup
		for _, h := range hosts {
			wg.Go(func() {
				if _, err := r.Run(b.Context(), transport.Command{Host: h, Line: "true"}); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		r.Close()
	}
}

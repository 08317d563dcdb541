package simssh

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// BenchmarkExec1000 measures one wave of 1,000 concurrent exec requests
// spread over 200 hosts, one SSH connection per host (5 sessions
// multiplexed on each). Connections are set up outside the timer.
func BenchmarkExec1000(b *testing.B) {
	const nHosts, total = 200, 1000
	hosts := make([]string, nHosts)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("lpar%03d", i)
	}
	s, _ := lab(b, Options{}, hosts...)
	clients := make([]*ssh.Client, nHosts)
	for i, h := range hosts {
		clients[i] = dial(b, s, h)
	}
	start := time.Now()
	for b.Loop() {
		var wg sync.WaitGroup
		for i := range total {
			wg.Go(func() {
				if got := run(clients[i%nHosts], "echo hello", ""); got.err != nil || got.stdout != "hello\n" {
					b.Errorf("got %q, %v", got.stdout, got.err)
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.N*total)/time.Since(start).Seconds(), "execs/s")
}

// BenchmarkDial200 measures connecting and logging in to 200 hosts at once.
func BenchmarkDial200(b *testing.B) {
	const nHosts = 200
	hosts := make([]string, nHosts)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("lpar%03d", i)
	}
	s, _ := lab(b, Options{}, hosts...)
	for b.Loop() {
		var wg sync.WaitGroup
		for _, h := range hosts {
			wg.Go(func() {
				c, err := tryDial(s, h)
				if err != nil {
					b.Error(err)
					return
				}
				c.Close()
			})
		}
		wg.Wait()
	}
}

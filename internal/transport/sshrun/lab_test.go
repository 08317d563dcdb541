package sshrun_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport/sshrun"
)

// testLab is a simssh server with a ToyBackend, a key file and a
// known_hosts file for it.
type testLab struct {
	srv        *simssh.Server
	back       *simssh.ToyBackend
	dir        string
	knownHosts string
	keyFile    string
	hosts      map[string]sshrun.HostConfig
	trace      *syncBuffer
}

func newLab(t testing.TB, opts simssh.Options, hosts ...string) *testLab {
	t.Helper()
	l := &testLab{back: &simssh.ToyBackend{}, dir: t.TempDir(), hosts: map[string]sshrun.HostConfig{}, trace: &syncBuffer{}}
	if opts.Trace == nil {
		opts.Trace = l.trace
	}
	srv, err := simssh.Serve(l.back, hosts, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	l.srv = srv
	_, pem := simssh.UserKey(opts.Seed)
	l.keyFile = filepath.Join(l.dir, "id_ed25519")
	l.knownHosts = filepath.Join(l.dir, "known_hosts")
	writeFile(t, l.keyFile, pem)
	writeFile(t, l.knownHosts, srv.KnownHosts())
	for _, ep := range srv.Endpoints() {
		l.hosts[ep.Host] = sshrun.HostConfig{Address: ep.Addr}
	}
	return l
}

// config returns a runner config for the lab: its hosts, its known_hosts,
// its key, no agent.
func (l *testLab) config() sshrun.Config {
	return sshrun.Config{
		Hosts:           l.hosts,
		KnownHostsFiles: []string{l.knownHosts},
		IdentityFiles:   []string{l.keyFile},
		AgentSocket:     "none",
	}
}

func newRunner(t testing.TB, cfg sshrun.Config) *sshrun.Runner {
	t.Helper()
	r, err := sshrun.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func hostNames(prefix string, n int) []string {
	hs := make([]string, n)
	for i := range hs {
		hs[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return hs
}

// waitFor polls cond until it holds, failing after a long grace period.
// It waits for asynchronous effects; it is not a delay.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			if what == "goroutines to exit" {
				buf := make([]byte, 1<<20)
				t.Logf("%s", buf[:runtime.Stack(buf, true)])
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

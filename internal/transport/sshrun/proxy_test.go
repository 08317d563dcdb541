package sshrun_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
	"github.com/nimfleet/nimfleet/internal/transport/sshrun"
)

var readFile = os.ReadFile

// TestProxyJump reaches lpar hosts only through the NIM master, by
// inventory name and by user@host:port.
func TestProxyJump(t *testing.T) {
	l := newLab(t, simssh.Options{}, "nim1", "lpar1", "lpar2", "lpar3")
	nim, _ := l.srv.Endpoint("nim1")
	// The LPARs are known by the names the jump host resolves.
	known := string(l.srv.KnownHosts()) + "lpar1 " + keyOf(l, "lpar1") + "lpar2 " + keyOf(l, "lpar2")
	writeFile(t, l.knownHosts, []byte(known))
	cfg := l.config()
	cfg.Hosts = map[string]sshrun.HostConfig{
		"nim1":  l.hosts["nim1"],
		"lpar1": {Address: "lpar1", ProxyJump: "nim1"},
		"lpar2": {Address: "lpar2:22", ProxyJump: "root@" + nim.Addr},
		// Two hops: through nim1, then lpar1, to lpar3 by its loopback
		// address.
		"lpar3": {Address: l.hosts["lpar3"].Address, ProxyJump: "nim1,lpar1"},
	}
	r := newRunner(t, cfg)
	for _, h := range []string{"lpar1", "lpar2", "lpar3", "lpar1"} {
		res, err := r.Run(t.Context(), transport.Command{Host: h, Line: "echo on " + h})
		if err != nil || string(res.Stdout) != "on "+h+"\n" {
			t.Errorf("%s: got %q, %v", h, res.Stdout, err)
		}
	}
	// nim1 by name and by address are two connections; lpar1 is reached
	// once directly (as a target) and once as a hop (under another key).
	if st := l.srv.Stats("nim1"); st.Logins != 2 {
		t.Errorf("nim1: %+v, want 2 logins", st)
	}
	for _, h := range []string{"lpar2", "lpar3"} {
		if st := l.srv.Stats(h); st.Logins != 1 {
			t.Errorf("%s: %+v, want 1 login", h, st)
		}
	}
}

func TestProxyJumpErrors(t *testing.T) {
	l := newLab(t, simssh.Options{}, "nim1", "lpar1")
	cfg := l.config()
	cfg.Hosts = map[string]sshrun.HostConfig{
		"nim1":    l.hosts["nim1"],
		"lpar1":   {Address: "lpar1", ProxyJump: "nim1"},    // lpar1's key not on record
		"nowhere": {Address: "10.9.9.9", ProxyJump: "nim1"}, // not a lab host
		"loop1":   {ProxyJump: "loop2"},
		"loop2":   {ProxyJump: "loop1"},
	}
	r := newRunner(t, cfg)
	tests := []struct {
		host  string
		class error
		text  string
	}{
		{"lpar1", transport.ErrHostKey, "lpar1 is not in"},
		{"nowhere", transport.ErrUnreachable, "via jump host nim1"},
		{"loop1", transport.ErrUnreachable, "proxy jump loop or chain too long: loop1 -> loop2 -> loop1"},
	}
	for _, tt := range tests {
		_, err := r.Run(t.Context(), transport.Command{Host: tt.host, Line: "true"})
		if !errors.Is(err, tt.class) || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%s: got %v, want %v mentioning %q", tt.host, err, tt.class, tt.text)
		}
	}

	// The jump host's own key is checked.
	writeFile(t, l.knownHosts, []byte("lpar1 "+keyOf(l, "lpar1")))
	_, err := newRunner(t, cfg).Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"})
	if !errors.Is(err, transport.ErrHostKey) || !strings.Contains(err.Error(), "jump host nim1: host key verification failed") {
		t.Errorf("got %v, want the jump host's key rejected", err)
	}
}

package sshrun_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
	"github.com/nimfleet/nimfleet/internal/transport/sshrun"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// keyOf returns host's public key in authorized_keys form ("ssh-ed25519
// AAAA...\n").
func keyOf(l *testLab, host string) string {
	ep, _ := l.srv.Endpoint(host)
	return string(ssh.MarshalAuthorizedKey(ep.HostKey))
}

// khAddr returns host's address as known_hosts writes it.
func khAddr(l *testLab, host string) string {
	ep, _ := l.srv.Endpoint(host)
	return knownhosts.Normalize(ep.Addr)
}

func TestHostKeyUnknown(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	writeFile(t, l.knownHosts, []byte("# nothing yet\n"))
	r := newRunner(t, l.config())
	_, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"})
	var hke *sshrun.HostKeyError
	if !errors.Is(err, transport.ErrHostKey) || !errors.As(err, &hke) || len(hke.Known) != 0 {
		t.Fatalf("got %v, want an unknown-host HostKeyError", err)
	}
	msg := err.Error()
	for _, want := range []string{"host lpar1:", khAddr(l, "lpar1") + " is not in " + l.knownHosts, "--accept-new", "SHA256:", "ssh-keyscan -p "} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if transport.IsTransient(err) {
		t.Error("host key errors must not be transient")
	}
	if st := l.srv.Stats("lpar1"); st.Logins != 0 {
		t.Errorf("logged in to a host with an unverified key: %+v", st)
	}
}

func TestHostKeyMismatch(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1", "lpar2")
	// lpar1's address with lpar2's key, on line 3.
	known := "# lab\n" + khAddr(l, "lpar2") + " " + keyOf(l, "lpar2") + khAddr(l, "lpar1") + " " + keyOf(l, "lpar2")
	writeFile(t, l.knownHosts, []byte(known))
	for _, acceptNew := range []bool{false, true} {
		t.Run(fmt.Sprint("AcceptNew=", acceptNew), func(t *testing.T) {
			cfg := l.config()
			cfg.AcceptNew = acceptNew
			r := newRunner(t, cfg)
			_, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"})
			var hke *sshrun.HostKeyError
			if !errors.As(err, &hke) || len(hke.Known) != 1 || hke.Known[0].Line != 3 {
				t.Fatalf("got %v, want a mismatch against line 3", err)
			}
			if want := l.knownHosts + ":3"; !strings.Contains(err.Error(), want) {
				t.Errorf("message %q does not name %s", err, want)
			}
			if !strings.Contains(err.Error(), "ssh-keygen -R") {
				t.Errorf("message %q does not say how to remove the old key", err)
			}
			if got, _ := os.ReadFile(l.knownHosts); string(got) != known {
				t.Errorf("known_hosts changed:\n%s", got)
			}
		})
	}
}

// TestAcceptNew: unknown hosts are recorded once each, under concurrency,
// in a file (and directory) that did not exist.
func TestAcceptNew(t *testing.T) {
	hosts := hostNames("lpar", 5)
	for _, hash := range []bool{false, true} {
		t.Run(fmt.Sprint("hash=", hash), func(t *testing.T) {
			l := newLab(t, simssh.Options{}, hosts...)
			file := filepath.Join(l.dir, "new", "known_hosts")
			var logs syncBuffer
			cfg := l.config()
			cfg.KnownHostsFiles = []string{file, l.knownHosts + ".missing"}
			cfg.AcceptNew = true
			cfg.HashKnownHosts = hash
			cfg.Logf = func(format string, args ...any) { fmt.Fprintf(&logs, format+"\n", args...) }
			// Several runners at once, as several goroutines of one
			// process would race to record.
			r1, r2 := newRunner(t, cfg), newRunner(t, cfg)
			var wg sync.WaitGroup
			for i := range 100 {
				wg.Go(func() {
					r := []*sshrun.Runner{r1, r2}[i%2]
					if _, err := r.Run(t.Context(), transport.Command{Host: hosts[i%len(hosts)], Line: "true"}); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if len(lines) != len(hosts) {
				t.Errorf("got %d lines, want one per host (%d):\n%s", len(lines), len(hosts), data)
			}
			if got := strings.HasPrefix(lines[0], "|1|"); got != hash {
				t.Errorf("hashed = %v, want %v: %q", got, hash, lines[0])
			}
			if n := strings.Count(logs.String(), "added ssh-ed25519 key"); n != len(hosts) {
				t.Errorf("logged %d additions, want %d:\n%s", n, len(hosts), logs.String())
			}
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("known_hosts mode %v, %v; want 0600", fi.Mode(), err)
			}
			// A strict runner now trusts the recorded keys.
			cfg.AcceptNew = false
			r3 := newRunner(t, cfg)
			for _, h := range hosts {
				if _, err := r3.Run(t.Context(), transport.Command{Host: h, Line: "true"}); err != nil {
					t.Errorf("strict runner after accept-new: %v", err)
				}
			}
		})
	}
}

// TestKnownHostsForms: hashed entries, a second file, a missing first file
// and a HostKeyAlias.
func TestKnownHostsForms(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1", "lpar2")
	other := filepath.Join(l.dir, "ssh_known_hosts")
	writeFile(t, other, []byte(
		knownhosts.HashHostname(khAddr(l, "lpar1"))+" "+keyOf(l, "lpar1")+
			"lpar2-alias "+keyOf(l, "lpar2")))
	cfg := l.config()
	cfg.KnownHostsFiles = []string{filepath.Join(l.dir, "missing"), other}
	hc := cfg.Hosts["lpar2"]
	hc.HostKeyAlias = "lpar2-alias"
	cfg.Hosts = map[string]sshrun.HostConfig{"lpar1": cfg.Hosts["lpar1"], "lpar2": hc}
	r := newRunner(t, cfg)
	for _, h := range []string{"lpar1", "lpar2"} {
		if _, err := r.Run(t.Context(), transport.Command{Host: h, Line: "true"}); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
}

// TestHostKeyChangedOnDisk: an edit of known_hosts is seen by new
// connections without restarting the runner.
func TestHostKeyChangedOnDisk(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	writeFile(t, l.knownHosts, nil)
	r := newRunner(t, l.config())
	cmd := transport.Command{Host: "lpar1", Line: "true"}
	if _, err := r.Run(t.Context(), cmd); !errors.Is(err, transport.ErrHostKey) {
		t.Fatalf("got %v, want ErrHostKey", err)
	}
	writeFile(t, l.knownHosts, l.srv.KnownHosts())
	if _, err := r.Run(t.Context(), cmd); err != nil {
		t.Errorf("after adding the key: %v", err)
	}
}

package simssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// lab starts a server for hosts with a ToyBackend and closes it at the end
// of the test.
func lab(t testing.TB, opts Options, hosts ...string) (*Server, *ToyBackend) {
	t.Helper()
	b := &ToyBackend{}
	s, err := Serve(b, hosts, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, b
}

// clientConfig returns a client config that trusts exactly ep's host key
// and logs in with signer.
func clientConfig(ep Endpoint, signer ssh.Signer) *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User:            "root",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(ep.HostKey),
		Timeout:         10 * time.Second,
	}
}

// dial logs in to host with the lab's default user key.
func dial(t testing.TB, s *Server, host string) *ssh.Client {
	t.Helper()
	c, err := tryDial(s, host)
	if err != nil {
		t.Fatalf("dial %s: %v", host, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func tryDial(s *Server, host string) (*ssh.Client, error) {
	ep, ok := s.Endpoint(host)
	if !ok {
		return nil, fmt.Errorf("no endpoint %s", host)
	}
	signer, _ := UserKey(s.opts.Seed)
	return ssh.Dial("tcp", ep.Addr, clientConfig(ep, signer))
}

type output struct {
	stdout, stderr string
	err            error
}

// run runs line in a new session of c.
func run(c *ssh.Client, line string, stdin string) output {
	sess, err := c.NewSession()
	if err != nil {
		return output{err: err}
	}
	defer sess.Close()
	var o, e bytes.Buffer
	sess.Stdout, sess.Stderr = &o, &e
	if stdin != "" {
		sess.Stdin = strings.NewReader(stdin)
	}
	err = sess.Run(line)
	return output{o.String(), e.String(), err}
}

func exitStatus(err error) int {
	var ee *ssh.ExitError
	if errors.As(err, &ee) {
		return ee.ExitStatus()
	}
	if err == nil {
		return 0
	}
	return -1
}

func TestExec(t *testing.T) {
	s, _ := lab(t, Options{}, "lpar1")
	c := dial(t, s, "lpar1")
	tests := []struct {
		name, line, stdin string
		wantOut, wantErr  string
		wantStatus        int
	}{
		{name: "stdout", line: "echo hello", wantOut: "hello\n"},
		{name: "stderr", line: "echo oops 1>&2; exit 3", wantErr: "oops\n", wantStatus: 3},
		{name: "both", line: "echo a; echo b 1>&2; echo c", wantOut: "a\nc\n", wantErr: "b\n"},
		{name: "stdin", line: "cat", stdin: "from stdin\n", wantOut: "from stdin\n"},
		{name: "not found", line: "lsvg -o", wantErr: "ksh: lsvg:  not found.\n", wantStatus: 127},
		{name: "exit 255", line: "exit 255", wantStatus: 255},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(c, tt.line, tt.stdin)
			if got.stdout != tt.wantOut || got.stderr != tt.wantErr {
				t.Errorf("got stdout %q stderr %q, want %q %q", got.stdout, got.stderr, tt.wantOut, tt.wantErr)
			}
			if st := exitStatus(got.err); st != tt.wantStatus {
				t.Errorf("got status %d (%v), want %d", st, got.err, tt.wantStatus)
			}
		})
	}
}

func TestKeysDeterministic(t *testing.T) {
	a, b := HostKey("seed", "lpar1"), HostKey("seed", "lpar1")
	if !bytes.Equal(a.PublicKey().Marshal(), b.PublicKey().Marshal()) {
		t.Error("HostKey is not deterministic")
	}
	for _, other := range []ssh.Signer{HostKey("seed", "lpar2"), HostKey("other", "lpar1")} {
		if bytes.Equal(a.PublicKey().Marshal(), other.PublicKey().Marshal()) {
			t.Error("different (seed, host) gave the same host key")
		}
	}
	s1, pem1 := UserKey("seed")
	_, pem2 := UserKey("seed")
	if !bytes.Equal(pem1, pem2) {
		t.Error("UserKey PEM is not deterministic")
	}
	parsed, err := ssh.ParsePrivateKey(pem1)
	if err != nil {
		t.Fatalf("ParsePrivateKey(UserKey PEM): %v", err)
	}
	if !bytes.Equal(parsed.PublicKey().Marshal(), s1.PublicKey().Marshal()) {
		t.Error("UserKey PEM holds a different key than the signer")
	}
	if !bytes.HasPrefix(pem1, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n")) {
		t.Errorf("UserKey PEM starts %q", pem1[:40])
	}
}

func TestAuth(t *testing.T) {
	s, _ := lab(t, Options{Seed: "a", User: "root"}, "lpar1")
	ep := s.Endpoints()[0]
	good, _ := UserKey("a")
	bad, _ := UserKey("b")
	tests := []struct {
		name   string
		signer ssh.Signer
		user   string
		faults Faults
		ok     bool
	}{
		{"authorized", good, "root", Faults{}, true},
		{"other key", bad, "root", Faults{}, false},
		{"other user", good, "padmin", Faults{}, false},
		{"RejectAuth", good, "root", Faults{RejectAuth: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.SetFaults("lpar1", tt.faults); err != nil {
				t.Fatal(err)
			}
			cfg := clientConfig(ep, tt.signer)
			cfg.User = tt.user
			c, err := ssh.Dial("tcp", ep.Addr, cfg)
			if err == nil {
				c.Close()
			}
			if (err == nil) != tt.ok {
				t.Errorf("dial: got err %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "unable to authenticate") {
				t.Errorf("dial: got %v, want an authentication failure", err)
			}
		})
	}
}

func TestPolitelyRefused(t *testing.T) {
	s, _ := lab(t, Options{}, "lpar1")
	c := dial(t, s, "lpar1")
	tests := []struct {
		name string
		do   func(*ssh.Session) error
	}{
		{"shell", func(s *ssh.Session) error { return s.Shell() }},
		{"pty", func(s *ssh.Session) error { return s.RequestPty("vt100", 24, 80, nil) }},
		{"subsystem", func(s *ssh.Session) error { return s.RequestSubsystem("sftp") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			if err := tt.do(sess); err == nil {
				t.Errorf("%s accepted, want refused", tt.name)
			}
		})
	}
	// The connection survives the refusals.
	if got := run(c, "echo still here", ""); got.stdout != "still here\n" || got.err != nil {
		t.Errorf("after refusals: got %q, %v", got.stdout, got.err)
	}
	if _, _, err := c.OpenChannel("x11", nil); err == nil {
		t.Error("x11 channel accepted, want rejected")
	}
}

func TestKeepalive(t *testing.T) {
	s, _ := lab(t, Options{}, "lpar1")
	c := dial(t, s, "lpar1")
	ok, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
	if err != nil || ok {
		t.Errorf("keepalive: got ok=%v err=%v, want a failure reply like sshd", ok, err)
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if _, err := sess.SendRequest("keepalive@openssh.com", true, nil); err != nil {
		t.Errorf("channel keepalive: %v", err)
	}
}

func TestDownHostRefusesConnections(t *testing.T) {
	s, b := lab(t, Options{}, "lpar1")
	b.SetUp("lpar1", false)
	if _, err := tryDial(s, "lpar1"); err == nil {
		t.Fatal("dial to a down host succeeded")
	}
	if st := s.Stats("lpar1"); st.Conns != 1 || st.Logins != 0 {
		t.Errorf("stats %+v, want 1 conn, 0 logins", st)
	}
	b.SetUp("lpar1", true)
	c := dial(t, s, "lpar1")
	if got := run(c, "echo back", ""); got.stdout != "back\n" {
		t.Errorf("after reboot: got %q, %v", got.stdout, got.err)
	}
}

func TestFaultRefuseAndOffline(t *testing.T) {
	s, _ := lab(t, Options{}, "lpar1")
	for _, f := range []Faults{{Refuse: true}, {Offline: true}} {
		if err := s.SetFaults("lpar1", f); err != nil {
			t.Fatal(err)
		}
		if _, err := tryDial(s, "lpar1"); err == nil {
			t.Errorf("%+v: dial succeeded", f)
		}
	}
	if err := s.SetFaults("lpar1", Faults{}); err != nil {
		t.Fatal(err)
	}
	c := dial(t, s, "lpar1")
	if got := run(c, "echo ok", ""); got.stdout != "ok\n" {
		t.Errorf("after clearing faults: got %q, %v", got.stdout, got.err)
	}
}

func TestFaultDrop(t *testing.T) {
	tests := []struct {
		name      string
		dropAfter int
		line      string
	}{
		{"at start", 0, "echo never"},
		{"mid output", 100000, "bigout 1000000"},
		{"after a short command", 100, "echo short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := lab(t, Options{}, "lpar1")
			s.SetFaults("lpar1", Faults{Drop: true, DropAfter: tt.dropAfter})
			c := dial(t, s, "lpar1")
			got := run(c, tt.line, "")
			var ee *ssh.ExitError
			if got.err == nil || errors.As(got.err, &ee) {
				t.Fatalf("got err %v, want a connection error without exit status", got.err)
			}
			if len(got.stdout) > max(tt.dropAfter, len("short\n")) {
				t.Errorf("got %d bytes of output, want at most %d", len(got.stdout), tt.dropAfter)
			}
			if err := c.Wait(); err == nil {
				t.Error("connection still open after Drop")
			}
		})
	}
}

func TestFaultHangAndSignal(t *testing.T) {
	s, _ := lab(t, Options{}, "lpar1")
	c := dial(t, s, "lpar1")
	for _, line := range []string{"hang", "echo hung by the fault"} {
		if line != "hang" {
			s.SetFaults("lpar1", Faults{Hang: true})
		}
		t.Run(line, func(t *testing.T) {
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			execs := s.Stats("lpar1").Execs
			if err := sess.Start(line); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "exec to start", func() bool { return s.Stats("lpar1").Execs > execs })
			if err := sess.Signal(ssh.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err = sess.Wait()
			var ee *ssh.ExitError
			if !errors.As(err, &ee) || ee.Signal() != "KILL" {
				t.Errorf("got %v, want killed by signal KILL", err)
			}
		})
	}
}

func TestFaultLatencyAndHold(t *testing.T) {
	release := make(chan struct{})
	held := make(chan string, 2)
	s, _ := lab(t, Options{HoldCommand: func(ctx context.Context, host, line string) {
		if line != "echo first" {
			return
		}
		held <- line
		select {
		case <-release:
		case <-ctx.Done():
		}
	}}, "lpar1")
	s.SetFaults("lpar1", Faults{Latency: time.Millisecond})
	c := dial(t, s, "lpar1")
	first := make(chan output, 1)
	go func() { first <- run(c, "echo first", "") }()
	<-held
	// The first command is held; the second overtakes it.
	if got := run(c, "echo second", ""); got.stdout != "second\n" {
		t.Errorf("second: got %q, %v", got.stdout, got.err)
	}
	select {
	case o := <-first:
		t.Fatalf("first finished while held: %+v", o)
	default:
	}
	close(release)
	if got := <-first; got.stdout != "first\n" || got.err != nil {
		t.Errorf("first: got %q, %v", got.stdout, got.err)
	}
}

func TestFaultStall(t *testing.T) {
	s, _ := lab(t, Options{}, "lpar1")
	c := dial(t, s, "lpar1")
	s.SetFaults("lpar1", Faults{Stall: true})
	done := make(chan output, 1)
	go func() { done <- run(c, "echo after stall", "") }()
	select {
	case o := <-done:
		t.Fatalf("command finished on a stalled connection: %+v", o)
	case <-time.After(50 * time.Millisecond):
	}
	s.SetFaults("lpar1", Faults{})
	if o := <-done; o.stdout != "after stall\n" || o.err != nil {
		t.Errorf("after the stall: got %q, %v", o.stdout, o.err)
	}
}

func TestMaxSessions(t *testing.T) {
	release := make(chan struct{})
	s, _ := lab(t, Options{MaxSessions: 2, HoldCommand: func(ctx context.Context, host, line string) {
		select {
		case <-release:
		case <-ctx.Done():
		}
	}}, "lpar1")
	c := dial(t, s, "lpar1")
	var wg sync.WaitGroup
	for range 2 {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		if err := sess.Start("true"); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { sess.Wait() })
	}
	_, err := c.NewSession()
	var oce *ssh.OpenChannelError
	if !errors.As(err, &oce) || oce.Reason != ssh.Prohibited {
		t.Errorf("third session: got %v, want administratively prohibited", err)
	}
	close(release)
	wg.Wait()
}

func TestForward(t *testing.T) {
	s, _ := lab(t, Options{}, "nim1", "lpar1")
	jump := dial(t, s, "nim1")
	target, _ := s.Endpoint("lpar1")
	signer, _ := UserKey("")
	for _, addr := range []string{"lpar1:22", target.Addr} {
		t.Run(addr, func(t *testing.T) {
			nc, err := jump.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			cc, chans, reqs, err := ssh.NewClientConn(nc, addr, clientConfig(target, signer))
			if err != nil {
				t.Fatal(err)
			}
			c := ssh.NewClient(cc, chans, reqs)
			defer c.Close()
			if got := run(c, "echo via nim1", ""); got.stdout != "via nim1\n" {
				t.Errorf("got %q, %v", got.stdout, got.err)
			}
		})
	}
	for _, addr := range []string{"192.0.2.1:22", "nosuchhost:22", "127.0.0.1:1"} {
		if _, err := jump.Dial("tcp", addr); err == nil {
			t.Errorf("jump to %s accepted, want rejected", addr)
		}
	}
}

func TestDisconnect(t *testing.T) {
	s, _ := lab(t, Options{}, "lpar1")
	c := dial(t, s, "lpar1")
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Start("hang"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "exec to start", func() bool { return s.Stats("lpar1").Execs > 0 })
	s.Disconnect("lpar1")
	err = sess.Wait()
	var ee *ssh.ExitError
	if err == nil || errors.As(err, &ee) {
		t.Errorf("got %v, want a connection error", err)
	}
}

func TestTrace(t *testing.T) {
	var buf syncBuffer
	s, _ := lab(t, Options{Trace: &buf}, "lpar1")
	c := dial(t, s, "lpar1")
	run(c, "exit 4", "")
	waitFor(t, "trace line", func() bool { return strings.Contains(buf.String(), "exit 4") })
	if got := buf.String(); !strings.HasPrefix(got, `simssh: lpar1: exec "exit 4": exit 4 (`) {
		t.Errorf("trace %q", got)
	}
}

func TestServeErrors(t *testing.T) {
	if _, err := Serve(&ToyBackend{}, []string{"a", "a"}, Options{}); err == nil {
		t.Error("duplicate host accepted")
	}
	if _, err := Serve(nil, []string{"a"}, Options{}); err == nil {
		t.Error("nil backend accepted")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := Serve(&ToyBackend{}, []string{"a"}, Options{Addrs: map[string]string{"a": ln.Addr().String()}}); err == nil {
		t.Error("busy port accepted")
	}
	if err := (&Server{}).SetFaults("nosuch", Faults{}); err == nil {
		t.Error("SetFaults on unknown host accepted")
	}
}

func TestKnownHosts(t *testing.T) {
	s, _ := lab(t, Options{Seed: "k"}, "lpar1", "lpar2")
	lines := strings.Split(strings.TrimSpace(string(s.KnownHosts())), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2", len(lines))
	}
	for i, ep := range s.Endpoints() {
		_, port, _ := net.SplitHostPort(ep.Addr)
		if !strings.HasPrefix(lines[i], "[127.0.0.1]:"+port+" ssh-ed25519 ") {
			t.Errorf("line %d: %q", i, lines[i])
		}
		_, hosts, key, _, _, err := ssh.ParseKnownHosts([]byte(lines[i]))
		if err != nil || len(hosts) != 1 || !bytes.Equal(key.Marshal(), HostKey("k", ep.Host).PublicKey().Marshal()) {
			t.Errorf("line %d does not parse back: %v", i, err)
		}
	}
}

// TestManyConcurrentSessions holds 1,000 commands on 200 hosts (40 under
// the race detector) at once (HoldCommand is the barrier), then lets them
// all finish.
func TestManyConcurrentSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	nHosts := 200
	if raceEnabled {
		nHosts = 40
	}
	const total = 1000
	var (
		mu      sync.Mutex
		waiting int
		release = make(chan struct{})
	)
	hosts := make([]string, nHosts)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("lpar%03d", i)
	}
	s, _ := lab(t, Options{HoldCommand: func(ctx context.Context, host, line string) {
		mu.Lock()
		waiting++
		if waiting == total {
			close(release)
		}
		mu.Unlock()
		select {
		case <-release:
		case <-ctx.Done():
		}
	}}, hosts...)
	clients := make([]*ssh.Client, nHosts)
	for i, h := range hosts {
		clients[i] = dial(t, s, h)
	}
	errs := make(chan error, total)
	var wg sync.WaitGroup
	for i := range total {
		wg.Go(func() {
			want := fmt.Sprintf("n%d", i)
			got := run(clients[i%nHosts], "echo "+want, "")
			if got.err != nil || got.stdout != want+"\n" {
				errs <- fmt.Errorf("command %d: got %q, %v", i, got.stdout, got.err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCloseLeaksNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	b := &ToyBackend{}
	s, err := Serve(b, []string{"nim1", "lpar1", "lpar2"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := tryDial(s, "lpar1")
	if err != nil {
		t.Fatal(err)
	}
	run(c, "echo hi", "")
	// Leave a hung command, a stalled host and a tunnel open.
	sess, _ := c.NewSession()
	sess.Start("hang")
	j, err := tryDial(s, "nim1")
	if err != nil {
		t.Fatal(err)
	}
	tun, err := j.Dial("tcp", "lpar2:22")
	if err != nil {
		t.Fatal(err)
	}
	s.SetFaults("lpar2", Faults{Stall: true})
	waitFor(t, "exec to start", func() bool { return s.Stats("lpar1").Execs == 2 })

	s.Close()
	c.Close()
	j.Close()
	tun.Close()
	waitFor(t, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= before })
}

// waitFor polls cond until it holds, failing the test after a long grace
// period. It is for conditions reached asynchronously, never a delay.
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

var _ io.Writer = (*syncBuffer)(nil)

package shell

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// fuzzSeeds are scripts that reach every construct, valid or not.
var fuzzSeeds = []string{
	"",
	"echo hello world",
	"( LC_ALL=C lsvg -o ); echo rc=$?",
	`echo '@@BEGIN oslevel'; oslevel -s 2>&1; echo "@@END rc=$?"`,
	`nohup sh -c 'nimadm -c lpar1 -s spot1 -l lpp1 -d hdisk1 -Y; echo $? > /tmp/rc' > /tmp/log 2>&1 & echo $!`,
	`/usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar1 'echo '\''a b'\'''`,
	"both > /f 2>&1; both 2>&1 >/f; cat /f | cat < /f",
	"X=\"a  b\"; export Y=$X; args $X \"$X\" ${X}x $1 $# $$ $! $?",
	"{ echo a; echo b; } > /g; (cd /tmp; pwd) && false || echo $PWD",
	"sh -c 'echo $0 $1' n a; ksh -c 'exit 3'; echo $?",
	"echo 'x\\c' \"\\0101\" a\\\nb # comment",
	"echo (", "(echo", "echo 'a", "echo \"a", "echo a |", "{ echo }", "a;;b", "&", ")",
	"lslpp -l bos*", "echo $(date) `date` $((1))", "if true; then :; fi", "f() { :; }",
	"cat <<EOF", "echo &> f", "echo |& cat", "echo ${X:-y} ~ $@", "exec 3>&-", "X=read; $X",
	"nohup echo hi; nohup both 2>/e &", "cd /ro; nohup echo hi", "exit 300",
	"X='sh -c \"$X\"'; export X; sh -c \"$X\"",
	"c_rsh lpar1 \"$R\"",
}

func FuzzRun(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		h := newFakeHost()
		delete(h.cmds, "hang") // it waits for a cancellation that never comes
		h.maxFile = 1 << 20
		h.env = map[string]string{"HOME": "/home/root", "R": `c_rsh lpar1 "$R"`}
		h.addClient("lpar1", h)
		out, errOut := &capped{}, &capped{}
		done := make(chan int, 1)
		go func() { done <- Run(context.Background(), h, script, strings.NewReader("input\n"), out, errOut) }()
		var status int
		select {
		case status = <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("Run(%q) did not return", script)
		}
		jobs := make(chan struct{})
		go func() { h.wg.Wait(); close(jobs) }()
		select {
		case <-jobs:
		case <-time.After(20 * time.Second):
			t.Fatalf("background jobs of %q did not end", script)
		}
		if status < 0 || status > 255 {
			t.Errorf("Run(%q) = %d, want 0..255", script, status)
		}
		// A script the lab refuses as a whole runs nothing.
		var perr *ParseError
		if err := Check(script); errors.As(err, &perr) && perr.Unsupported {
			if status != StatusSyntax || out.n != 0 || !strings.Contains(errOut.String(), ": lab: ") {
				t.Errorf("Run(%q) of an unsupported script: status %d, %d bytes out, stderr %q", script, status, out.n, errOut.String())
			}
		}
	})
}

// capped keeps the first 64 KiB written to it and counts the rest.
type capped struct {
	b strings.Builder
	n int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := 64<<10 - c.b.Len(); room > 0 {
		c.b.Write(p[:min(room, len(p))])
	}
	c.n += len(p)
	return len(p), nil
}

func (c *capped) String() string { return c.b.String() }

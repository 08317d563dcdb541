package transporttest

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// fakeRunner is the smallest Runner that keeps the contract, to check that
// the suite passes a correct implementation.
type fakeRunner struct {
	hosts map[string]bool // name -> up
}

func (f *fakeRunner) Run(ctx context.Context, c transport.Command) (transport.Result, error) {
	fail := func(err error) (transport.Result, error) {
		return transport.Result{}, &transport.HostError{Host: c.Host, Op: "run " + strconv.Quote(c.Line), Err: err}
	}
	up, ok := f.hosts[c.Host]
	switch {
	case !ok:
		return fail(transport.ErrUnknownHost)
	case !up:
		return fail(transport.ErrUnreachable)
	case ctx.Err() != nil:
		return fail(ctx.Err())
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	limit := c.MaxOutput
	if limit == 0 {
		limit = transport.DefaultMaxOutput
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	var out, errOut bytes.Buffer
	code := 0
	for _, cmd := range strings.Split(c.Line, ";") {
		w := strings.Fields(cmd)
		if len(w) == 0 {
			continue
		}
		switch w[0] {
		case "echo":
			dst := &out
			var words []string
			for _, a := range w[1:] {
				if a == "1>&2" {
					dst = &errOut
				} else {
					words = append(words, a)
				}
			}
			dst.WriteString(strings.Join(words, " ") + "\n")
		case "exit":
			code, _ = strconv.Atoi(w[1])
		case "bigout":
			n, _ := strconv.Atoi(w[1])
			out.Write(bytes.Repeat([]byte("x"), n))
		case "hang":
			<-tctx.Done()
			if ctx.Err() != nil {
				return fail(ctx.Err())
			}
			return transport.Result{Stdout: out.Bytes(), Stderr: errOut.Bytes(), ExitCode: -1, Duration: time.Since(start)},
				&transport.HostError{Host: c.Host, Op: "run", Err: transport.ErrTimeout}
		}
		if out.Len()+errOut.Len() > limit {
			return fail(transport.ErrOutputTooLarge)
		}
		if w[0] == "exit" {
			break
		}
	}
	return transport.Result{Stdout: out.Bytes(), Stderr: errOut.Bytes(), ExitCode: code, Duration: time.Since(start)}, nil
}

func TestSuiteAgainstFake(t *testing.T) {
	Run(t, Harness{
		Runner:        &fakeRunner{hosts: map[string]bool{"h1": true, "h2": true, "down": false}},
		Host:          "h1",
		Hosts:         []string{"h2"},
		UnknownHost:   "nosuch",
		DownHost:      "down",
		HangLine:      "hang",
		BigOutputLine: func(n int) string { return fmt.Sprintf("bigout %d", n) },
	})
}

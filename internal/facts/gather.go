package facts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// Gatherer collects facts over a transport, one session per host.
type Gatherer struct {
	Runner transport.Runner
	// Timeout bounds one host's whole collection; zero means 3 minutes.
	Timeout time.Duration
	// MaxOutput caps one host's collection output; zero means 64 MiB.
	MaxOutput int
	// NewNonce makes the marker nonce; nil means NewNonce. Tests may fix it.
	NewNonce func() string
}

func (g *Gatherer) run(ctx context.Context, s *Script) (*Output, error, error) {
	timeout := g.Timeout
	if timeout == 0 {
		timeout = 3 * time.Minute
	}
	maxOut := g.MaxOutput
	if maxOut == 0 {
		maxOut = 64 << 20
	}
	res, err := g.Runner.Run(ctx, transport.Command{Host: s.Host, Line: s.Text(), Timeout: timeout, MaxOutput: maxOut})
	var sessionErr error
	if err != nil {
		// Keep what arrived before a timeout or a dropped connection.
		if !(errors.Is(err, transport.ErrTimeout) || errors.Is(err, transport.ErrConnLost)) || len(res.Stdout) == 0 {
			return nil, nil, &transport.HostError{Host: s.Host, Op: "gather facts", Err: innerErr(s.Host, err)}
		}
		sessionErr = err
	}
	out, perr := Split(bytes.NewReader(res.Stdout), s.Nonce)
	if perr != nil {
		msg := firstLine(res.Stderr)
		if sessionErr != nil {
			return nil, nil, &transport.HostError{Host: s.Host, Op: "gather facts", Err: sessionErr}
		}
		return nil, nil, &transport.HostError{Host: s.Host, Op: "gather facts",
			Err: fmt.Errorf("%w (exit %d, stderr: %s)", perr, res.ExitCode, msg)}
	}
	if out.Host != s.Host || out.Role != s.Role {
		return nil, nil, &transport.HostError{Host: s.Host, Op: "gather facts",
			Err: fmt.Errorf("collection output names %s %s, want %s %s", out.Role, out.Host, s.Role, s.Host)}
	}
	return out, sessionErr, nil
}

func (g *Gatherer) nonce() string {
	if g.NewNonce != nil {
		return g.NewNonce()
	}
	return NewNonce()
}

// Client gathers a client's facts in one session. It returns an error only
// when nothing usable came back (unreachable host, refused credentials, no
// collection output at all); a session cut short yields partial facts with
// the rest unknown.
func (g *Gatherer) Client(ctx context.Context, host string, plan ClientPlan) (*Client, error) {
	s, err := ClientScript(host, plan, g.nonce())
	if err != nil {
		return nil, err
	}
	out, sessionErr, err := g.run(ctx, s)
	if err != nil {
		return nil, err
	}
	return ParseClient(out, s, plan, sessionErr), nil
}

// Master gathers a NIM master's facts in one session.
func (g *Gatherer) Master(ctx context.Context, host string, plan MasterPlan) (*Master, error) {
	s, err := MasterScript(host, plan, g.nonce())
	if err != nil {
		return nil, err
	}
	out, sessionErr, err := g.run(ctx, s)
	if err != nil {
		return nil, err
	}
	return ParseMaster(out, s, plan, sessionErr), nil
}

// innerErr drops the runner's own "host X: run <the whole script>:" layer,
// which would repeat the host and quote the collection script, keeping
// the error chain (and so its class) intact.
func innerErr(host string, err error) error {
	var he *transport.HostError
	if !errors.As(err, &he) || he.Host != host {
		return err
	}
	prefix := ""
	if msg, inner := err.Error(), he.Error(); msg != inner {
		prefix = strings.TrimSuffix(msg, inner) // e.g. "after 3 attempts: "
	}
	return &prefixed{prefix: prefix, err: he.Err, orig: err}
}

type prefixed struct {
	prefix string
	err    error // shown
	orig   error // unwrapped
}

func (p *prefixed) Error() string { return p.prefix + p.err.Error() }
func (p *prefixed) Unwrap() error { return p.orig }

package transport

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nimfleet/nimfleet/internal/cmdline"
)

// Route says how to reach a client through its NIM master: the master's
// host name (as known to the runner below) and the client's NIM object
// name. It returns an error wrapping [ErrUnknownHost] for a host it does
// not know or that is not reached through a master.
type Route func(client string) (master, nimName string, err error)

// maxShownOutput bounds how much output an error message quotes.
const maxShownOutput = 512

// ViaMaster returns a Runner for clients that are reached through their NIM
// master. It rewrites each Command addressed to a client into
//
//	/usr/lpp/bos.sysmgt/nim/methods/c_rsh <nim name> '( LC_ALL=C <line> ); echo rc=$?'
//
// addressed to the client's master (see [cmdline.CRsh]), runs it on next,
// and turns the "rc=N" trailer back into the client command's exit code.
// Mutates, Timeout and MaxOutput are carried over (MaxOutput grows by a few
// bytes for the trailer). The Result's Stdout has the trailer removed;
// Stderr is whatever c_rsh and the client command wrote.
//
// Errors are *[HostError] values naming the client. An error from next is
// wrapped as it is, keeping its class and its Result (a dry run's
// [ErrDryRun] passes through the same way). A result without a well-formed
// trailer means the remote shell never got to print it — c_rsh could not
// reach the client, or the connection broke — so the outcome is unknown:
// Run returns the output so far with ExitCode -1 and an error wrapping
// [ErrConnLost] that quotes the end of the output. A route error, or an
// invalid NIM name from route, is returned wrapping [ErrUnknownHost]
// (route should wrap it already).
//
// A timeout kills c_rsh on the master; whether the command on the client
// stops too depends on rsh or nimsh, so treat it as possibly still running,
// as [ErrTimeout] says.
func ViaMaster(next Runner, route Route) Runner {
	return RunnerFunc(func(ctx context.Context, c Command) (Result, error) {
		op := "run " + quoteLine(c.Line)
		master, nimName, err := route(c.Host)
		if err != nil {
			if !errors.Is(err, ErrUnknownHost) {
				err = fmt.Errorf("%w: %w", ErrUnknownHost, err)
			}
			return Result{}, &HostError{Host: c.Host, Op: op, Err: err}
		}
		client, err := cmdline.NIM(nimName)
		if err != nil {
			return Result{}, &HostError{Host: c.Host, Op: op, Err: fmt.Errorf("%w: route: %w", ErrUnknownHost, err)}
		}
		op += " via master " + master
		mc := c
		mc.Host = master
		mc.Line = cmdline.CRsh(client, c.Line)
		if mc.MaxOutput > 0 {
			mc.MaxOutput += len("rc=999\r\n")
		}
		res, err := next.Run(ctx, mc)
		if err != nil {
			return res, &HostError{Host: c.Host, Op: op, Err: err}
		}
		body, rc, ok := cmdline.ParseRCTrailer(res.Stdout)
		if !ok {
			crshExit := res.ExitCode
			res.ExitCode = -1
			return res, &HostError{Host: c.Host, Op: op, Err: fmt.Errorf("%w: no exit status from the client through c_rsh %s, the command may not have run to the end (c_rsh exit %d, stdout %s, stderr %s)",
				ErrConnLost, nimName, crshExit, shorten(res.Stdout), shorten(res.Stderr))}
		}
		res.Stdout = body
		res.ExitCode = rc
		return res, nil
	})
}

// shorten quotes b for an error message, keeping at most its last
// maxShownOutput bytes (the end of the output says most about what went
// wrong).
func shorten(b []byte) string {
	if len(b) <= maxShownOutput {
		return strconv.Quote(string(b))
	}
	return "..." + strconv.Quote(string(b[len(b)-maxShownOutput:]))
}

// quoteLine quotes a command line for an error message, cut at 120
// characters.
func quoteLine(line string) string {
	const max = 120
	if r := []rune(line); len(r) > max {
		return strconv.Quote(string(r[:max])) + "..."
	}
	return strconv.Quote(line)
}

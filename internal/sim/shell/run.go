package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// Limits that keep the interpreter safe on any input.
const (
	// MaxScriptSize is the longest script, in bytes, that [Run] and a nested
	// "sh -c" accept.
	MaxScriptSize = 1 << 20
	// MaxDepth bounds how deeply shells nest: "sh -c" inside "sh -c", and
	// [Run] called again from a Handler (c_rsh) with the ctx it was given.
	MaxDepth = 32
	// maxCommands bounds the simple commands run on behalf of one
	// outermost Run, including nested shells, background jobs and nested
	// Runs; maxExpanded (below) bounds the bytes their words expand to.
	maxCommands = 10000
	// maxWord bounds the length of one expanded word.
	maxWord = 1 << 20
	// maxPipe bounds the bytes one pipeline stage may pass to the next.
	maxPipe = 16 << 20
)

// Exit statuses the interpreter itself produces.
const (
	// StatusSyntax is the status of a script with a syntax error, or one
	// that the lab refuses because it is outside the supported subset.
	StatusSyntax = 2
	// StatusNotFound is the status of a command that does not exist.
	StatusNotFound = 127
	// StatusKilled is the status of a command, and of the session, stopped
	// because ctx was cancelled (128 + SIGTERM).
	StatusKilled = 143
)

// maxExpanded is a variable only so that a test can lower it.
var maxExpanded int64 = 256 << 20

const errTooLong = "the script is longer than 1 MiB"

// Run parses and runs script as "ksh -c script" would on an AIX host and
// returns the exit status of the last command run. One call is one shell
// session: variables, $?, $! and the current directory live until Run
// returns. Background jobs ("cmd &") are handed to h.Background and may
// outlive the call.
//
// stdin may be nil (empty input); stdout and stderr may be nil (output is
// discarded). When ctx is cancelled Run starts no further command, the
// running Handler gets the cancelled ctx, and Run returns [StatusKilled].
// Run calls h only from the calling goroutine, except for background jobs,
// which run on whatever goroutine h.Background uses.
//
// The package documentation lists the supported subset of ksh.
func Run(ctx context.Context, h Host, script string, stdin io.Reader, stdout, stderr io.Writer) int {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	depth, budget := 1, new(workBudget)
	if st, ok := ctx.Value(ctxKey{}).(ctxState); ok {
		depth, budget = st.depth+1, st.budget
	}
	s := &session{
		h:      h,
		run:    &runState{budget: budget, stderr: stderr},
		depth:  depth,
		vars:   map[string]*variable{},
		params: []string{"ksh"},
		pid:    newPID(),
		cwd:    "/",
	}
	pwdExported := false
	if e, ok := h.(Environer); ok {
		env := e.Environ()
		for k, v := range env {
			s.vars[k] = &variable{value: v, set: true, exported: true}
		}
		switch {
		case path.IsAbs(env["PWD"]):
			s.cwd = path.Clean(env["PWD"])
		case path.IsAbs(env["HOME"]):
			s.cwd = path.Clean(env["HOME"])
		}
		_, pwdExported = env["PWD"]
	}
	s.vars["PWD"] = &variable{value: s.cwd, set: true, exported: pwdExported}
	f := fds{{r: stdin}, {w: stdout, tty: true}, {w: stderr, tty: true}}
	if depth > MaxDepth {
		s.labError("shells are nested too deeply")
		return StatusSyntax
	}
	return s.runScript(ctx, script, f)
}

// ctxKey carries a ctxState in the ctx given to Handlers, so that a nested
// Run (c_rsh) shares the command budget and counts its depth.
type ctxKey struct{}

type ctxState struct {
	depth  int
	budget *workBudget
}

// workBudget counts the work done for one outermost Run.
type workBudget struct {
	commands atomic.Int64
	bytes    atomic.Int64
}

// lastPID numbers shell processes for $$, from an AIX-like base.
var lastPID atomic.Int64

func newPID() int { return 3997696 + int(lastPID.Add(1)) }

// runState is shared by a session and everything it runs in the same
// goroutine (subshells, pipeline stages, sh -c children).
type runState struct {
	budget *workBudget // shared across goroutines and nested Runs
	stderr io.Writer   // where refusals go: the stderr of the Run call
	fatal  bool        // a lab rejection: stop everything
	killed bool        // ctx was cancelled while running
}

// variable is a shell variable. An exported variable may be unset
// ("export NAME" before any value).
type variable struct {
	value    string
	set      bool
	exported bool
}

// session is one shell (or subshell) with its variables and parameters.
type session struct {
	h      Host
	run    *runState
	depth  int
	vars   map[string]*variable
	params []string // $0, $1, ...
	status int      // $?
	lastBg string   // $!
	pid    int      // $$
	cwd    string
	line   int // line of the command running, for message prefixes
	exited bool
	// pending holds the assignments of the command being expanded, which
	// later assignments of the same command see.
	pending []assignValue
}

// clone returns a subshell: a copy whose variables do not leak back.
func (s *session) clone() *session {
	c := *s
	c.vars = make(map[string]*variable, len(s.vars))
	for k, v := range s.vars {
		vv := *v
		c.vars[k] = &vv
	}
	c.params = slices.Clone(s.params)
	return &c
}

// stream is one open descriptor. tty marks the session's own output, which
// nohup treats as a terminal.
type stream struct {
	r   io.Reader
	w   io.Writer
	tty bool
}

// fds are descriptors 0, 1 and 2.
type fds [3]stream

var errBadFD = errors.New("bad file descriptor")

type badFD struct{}

func (badFD) Read([]byte) (int, error)  { return 0, errBadFD }
func (badFD) Write([]byte) (int, error) { return 0, errBadFD }

func (st stream) reader() io.Reader {
	if st.r == nil {
		return badFD{}
	}
	return st.r
}

func (st stream) writer() io.Writer {
	if st.w == nil {
		return badFD{}
	}
	return st.w
}

// prefix is what ksh puts before its messages: $0, and the line number in
// brackets when it is greater than one.
func (s *session) prefix() string {
	if s.line > 1 {
		return s.params[0] + "[" + strconv.Itoa(s.line) + "]"
	}
	return s.params[0]
}

// errorf prints a ksh message ("ksh: ...") on the stderr of f.
func (s *session) errorf(f fds, format string, args ...any) {
	fmt.Fprintf(f[2].writer(), "%s: %s\n", s.prefix(), fmt.Sprintf(format, args...))
}

// labError prints why the lab refuses what the script asked for and stops
// the whole session tree. The message goes to the stderr of the Run call,
// whatever the redirections of the command that caused it.
func (s *session) labError(msg string) int {
	fmt.Fprintf(s.run.stderr, "%s: lab: %s\n", s.prefix(), msg)
	s.run.fatal = true
	return StatusSyntax
}

// stop reports whether no further command may start.
func (s *session) stop(ctx context.Context) bool {
	if ctx.Err() != nil {
		s.run.killed = true
		return true
	}
	return s.exited || s.run.fatal
}

// result is the session's exit status once it has stopped.
func (s *session) result() int {
	switch {
	case s.run.killed:
		return StatusKilled
	case s.run.fatal:
		return StatusSyntax
	}
	return s.status
}

// runScript parses and runs script in s, as "ksh -c" does: line by line,
// so that a syntax error stops the script where ksh would notice it.
func (s *session) runScript(ctx context.Context, script string, f fds) int {
	if len(script) > MaxScriptSize {
		return s.labError(errTooLong)
	}
	lines, perr := parseScript(script)
	if perr != nil && perr.Unsupported {
		s.line = perr.Line
		return s.labError(perr.Msg)
	}
	for _, l := range lines {
		if s.stop(ctx) {
			break
		}
		s.runList(ctx, l, f)
	}
	if perr != nil && !s.stop(ctx) {
		s.line = perr.Line
		s.errorf(f, "0403-057 Syntax error at line %d : %s.", perr.atLine, perr.Msg)
		s.status = StatusSyntax
	}
	return s.result()
}

// lookupVar returns a variable's value, "" when unset.
func (s *session) lookupVar(name string) string {
	for i := len(s.pending) - 1; i >= 0; i-- {
		if s.pending[i].name == name {
			return s.pending[i].value
		}
	}
	if v := s.vars[name]; v != nil && v.set {
		return v.value
	}
	return ""
}

// setVar assigns a session variable, keeping its export flag.
func (s *session) setVar(name, value string) {
	v := s.vars[name]
	if v == nil {
		v = &variable{}
		s.vars[name] = v
	}
	v.value, v.set = value, true
}

// environ returns the exported variables plus the command's own
// assignments, as a command's environment.
func (s *session) environ(assigns []assignValue) map[string]string {
	env := make(map[string]string, len(s.vars)+len(assigns))
	for k, v := range s.vars {
		if v.exported && v.set {
			env[k] = v.value
		}
	}
	for _, a := range assigns {
		env[a.name] = a.value
	}
	return env
}

// resolve makes p absolute against the current directory and cleans it.
func (s *session) resolve(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(s.cwd, p)
}

// handlerCtx is the ctx given to Handlers and background jobs: it carries
// the depth and the budget to nested Runs.
func (s *session) handlerCtx(ctx context.Context) context.Context {
	return context.WithValue(ctx, ctxKey{}, ctxState{depth: s.depth, budget: s.run.budget})
}

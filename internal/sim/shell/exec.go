package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// runList runs the and-or lists of l in order and returns $?.
func (s *session) runList(ctx context.Context, l *list, f fds) int {
	for _, it := range l.items {
		if s.stop(ctx) {
			break
		}
		if it.bg {
			s.background(ctx, it.andOr, f)
			s.status = 0
			continue
		}
		s.runAndOr(ctx, it.andOr, f)
	}
	return s.status
}

// runAndOr runs "p1 && p2 || p3" left to right and sets $?.
func (s *session) runAndOr(ctx context.Context, ao *andOr, f fds) {
	s.runPipeline(ctx, ao.first, f)
	for _, part := range ao.rest {
		if s.stop(ctx) {
			return
		}
		if part.and != (s.status == 0) {
			continue
		}
		s.runPipeline(ctx, part.p, f)
	}
}

// runPipeline runs the stages one after the other, each reading what the
// previous one wrote. As in ksh, the last stage runs in the current shell
// and the others in subshells. $? is the last stage's status.
func (s *session) runPipeline(ctx context.Context, pl *pipeline, f fds) {
	last := len(pl.cmds) - 1
	in := f[0]
	for i, c := range pl.cmds {
		if s.stop(ctx) {
			return
		}
		sf := f
		sf[0] = in
		if i == last {
			s.status = s.runCommand(ctx, c, sf)
			return
		}
		buf := &pipeBuffer{}
		sf[1] = stream{w: buf}
		s.clone().runCommand(ctx, c, sf)
		in = stream{r: bytes.NewReader(buf.b.Bytes())}
	}
}

// pipeBuffer holds one stage's output for the next, up to maxPipe bytes.
type pipeBuffer struct{ b bytes.Buffer }

var errPipeFull = errors.New("lab pipe buffer full")

func (p *pipeBuffer) Write(b []byte) (int, error) {
	if room := maxPipe - p.b.Len(); len(b) > room {
		n, _ := p.b.Write(b[:room])
		return n, errPipeFull
	}
	return p.b.Write(b)
}

// runCommand runs one command of a pipeline and returns its status.
func (s *session) runCommand(ctx context.Context, c command, f fds) int {
	switch c := c.(type) {
	case *simpleCmd:
		return s.runSimple(ctx, c, f)
	case *subshell:
		s.line = c.line
		nf, closers, ok := s.redirect(c.redirs, f)
		defer closeAll(closers)
		if !ok {
			return 1
		}
		sub := s.clone()
		sub.runList(ctx, c.body, nf)
		return sub.status
	case *group:
		s.line = c.line
		nf, closers, ok := s.redirect(c.redirs, f)
		defer closeAll(closers)
		if !ok {
			return 1
		}
		return s.runList(ctx, c.body, nf)
	}
	panic("shell: unknown command type") // unreachable: the parser builds only the three
}

// assignValue is an expanded "NAME=value" prefix.
type assignValue struct{ name, value string }

// runSimple expands and runs a simple command: words first, then
// redirections in order, then the command itself.
func (s *session) runSimple(ctx context.Context, c *simpleCmd, f fds) int {
	s.line = c.line
	if s.run.budget.commands.Add(1) > maxCommands {
		return s.labError("more than 10000 commands in one session")
	}
	args, msg := s.expandArgs(c.words)
	if msg != "" {
		return s.labError(msg + ": " + c.src)
	}
	size := 0
	for _, a := range args {
		size += len(a)
	}
	// Assignments expand left to right, each seeing the ones before it.
	assigns := make([]assignValue, 0, len(c.assigns))
	for _, a := range c.assigns {
		v, msg := s.expandString(a.value, false)
		if msg != "" {
			s.pending = nil
			return s.labError(msg + ": " + c.src)
		}
		size += len(v)
		assigns = append(assigns, assignValue{a.name, v})
		s.pending = assigns
	}
	s.pending = nil
	if s.run.budget.bytes.Add(int64(size)) > maxExpanded {
		return s.labError("words expanded to more than " + strconv.FormatInt(maxExpanded>>20, 10) + " MiB in one session")
	}
	nf, closers, ok := s.redirect(c.redirs, f)
	defer closeAll(closers)
	if !ok {
		return 1
	}
	if len(args) == 0 {
		for _, a := range assigns {
			s.setVar(a.name, a.value)
		}
		return 0
	}
	if msg := rejectedName(args[0]); msg != "" {
		return s.labError(msg)
	}
	return s.exec(ctx, args, assigns, nf)
}

// expandArgs expands a command's words into fields. Arguments of export
// that look like assignments expand like assignments: one field each.
func (s *session) expandArgs(words []*word) ([]string, string) {
	isExport := false
	if len(words) > 0 {
		name, ok := words[0].staticText()
		isExport = ok && name == "export"
	}
	var args []string
	for i, w := range words {
		if a, ok := splitAssign(w); ok && isExport && i > 0 {
			v, msg := s.expandString(a.value, false)
			if msg != "" {
				return nil, msg
			}
			args = append(args, a.name+"="+v)
			continue
		}
		fields, msg := s.expandFields(w)
		if msg != "" {
			return nil, msg
		}
		args = append(args, fields...)
	}
	return args, ""
}

// redirect applies rs to f in order. On failure it prints ksh's message on
// the stderr in effect at that point and returns ok == false; the files it
// opened are returned for closing either way.
func (s *session) redirect(rs []redir, f fds) (nf fds, closers []io.Closer, ok bool) {
	nf = f
	for _, r := range rs {
		if r.op == redirDup {
			nf[r.fd] = nf[r.from]
			continue
		}
		name, msg := s.expandString(r.target, true)
		if msg != "" {
			s.labError(msg)
			return nf, closers, false
		}
		p := ""
		if name != "" {
			p = s.resolve(name)
		}
		switch {
		case p == "/dev/null" && r.op == redirIn:
			nf[r.fd] = stream{r: strings.NewReader("")}
		case p == "/dev/null":
			nf[r.fd] = stream{w: io.Discard}
		case r.op == redirIn:
			var rc io.ReadCloser
			err := errNoName
			if p != "" {
				rc, err = s.h.OpenRead(p)
			}
			if err != nil {
				s.errorf(nf, "%s: 0403-016 Cannot find or open the file.", name) // [U] AIX text
				return nf, closers, false
			}
			closers = append(closers, rc)
			nf[r.fd] = stream{r: rc}
		default:
			var wc io.WriteCloser
			err := errNoName
			if p != "" {
				wc, err = s.h.OpenWrite(p, r.op == redirAppend)
			}
			if err != nil {
				s.errorf(nf, "%s: 0403-005 Cannot create the specified file.", name) // [U] AIX text
				return nf, closers, false
			}
			closers = append(closers, wc)
			nf[r.fd] = stream{w: wc}
		}
	}
	return nf, closers, true
}

var errNoName = errors.New("empty file name")

func closeAll(cs []io.Closer) {
	for _, c := range cs {
		_ = c.Close() // ksh does not report a failed close
	}
}

// background starts an and-or list as a job of the host. The job gets a
// copy of the session, stdin from /dev/null, and discards output that its
// commands do not redirect.
func (s *session) background(ctx context.Context, ao *andOr, f fds) {
	job := s.clone()
	job.run = &runState{budget: s.run.budget, stderr: io.Discard}
	bf := fds{
		{r: strings.NewReader("")},
		{w: io.Discard, tty: f[1].tty},
		{w: io.Discard, tty: f[2].tty},
	}
	depth, budget := s.depth, s.run.budget
	pid := s.h.Background(func(jctx context.Context) int {
		jctx = context.WithValue(jctx, ctxKey{}, ctxState{depth: depth, budget: budget})
		job.runAndOr(jctx, ao, bf)
		return job.result()
	})
	s.lastBg = strconv.Itoa(pid)
}

// exec runs an expanded simple command: a builtin, an emulated shell or
// nohup, or a command of the host.
func (s *session) exec(ctx context.Context, args []string, assigns []assignValue, f fds) int {
	switch args[0] {
	case ":", "exit", "export":
		// Special builtins: their assignments stay in the session.
		for _, a := range assigns {
			if a.name == "IFS" {
				return s.labError("setting IFS is not supported")
			}
			s.setVar(a.name, a.value)
		}
		switch args[0] {
		case "exit":
			return s.builtinExit(args)
		case "export":
			return s.builtinExport(args, f)
		}
		return 0
	case "cd":
		return s.builtinCd(args, assigns, f)
	}
	return s.execProgram(ctx, args, assigns, f, false)
}

// execProgram runs what ksh would find as a program: echo, true, false and
// pwd (also ksh builtins), the emulated sh/ksh and nohup, or a command of
// the host. viaNohup changes only the "not found" message.
func (s *session) execProgram(ctx context.Context, args []string, assigns []assignValue, f fds, viaNohup bool) int {
	switch name := args[0]; {
	case name == "echo":
		return builtinEcho(args, f)
	case name == "true":
		return 0
	case name == "false":
		return 1
	case name == "pwd":
		return s.builtinPwd(args, f)
	case shellNames[name]:
		return s.shellC(ctx, args, assigns, f)
	case nohupNames[name]:
		return s.nohup(ctx, args, assigns, f)
	}
	h, ok := s.h.Lookup(args[0])
	if !ok {
		if hostBuiltins[args[0]] {
			return s.labError("the ksh builtin " + args[0] + " is not provided by this lab host")
		}
		if viaNohup {
			// [U] AIX nohup's wording.
			fmt.Fprint(f[2].writer(), "nohup: "+args[0]+": A file or directory in the path name does not exist.\n")
		} else {
			s.errorf(f, "%s:  not found.", args[0])
		}
		return StatusNotFound
	}
	inv := &Invocation{
		Args:   args,
		Env:    s.environ(assigns),
		Dir:    s.cwd,
		Stdin:  f[0].reader(),
		Stdout: f[1].writer(),
		Stderr: f[2].writer(),
	}
	st := h(s.handlerCtx(ctx), inv)
	if ctx.Err() != nil {
		s.run.killed = true
		return StatusKilled
	}
	return st & 0xff
}

package shell

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Builtins and the programs the interpreter emulates itself (sh, ksh,
// nohup). Messages marked [U] are not confirmed against a real AIX host.

// shellNames are the names under which "sh -c" / "ksh -c" is emulated.
// On AIX /bin is a link to /usr/bin and sh is ksh.
var shellNames = map[string]bool{
	"sh": true, "ksh": true,
	"/usr/bin/sh": true, "/usr/bin/ksh": true,
	"/bin/sh": true, "/bin/ksh": true,
}

// nohupNames are the names under which nohup is emulated.
var nohupNames = map[string]bool{"nohup": true, "/usr/bin/nohup": true, "/bin/nohup": true}

// unsupportedBuiltins are ksh88 builtins the lab does not emulate; a host
// handler could not emulate them either, since they act on the shell.
var unsupportedBuiltins = map[string]bool{
	".": true, "alias": true, "bg": true, "break": true, "continue": true,
	"eval": true, "exec": true, "fc": true, "fg": true, "getopts": true,
	"jobs": true, "let": true, "newgrp": true, "print": true, "read": true,
	"readonly": true, "return": true, "set": true, "shift": true,
	"times": true, "trap": true, "typeset": true, "ulimit": true,
	"umask": true, "unalias": true, "unset": true, "wait": true,
	"whence": true,
}

// kshAliases are the aliases ksh88 presets, with their values [U: AIX's
// exact list]. A command named like one would run the alias's value.
var kshAliases = map[string]string{
	"autoload":  "typeset -fu",
	"functions": "typeset -f",
	"hash":      "alias -t",
	"history":   "fc -l",
	"integer":   "typeset -i",
	"r":         "fc -e -",
	"stop":      "kill -STOP",
	"suspend":   "kill -STOP $$",
	"type":      "whence -v",
}

// hostBuiltins are ksh builtins that a host may provide through Lookup
// because they depend only on their arguments and the host's state. When
// the host lacks one, the lab refuses instead of printing "not found".
var hostBuiltins = map[string]bool{"test": true, "kill": true}

// rejectedName returns why the lab refuses a command name, or "".
func rejectedName(name string) string {
	if unsupportedBuiltins[name] {
		return "the ksh builtin " + name + " is not supported"
	}
	if v, ok := kshAliases[name]; ok {
		return name + " is a preset ksh alias for \"" + v + "\", which is not supported"
	}
	if name == "[" {
		return "the [ ... ] test is not supported; use test if the host provides it"
	}
	return ""
}

// builtinEcho is ksh88's echo on AIX, which behaves like System V echo: no
// options ("-n" is printed) and backslash escapes are interpreted: \a \b
// \c \f \n \r \t \v \\ and \0 followed by up to three octal digits. \c ends
// the output without a newline. Other backslashes are printed as they are.
func builtinEcho(args []string, f fds) int {
	text, newline := echoText(args[1:])
	if newline {
		text += "\n"
	}
	fmt.Fprint(f[1].writer(), text)
	return 0
}

func echoText(args []string) (string, bool) {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		for j := 0; j < len(a); j++ {
			c := a[j]
			if c != '\\' || j+1 == len(a) {
				b.WriteByte(c)
				continue
			}
			j++
			switch a[j] {
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'c':
				return b.String(), false
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'v':
				b.WriteByte('\v')
			case '\\':
				b.WriteByte('\\')
			case '0':
				n := 0
				for k := 0; k < 3 && j+1 < len(a) && a[j+1] >= '0' && a[j+1] <= '7'; k++ {
					j++
					n = n*8 + int(a[j]-'0')
				}
				b.WriteByte(byte(n))
			default:
				b.WriteByte('\\')
				b.WriteByte(a[j])
			}
		}
	}
	return b.String(), true
}

// builtinExit ends the session: "exit" keeps $?, "exit n" uses n modulo 256.
func (s *session) builtinExit(args []string) int {
	n := s.status
	switch len(args) {
	case 1:
	case 2:
		v, err := strconv.Atoi(args[1])
		if err != nil {
			return s.labError("exit: " + strconv.Quote(args[1]) + " is not a number")
		}
		n = v & 0xff
	default:
		return s.labError("exit takes at most one argument")
	}
	s.exited = true
	s.status = n
	return n
}

// builtinExport handles "export NAME=value" and "export NAME".
func (s *session) builtinExport(args []string, f fds) int {
	if len(args) == 1 {
		return s.labError("export without arguments is not supported")
	}
	status := 0
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") {
			return s.labError("export options are not supported")
		}
		name, value, hasValue := strings.Cut(a, "=")
		if !isName(name) {
			s.errorf(f, "%s: is not an identifier", a) // [U] AIX text
			status = 1
			continue
		}
		if name == "IFS" {
			return s.labError("setting IFS is not supported")
		}
		v := s.vars[name]
		if v == nil {
			v = &variable{}
			s.vars[name] = v
		}
		v.exported = true
		if hasValue {
			v.value, v.set = value, true
		}
	}
	return status
}

// builtinCd changes the session's directory and PWD. Without an argument it
// goes to $HOME. CDPATH is not used.
func (s *session) builtinCd(args []string, assigns []assignValue, f fds) int {
	var dir string
	switch len(args) {
	case 1:
		dir = s.lookupVar("HOME")
		for _, a := range assigns {
			if a.name == "HOME" {
				dir = a.value
			}
		}
		if dir == "" {
			return s.labError("cd without an argument needs HOME")
		}
	case 2:
		dir = args[1]
		if dir == "-" || dir == "" {
			return s.labError("cd " + strconv.Quote(dir) + " is not supported")
		}
	default:
		return s.labError("cd with more than one argument is not supported")
	}
	p := s.resolve(dir)
	if dc, ok := s.h.(DirChecker); ok && !dc.IsDir(p) {
		s.errorf(f, "%s: bad directory", dir) // [U] AIX text
		return 1
	}
	s.cwd = p
	s.setVar("PWD", p)
	return 0
}

// builtinPwd prints the current directory.
func (s *session) builtinPwd(args []string, f fds) int {
	if len(args) > 1 {
		return s.labError("pwd options are not supported")
	}
	fmt.Fprint(f[1].writer(), s.cwd+"\n")
	return 0
}

// shellC emulates "sh -c STRING [NAME [ARG...]]": STRING runs in a new
// shell that sees only exported variables; NAME becomes $0 (default: the
// command as typed) and the ARGs $1, $2, ...
func (s *session) shellC(ctx context.Context, args []string, assigns []assignValue, f fds) int {
	if len(args) < 3 || args[1] != "-c" {
		return s.labError("only \"" + args[0] + " -c STRING [NAME [ARG ...]]\" is supported: " + strings.Join(args, " "))
	}
	if s.depth >= MaxDepth {
		return s.labError("shells are nested too deeply")
	}
	child := &session{
		h:      s.h,
		run:    s.run,
		depth:  s.depth + 1,
		vars:   map[string]*variable{},
		params: []string{args[0]},
		pid:    newPID(),
		cwd:    s.cwd,
	}
	if len(args) > 3 {
		child.params = append([]string(nil), args[3:]...)
	}
	for k, v := range s.environ(assigns) {
		child.vars[k] = &variable{value: v, set: true, exported: true}
	}
	if child.vars["PWD"] == nil {
		child.vars["PWD"] = &variable{value: child.cwd, set: true}
	}
	return child.runScript(ctx, args[2], f)
}

// nohup emulates AIX nohup. When its stdout is the session's own output
// (not redirected), the output is appended to nohup.out in the current
// directory, or $HOME/nohup.out, and "Sending output to nohup.out" is
// printed on stderr [U: real nohup decides with isatty(1); an SSH exec
// channel is not a terminal]. A stderr that is the session's own follows
// stdout.
func (s *session) nohup(ctx context.Context, args []string, assigns []assignValue, f fds) int {
	if len(args) < 2 {
		return s.labError("nohup needs a command")
	}
	nf := f
	if f[1].tty {
		w, err := s.h.OpenWrite(path.Join(s.cwd, "nohup.out"), true)
		if err != nil {
			if home := s.lookupVar("HOME"); path.IsAbs(home) {
				w, err = s.h.OpenWrite(path.Join(home, "nohup.out"), true)
			}
		}
		if err != nil {
			fmt.Fprint(f[2].writer(), "nohup: cannot open nohup.out\n") // [U] AIX text
			return StatusNotFound
		}
		defer func() { _ = w.Close() }()
		fmt.Fprint(f[2].writer(), "Sending output to nohup.out\n")
		nf[1] = stream{w: w}
	}
	if nf[2].tty {
		nf[2] = nf[1]
	}
	return s.execProgram(ctx, args[1:], assigns, nf, true)
}

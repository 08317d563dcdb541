package shell

import (
	"context"
	"io"
)

// Handler runs one simple command (a builtin or a simulated AIX command) and
// returns its exit status. It writes only to inv.Stdout and inv.Stderr.
// A handler that blocks (a hung command, nimadm running in the foreground)
// must return promptly once ctx is cancelled; the interpreter then reports
// the command as killed.
type Handler func(ctx context.Context, inv *Invocation) int

// Invocation is what a Handler sees of the command it runs.
type Invocation struct {
	// Args holds the command name (as typed, e.g. "/usr/sbin/lsvg") in
	// Args[0] and the expanded arguments after it.
	Args []string
	// Env holds the variables exported to the command: the session's
	// exported variables plus any "NAME=value" prefixes of this command.
	Env map[string]string
	// Dir is the session's current directory, an absolute, clean path.
	// Relative paths in Args resolve against it.
	Dir    string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Host is the machine the interpreter runs on: it resolves command names,
// holds files for redirections, and starts background jobs.
type Host interface {
	// Lookup resolves a command name as typed. Names with a slash are full
	// paths ("/usr/sbin/lsvg"); the host decides which paths exist. ok is
	// false when there is no such command; the interpreter then prints
	// "ksh: NAME:  not found." on stderr and sets status 127.
	Lookup(name string) (h Handler, ok bool)
	// OpenWrite opens path for a ">" (appendMode false, truncates) or ">>"
	// (appendMode true) redirection. "/dev/null" is handled by the
	// interpreter and never reaches the host. Paths reach the host
	// absolute and cleaned (relative ones are joined to the session's
	// current directory). A non-nil error makes the interpreter print
	// ksh's "cannot create" message and fail the command with status 1.
	OpenWrite(path string, appendMode bool) (io.WriteCloser, error)
	// OpenRead opens path for a "<" redirection. Paths are absolute and
	// cleaned, as for OpenWrite; a non-nil error fails the command.
	OpenRead(path string) (io.ReadCloser, error)
	// Background starts job detached from the current session (for "cmd &",
	// typically under nohup) and returns its process id at once. The job
	// keeps running after the session that started it has ended; the host
	// owns its lifetime (it dies when the host reboots or is killed).
	Background(job func(ctx context.Context) int) (pid int)
}

// Environer is an optional interface of a Host. When the Host implements it,
// each session [Run] starts with these variables, all exported, as sshd and
// login give them to a real login shell (HOME, PATH, LOGNAME, TZ, ...). The
// session starts in PWD if that is an absolute path, else in HOME, else in
// "/". Without it a session starts with no variables, in "/". The returned
// map is not modified.
type Environer interface {
	Environ() map[string]string
}

// DirChecker is an optional interface of a Host. When the Host implements
// it, cd fails (status 1) on a path that is not a directory; without it cd
// accepts every path.
type DirChecker interface {
	IsDir(path string) bool
}

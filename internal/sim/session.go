package sim

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

// cmdFunc is a simulated AIX command. It runs without the host lock and
// takes it for short critical sections.
type cmdFunc func(ctx context.Context, h *host, inv *shell.Invocation) int

type cmdDef struct {
	name   string
	paths  []string
	fn     cmdFunc
	master bool // exists on NIM masters only
}

var (
	cmdByName = map[string]*cmdDef{}
	cmdByPath = map[string]*cmdDef{}
)

// register adds a command under its full AIX paths; the base name of the
// first path is its name. Commands under /usr/bin are also found under
// /bin, as on AIX where /bin is a link to /usr/bin.
func register(fn cmdFunc, master bool, paths ...string) {
	name := path.Base(paths[0])
	if cmdByName[name] != nil {
		panic("sim: command registered twice: " + name)
	}
	d := &cmdDef{name: name, paths: paths, fn: fn, master: master}
	cmdByName[name] = d
	for _, p := range paths {
		cmdByPath[p] = d
		if strings.HasPrefix(p, "/usr/bin/") {
			cmdByPath["/bin/"+name] = d
		}
	}
}

// session adapts a host to the shell interpreter. One session is created
// per Exec; background jobs outlive it.
type session struct {
	h *host
}

var _ shell.Host = (*session)(nil)

// Lookup resolves a command by name or full path. NIM commands exist on
// masters only.
func (s *session) Lookup(name string) (shell.Handler, bool) {
	var d *cmdDef
	if strings.Contains(name, "/") {
		d = cmdByPath[path.Clean(name)]
	} else {
		d = cmdByName[name]
	}
	if d == nil || (d.master && s.h.role != roleMaster) {
		return nil, false
	}
	h := s.h
	return func(ctx context.Context, inv *shell.Invocation) int {
		return h.lab.invoke(ctx, h, d, inv)
	}, true
}

// OpenWrite opens a file of the running OS image for a redirection.
func (s *session) OpenWrite(p string, appendMode bool) (io.WriteCloser, error) {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	o := h.os()
	p = cleanPath(p)
	if n := o.files.get(p); n != nil && n.dir {
		return nil, fmt.Errorf("%s: is a directory", p)
	}
	if !o.files.isDir(path.Dir(p)) {
		return nil, errNotExist
	}
	if !appendMode || o.files.get(p) == nil {
		o.files.writeFile(p, nil, h.now())
	}
	return &fileWriter{h: h, fs: o.files, path: p}, nil
}

// OpenRead opens a file of the running OS image for a "<" redirection.
func (s *session) OpenRead(p string) (io.ReadCloser, error) {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.os().files.get(p)
	if n == nil {
		return nil, errNotExist
	}
	if n.dir {
		return nil, fmt.Errorf("%s: is a directory", p)
	}
	return io.NopCloser(strings.NewReader(string(n.data))), nil
}

// Background starts a job in the host's process table. It lives until it
// ends, is killed, the host reboots or the lab closes.
func (s *session) Background(job func(ctx context.Context) int) int {
	h := s.h
	h.mu.Lock()
	hctx := h.ctx
	h.mu.Unlock()
	ctx, p := h.procs.start(hctx, "", "-", h.now())
	l := h.lab
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		job(ctx)
		h.procs.remove(p.pid)
		l.afterCommand(h)
	}()
	return p.pid
}

// Environ gives sessions a root login environment with LANG=C.
func (s *session) Environ() map[string]string {
	s.h.mu.Lock()
	tz := s.h.tz
	s.h.mu.Unlock()
	return map[string]string{
		"HOME":    "/",
		"LOGNAME": "root",
		"USER":    "root",
		"PATH":    "/usr/bin:/etc:/usr/sbin:/usr/ucb:/usr/bin/X11:/sbin",
		"SHELL":   "/usr/bin/ksh",
		"LANG":    "C",
		"TZ":      tz,
	}
}

// IsDir lets cd fail on a missing directory.
func (s *session) IsDir(p string) bool {
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	return s.h.os().files.isDir(p)
}

// fileWriter appends to a file of the virtual file system under the host
// lock, so a reader (tail -c +N) sees every write as it happens.
type fileWriter struct {
	h    *host
	fs   *vfs
	path string
}

func (w *fileWriter) Write(p []byte) (int, error) {
	w.h.mu.Lock()
	w.fs.appendFile(w.path, p, w.h.now())
	w.h.mu.Unlock()
	return len(p), nil
}

func (w *fileWriter) Close() error { return nil }

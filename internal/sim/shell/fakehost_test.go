package shell

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeHost is a Host for tests: a map of command handlers, in-memory files,
// and background jobs run on goroutines that tests can wait for.
type fakeHost struct {
	mu      sync.Mutex
	cmds    map[string]Handler
	files   map[string]string
	env     map[string]string
	dirs    map[string]bool // nil: every path is a directory
	nextPID int
	jobs    map[int]chan int
	wg      sync.WaitGroup
	maxFile int // 0: no limit
}

func newFakeHost() *fakeHost {
	h := &fakeHost{
		cmds:    map[string]Handler{},
		files:   map[string]string{},
		nextPID: 1000,
		jobs:    map[int]chan int{},
	}
	for name, fn := range stdHandlers(h) {
		h.cmds[name] = fn
	}
	return h
}

func (h *fakeHost) Lookup(name string) (Handler, bool) {
	fn, ok := h.cmds[name]
	return fn, ok
}

func (h *fakeHost) Environ() map[string]string { return h.env }

func (h *fakeHost) IsDir(p string) bool { return h.dirs == nil || h.dirs[p] }

func (h *fakeHost) OpenWrite(p string, appendMode bool) (io.WriteCloser, error) {
	if strings.HasPrefix(p, "/ro/") || p == "" || p[0] != '/' {
		return nil, fs.ErrPermission
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !appendMode {
		h.files[p] = ""
	} else if _, ok := h.files[p]; !ok {
		h.files[p] = ""
	}
	return &fakeFile{h: h, path: p}, nil
}

func (h *fakeHost) OpenRead(p string) (io.ReadCloser, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.files[p]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return io.NopCloser(strings.NewReader(s)), nil
}

func (h *fakeHost) Background(job func(ctx context.Context) int) int {
	h.mu.Lock()
	h.nextPID++
	pid := h.nextPID
	ch := make(chan int, 1)
	h.jobs[pid] = ch
	h.mu.Unlock()
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		ch <- job(context.Background())
	}()
	return pid
}

// wait returns the exit status of background job pid.
func (h *fakeHost) wait(t testing.TB, pid int) int {
	t.Helper()
	h.mu.Lock()
	ch, ok := h.jobs[pid]
	h.mu.Unlock()
	if !ok {
		t.Fatalf("no background job %d", pid)
	}
	st := <-ch
	ch <- st
	return st
}

func (h *fakeHost) file(p string) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.files[p]
	return s, ok
}

// fakeFile appends to a file of the fake host.
type fakeFile struct {
	h    *fakeHost
	path string
}

func (f *fakeFile) Write(b []byte) (int, error) {
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	if f.h.maxFile > 0 && len(f.h.files[f.path])+len(b) > f.h.maxFile {
		return 0, fs.ErrInvalid
	}
	f.h.files[f.path] += string(b)
	return len(b), nil
}

func (f *fakeFile) Close() error { return nil }

// plainHost hides the optional interfaces of a Host.
type plainHost struct{ Host }

// stdHandlers are the commands every fake host has.
func stdHandlers(h *fakeHost) map[string]Handler {
	oslevel := func(_ context.Context, inv *Invocation) int {
		fmt.Fprintln(inv.Stdout, "7200-05-05-2246")
		return 0
	}
	return map[string]Handler{
		"oslevel":          oslevel,
		"/usr/bin/oslevel": oslevel,
		// lsvg insists on the C locale, as parsers of its output do.
		"lsvg": func(_ context.Context, inv *Invocation) int {
			if inv.Env["LC_ALL"] != "C" {
				fmt.Fprintln(inv.Stderr, "lsvg: LC_ALL is not C")
				return 1
			}
			fmt.Fprintln(inv.Stdout, "rootvg")
			return 0
		},
		// args prints its arguments in brackets, to show word splitting.
		"args": func(_ context.Context, inv *Invocation) int {
			for _, a := range inv.Args[1:] {
				fmt.Fprintf(inv.Stdout, "[%s]", a)
			}
			fmt.Fprintln(inv.Stdout)
			return 0
		},
		"printenv": func(_ context.Context, inv *Invocation) int {
			v, ok := inv.Env[inv.Args[1]]
			if !ok {
				return 1
			}
			fmt.Fprintln(inv.Stdout, v)
			return 0
		},
		"showdir": func(_ context.Context, inv *Invocation) int {
			fmt.Fprintln(inv.Stdout, inv.Dir)
			return 0
		},
		"cat": func(_ context.Context, inv *Invocation) int {
			if len(inv.Args) == 1 {
				if _, err := io.Copy(inv.Stdout, inv.Stdin); err != nil {
					return 1
				}
				return 0
			}
			for _, p := range inv.Args[1:] {
				s, ok := h.file(p)
				if !ok {
					fmt.Fprintf(inv.Stderr, "cat: 0652-050 Cannot open %s.\n", p)
					return 2
				}
				fmt.Fprint(inv.Stdout, s)
			}
			return 0
		},
		"fail": func(_ context.Context, inv *Invocation) int {
			n, _ := strconv.Atoi(inv.Args[1])
			return n
		},
		// both writes one line to stdout, then one to stderr.
		"both": func(_ context.Context, inv *Invocation) int {
			fmt.Fprintln(inv.Stdout, "out")
			fmt.Fprintln(inv.Stderr, "err")
			return 0
		},
		"nimadm": func(_ context.Context, inv *Invocation) int {
			fmt.Fprintf(inv.Stdout, "Initializing the NIM master.\nExecuting nimadm phase 1.\n")
			fmt.Fprintf(inv.Stderr, "nimadm args: %s\n", strings.Join(inv.Args[1:], " "))
			return 0
		},
		// hang blocks until ctx is cancelled, like a hung command.
		"hang": func(ctx context.Context, inv *Invocation) int {
			<-ctx.Done()
			return 0
		},
	}
}

// addClient gives h a c_rsh that runs command lines on client hosts.
func (h *fakeHost) addClient(name string, client Host) {
	crsh := func(ctx context.Context, inv *Invocation) int {
		if len(inv.Args) != 3 {
			fmt.Fprintln(inv.Stderr, "usage: c_rsh client command")
			return 1
		}
		if inv.Args[1] != name {
			fmt.Fprintf(inv.Stderr, "c_rsh: unknown host %s\n", inv.Args[1])
			return 1
		}
		return Run(ctx, client, inv.Args[2], inv.Stdin, inv.Stdout, inv.Stderr)
	}
	h.cmds["c_rsh"] = crsh
	h.cmds["/usr/lpp/bos.sysmgt/nim/methods/c_rsh"] = crsh
}

// runResult is what one Run produced.
type runResult struct {
	Out, Err string
	Status   int
}

func runOn(ctx context.Context, h Host, script, stdin string) runResult {
	var out, errb bytes.Buffer
	st := Run(ctx, h, script, strings.NewReader(stdin), &out, &errb)
	return runResult{out.String(), errb.String(), st}
}

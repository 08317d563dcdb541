package sim

import (
	"context"
	"sort"
	"sync"
	"time"
)

// procTable is a host's process table: background jobs and long-running
// foreground commands (nimadm, sleep, multibos) that `ps` lists and
// `kill` can stop. Static daemons (SRC subsystems, applications) are not
// entries; ps derives them from the model. It has its own mutex so that
// it can be used without the host lock.
type procTable struct {
	mu    sync.Mutex
	next  int
	step  int
	procs map[int]*proc
}

type proc struct {
	pid    int
	ppid   int
	cmd    string
	start  time.Time
	tty    string
	cancel context.CancelFunc
	killed int // signal number that stopped it, 0 if none
}

type pidKey struct{}

func newProcTable(host string) *procTable {
	h := hash64("pids", host)
	return &procTable{next: 1000000 + int(h%3000000)&^1, step: 2 * (1 + int(h>>32%300)), procs: map[int]*proc{}}
}

func (t *procTable) newPID() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next += t.step
	return t.next
}

// start registers a process and returns a context cancelled by kill.
func (t *procTable) start(ctx context.Context, cmd, tty string, now time.Time) (context.Context, *proc) {
	pid := t.newPID()
	ctx, cancel := context.WithCancel(ctx)
	p := &proc{pid: pid, ppid: 1, cmd: cmd, start: now, tty: tty, cancel: cancel}
	t.mu.Lock()
	t.procs[pid] = p
	t.mu.Unlock()
	return context.WithValue(ctx, pidKey{}, pid), p
}

// adopt names the background job the handler runs in (so that `kill $!`
// stops it) or registers a new foreground process. done must be called
// when the handler returns.
func (t *procTable) adopt(ctx context.Context, cmd string, now time.Time) (context.Context, func()) {
	if pid, ok := ctx.Value(pidKey{}).(int); ok {
		t.mu.Lock()
		p := t.procs[pid]
		if p != nil && p.cmd == "" {
			p.cmd = cmd
			t.mu.Unlock()
			return ctx, func() {}
		}
		t.mu.Unlock()
	}
	ctx, p := t.start(ctx, cmd, "pts/0", now)
	return ctx, func() { t.remove(p.pid) }
}

func (t *procTable) remove(pid int) {
	t.mu.Lock()
	if p := t.procs[pid]; p != nil {
		p.cancel()
		delete(t.procs, pid)
	}
	t.mu.Unlock()
}

func (t *procTable) get(pid int) *proc {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.procs[pid]
}

func (t *procTable) kill(pid, sig int) bool {
	t.mu.Lock()
	p := t.procs[pid]
	if p != nil {
		p.killed = sig
	}
	t.mu.Unlock()
	if p == nil {
		return false
	}
	p.cancel()
	return true
}

func (t *procTable) list() []proc {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]proc, 0, len(t.procs))
	for _, p := range t.procs {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pid < out[j].pid })
	return out
}

func (t *procTable) killAll() {
	t.mu.Lock()
	ps := t.procs
	t.procs = map[int]*proc{}
	t.mu.Unlock()
	for _, p := range ps {
		p.cancel()
	}
}

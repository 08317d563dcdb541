package transport

import (
	"context"
	"fmt"
	"sync"
)

// LimitOptions configures [Limit]. The zero value limits nothing.
type LimitOptions struct {
	// Global caps the commands in flight across all hosts. Zero or less
	// means no global cap.
	Global int
	// PerKey caps the commands in flight for one key (see Key), unless
	// KeyLimit says otherwise. Zero or less means no per-key cap.
	PerKey int
	// Key maps a command to the resource it loads. Nil means the command's
	// host. To cap commands per NIM master, map each client to its master
	// (a client reached through c_rsh loads its master's sshd and CPU).
	Key func(c Command) string
	// KeyLimit returns the cap for one key, for example a master's slot
	// count from the inventory. Nil means PerKey for every key; a result of
	// zero or less means no cap for that key. It is called when a key
	// first gets a command after being idle, under the limiter's lock, so
	// it must be quick and must not run commands; a changed answer takes
	// effect when the key next becomes idle.
	KeyLimit func(key string) int
}

// Limit returns a Runner that bounds how many commands run at once through
// next, globally and per key.
//
// A command first waits for a slot of its key, then for a global slot, and
// releases both when next returns. Because every command takes the two in
// the same order, and never holds a global slot while it waits for a key
// slot, commands for a busy key cannot starve other keys of global slots
// and no set of waiters can deadlock. Waiting honours ctx: if ctx ends
// first, Run returns an error wrapping ctx.Err() without running the
// command. Slots are not granted in strict arrival order.
func Limit(next Runner, o LimitOptions) Runner {
	l := &limiter{next: next, o: o, keys: make(map[string]*keySem)}
	if o.Global > 0 {
		l.global = make(chan struct{}, o.Global)
	}
	return l
}

type limiter struct {
	next   Runner
	o      LimitOptions
	global chan struct{} // nil: no global cap

	mu   sync.Mutex
	keys map[string]*keySem // keys with commands in flight or waiting
}

// keySem is the semaphore of one key; users counts the commands holding or
// waiting for it, so idle keys can be dropped from the map.
type keySem struct {
	ch    chan struct{} // nil: no cap for this key
	users int
}

func (l *limiter) Run(ctx context.Context, c Command) (Result, error) {
	key := c.Host
	if l.o.Key != nil {
		key = l.o.Key(c)
	}
	ks := l.acquireKeySem(key)
	defer l.releaseKeySem(key, ks)

	if ks.ch != nil {
		if err := acquire(ctx, ks.ch); err != nil {
			return Result{}, fmt.Errorf("wait for a command slot for %s: %w", key, err)
		}
		defer func() { <-ks.ch }()
	}
	if l.global != nil {
		if err := acquire(ctx, l.global); err != nil {
			return Result{}, fmt.Errorf("wait for a command slot: %w", err)
		}
		defer func() { <-l.global }()
	}
	return l.next.Run(ctx, c)
}

func acquire(ctx context.Context, ch chan struct{}) error {
	// Prefer failing fast on a context that has already ended, even when a
	// slot is free.
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *limiter) acquireKeySem(key string) *keySem {
	l.mu.Lock()
	defer l.mu.Unlock()
	ks := l.keys[key]
	if ks == nil {
		n := l.o.PerKey
		if l.o.KeyLimit != nil {
			n = l.o.KeyLimit(key)
		}
		ks = &keySem{}
		if n > 0 {
			ks.ch = make(chan struct{}, n)
		}
		l.keys[key] = ks
	}
	ks.users++
	return ks
}

func (l *limiter) releaseKeySem(key string, ks *keySem) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ks.users--
	if ks.users == 0 {
		delete(l.keys, key)
	}
}

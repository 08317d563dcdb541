package transport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// gauge tracks the commands in flight, overall and per key, and the
// maxima seen.
type gauge struct {
	mu        sync.Mutex
	cur, max  int
	curK      map[string]int
	maxK      map[string]int
	key       func(Command) string
	reachedCh chan int // receives cur after each increment
}

func newGauge(key func(Command) string) *gauge {
	return &gauge{curK: map[string]int{}, maxK: map[string]int{}, key: key, reachedCh: make(chan int, 1000)}
}

func (g *gauge) enter(c Command) {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := g.key(c)
	g.cur++
	g.curK[k]++
	g.max = max(g.max, g.cur)
	g.maxK[k] = max(g.maxK[k], g.curK[k])
	select {
	case g.reachedCh <- g.cur:
	default:
	}
}

func (g *gauge) leave(c Command) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cur--
	g.curK[g.key(c)]--
}

func TestLimitNeverExceeds(t *testing.T) {
	masterOf := map[string]string{}
	for i := range 20 {
		masterOf[fmt.Sprintf("lpar%d", i)] = fmt.Sprintf("nim%d", i%3)
	}
	key := func(c Command) string { return masterOf[c.Host] }
	slots := map[string]int{"nim0": 1, "nim1": 2, "nim2": 3}
	host := func(c Command) string { return c.Host }
	perHost := map[string]int{}
	for h := range masterOf {
		perHost[h] = 1
	}
	tests := []struct {
		name     string
		o        LimitOptions
		gaugeKey func(Command) string // what the gauge counts per key
		wantMax  int
		wantMaxK map[string]int
	}{
		{name: "global", o: LimitOptions{Global: 5}, gaugeKey: key, wantMax: 5},
		{name: "per key", o: LimitOptions{PerKey: 2, Key: key}, gaugeKey: key, wantMax: 6, wantMaxK: map[string]int{"nim0": 2, "nim1": 2, "nim2": 2}},
		{name: "key limit", o: LimitOptions{Global: 4, Key: key, KeyLimit: func(k string) int { return slots[k] }}, gaugeKey: key, wantMax: 4, wantMaxK: slots},
		{name: "per host", o: LimitOptions{Global: 8, PerKey: 1}, gaugeKey: host, wantMax: 8, wantMaxK: perHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGauge(tt.gaugeKey)
			next := RunnerFunc(func(ctx context.Context, c Command) (Result, error) {
				g.enter(c)
				defer g.leave(c)
				return Result{}, nil
			})
			r := Limit(next, tt.o)
			var wg sync.WaitGroup
			for i := range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := Command{Host: fmt.Sprintf("lpar%d", i%20), Line: "true"}
					if _, err := r.Run(context.Background(), c); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if g.max > tt.wantMax {
				t.Errorf("max in flight %d, limit %d", g.max, tt.wantMax)
			}
			for k, n := range g.maxK {
				if w, ok := tt.wantMaxK[k]; ok && n > w {
					t.Errorf("key %s: max in flight %d, limit %d", k, n, w)
				}
			}
			l := r.(*limiter)
			if len(l.keys) != 0 {
				t.Errorf("limiter keeps %d idle keys", len(l.keys))
			}
		})
	}
}

// TestLimitFillsSlots checks the limiter lets exactly N commands run at
// once: N commands block inside next until all N are in.
func TestLimitFillsSlots(t *testing.T) {
	const n = 4
	release := make(chan struct{})
	g := newGauge(func(c Command) string { return c.Host })
	next := RunnerFunc(func(ctx context.Context, c Command) (Result, error) {
		g.enter(c)
		defer g.leave(c)
		<-release
		return Result{}, nil
	})
	r := Limit(next, LimitOptions{Global: n})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Run(context.Background(), Command{Host: fmt.Sprint("h", i)})
		}()
	}
	for cur := range g.reachedCh {
		if cur == n {
			break
		}
	}
	close(release)
	wg.Wait()
	if g.max != n {
		t.Errorf("max in flight %d, want %d", g.max, n)
	}
}

// TestLimitBusyKeyDoesNotStarveOthers: with one global slot free, a command
// for an idle key must get it even while many commands wait for a busy key.
func TestLimitBusyKeyDoesNotStarveOthers(t *testing.T) {
	block := make(chan struct{})
	started := make(chan string, 100)
	next := RunnerFunc(func(ctx context.Context, c Command) (Result, error) {
		started <- c.Host
		if c.Host == "a" {
			<-block
		}
		return Result{}, nil
	})
	r := Limit(next, LimitOptions{Global: 2, PerKey: 1})
	var wg sync.WaitGroup
	run := func(host string) {
		defer wg.Done()
		r.Run(context.Background(), Command{Host: host})
	}
	wg.Add(1)
	go run("a")
	if h := <-started; h != "a" {
		t.Fatalf("started %s, want a", h)
	}
	for range 10 {
		wg.Add(1)
		go run("a") // wait for key a, must not hold a global slot meanwhile
	}
	// Hang guard only; not a timing assertion.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := r.Run(ctx, Command{Host: "b"}); err != nil {
		t.Fatalf("command for idle key b: %v", err)
	}
	close(block)
	wg.Wait()
}

func TestLimitContext(t *testing.T) {
	block := make(chan struct{})
	inside := make(chan struct{})
	f := &fakeRunner{}
	next := RunnerFunc(func(ctx context.Context, c Command) (Result, error) {
		if c.Host == "holder" {
			close(inside)
			<-block
		}
		return f.Run(ctx, c)
	})
	tests := []struct {
		name string
		o    LimitOptions
	}{
		{"global", LimitOptions{Global: 1, Key: func(Command) string { return "k" }}},
		{"per key", LimitOptions{PerKey: 1, Key: func(Command) string { return "k" }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block = make(chan struct{})
			inside = make(chan struct{})
			f.calls = nil
			r := Limit(next, tt.o)
			done := make(chan struct{})
			go func() {
				defer close(done)
				r.Run(context.Background(), Command{Host: "holder"})
			}()
			<-inside
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error)
			go func() {
				_, err := r.Run(ctx, Command{Host: "waiter"})
				errc <- err
			}()
			cancel()
			err := <-errc
			if !errors.Is(err, context.Canceled) {
				t.Errorf("got %v, want context.Canceled", err)
			}
			close(block)
			<-done
			for _, c := range f.Calls() {
				if c.Host == "waiter" {
					t.Error("cancelled command ran")
				}
			}
		})
	}
}

func TestLimitCancelledContextFailsFast(t *testing.T) {
	f := &fakeRunner{}
	r := Limit(f, LimitOptions{Global: 3})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Run(ctx, Command{Host: "h"}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if n := len(f.Calls()); n != 0 {
		t.Errorf("next ran %d times, want 0", n)
	}
}

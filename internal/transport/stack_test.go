package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// flaky is a faulty layer for StackOptions.TestHook: the first n commands
// per host fail with ErrConnLost, the rest reach next.
type flaky struct {
	mu   sync.Mutex
	next Runner
	n    int
	seen map[string]int
}

func (f *flaky) Run(ctx context.Context, c Command) (Result, error) {
	f.mu.Lock()
	f.seen[c.Host]++
	fail := f.seen[c.Host] <= f.n
	f.mu.Unlock()
	if fail {
		return Result{}, fmt.Errorf("injected: %w", ErrConnLost)
	}
	return f.next.Run(ctx, c)
}

func TestStack(t *testing.T) {
	type rec struct {
		Host    string
		DryRun  bool
		Exit    int // -1: none
		Err     string
		Mutates bool
	}
	tests := []struct {
		name      string
		dryRun    bool
		faults    int
		cmd       Command
		wantErr   error
		wantBase  int // commands that reached the base
		wantAudit []rec
		wantPlan  int
	}{
		{
			name: "read-only retried through the fault", faults: 2,
			cmd:      Command{Host: "lpar1", Line: "/usr/sbin/lspv"},
			wantBase: 1,
			wantAudit: []rec{
				{Host: "lpar1", Exit: -1, Err: "conn_lost"},
				{Host: "lpar1", Exit: -1, Err: "conn_lost"},
				{Host: "lpar1", Exit: 0},
			},
		},
		{
			name: "mutating not retried", faults: 1,
			cmd:       Command{Host: "lpar1", Line: "/usr/sbin/chpv -C hdisk1", Mutates: true},
			wantErr:   ErrConnLost,
			wantAudit: []rec{{Host: "lpar1", Exit: -1, Err: "conn_lost", Mutates: true}},
		},
		{
			name: "dry run stops mutating before the fault layer", faults: 5, dryRun: true,
			cmd:       Command{Host: "lpar1", Line: "/usr/sbin/chpv -C hdisk1", Mutates: true},
			wantErr:   ErrDryRun,
			wantAudit: []rec{{Host: "lpar1", Exit: -1, DryRun: true, Mutates: true}},
			wantPlan:  1,
		},
		{
			name: "dry run passes read-only", dryRun: true,
			cmd:       Command{Host: "lpar1", Line: "/usr/sbin/lspv"},
			wantBase:  1,
			wantAudit: []rec{{Host: "lpar1", Exit: 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := &fakeRunner{}
			var buf bytes.Buffer
			var plan Plan
			r := Stack(base, StackOptions{
				Transport: "lab",
				Limit:     LimitOptions{Global: 2, PerKey: 1},
				Retry:     RetryOptions{Sleep: func(context.Context, time.Duration) error { return nil }},
				AuditLog:  NewAuditLog(&buf),
				DryRun:    tt.dryRun,
				Plan:      &plan,
				TestHook: func(next Runner) Runner {
					return &flaky{next: next, n: tt.faults, seen: map[string]int{}}
				},
			})
			_, err := r.Run(context.Background(), tt.cmd)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if n := len(base.Calls()); n != tt.wantBase {
				t.Errorf("base ran %d commands, want %d", n, tt.wantBase)
			}
			recs, err := ReadAudit(&buf)
			if err != nil {
				t.Fatal(err)
			}
			var got []rec
			for _, r := range recs {
				g := rec{Host: r.Host, DryRun: r.DryRun, Exit: -1, Err: r.Error, Mutates: r.Mutates}
				if r.ExitCode != nil {
					g.Exit = *r.ExitCode
				}
				if r.Transport != "lab" {
					t.Errorf("transport %q, want lab", r.Transport)
				}
				got = append(got, g)
			}
			if diff := cmp.Diff(tt.wantAudit, got); diff != "" {
				t.Errorf("audit (-want +got):\n%s", diff)
			}
			if n := len(plan.Commands()); n != tt.wantPlan {
				t.Errorf("plan has %d commands, want %d", n, tt.wantPlan)
			}
		})
	}
}

func TestStackMinimal(t *testing.T) {
	base := &fakeRunner{script: []step{{err: ErrConnLost}, {res: Result{ExitCode: 3}}}}
	r := Stack(base, StackOptions{Retry: RetryOptions{Sleep: func(context.Context, time.Duration) error { return nil }}})
	res, err := r.Run(context.Background(), Command{Host: "a"})
	if err != nil || res.ExitCode != 3 {
		t.Errorf("got (%v, %v), want exit 3 after one retry", res.ExitCode, err)
	}
}

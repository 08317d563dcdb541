package transport

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var errOther = errors.New("something else")

func TestRetry(t *testing.T) {
	connLost := fmt.Errorf("host lpar1: %w", ErrConnLost)
	unreachable := fmt.Errorf("dial: %w", ErrUnreachable)
	tests := []struct {
		name       string
		mutates    bool
		script     []step
		wantCalls  int
		wantErr    error // nil: success
		wantExit   int
		wantDelays []time.Duration
	}{
		{name: "success first time", script: []step{{res: Result{ExitCode: 0}}}, wantCalls: 1},
		{name: "non-zero exit is not retried", script: []step{{res: Result{ExitCode: 2}}}, wantCalls: 1, wantExit: 2},
		{name: "transient then success", script: []step{{err: connLost}, {err: unreachable}, {res: Result{ExitCode: 1}}},
			wantCalls: 3, wantExit: 1, wantDelays: []time.Duration{1500 * time.Millisecond, 3 * time.Second}},
		{name: "gives up after max attempts", script: []step{{err: connLost}},
			wantCalls: 4, wantErr: ErrConnLost, wantDelays: []time.Duration{1500 * time.Millisecond, 3 * time.Second, 6 * time.Second}},
		{name: "mutating command is never retried", mutates: true, script: []step{{err: connLost}}, wantCalls: 1, wantErr: ErrConnLost},
		{name: "timeout is not transient", script: []step{{err: ErrTimeout}}, wantCalls: 1, wantErr: ErrTimeout},
		{name: "auth is not transient", script: []step{{err: ErrAuth}}, wantCalls: 1, wantErr: ErrAuth},
		{name: "host key is not transient", script: []step{{err: ErrHostKey}}, wantCalls: 1, wantErr: ErrHostKey},
		{name: "other error", script: []step{{err: errOther}}, wantCalls: 1, wantErr: errOther},
		{name: "transient then permanent", script: []step{{err: connLost}, {err: ErrAuth}}, wantCalls: 2, wantErr: ErrAuth,
			wantDelays: []time.Duration{1500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeRunner{script: tt.script}
			var delays []time.Duration
			r := Retry(f, RetryOptions{
				BaseDelay: 2 * time.Second,
				MaxDelay:  8 * time.Second,
				Jitter:    func() float64 { return 0.5 },
				Sleep: func(ctx context.Context, d time.Duration) error {
					delays = append(delays, d)
					return nil
				},
			})
			res, err := r.Run(context.Background(), Command{Host: "lpar1", Line: "lspv", Mutates: tt.mutates})
			if n := len(f.Calls()); n != tt.wantCalls {
				t.Errorf("next called %d times, want %d", n, tt.wantCalls)
			}
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			}
			if err == nil && res.ExitCode != tt.wantExit {
				t.Errorf("got exit %d, want %d", res.ExitCode, tt.wantExit)
			}
			if diff := cmp.Diff(tt.wantDelays, delays); diff != "" {
				t.Errorf("delays (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetryErrorText(t *testing.T) {
	f := &fakeRunner{script: []step{{err: fmt.Errorf("dial nim01:22: %w", ErrUnreachable)}}}
	r := Retry(f, RetryOptions{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }})
	_, err := r.Run(context.Background(), Command{Host: "nim01"})
	want := "after 3 attempts: dial nim01:22: host unreachable"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestRetryBackoffCapAndJitter(t *testing.T) {
	tests := []struct {
		jitter float64
		want   []time.Duration
	}{
		{0, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}},
		{0.999999, []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.jitter), func(t *testing.T) {
			f := &fakeRunner{script: []step{{err: ErrConnLost}}}
			var delays []time.Duration
			r := Retry(f, RetryOptions{
				MaxAttempts: 6, BaseDelay: 2 * time.Second, MaxDelay: 10 * time.Second,
				Jitter: func() float64 { return tt.jitter },
				Sleep: func(ctx context.Context, d time.Duration) error {
					delays = append(delays, d.Round(time.Second))
					return nil
				},
			})
			r.Run(context.Background(), Command{})
			if diff := cmp.Diff(tt.want, delays); diff != "" {
				t.Errorf("delays (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetryHonoursContext(t *testing.T) {
	f := &fakeRunner{script: []step{{err: ErrConnLost}}}
	ctx, cancel := context.WithCancel(context.Background())
	var retries int
	r := Retry(f, RetryOptions{
		OnRetry: func(c Command, attempt int, err error, d time.Duration) {
			retries++
			cancel() // the operator presses Ctrl-C during the first wait
		},
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
	_, err := r.Run(ctx, Command{Host: "lpar1"})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrConnLost) {
		t.Errorf("got %v, want both context.Canceled and ErrConnLost", err)
	}
	if n := len(f.Calls()); n != 1 || retries != 1 {
		t.Errorf("calls %d, retries %d; want 1, 1", n, retries)
	}
}

func TestRetryRealSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if err := sleepCtx(context.Background(), 0); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

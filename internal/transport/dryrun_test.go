package transport

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDryRun(t *testing.T) {
	f := &fakeRunner{script: []step{{res: Result{Stdout: []byte("rootvg\n")}}}}
	var plan Plan
	r := DryRun(f, &plan)

	res, err := r.Run(context.Background(), Command{Host: "lpar1", Line: "/usr/sbin/lsvg"})
	if err != nil || string(res.Stdout) != "rootvg\n" {
		t.Fatalf("read-only command: got (%q, %v), want it passed through", res.Stdout, err)
	}

	mut := Command{Host: "lpar1", Line: "/usr/sbin/chpv -C hdisk1", Mutates: true}
	res, err = r.Run(context.Background(), mut)
	if !IsDryRun(err) {
		t.Fatalf("mutating command: got error %v, want ErrDryRun", err)
	}
	if want := `would run "/usr/sbin/chpv -C hdisk1": not executed (dry run)`; err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
	if res.ExitCode != 0 || res.Stdout != nil || res.Stderr != nil {
		t.Errorf("got result %+v, want zero", res)
	}
	if n := len(f.Calls()); n != 1 {
		t.Errorf("next ran %d commands, want 1 (the read-only one)", n)
	}
	if diff := cmp.Diff([]Command{mut}, plan.Commands()); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if IsDryRun(nil) || IsDryRun(errOther) {
		t.Error("IsDryRun true for a non-dry-run error")
	}
}

func TestDryRunNilPlanAndConcurrency(t *testing.T) {
	r := DryRun(&fakeRunner{}, nil)
	if _, err := r.Run(context.Background(), Command{Mutates: true}); !IsDryRun(err) {
		t.Fatalf("got %v", err)
	}
	var plan Plan
	r = DryRun(&fakeRunner{}, &plan)
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Run(context.Background(), Command{Mutates: true})
		}()
	}
	wg.Wait()
	if n := len(plan.Commands()); n != 100 {
		t.Errorf("plan has %d commands, want 100", n)
	}
}

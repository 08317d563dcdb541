package transport

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeClock advances by step on every call.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 8, 22, 0, 0, 123456789, time.FixedZone("CET", 3600)), step: 1500 * time.Millisecond}
}

func TestAuditGolden(t *testing.T) {
	var buf bytes.Buffer
	log := NewAuditLog(&buf)
	cmds := []struct {
		c Command
		s step
	}{
		{Command{Host: "nim01", Line: "/usr/bin/oslevel -s"}, step{res: Result{Stdout: []byte("7300-03-01-2446\n"), ExitCode: 0}}},
		{Command{Host: "lpar1", Line: "/usr/sbin/getlvodm -j hdisk1"}, step{res: Result{Stderr: []byte("0516-320 ...\n"), ExitCode: 1}}},
		{Command{Host: "lpar2", Line: "/usr/sbin/lspv"}, step{res: Result{Stdout: []byte("partial")}, err: fmt.Errorf("read: %w", ErrConnLost)}},
		{Command{Host: "lpar1", Line: "/usr/sbin/nimadm -c lpar1 -s spot -l lpp -d hdisk1 -Y", Mutates: true}, step{}},
		{Command{Host: "lpar3", Line: "echo secret=hunter2"}, step{err: ErrAuth}},
	}
	f := &fakeRunner{}
	for _, c := range cmds {
		if !c.c.Mutates { // the dry run keeps mutating commands from f
			f.script = append(f.script, c.s)
		}
	}
	f.script = append(f.script, step{})
	r := Audit(DryRun(f, nil), log, AuditOptions{
		Transport: "ssh",
		Now:       newClock().Now,
		Redact:    func(l string) string { return strings.ReplaceAll(l, "hunter2", "REDACTED") },
	})
	for _, c := range cmds {
		r.Run(context.Background(), c.c)
	}
	golden(t, "testdata/audit.golden", buf.Bytes())

	recs, err := ReadAudit(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(cmds) {
		t.Fatalf("read %d records, want %d", len(recs), len(cmds))
	}
	if !recs[3].DryRun || recs[3].ExitCode != nil || recs[2].Error != "conn_lost" || *recs[1].ExitCode != 1 {
		t.Errorf("unexpected records: %+v", recs)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestAuditConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	log, err := OpenAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	r := Audit(&fakeRunner{script: []step{{res: Result{Stdout: []byte("ok\n")}}}}, log, AuditOptions{Transport: "lab"})
	var wg sync.WaitGroup
	const n = 200
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			line := fmt.Sprintf("/usr/bin/echo %d %s", i, strings.Repeat("x", i*37))
			r.Run(context.Background(), Command{Host: fmt.Sprint("lpar", i), Line: line})
		}()
	}
	wg.Wait()
	if err := log.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadAudit(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("got %d records, want %d", len(recs), n)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Host] = true
		if r.StdoutBytes != 3 || r.Transport != "lab" || r.ExitCode == nil {
			t.Errorf("bad record %+v", r)
		}
	}
	if len(seen) != n {
		t.Errorf("got %d distinct hosts, want %d", len(seen), n)
	}
}

func TestReadAudit(t *testing.T) {
	good := `{"v":1,"time":"2025-03-08T21:00:00Z","host":"a","transport":"ssh","line":"x","mutates":false,"exit_code":0,"duration_ms":1,"stdout_bytes":0,"stderr_bytes":0}`
	future := `{"v":1,"time":"2025-03-08T21:00:00Z","host":"b","transport":"ssh","line":"x","mutates":false,"exit_code":0,"duration_ms":1,"stdout_bytes":0,"stderr_bytes":0,"new_field":"x"}`
	tests := []struct {
		name    string
		in      string
		wantN   int
		wantErr string
	}{
		{"empty", "", 0, ""},
		{"one", good + "\n", 1, ""},
		{"torn final line", good + "\n" + good[:40], 1, ""},
		{"final line complete without newline", good + "\n" + good, 2, ""},
		{"unknown fields ignored", future + "\n", 1, ""},
		{"blank lines", "\n" + good + "\n\n", 1, ""},
		{"garbage in the middle", good + "\n{oops\n" + good + "\n", 1, "audit log: line 2: invalid character 'o' looking for beginning of object key string"},
		{"trailing garbage", good + " x\n", 0, "audit log: line 1: invalid character 'x' after top-level value"},
		{"wrong version", `{"v":2}` + "\n", 0, "audit log: line 1: unsupported record version 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := ReadAudit(strings.NewReader(tt.in))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("got error %q, want %q", gotErr, tt.wantErr)
			}
			if len(recs) != tt.wantN {
				t.Errorf("got %d records, want %d", len(recs), tt.wantN)
			}
		})
	}
}

type failWriter struct{ fail bool }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.fail {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestAuditWriteFailureBlocksMutations(t *testing.T) {
	w := &failWriter{}
	log := NewAuditLog(w)
	f := &fakeRunner{}
	r := Audit(f, log, AuditOptions{})
	if _, err := r.Run(context.Background(), Command{Host: "a", Mutates: true}); err != nil {
		t.Fatal(err)
	}
	w.fail = true
	if _, err := r.Run(context.Background(), Command{Host: "a"}); err != nil {
		t.Fatalf("a read-only command whose record fails to write: got %v, want nil", err)
	}
	if err := log.Err(); err == nil || err.Error() != "audit log: write: disk full" {
		t.Errorf("Err() = %v", err)
	}
	_, err := r.Run(context.Background(), Command{Host: "a", Mutates: true})
	if err == nil || !strings.Contains(err.Error(), "refusing to run a state-changing command: audit log: write: disk full") {
		t.Errorf("got %v, want a refusal", err)
	}
	if _, err := r.Run(context.Background(), Command{Host: "a"}); err != nil {
		t.Errorf("read-only command after failure: %v", err)
	}
	if n := len(f.Calls()); n != 3 {
		t.Errorf("next ran %d commands, want 3", n)
	}
	if err := log.Close(); err == nil {
		t.Error("Close() = nil, want the write error")
	}
}

func TestErrorClass(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("x: %w", ErrUnreachable), "unreachable"},
		{ErrAuth, "auth"},
		{ErrHostKey, "host_key"},
		{ErrConnLost, "conn_lost"},
		{ErrTimeout, "timeout"},
		{ErrOutputTooLarge, "output_too_large"},
		{ErrDryRun, "dry_run"},
		{ErrUnknownHost, "unknown_host"},
		{context.Canceled, "canceled"},
		{context.DeadlineExceeded, "deadline_exceeded"},
		{errOther, "other"},
		{fmt.Errorf("%w (gave up: %w)", ErrConnLost, context.Canceled), "conn_lost"},
	}
	for _, tt := range tests {
		if got := ErrorClass(tt.err); got != tt.want {
			t.Errorf("ErrorClass(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func FuzzReadAudit(f *testing.F) {
	data, err := os.ReadFile("testdata/audit.golden")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte("{\"v\":1}\n{oops"))
	f.Fuzz(func(t *testing.T, in []byte) {
		recs, err := ReadAudit(bytes.NewReader(in))
		if err == nil {
			for _, r := range recs {
				if r.V != AuditVersion {
					t.Fatalf("record of version %d accepted", r.V)
				}
			}
			// What was read must survive being written and read again.
			var buf bytes.Buffer
			log := NewAuditLog(&buf)
			for _, r := range recs {
				if err := log.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			again, err := ReadAudit(&buf)
			if err != nil || len(again) != len(recs) {
				t.Fatalf("rewrite: %d records, err %v; want %d", len(again), err, len(recs))
			}
		}
	})
}

package journal

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func fixedNow() time.Time { return t0 }

// writeFleet writes the fleet script to a new journal file and returns its
// path and its bytes.
func writeFleet(t *testing.T) (string, []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fleet.journal")
	j, err := Open(p, Options{Create: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	fleetScript(newScript(t, j, "r1"))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, data
}

func hostsOf(t *testing.T, j Journal) []HostState {
	t.Helper()
	hs, err := j.Hosts()
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

func TestTornTailIsDropped(t *testing.T) {
	p, data := writeFleet(t)
	ref, err := Open(p, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	want := hostsOf(t, ref)
	seq := ref.LastSeq()
	for _, tail := range []string{
		`{"v":1,"seq":`,                    // cut inside a record
		"\x00\x00\x00\x00",                 // zero-filled block after power loss
		`{"v":1,"seq":999,"t":"2026-03-01`, // cut just before the end
	} {
		if err := os.WriteFile(p, append(append([]byte(nil), data...), tail...), 0o600); err != nil {
			t.Fatal(err)
		}
		ro, err := Open(p, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("read-only open with torn tail %q: %v", tail, err)
		}
		if d := cmp.Diff(want, hostsOf(t, ro)); d != "" || ro.LastSeq() != seq {
			t.Errorf("torn tail %q changed the state:\n%s", tail, d)
		}
		if got, _ := os.ReadFile(p); len(got) != len(data)+len(tail) {
			t.Errorf("a reader modified the file")
		}
		w, err := Open(p, Options{})
		if err != nil {
			t.Fatalf("open with torn tail %q: %v", tail, err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, data) {
			t.Errorf("writer did not drop the torn tail %q", tail)
		}
		s := newScript(t, w, "r2")
		s.start()
		w.Close()
		again, err := Open(p, Options{ReadOnly: true})
		if err != nil || again.LastSeq() != seq+1 {
			t.Fatalf("reopen after append: seq %d, %v", again.LastSeq(), err)
		}
	}
}

func TestTornHeaderIsANewJournal(t *testing.T) {
	for _, content := range []string{"", `{"nimfleet_jou`} {
		p := filepath.Join(t.TempDir(), "j")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := Open(p, Options{Now: fixedNow})
		if err != nil {
			t.Fatalf("%q: %v", content, err)
		}
		newScript(t, j, "r1").start()
		j.Close()
		data, _ := os.ReadFile(p)
		if !strings.HasPrefix(string(data), `{"nimfleet_journal":1,"created":"2026-03-01T10:00:00Z"}`+"\n") {
			t.Errorf("%q: got file %q", content, data)
		}
	}
}

func TestCorruption(t *testing.T) {
	_, data := writeFleet(t)
	lines := strings.SplitAfter(string(data), "\n")
	cases := []struct {
		name    string
		content string
		want    error
		msg     string
	}{
		{"garbage record", strings.Join(lines[:5], "") + "garbage\n" + strings.Join(lines[6:], ""), ErrCorrupt, "line 6"},
		{"missing record", strings.Join(lines[:5], "") + strings.Join(lines[6:], ""), ErrCorrupt, "seq 6: want 5"},
		{"record without version", strings.Join(lines[:2], "") + `{"seq":2}` + "\n", ErrCorrupt, "no version"},
		{"newer record", strings.Join(lines[:2], "") + `{"v":2,"seq":2,"something":"new"}` + "\n", ErrVersion, "reads up to 1"},
		{"newer header", `{"nimfleet_journal":2,"created":"2030-01-01T00:00:00Z"}` + "\n", ErrVersion, "format 2"},
		{"not a journal", "hosts:\n  - name: lpar1\n", ErrCorrupt, "not a nimfleet journal"},
		{"replay refuses an invalid event", strings.Join(lines[:2], "") + `{"v":1,"seq":2,"t":"2026-03-01T10:00:00Z","kind":"state","run":"r1","host":"x","to":"running"}` + "\n", ErrCorrupt, "not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "j")
			if err := os.WriteFile(p, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, o := range []Options{{ReadOnly: true}, {}} {
				_, err := Open(p, o)
				if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
					t.Errorf("read-only=%v: got %v, want %v containing %q", o.ReadOnly, err, c.want, c.msg)
				}
			}
			if got, _ := os.ReadFile(p); string(got) != c.content {
				t.Errorf("a failed open modified the file")
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "none.journal")
	for _, o := range []Options{{}, {ReadOnly: true}} {
		if _, err := Open(p, o); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("read-only=%v: got %v, want ErrNotExist", o.ReadOnly, err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("a failed open left files behind: %v", ents)
	}
}

func TestReadOnlyWhileWriting(t *testing.T) {
	p := filepath.Join(t.TempDir(), "j")
	w, err := Open(p, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s := newScript(t, w, "r1")
	s.start()
	s.state("lpar1", StatePlanned, "")
	r1, err := Open(p, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reader while a writer holds the lock: %v", err)
	}
	s.state("lpar1", StateStarting, "")
	r2, err := Open(p, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	h1, _ := r1.Host("lpar1")
	h2, _ := r2.Host("lpar1")
	if h1.State != StatePlanned || h2.State != StateStarting {
		t.Errorf("readers: got %s and %s, want planned (snapshot) and starting", h1.State, h2.State)
	}
	if err := newScript(t, r2, "r1").try(Event{Kind: KindNote, Detail: "x"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Append on a reader: got %v", err)
	}
	// A reader's event iterator stops at its snapshot.
	n := 0
	for _, err := range r1.All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("reader snapshot yields %d events, want 2", n)
	}
}

func TestLockInProcess(t *testing.T) {
	p := filepath.Join(t.TempDir(), "j")
	w, err := Open(p, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(p, Options{})
	if !IsLocked(err) {
		t.Fatalf("second writer: got %v, want IsLocked", err)
	}
	var le *LockedError
	if !errors.As(err, &le) || le.Holder != "this process" {
		t.Errorf("got %#v", err)
	}
	// Another spelling of the same path is the same journal.
	rel, _ := filepath.Rel(mustGetwd(t), p)
	if _, err := Open(filepath.Join(filepath.Dir(p), ".", filepath.Base(p)), Options{}); !IsLocked(err) {
		t.Errorf("same file, other spelling: got %v", err)
	}
	if _, err := Open(rel, Options{}); !IsLocked(err) {
		t.Errorf("relative path: got %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w2, err := Open(p, Options{})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	w2.Close()
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

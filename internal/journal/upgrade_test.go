package journal

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "regenerate testdata/v1.journal (only while FormatVersion is 1) and testdata/v1.state.json")

// replayed is what the upgrade test compares: the derived state.
type replayed struct {
	Runs  []Run
	Hosts []HostState
}

// TestV1JournalReplays: a journal written by format 1 must open and replay
// to the same state in every later version. With -update (and only while
// this package writes format 1) the fixture is regenerated from the fleet
// script; after a format change it is frozen.
func TestV1JournalReplays(t *testing.T) {
	const fixture = "testdata/v1.journal"
	const stateFile = "testdata/v1.state.json"
	if *update && FormatVersion == 1 {
		tmp := filepath.Join(t.TempDir(), "v1.journal")
		j, err := Open(tmp, Options{Create: true, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		fleetScript(newScript(t, j, "r1"))
		j.Close()
		data, err := os.ReadFile(tmp)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fixture, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	j, err := Open(fixture, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", fixture, err)
	}
	runs, _ := j.Runs()
	got, err := json.MarshalIndent(replayed{Runs: runs, Hosts: hostsOf(t, j)}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(stateFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("replay of %s differs from %s (-want +got):\n%s", fixture, stateFile, cmp.Diff(string(want), string(got)))
	}
	// Every record of the fixture is version 1, and a writer appends to it.
	p := filepath.Join(t.TempDir(), "copy.journal")
	data, _ := os.ReadFile(fixture)
	os.WriteFile(p, data, 0o600)
	w, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	newScript(t, w, "r2").start()
}

package fleetreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// auditLog returns n audit records as a log, the i-th naming host
// "h<i>".
func auditLog(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	log := transport.NewAuditLog(&b)
	for i := 0; i < n; i++ {
		if err := log.Write(transport.AuditRecord{V: transport.AuditVersion, Time: SampleStart.Add(time.Duration(i) * time.Second), Host: fmt.Sprintf("h%d", i), Transport: "ssh", Line: "/usr/bin/true"}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func readAll(log []byte) ([]transport.AuditRecord, error) {
	var out []transport.AuditRecord
	for rec, err := range ReadAuditLog(bytes.NewReader(log)) {
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// TestReadAuditLog: the chunked, parallel reader yields what
// transport.ReadAudit yields, in order, whatever the chunk boundaries.
func TestReadAuditLog(t *testing.T) {
	long := transport.AuditRecord{V: transport.AuditVersion, Time: SampleStart, Host: "long", Line: strings.Repeat("x", 600<<10)}
	longLine, err := json.Marshal(long)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		log  []byte
	}{
		{"empty", nil},
		{"one", auditLog(t, 1)},
		{"chunk boundary", auditLog(t, auditChunk)},
		{"several rounds", auditLog(t, 5*auditChunk+17)},
		{"torn last line", append(auditLog(t, auditChunk+3), `{"v":1,"time":"2026-03-`...)},
		{"no final newline", bytes.TrimSuffix(auditLog(t, 10), []byte("\n"))},
		{"blank lines", append(append(auditLog(t, 3), "\n\n"...), auditLog(t, 2)...)},
		{"long line", append(append(auditLog(t, 2), append(longLine, '\n')...), auditLog(t, 2)...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, werr := transport.ReadAudit(bytes.NewReader(c.log))
			got, gerr := readAll(c.log)
			if werr != nil || gerr != nil {
				t.Fatalf("errors: ReadAudit %v, ReadAuditLog %v", werr, gerr)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d records, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i].Host != want[i].Host || !got[i].Time.Equal(want[i].Time) || got[i].Line != want[i].Line {
					t.Fatalf("record %d: got %s, want %s", i, got[i].Host, want[i].Host)
				}
			}
		})
	}

	t.Run("bad line", func(t *testing.T) {
		log := auditLog(t, auditChunk+10)
		lines := bytes.SplitAfter(log, []byte("\n"))
		bad := append(append(bytes.Join(lines[:auditChunk+4], nil), "not json\n"...), bytes.Join(lines[auditChunk+4:], nil)...)
		got, err := readAll(bad)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("lines %d-", auditChunk+1)) || !strings.Contains(err.Error(), "line 5") {
			t.Errorf("got %v, want the chunk's lines and the line within it", err)
		}
		if len(got) != auditChunk+4 {
			t.Errorf("got %d records before the error, want %d", len(got), auditChunk+4)
		}
	})
	t.Run("stop early", func(t *testing.T) {
		n := 0
		for range ReadAuditLog(bytes.NewReader(auditLog(t, 3*auditChunk))) {
			n++
			if n == 5 {
				break
			}
		}
		if n != 5 {
			t.Errorf("got %d", n)
		}
	})
}

package fleetreport

import (
	"context"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// benchFleet is the 5,000-host fleet of the benchmarks: 20 masters of 8
// slots, polled every minute (the follower's default), written once as a
// journal file and an audit log in benchDir, which TestMain removes.
var benchFleet = sync.OnceValues(func() (string, error) {
	s, err := Fleet(FleetOptions{Hosts: 5000, Masters: 20, Slots: 8, Seed: 5000})
	if err != nil {
		return "", err
	}
	// Every Append is fsync'd: write on a memory file system when there
	// is one, or generating the journal takes minutes.
	base := os.TempDir()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "nimfleet-bench-")
	if err != nil {
		return "", err
	}
	benchDir = dir
	j, err := journal.Open(filepath.Join(dir, "journal.jsonl"), journal.Options{Create: true})
	if err != nil {
		return "", err
	}
	if err := s.AppendTo(context.Background(), j); err != nil {
		return "", err
	}
	if err := j.Close(); err != nil {
		return "", err
	}
	f, err := os.Create(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		return "", err
	}
	if err := s.WriteAudit(f); err != nil {
		return "", err
	}
	return dir, f.Close()
})

var benchDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// BenchmarkReport5000 measures what 'nimfleet report --html' does for a
// 5,000-host fleet: open the journal read-only, read the audit log, build
// the model, write the HTML and the JSON. It reports the sizes.
func BenchmarkReport5000(b *testing.B) {
	dir, err := benchFleet()
	if err != nil {
		b.Fatal(err)
	}
	var htmlN, jsonN int64
	var events uint64
	var records int
	for b.Loop() {
		j, err := journal.Open(filepath.Join(dir, "journal.jsonl"), journal.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, "audit.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		r, err := Build(j, Options{Now: SampleStart.Add(72 * time.Hour), Audit: ReadAuditLog(f)})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		var hw, jw countingWriter
		if err := (HTML{}).Format(&hw, r); err != nil {
			b.Fatal(err)
		}
		if err := (JSON{}).Format(&jw, r); err != nil {
			b.Fatal(err)
		}
		j.Close()
		htmlN, jsonN, events, records = hw.n, jw.n, r.Events, r.Audit.Records
	}
	b.ReportMetric(float64(htmlN)/1e6, "html-MB")
	b.ReportMetric(float64(jsonN)/1e6, "json-MB")
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(records), "audit-records")
}

// BenchmarkStages5000 splits the time of BenchmarkReport5000 by stage.
func BenchmarkStages5000(b *testing.B) {
	dir, err := benchFleet()
	if err != nil {
		b.Fatal(err)
	}
	open := func(b *testing.B) *journal.File {
		j, err := journal.Open(filepath.Join(dir, "journal.jsonl"), journal.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		return j
	}
	audit := func(b *testing.B, use func(iter.Seq2[transport.AuditRecord, error])) {
		f, err := os.Open(filepath.Join(dir, "audit.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		use(ReadAuditLog(f))
	}
	b.Run("open-journal", func(b *testing.B) {
		for b.Loop() {
			open(b).Close()
		}
	})
	b.Run("read-audit", func(b *testing.B) {
		for b.Loop() {
			audit(b, func(recs iter.Seq2[transport.AuditRecord, error]) {
				for _, err := range recs {
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
	j := open(b)
	defer j.Close()
	now := SampleStart.Add(72 * time.Hour)
	b.Run("build-journal", func(b *testing.B) {
		for b.Loop() {
			if _, err := Build(j, Options{Now: now}); err != nil {
				b.Fatal(err)
			}
		}
	})
	var r *Report
	b.Run("build-with-audit", func(b *testing.B) {
		for b.Loop() {
			audit(b, func(recs iter.Seq2[transport.AuditRecord, error]) {
				if r, err = Build(j, Options{Now: now, Audit: recs}); err != nil {
					b.Fatal(err)
				}
			})
		}
	})
	for _, f := range []struct {
		name string
		f    Formatter
	}{{"html", HTML{}}, {"json", JSON{}}, {"text", Text{}}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if err := f.f.Format(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

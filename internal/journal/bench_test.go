package journal

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkAppend measures one durable Append (write + fsync).
func BenchmarkAppend(b *testing.B) {
	for _, im := range []struct {
		name string
		open func(b *testing.B) Journal
	}{
		{"mem", func(*testing.B) Journal { return NewMem() }},
		{"file", func(b *testing.B) Journal {
			j, err := Open(filepath.Join(b.TempDir(), "j"), Options{Create: true})
			if err != nil {
				b.Fatal(err)
			}
			return j
		}},
	} {
		b.Run(im.name, func(b *testing.B) {
			j := im.open(b)
			defer j.Close()
			ctx := context.Background()
			j.Append(ctx, Event{Kind: KindRunStarted, Run: "r", Time: t0, RunInfo: &RunInfo{ID: "r"}})
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := j.Append(ctx, Event{Kind: KindNote, Run: "r", Host: "lpar1", Time: t0.Add(time.Duration(i)), Detail: "phase 6 still running"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReplay measures opening the journal of a 200-host migration
// (every host through one attempt of 12 phases: about 6,000 events).
func BenchmarkReplay(b *testing.B) {
	p := filepath.Join(b.TempDir(), "j")
	j, err := Open(p, Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	s := newScript(b, j, "r1")
	s.start()
	for h := range 200 {
		host := fmt.Sprintf("lpar%03d", h)
		s.state(host, StatePlanned, "")
		s.state(host, StateStarting, "")
		s.attempt(host, 1, 1000+h, 12, 0, "succeeded")
		s.state(host, StateSucceeded, "")
	}
	n := j.LastSeq()
	j.Close()
	b.ReportMetric(float64(n), "events")
	for b.Loop() {
		j, err := Open(p, Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		if j.LastSeq() != n {
			b.Fatal("short replay")
		}
	}
}

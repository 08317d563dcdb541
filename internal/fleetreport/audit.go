package fleetreport

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"iter"
	"path"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// auditChunk is the number of lines [ReadAuditLog] decodes at a time.
const auditChunk = 4096

// ReadAuditLog yields the records of an audit log, for [Options.Audit].
// It decodes the log a chunk of lines at a time with [transport.ReadAudit]
// — whose rules apply: unknown fields ignored, another record version an
// error, a torn last line skipped — several chunks in parallel, and never
// holds more than a few chunks: a 5,000-host fleet's log has hundreds of
// thousands of records. An error is yielded once, last, after the records
// before it.
func ReadAuditLog(r io.Reader) iter.Seq2[transport.AuditRecord, error] {
	return func(yield func(transport.AuditRecord, error) bool) {
		type chunk struct {
			data        []byte
			first, last int // line numbers
			recs        []transport.AuditRecord
			err         error
		}
		br := bufio.NewReaderSize(r, 256<<10)
		workers := max(1, runtime.GOMAXPROCS(0))
		bufs := make([][]byte, workers) // reused: growing a fresh buffer per chunk costs more than decoding it
		line := 0
		for eof := false; !eof; {
			var chunks []*chunk
			for len(chunks) < workers && !eof {
				c := &chunk{first: line + 1, data: bufs[len(chunks)][:0]}
				for n := 0; n < auditChunk && !eof; {
					b, err := br.ReadSlice('\n')
					c.data = append(c.data, b...)
					switch {
					case errors.Is(err, bufio.ErrBufferFull):
						continue // the rest of a long line
					case err == io.EOF:
						eof = true
					case err != nil:
						yield(transport.AuditRecord{}, fmt.Errorf("read audit log: %w", err))
						return
					}
					if len(b) > 0 || !eof {
						n++
						line++
					}
				}
				c.last = line
				if len(c.data) > 0 {
					bufs[len(chunks)] = c.data
					chunks = append(chunks, c)
				}
			}
			var wg sync.WaitGroup
			for _, c := range chunks {
				wg.Go(func() { c.recs, c.err = transport.ReadAudit(bytes.NewReader(c.data)) })
			}
			wg.Wait()
			for _, c := range chunks {
				for _, rec := range c.recs {
					if !yield(rec, nil) {
						return
					}
				}
				if c.err != nil {
					yield(transport.AuditRecord{}, fmt.Errorf("lines %d-%d: %w", c.first, c.last, c.err))
					return
				}
			}
		}
	}
}

// AuditRecords yields recs, for [Options.Audit].
func AuditRecords(recs []transport.AuditRecord) iter.Seq2[transport.AuditRecord, error] {
	return func(yield func(transport.AuditRecord, error) bool) {
		for _, rec := range recs {
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// buildAudit summarises the audit records inside the report's window and
// gives every host of r its command counts. It keeps the read-only
// commands only while the window may still be listed whole.
func buildAudit(r *Report, recs iter.Seq2[transport.AuditRecord, error], listAllUpTo int) (*Audit, error) {
	if listAllUpTo == 0 {
		listAllUpTo = DefaultListAllUpTo
	}
	var from, to time.Time
	if r.Summary.Started != nil {
		from = *r.Summary.Started
	}
	if r.Summary.Ended != nil {
		to = *r.Summary.Ended
	}
	a := &Audit{Transports: []NameCount{}, Hosts: []HostCommands{}, ReadOnlyPrograms: []NameCount{}, Commands: []Command{}, Listed: "all"}
	if listAllUpTo < 0 {
		a.Listed = "mutating"
	}
	hosts := map[string]*HostCommands{}
	transports, programs := map[string]int{}, map[string]int{}
	for rec, err := range recs {
		if err != nil {
			return nil, err
		}
		if (!from.IsZero() && rec.Time.Before(from)) || (!to.IsZero() && rec.Time.After(to)) {
			a.Outside++
			continue
		}
		a.Records++
		t := rec.Time.UTC()
		if a.First == nil || t.Before(*a.First) {
			a.First = timePtr(t)
		}
		if a.Last == nil || t.After(*a.Last) {
			a.Last = timePtr(t)
		}
		transports[rec.Transport]++
		h := hosts[rec.Host]
		if h == nil {
			h = &HostCommands{Host: rec.Host}
			hosts[rec.Host] = h
		}
		h.Commands++
		h.DurationMS += rec.DurationMS
		if rec.Error != "" || (rec.ExitCode != nil && *rec.ExitCode != 0) {
			a.Failed++
			h.Failed++
		}
		if rec.DryRun {
			a.DryRun++
		}
		if rec.Mutates {
			a.Mutating++
			h.Mutating++
		} else {
			a.ReadOnly++
			h.ReadOnly++
			programs[program(rec.Line)]++
		}
		if a.Listed == "all" && a.Records > listAllUpTo {
			a.Listed = "mutating"
			a.Commands = slices.DeleteFunc(a.Commands, func(c Command) bool { return !c.Mutates })
		}
		if a.Listed == "all" || rec.Mutates {
			c := Command{
				Time: t, Host: rec.Host, Transport: rec.Transport, Line: rec.Line,
				Mutates: rec.Mutates, DryRun: rec.DryRun, Error: rec.Error, DurationMS: rec.DurationMS,
			}
			if rec.ExitCode != nil {
				x := *rec.ExitCode
				c.Exit = &x
			}
			a.Commands = append(a.Commands, c)
		}
	}
	slices.SortStableFunc(a.Commands, func(x, y Command) int { return x.Time.Compare(y.Time) })
	a.Transports = nameCounts(transports)
	a.ReadOnlyPrograms = nameCounts(programs)
	for _, h := range hosts {
		a.Hosts = append(a.Hosts, *h)
	}
	slices.SortFunc(a.Hosts, func(x, y HostCommands) int { return naturalCompare(x.Host, y.Host) })
	for i := range r.Hosts {
		h := &r.Hosts[i]
		c := HostCommands{Host: h.Name}
		if hc := hosts[h.Name]; hc != nil {
			c = *hc
		}
		h.Commands = &c
	}
	return a, nil
}

// program returns the program a command line runs: its first word that
// is not a variable assignment, without the directory.
func program(line string) string {
	for i := 0; i < len(line); {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		j := i
		assign := false
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			assign = assign || line[j] == '='
			j++
		}
		if j > i && !assign {
			return path.Base(line[i:j])
		}
		i = j
	}
	return ""
}

func nameCounts(m map[string]int) []NameCount {
	out := make([]NameCount, 0, len(m))
	for n, c := range m {
		out = append(out, NameCount{Name: n, Count: c})
	}
	slices.SortFunc(out, func(a, b NameCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

package fleetreport

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// maxTextList bounds the lists of the text summary (hosts needing
// attention, host names of a group); the rest is counted.
const maxTextList = 20

// Text formats the summary for a terminal: runs, counts, masters, reasons,
// failures by signature, fixes, the audit counts and the hosts that need
// attention. The per-host timelines and the command list are in the HTML
// and the JSON.
type Text struct{}

// Format writes r.
func (Text) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	s := &r.Summary

	src := r.Journal
	if src == "" {
		src = "(in memory)"
	}
	p("fleet report: journal %s, %d events, as of %s\n", src, r.Events, stamp(r.GeneratedAt))

	p("\nruns\n")
	if len(r.Runs) == 0 {
		p("  none\n")
	}
	for _, run := range r.Runs {
		end, outcome := "(open)", run.Outcome
		d := r.GeneratedAt.Sub(run.Started)
		if run.Ended != nil {
			end = stamp(*run.Ended)
			d = run.Ended.Sub(run.Started)
		} else {
			outcome = "running"
		}
		p("  %s  %s -> %s  %s  %s", run.ID, stamp(run.Started), end, dur(int64(d/time.Second)), outcome)
		if run.Controller != "" {
			p("  (%s)", run.Controller)
		}
		p("\n")
		if len(run.Resumed) > 0 {
			p("    resumed %d %s\n", len(run.Resumed), plural(len(run.Resumed), "time", "times"))
		}
		for _, n := range run.Notes {
			p("    note: %s\n", n)
		}
	}

	p("\nhosts: %d in the journal, %d planned\n", s.Hosts, s.Planned)
	p("  succeeded    %5d  (%d verified, %d not verified yet)\n", s.Succeeded, s.Verified, s.Succeeded-s.Verified)
	p("  failed       %5d\n", s.Failed)
	p("  stopped      %5d\n", s.Stopped)
	p("  excluded     %5d\n", s.Excluded)
	p("  rolled back  %5d\n", s.RolledBack)
	p("  running      %5d\n", s.Running)
	p("  pending      %5d\n", s.Pending)
	p("attempts: %d; %d %s retried, %d succeeded after a retry\n", s.Attempts, s.Retried, plural(s.Retried, "host", "hosts"), s.SucceededAfterRetry)
	if s.Started != nil {
		state := ""
		if s.Open {
			state = " so far (a run is open)"
		}
		p("duration: %s%s; makespan %s (first nimadm start to the last host's current state)\n", dur(s.DurationSeconds), state, dur(s.MakespanSeconds))
	}

	if len(r.Masters) > 0 {
		p("\nmasters\n")
		tw := newTable(bw, "MASTER", "SLOTS", "HOSTS", "SUCCEEDED", "VERIFIED", "FAILED", "STOPPED", "EXCLUDED", "RUNNING", "PENDING", "ATTEMPTS", "PEAK", "MAKESPAN")
		for _, m := range r.Masters {
			name := m.Name
			if name == "" {
				name = "(none)"
			}
			tw.row(name, m.Slots, m.Hosts, m.Succeeded, m.Verified, m.Failed, m.Stopped, m.Excluded, m.Running, m.Pending, m.Attempts, m.PeakParallel, dur(m.MakespanSeconds))
		}
		tw.flush()
	}

	for _, sec := range []struct {
		title  string
		groups []ReasonGroup
	}{{"excluded", s.ExcludedReasons}, {"stopped", s.StoppedReasons}} {
		if len(sec.groups) == 0 {
			continue
		}
		p("\n%s\n", sec.title)
		for _, g := range sec.groups {
			reason := g.Reason
			if reason == "" {
				reason = "(no reason given)"
			}
			p("  %s\n    %s\n", reason, names(g.Hosts))
		}
	}

	if len(r.Failures) > 0 {
		p("\nfailures by signature\n")
		for _, g := range r.Failures {
			title := g.Title
			if title == "" {
				title = "(no diagnosis)"
			}
			p("  %s  %s", g.Key, title)
			if g.Check != "" && g.Check != "none" {
				p(" (preflight check %s)", g.Check)
			}
			p("\n    %d %s hit, %d resolved:", g.HostsHit, plural(g.HostsHit, "host", "hosts"), g.Resolved)
			var hits []string
			for i, h := range g.Hits {
				if i == maxTextList {
					hits = append(hits, fmt.Sprintf("and %d more", len(g.Hits)-i))
					break
				}
				where := h.Host
				if h.Attempt > 0 {
					where += fmt.Sprintf(" (attempt %d, phase %d)", h.Attempt, h.Phase)
				}
				hits = append(hits, where)
			}
			p(" %s\n", strings.Join(hits, ", "))
		}
	}

	if len(r.Fixes) > 0 {
		p("\nfixes\n")
		for i, f := range r.Fixes {
			if i == maxTextList {
				p("  and %d more\n", len(r.Fixes)-i)
				break
			}
			p("  %s  %s  %s", stamp(f.At), f.Host, f.Action)
			if f.Status != "" {
				p("  %s", f.Status)
			}
			if f.AfterAttempt > 0 {
				p("  after attempt %d", f.AfterAttempt)
				if f.FollowsSignature != "" {
					p(" (%s)", f.FollowsSignature)
				}
			}
			p("\n")
		}
	}

	if a := r.Audit; a != nil {
		if r.AuditLog != "" {
			p("\naudit log: %s\n", r.AuditLog)
		} else {
			p("\naudit log\n")
		}
		p("  %d commands: %d state-changing, %d read-only, %d failed", a.Records, a.Mutating, a.ReadOnly, a.Failed)
		if a.DryRun > 0 {
			p(", %d dry-run", a.DryRun)
		}
		p("\n")
		if a.Outside > 0 {
			p("  %d %s outside the runs left out\n", a.Outside, plural(a.Outside, "record", "records"))
		}
	}

	var attention []Host
	for _, h := range r.Hosts {
		switch h.Status {
		case StatusFailed, StatusStopped, StatusRolledBack:
			attention = append(attention, h)
		}
	}
	if len(attention) > 0 {
		p("\nneeds attention\n")
		tw := newTable(bw, "HOST", "MASTER", "STATE", "ATTEMPTS", "SIGNATURE", "REASON")
		for _, h := range attention[:min(len(attention), maxTextList)] {
			tw.row(h.Name, h.Master, string(h.State), len(h.Attempts), orDash(h.Signature), orDash(h.Reason))
		}
		tw.flush()
		if n := len(attention) - maxTextList; n > 0 {
			p("  and %d more\n", n)
		}
	}
	for _, wmsg := range r.Warnings {
		p("\nwarning: %s", wmsg)
	}
	if len(r.Warnings) > 0 {
		p("\n")
	}
	return bw.Flush()
}

func names(hs []string) string {
	if len(hs) <= maxTextList {
		return strings.Join(hs, " ")
	}
	return strings.Join(hs[:maxTextList], " ") + fmt.Sprintf(" and %d more", len(hs)-maxTextList)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// stamp formats a time for people: UTC, to the second.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// dur formats seconds as a duration: 1h2m3s.
func dur(s int64) string { return (time.Duration(s) * time.Second).String() }

// table is a minimal column aligner for the text summary (two spaces
// between columns, numbers right-aligned).
type table struct {
	w    io.Writer
	rows [][]string
	num  []bool
}

func newTable(w io.Writer, header ...string) *table {
	return &table{w: w, rows: [][]string{header}, num: make([]bool, len(header))}
}

func (t *table) row(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case int:
			row[i] = fmt.Sprint(v)
			t.num[i] = true
		default:
			row[i] = fmt.Sprint(v)
		}
	}
	t.rows = append(t.rows, row)
}

func (t *table) flush() {
	width := make([]int, len(t.num))
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-len(c))
			switch {
			case t.num[i]:
				b.WriteString(pad + c)
			case i == len(r)-1:
				b.WriteString(c)
			default:
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(t.w, b.String())
	}
}

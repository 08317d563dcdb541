package diag

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as indented JSON (schema_version 1).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the report for a person: the verdict, each diagnosed
// run (last phase, last command, message IDs), then the diagnoses, best
// first, with evidence, root cause, fix and the preflight check.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	switch r.Status {
	case StatusFailure:
		p("FAILURE: %s\n", r.Summary)
	case StatusUnknown:
		p("UNKNOWN: %s\n", strings.TrimPrefix(r.Summary, "unknown: "))
	default:
		p("OK: %s\n", r.Summary)
	}
	for _, in := range r.Inputs {
		if in.Skipped != "" {
			p("\n%s: skipped: %s\n", in.Name, in.Skipped)
		}
		if in.Note != "" {
			p("\n%s: %s\n", in.Name, in.Note)
		}
	}
	for _, rs := range r.Runs {
		p("\n%s, run %d of %d (%s, lines %d-%d)", rs.Input, rs.Run, rs.Of, kindList(rs.Kinds), rs.StartLine, rs.EndLine)
		if rs.Started != "" {
			p(", started %s", rs.Started)
		}
		p(": %s\n", statusWord(rs.Status))
		if rs.LastPhase > 0 {
			p("  last nimadm phase reached: %d\n", rs.LastPhase)
		}
		if rs.LastAltDiskPhase > 0 {
			p("  last alt_disk phase: %d\n", rs.LastAltDiskPhase)
		}
		if rs.LastCommand != nil {
			p("  last command: %s (line %d)\n", rs.LastCommand.Text, rs.LastCommand.Line)
		}
		if len(rs.MessageIDs) > 0 {
			var ids []string
			for _, m := range rs.MessageIDs {
				ids = append(ids, fmt.Sprintf("%s x%d (line %d)", m.ID, m.Count, m.Line))
			}
			p("  message IDs: %s\n", strings.Join(ids, ", "))
		} else {
			p("  message IDs: none\n")
		}
		for _, n := range rs.Notes {
			p("  note: %s\n", n)
		}
		if rs.UnexplainedTotal > 0 {
			if rs.Status == StatusFailure {
				p("  other error lines no diagnosis explains (%d):\n", rs.UnexplainedTotal)
			} else {
				p("  error lines no rule explains (%d):\n", rs.UnexplainedTotal)
			}
			for _, l := range rs.Unexplained {
				p("    %s:%d: %s\n", l.Input, l.Line, l.Text)
			}
			if rs.UnexplainedTotal > len(rs.Unexplained) {
				p("    ... %d more\n", rs.UnexplainedTotal-len(rs.Unexplained))
			}
		}
	}
	for i, d := range r.Diagnoses {
		p("\n%d. %s [%s confidence] %s\n", i+1, d.Rule, d.Confidence, d.Title)
		p("   errors.md: %s; ", strings.Join(d.Errors, ", "))
		if d.Check == "none" {
			p("no preflight check covers this yet\n")
		} else {
			p("would have been caught by %s\n", d.Check)
		}
		where := ""
		switch {
		case d.Phase > 0 && d.AltDiskPhase > 0:
			where = fmt.Sprintf(" (nimadm phase %d, alt_disk phase %d)", d.Phase, d.AltDiskPhase)
		case d.Phase > 0:
			where = fmt.Sprintf(" (nimadm phase %d)", d.Phase)
		case d.AltDiskPhase > 0:
			where = fmt.Sprintf(" (alt_disk phase %d)", d.AltDiskPhase)
		}
		if d.Command != "" {
			p("   while running: %s%s\n", d.Command, where)
		} else if where != "" {
			p("   where:%s\n", where)
		}
		p("   evidence:\n")
		for _, ev := range d.Evidence {
			p("     %s:%d", ev.Input, ev.Line)
			if ev.Role != "trigger" {
				p(" (%s)", ev.Role)
			}
			p("\n")
			if len(ev.Context) == 0 {
				p("       > %s\n", ev.Text)
				continue
			}
			printed := false
			for _, c := range ev.Context {
				if c.Line > ev.Line && !printed {
					p("       > %5d | %s\n", ev.Line, ev.Text)
					printed = true
				}
				p("         %5d | %s\n", c.Line, c.Text)
			}
			if !printed {
				p("       > %5d | %s\n", ev.Line, ev.Text)
			}
		}
		p("   root cause:\n")
		indent(bw, d.Cause, "     ")
		p("   fix:\n")
		indent(bw, d.Fix.Text, "     ")
		for _, c := range d.Fix.Commands {
			indent(bw, c, "       $ ")
		}
		if d.Verify != nil {
			p("   verify:\n")
			indent(bw, d.Verify.Text, "     ")
			for _, c := range d.Verify.Commands {
				indent(bw, c, "       $ ")
			}
		}
		for _, n := range d.Notes {
			p("   note: %s\n", n)
		}
		if d.Occurrences > 1 {
			p("   seen %d times\n", d.Occurrences)
		}
		for _, l := range d.Links {
			p("   see: %s\n", l)
		}
	}
	return bw.Flush()
}

func kindList(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, "+")
}

func statusWord(s Status) string {
	switch s {
	case StatusFailure:
		return "failure diagnosed"
	case StatusUnknown:
		return "unknown"
	}
	return "no failure found"
}

// indent writes text with each line prefixed. Continuation lines of a
// command (after the first) are indented to line up.
func indent(w io.Writer, text, prefix string) {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return
	}
	cont := strings.Repeat(" ", len(prefix))
	for i, l := range strings.Split(text, "\n") {
		if i == 0 {
			fmt.Fprintf(w, "%s%s\n", prefix, l)
		} else {
			fmt.Fprintf(w, "%s%s\n", cont, l)
		}
	}
}

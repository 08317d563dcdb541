package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

// Text formats a report for a terminal. It stays readable for thousands
// of hosts: counts first, then one line per blocked or unknown host, a
// table of the checks that found something, and the findings grouped by
// check with the evidence of the first few hosts and the fix.
type Text struct {
	// Evidence is how many hosts of each finding show their evidence; 0
	// means 3, negative means all.
	Evidence int
	// Names is how many host names a finding lists; 0 means 40, negative
	// means all.
	Names int
}

// Format writes r.
func (t Text) Format(w io.Writer, r *Report) error {
	ev, names := t.Evidence, t.Names
	if ev == 0 {
		ev = 3
	}
	if names == 0 {
		names = 40
	}
	p := &printer{}
	s := r.Summary
	p.f("%s: %d %s on %d %s, %d checks\n", r.Command, s.Hosts, plural(s.Hosts, "client", "clients"), s.Masters, plural(s.Masters, "master", "masters"), s.Checks)
	if r.Inventory != "" {
		p.f("inventory: %s\n", r.Inventory)
	}
	p.f("\n")
	p.f("  blocked  %5d  a blocker check failed\n", s.Blocked)
	p.f("  unknown  %5d  a blocker check could not be evaluated", s.Unknown)
	if s.Unreachable > 0 {
		p.f(" (%d could not be reached)", s.Unreachable)
	}
	p.f("\n")
	p.f("  warning  %5d  ready, with warnings\n", s.Warning)
	p.f("  ready    %5d\n", s.Ready)

	// Readiness matrix: one line per host that cannot be migrated.
	var notReady []*Host
	for i := range r.Hosts {
		if h := &r.Hosts[i]; h.Status == Blocked || h.Status == Unknown {
			notReady = append(notReady, h)
		}
	}
	if len(notReady) > 0 {
		wh, wm := len("HOST"), len("MASTER")
		for _, h := range notReady {
			wh, wm = max(wh, len(h.Host)), max(wm, len(h.Master))
		}
		p.f("\nHOSTS NOT READY\n")
		p.f("  %-*s  %-*s  %-7s  %s\n", wh, "HOST", wm, "MASTER", "STATUS", "BLOCKING CHECKS")
		for _, h := range notReady {
			var what string
			switch {
			case h.Error != "":
				what = "unreachable: " + h.Error
			case len(h.Blockers) > 0:
				what = idList(h.Blockers, 12)
				if len(h.Unknown) > 0 {
					what += "; unknown: " + idList(h.Unknown, 6)
				}
			default:
				what = "unknown: " + idList(h.Unknown, 12)
			}
			p.f("  %-*s  %-*s  %-7s  %s\n", wh, h.Host, wm, h.Master, h.Status, what)
		}
	}

	// Checks with findings.
	var hit []*Check
	for i := range r.Checks {
		c := &r.Checks[i]
		if c.Counts.Fail+c.Counts.Unknown+c.Counts.Waived > 0 {
			hit = append(hit, c)
		}
	}
	if len(hit) > 0 {
		p.f("\nCHECKS WITH FINDINGS\n")
		p.f("  %-8s  %-8s  %-12s  %6s  %5s  %7s  %6s  %s\n", "ID", "SEVERITY", "PROTECTS", "BLOCKS", "FAIL", "UNKNOWN", "WAIVED", "TITLE")
		for _, c := range hit {
			p.f("  %-8s  %-8s  %-12s  %6d  %5d  %7d  %6d  %s\n", c.ID, c.Severity, phaseShort(c.Phase), c.Counts.Blocking, c.Counts.Fail, c.Counts.Unknown, c.Counts.Waived, c.Title)
		}
	}
	if quiet := len(r.Checks) - len(hit); quiet > 0 {
		p.f("\n%d other %s passed or did not apply on every host.\n", quiet, plural(quiet, "check", "checks"))
	}

	// Findings by check.
	if len(hit) > 0 {
		p.f("\nFINDINGS\n")
	}
	for _, c := range hit {
		p.f("\n%s [%s] %s\n", c.ID, c.Severity, c.Title)
		meta := "protects " + phaseLong(c.Phase)
		if len(c.Errors) > 0 {
			meta += "; errors.md " + strings.Join(c.Errors, ", ")
		}
		p.f("  %s\n", meta)
		t.group(p, r, c, check.Fail, ev, names)
		if c.Counts.Fail > 0 {
			fix := "manual"
			if c.Fix != "" {
				fix = c.Fix + " ('nimfleet fix' can apply it where it is safe)"
			}
			p.f("  fix: %s\n", fix)
			p.wrap("    ", firstParagraph(c.Remediation), 78)
		}
		t.group(p, r, c, check.Unknown, ev, names)
		t.group(p, r, c, check.Waived, ev, names)
	}

	// Waivers.
	wv := r.Waivers
	if wv.File != "" || len(wv.Unmatched)+len(wv.Expired) > 0 {
		p.f("\nWAIVERS")
		if wv.File != "" {
			p.f(" (%s)", wv.File)
		}
		p.f("\n  applied to %d %s\n", wv.Applied, plural(wv.Applied, "result", "results"))
		for _, w := range wv.Unmatched {
			p.f("  unmatched: %s %s hosts %s: waived nothing in this run\n", w.Where(), w.Check, strings.Join(w.Hosts, ","))
		}
		for _, w := range wv.Expired {
			p.f("  expired:   %s %s hosts %s: expired after %s\n", w.Where(), w.Check, strings.Join(w.Hosts, ","), w.Expires)
		}
	}
	_, err := io.WriteString(w, p.b.String())
	return err
}

// group prints the hosts of one check with one status.
func (t Text) group(p *printer, r *Report, c *Check, st check.Status, ev, names int) {
	type hit struct {
		h   *Host
		res *check.Result
	}
	var hits []hit
	unreachable := 0
	for i := range r.Hosts {
		h := &r.Hosts[i]
		for j := range h.Results {
			res := &h.Results[j]
			if res.ID != c.ID || res.Status != st {
				continue
			}
			if st == check.Unknown && h.Error != "" {
				unreachable++ // listed under HOSTS NOT READY already
				continue
			}
			hits = append(hits, hit{h, res})
		}
	}
	if len(hits) == 0 && unreachable == 0 {
		return
	}
	var hs []string
	for _, x := range hits {
		hs = append(hs, x.h.Host)
	}
	line := fmt.Sprintf("%s on %d %s", st, len(hits), plural(len(hits), "host", "hosts"))
	if len(hits) > 0 {
		line += ": " + nameList(hs, names)
	}
	if unreachable > 0 {
		if len(hits) > 0 {
			line += fmt.Sprintf("; and on %d unreachable %s", unreachable, plural(unreachable, "host", "hosts"))
		} else {
			line = fmt.Sprintf("%s on %d unreachable %s (see HOSTS NOT READY)", st, unreachable, plural(unreachable, "host", "hosts"))
		}
	}
	p.f("  %s\n", line)
	for i, x := range hits {
		if ev >= 0 && i >= ev {
			p.f("    ... %d more (every host's evidence: --json or --html)\n", len(hits)-ev)
			break
		}
		res := x.res
		sev := ""
		if res.Severity != c.Severity {
			sev = " [" + res.Severity.String() + "]"
		}
		p.f("  %s:%s %s\n", x.h.Host, sev, res.Summary)
		if res.Reason != "" && (st != check.Fail) {
			p.wrap("      ", res.Reason, 100)
		}
		for _, e := range res.Evidence {
			cmd := e.Command
			if cmd == "" {
				cmd = "(no command)"
			}
			exit := ""
			if e.Exit != 0 {
				exit = fmt.Sprintf("   (exit %d)", e.Exit)
			}
			p.f("    %s$ %s%s\n", e.Host, cmd, exit)
			for _, l := range e.Lines {
				p.f("      %s\n", strings.TrimRight(l, " \t"))
			}
			if e.Note != "" {
				p.f("      (%s)\n", e.Note)
			}
		}
		if st == check.Fail && len(res.Commands) > 0 {
			label := "fix"
			if res.Fix != "" {
				label += " (" + res.Fix + ")"
			}
			p.f("    %s:\n", label)
			for _, cmd := range res.Commands {
				p.f("      %s\n", cmd)
			}
		}
	}
}

type printer struct{ b strings.Builder }

func (p *printer) f(format string, args ...any) { fmt.Fprintf(&p.b, format, args...) }

// wrap prints text word-wrapped at width with an indent.
func (p *printer) wrap(indent, text string, width int) {
	for _, para := range strings.Split(strings.TrimSpace(text), "\n") {
		line := indent
		for _, w := range strings.Fields(para) {
			if len(line) > len(indent) && len(line)+1+len(w) > width {
				p.b.WriteString(line + "\n")
				line = indent
			}
			if len(line) > len(indent) {
				line += " "
			}
			line += w
		}
		if len(line) > len(indent) {
			p.b.WriteString(line + "\n")
		}
	}
}

func firstParagraph(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func idList(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, " ")
	}
	return fmt.Sprintf("%s (+%d)", strings.Join(ids[:n], " "), len(ids)-n)
}

func nameList(hs []string, n int) string {
	if n < 0 || len(hs) <= n {
		return strings.Join(hs, " ")
	}
	return fmt.Sprintf("%s ... (+%d)", strings.Join(hs[:n], " "), len(hs)-n)
}

func phaseShort(p string) string {
	switch p {
	case "start":
		return "start"
	case "after reboot":
		return "after reboot"
	}
	return "phase " + p
}

func phaseLong(p string) string {
	switch p {
	case "start":
		return "nimadm start-up checks"
	case "after reboot":
		return "the first boot after the migration"
	}
	return "nimadm phase " + p
}

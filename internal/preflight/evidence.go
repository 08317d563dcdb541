package preflight

import (
	"bytes"
	"strings"
	"unsafe"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/facts"
)

// srcLines returns up to max lines of a probe's output containing any of
// subs (all lines without subs), without the lone empty line of an empty
// output.
func srcLines(src *facts.Source, max int, subs ...string) []string {
	if src == nil || len(src.Output) == 0 {
		return []string{}
	}
	ls := src.Lines(max, subs...)
	if ls == nil {
		return []string{}
	}
	return ls
}

// ev builds evidence from a probe's source: its command, its exit status
// and the given lines.
func ev(host string, src *facts.Source, lines []string, note string) check.Evidence {
	e := check.Evidence{Host: host, Lines: lines, Note: note}
	if e.Lines == nil {
		e.Lines = []string{}
	}
	if src != nil {
		e.Command, e.Exit = src.Command, src.Exit
	}
	return e
}

// factEv is evidence from a fact's source: up to max lines containing any
// of subs. The source's output is split into lines once per run.
func factEv[T any](e *Env, host string, f facts.Fact[T], max int, subs ...string) check.Evidence {
	return ev(host, f.Src, e.lines(f.Src, max, subs...), "")
}

// lines returns up to max lines (0 means 20) of a probe's output that
// contain any of subs (all lines without subs; empty lines only then). It
// scans the output in place and copies only the lines it returns: checks
// quote evidence for every client of the fleet.
func (e *Env) lines(src *facts.Source, max int, subs ...string) []string {
	out := []string{}
	if src == nil || len(src.Output) == 0 {
		return out
	}
	if max <= 0 {
		max = 20
	}
	b := src.Output
	for len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	for {
		l := b
		i := bytes.IndexByte(b, '\n')
		if i >= 0 {
			l = b[:i]
		}
		keep := len(subs) == 0
		for _, s := range subs {
			if len(l) > 0 && bytes.Contains(l, []byte(s)) {
				keep = true
				break
			}
		}
		if keep {
			out = append(out, bytesView(l))
			if len(out) == max {
				break
			}
		}
		if i < 0 {
			break
		}
		b = b[i+1:]
	}
	return out
}

// unknownOf is the unknown result of a check that needs fact f, named
// name.
func unknownOf[T any](host, name string, f facts.Fact[T]) check.Result {
	reason := f.Reason
	if reason == "" {
		reason = "not collected"
	}
	var evs []check.Evidence
	if f.Src != nil {
		evs = append(evs, ev(host, f.Src, srcLines(f.Src, 3), ""))
	}
	return check.UnknownResult(name, reason, evs...)
}

// problems collects a check's findings of differing severities: the
// result is a fail at the worst severity found, listing them all.
type problems struct {
	sev  check.Severity
	msgs []string
	evs  []check.Evidence
}

func (p *problems) add(sev check.Severity, msg string, evs ...check.Evidence) {
	if sev > p.sev {
		p.sev = sev
	}
	p.msgs = append(p.msgs, msg)
	p.evs = append(p.evs, evs...)
}

func (p *problems) any() bool { return len(p.msgs) > 0 }

func (p *problems) result() check.Result {
	return check.FailResult(strings.Join(p.msgs, "; "), p.evs...).WithSeverity(p.sev)
}

// quoteList renders names for a summary: "a, b and c".
func quoteList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + " and " + itoa(len(names)-8) + " more"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// disksText names target disks: "target disk hdisk1", "target disks hdisk1
// and hdisk2".
func disksText(ds []string) string {
	if len(ds) == 1 {
		return "target disk " + ds[0]
	}
	return "target disks " + quoteList(ds)
}

// verb picks the singular or plural form for a list.
func verb(list []string, one, many string) string {
	if len(list) == 1 {
		return one
	}
	return many
}

// bytesView returns b as a string without copying. It is used only on
// facts.Source.Output, which is never modified once a probe's section has
// been split off the session output (facts.Split copies it into a fresh
// slice): evidence quotes thousands of lines per run, and copying each
// would cost more than every check together.
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

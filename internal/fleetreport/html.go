package fleetreport

import (
	_ "embed"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"
)

// HTML formats a report as one self-contained page: inline CSS, inline
// SVG bars, no external resources, complete without JavaScript (a short
// inline script only adds a host filter). Every key number carries a
// stable id or data-* attribute (see the package documentation) so that
// tests and scripts can read it back.
type HTML struct{}

//go:embed report.html.tmpl
var htmlSource string

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"stamp": stamp,
	"stampp": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return stamp(*t)
	},
	"dur":    dur,
	"msdur":  func(ms int64) string { return (time.Duration(ms) * time.Millisecond).Round(time.Second).String() },
	"id":     safeID,
	"plural": plural,
	"exit": func(x *int) string {
		if x == nil {
			return "-"
		}
		return strconv.Itoa(*x)
	},
	"orDash":    orDash,
	"phases":    func() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} },
	"phaseName": func(n int) string { return phaseNames[n] },
}).Parse(htmlSource))

// phaseNames are short names of the 12 nimadm phases (nimadm.md §3), for
// the legend.
var phaseNames = [...]string{
	0:  "start-up",
	1:  "clone rootvg (alt_disk phase 1)",
	2:  "export / create cache file systems",
	3:  "mount / sync client data",
	4:  "pre-migration script",
	5:  "restore BOS, merge configuration",
	6:  "migrate filesets (installp)",
	7:  "post-migration script",
	8:  "bosboot",
	9:  "unmount / sync cache back",
	10: "unexport / remove cache",
	11: "alt_disk phase 3 on the client",
	12: "cleanup",
}

// largeRows is the number of rows above which long tables start closed
// (<details>); they are in the page either way.
const largeRows = 200

type htmlAttempt struct {
	Host    *Host
	A       *Attempt
	Bar     template.HTML
	Cells   template.HTML
	Outcome string
}

type htmlView struct {
	R        *Report
	Attempts []htmlAttempt
	AxisFrom time.Time
	AxisTo   time.Time
	Large    bool
	groups   map[string]bool
}

// HasGroup reports whether the page has a failure group for key (so that
// a link to it has a target).
func (v *htmlView) HasGroup(key string) bool { return v.groups[key] }

// Format writes r.
func (HTML) Format(w io.Writer, r *Report) error {
	v := &htmlView{R: r, Large: len(r.Hosts) > largeRows, groups: map[string]bool{}}
	for _, g := range r.Failures {
		v.groups[g.Key] = true
	}
	v.AxisFrom, v.AxisTo = axis(r)
	span := v.AxisTo.Sub(v.AxisFrom)
	for i := range r.Hosts {
		h := &r.Hosts[i]
		for k := range h.Attempts {
			a := &h.Attempts[k]
			outcome := a.Outcome
			if outcome == "" {
				outcome = "running"
			}
			v.Attempts = append(v.Attempts, htmlAttempt{
				Host: h, A: a, Outcome: outcome,
				Bar:   template.HTML(bar(h, a, v.AxisFrom, span, r.GeneratedAt)),
				Cells: template.HTML(phaseCells(a)),
			})
		}
	}
	return htmlTmpl.Execute(w, v)
}

// axis returns the time span the bars are drawn on: the first run's start
// (or first attempt) to the last run's end (or the report's time).
func axis(r *Report) (from, to time.Time) {
	to = r.GeneratedAt
	if r.Summary.Started != nil {
		from = *r.Summary.Started
	}
	if r.Summary.Ended != nil {
		to = *r.Summary.Ended
	}
	for _, h := range r.Hosts {
		for _, a := range h.Attempts {
			if from.IsZero() || a.Started.Before(from) {
				from = a.Started
			}
			if end := a.Started.Add(time.Duration(a.Seconds) * time.Second); end.After(to) {
				to = end
			}
		}
		if h.Since.After(to) {
			to = h.Since
		}
	}
	if !to.After(from) {
		to = from.Add(time.Second)
	}
	return from, to
}

// bar draws one attempt on the fleet's time axis as an SVG of width 1000
// (the rectangles' height comes from the style sheet, to keep the page
// small):
// the start-up, one rectangle per phase (class p1 to p12; the last phase of
// an attempt that did not succeed also gets class x), and the
// verification after the succeeding attempt (class v).
func bar(h *Host, a *Attempt, from time.Time, span time.Duration, now time.Time) string {
	var b strings.Builder
	b.WriteString(`<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none">`)
	rect := func(class string, start time.Time, secs int64) {
		x := float64(start.Sub(from)) / float64(span) * 1000
		w := float64(time.Duration(secs)*time.Second) / float64(span) * 1000
		b.WriteString(`<rect class="`)
		b.WriteString(class)
		b.WriteString(`" x="`)
		b.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
		b.WriteString(`" width="`)
		b.WriteString(strconv.FormatFloat(max(w, 0.5), 'f', 1, 64))
		b.WriteString(`"/>`)
	}
	if len(a.Phases) > 0 {
		rect("p0", a.Started, int64(a.Phases[0].Started.Sub(a.Started)/time.Second))
	} else {
		rect("p0", a.Started, a.Seconds)
	}
	for i, p := range a.Phases {
		class := "p" + strconv.Itoa(p.N)
		if i == len(a.Phases)-1 && a.Outcome != "" && a.Outcome != "succeeded" {
			class += " x"
		}
		rect(class, p.Started, p.Seconds)
	}
	if a.Ended != nil && h.SucceededAttempt == a.N {
		switch h.State {
		case "verified":
			rect("v", *a.Ended, int64(h.Since.Sub(*a.Ended)/time.Second))
		case "rebooting", "verifying":
			rect("v", *a.Ended, int64(now.Sub(*a.Ended)/time.Second))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// phaseCells returns the 12 cells of an attempt's phase times: start
// (time of day; the date too when it differs from the attempt's start)
// and duration.
func phaseCells(a *Attempt) string {
	var b strings.Builder
	byN := [13]*Phase{}
	for i := range a.Phases {
		if n := a.Phases[i].N; n >= 1 && n <= 12 {
			byN[n] = &a.Phases[i]
		}
	}
	day := a.Started.Format("2006-01-02")
	for n := 1; n <= 12; n++ {
		p := byN[n]
		if p == nil {
			b.WriteString("<td></td>")
			continue
		}
		if p.Ended == nil {
			b.WriteString(`<td class="open">`)
		} else {
			b.WriteString(`<td>`)
		}
		if p.Started.Format("2006-01-02") != day {
			b.WriteString(p.Started.Format("01-02 "))
		}
		b.WriteString(p.Started.Format("15:04:05"))
		b.WriteString(`<br><small>`)
		b.WriteString(dur(p.Seconds))
		if p.Ended == nil {
			b.WriteString(`…`)
		}
		b.WriteString(`</small></td>`)
	}
	return b.String()
}

// safeID makes s usable in an id attribute: characters other than
// letters, digits, '.', '_', ':' and '-' become '_'.
func safeID(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == ':', r == '-':
			return r
		}
		return '_'
	}, s)
}

package fleetreport

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// The helpers below read a page back — the HTML as written, or the DOM a
// browser serialised — with regular expressions: both are regular enough
// (attributes in double quotes, in source order), and the standard
// library has no HTML parser.

var (
	startTag = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*/?>`)
	attrRe   = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?`)
	idText   = regexp.MustCompile(`id="([an]-[a-z-]+)"[^>]*>([^<]*)<`)
	attemptR = regexp.MustCompile(`(?s)<tr data-host="([^"]+)" data-attempt="(\d+)" data-outcome="([^"]+)"[^>]*>(.*?)</tr>`)
)

// element is a start tag with its attributes.
type element struct {
	tag   string
	attrs map[string]string
}

// elements returns the start tags of page that carry attribute attr.
func elements(page, attr string) []element {
	var out []element
	for _, m := range startTag.FindAllStringSubmatch(page, -1) {
		if !strings.Contains(m[2], attr+"=") {
			continue
		}
		e := element{tag: m[1], attrs: map[string]string{}}
		for _, a := range attrRe.FindAllStringSubmatch(m[2], -1) {
			e.attrs[a[1]] = html.UnescapeString(a[2])
		}
		if _, ok := e.attrs[attr]; ok {
			out = append(out, e)
		}
	}
	return out
}

// numbers returns the text of the elements whose id starts with n- or a-
// (the key numbers).
func numbers(page string) map[string]string {
	out := map[string]string{}
	for _, m := range idText.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// expected computes the key numbers from the journal directly, without
// the report model, as a test oracle.
type expected struct {
	ids      map[string]int    // id -> number
	status   map[string]string // host -> status bucket
	state    map[string]string // host -> journal state
	attempts map[string]int    // host -> attempts
	phases   map[string]int    // "host/attempt" -> phases seen
	sigs     map[string]bool   // failure signatures
	total    int               // attempts
}

func expect(t *testing.T, j journal.Journal, audit []transport.AuditRecord) expected {
	t.Helper()
	hs, err := j.Hosts()
	if err != nil {
		t.Fatal(err)
	}
	runs, err := j.Runs()
	if err != nil {
		t.Fatal(err)
	}
	e := expected{ids: map[string]int{}, status: map[string]string{}, state: map[string]string{}, attempts: map[string]int{}, phases: map[string]int{}, sigs: map[string]bool{}}
	bucket := map[journal.State]string{
		"verified": "verified", "succeeded": "migrated", "rebooting": "migrated", "verifying": "migrated",
		"failed": "failed", "stopped": "stopped", "excluded": "excluded", "rolled_back": "rolled_back",
		"planned": "pending", "starting": "running", "running": "running", "fixing": "running", "retrying": "running",
	}
	count := map[string]int{}
	for _, h := range hs {
		b := bucket[h.State]
		count[b]++
		e.status[h.Host], e.state[h.Host], e.attempts[h.Host] = b, string(h.State), len(h.Attempts)
		e.total += len(h.Attempts)
		for _, a := range h.Attempts {
			e.phases[fmt.Sprintf("%s/%d", h.Host, a.N)] = len(a.Phases)
			if a.Outcome != "" && a.Outcome != "succeeded" {
				if a.Diagnosis != nil {
					e.sigs[a.Diagnosis.Signature] = true
				} else {
					e.sigs["outcome:"+a.Outcome] = true
				}
			}
		}
	}
	e.ids["n-hosts"] = len(hs)
	e.ids["n-succeeded"] = count["verified"] + count["migrated"]
	e.ids["n-verified"] = count["verified"]
	for id, b := range map[string]string{"n-failed": "failed", "n-stopped": "stopped", "n-excluded": "excluded", "n-rolled-back": "rolled_back", "n-running": "running", "n-pending": "pending"} {
		e.ids[id] = count[b]
	}
	e.ids["n-attempts"] = e.total
	e.ids["n-events"] = int(j.LastSeq())
	if audit != nil {
		var from, to time.Time
		open := false
		for _, r := range runs {
			if from.IsZero() || r.Started.Before(from) {
				from = r.Started
			}
			open = open || r.Open()
			if r.Ended.After(to) {
				to = r.Ended
			}
		}
		in, mut := 0, 0
		for _, rec := range audit {
			if rec.Time.Before(from) || (!open && rec.Time.After(to)) {
				continue
			}
			in++
			if rec.Mutates {
				mut++
			}
		}
		e.ids["a-records"], e.ids["a-mutating"], e.ids["a-read-only"], e.ids["a-outside"] = in, mut, in-mut, len(audit)-in
	}
	return e
}

// checkPage compares a page (HTML or DOM) with the journal.
func checkPage(t *testing.T, page string, e expected) {
	t.Helper()
	got := numbers(page)
	for id, want := range e.ids {
		s, ok := got[id]
		if !ok {
			t.Errorf("no element with id %s", id)
			continue
		}
		if n, err := strconv.Atoi(s); err != nil || n != want {
			t.Errorf("%s: page says %q, the journal %d", id, s, want)
		}
	}
	rows := elements(page, "data-succeeded-attempt")
	if len(rows) != len(e.status) {
		t.Errorf("host table: %d rows, journal %d hosts", len(rows), len(e.status))
	}
	for _, r := range rows {
		h := r.attrs["data-host"]
		if r.attrs["id"] != "h-"+h || r.attrs["data-status"] != e.status[h] || r.attrs["data-state"] != e.state[h] || r.attrs["data-attempts"] != strconv.Itoa(e.attempts[h]) {
			t.Errorf("host row %s: %v; journal: status %s, state %s, %d attempts", h, r.attrs, e.status[h], e.state[h], e.attempts[h])
		}
	}
	bars := attemptR.FindAllStringSubmatch(page, -1)
	if len(bars) != e.total {
		t.Errorf("timeline: %d attempt rows, journal %d attempts", len(bars), e.total)
	}
	for _, b := range bars {
		key := b[1] + "/" + b[2]
		phases := strings.Count(b[4], `class="p`) - 1 // minus the start-up
		if phases != e.phases[key] {
			t.Errorf("timeline %s: %d phase segments, journal %d phases", key, phases, e.phases[key])
		}
	}
	secs := elements(page, "data-hosts-hit")
	if len(secs) != len(e.sigs) {
		t.Errorf("failures: %d groups, journal %d signatures", len(secs), len(e.sigs))
	}
	for _, s := range secs {
		if !e.sigs[s.attrs["data-key"]] {
			t.Errorf("failure group %s: no such signature in the journal", s.attrs["data-key"])
		}
	}
}

func renderHTML(t testing.TB, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := (HTML{}).Format(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLNumbers(t *testing.T) {
	j, s := sampleJournal(t)
	page := renderHTML(t, build(t, j, Options{Now: sampleNow, Audit: AuditRecords(s.Audit()), AuditPath: "audit.jsonl"}))
	checkPage(t, page, expect(t, j, s.Audit()))
	if got := numbers(page); got["n-succeeded-after-retry"] != "1" || got["n-retried"] != "1" {
		t.Errorf("retries: %v", got)
	}
	fix := elements(page, "data-action")
	if len(fix) != 1 || fix[0].attrs["data-host"] != "lpar1" || fix[0].attrs["data-action"] != "FIX-BOSINST" {
		t.Errorf("fix rows: %v", fix)
	}
	m := elements(page, "data-master")
	var nim1 *element
	for i := range m {
		if m[i].tag == "tr" && m[i].attrs["data-master"] == "nim1" {
			nim1 = &m[i]
		}
	}
	if nim1 == nil || !strings.Contains(page, `<tr data-master="nim1"><td>nim1</td><td class="n" data-k="slots">4</td><td class="n" data-k="hosts">7</td><td class="n" data-k="succeeded">5</td>`) {
		t.Errorf("masters table: nim1 row missing or wrong")
	}
}

// TestHTMLSelfContained: the page loads nothing from anywhere.
func TestHTMLSelfContained(t *testing.T) {
	j, s := sampleJournal(t)
	page := renderHTML(t, build(t, j, Options{Now: sampleNow, Audit: AuditRecords(s.Audit())}))
	for _, bad := range []string{" src=", "<link", "@import", "url(", `href="http`, `href="//`, "<iframe", "<object", "<embed", "<img"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.HasSuffix(page, "</html>\n") {
		t.Errorf("page is not one complete document")
	}
	checkLinks(t, page)
	big, err := Fleet(FleetOptions{Hosts: 300, Masters: 2, PollBy: 30 * time.Minute, Open: true, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	bj := journal.NewMem()
	if err := big.AppendTo(context.Background(), bj); err != nil {
		t.Fatal(err)
	}
	checkLinks(t, renderHTML(t, build(t, bj, Options{Now: big.last, Audit: AuditRecords(big.Audit())})))
}

// checkLinks: ids are unique and every in-page link has a target.
func checkLinks(t *testing.T, page string) {
	t.Helper()
	ids := map[string]bool{}
	for _, e := range elements(page, "id") {
		if ids[e.attrs["id"]] {
			t.Errorf("duplicate id %s", e.attrs["id"])
		}
		ids[e.attrs["id"]] = true
	}
	for _, e := range elements(page, "href") {
		if h := e.attrs["href"]; strings.HasPrefix(h, "#") && !ids[h[1:]] {
			t.Errorf("link to %s: no such id", h)
		}
	}
}

// TestHTMLEscapes: text from the journal cannot inject markup.
func TestHTMLEscapes(t *testing.T) {
	t0 := SampleStart
	s := NewScript("r1", t0, nil)
	s.Host("a1", t0).State(journal.StateExcluded, `<script>alert("x")</script>`)
	s.Note(t0, `</table><b>note</b>`)
	j := journal.NewMem()
	if err := s.AppendTo(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	page := renderHTML(t, build(t, j, Options{Now: t0.Add(time.Hour)}))
	if strings.Contains(page, `<script>alert`) || strings.Contains(page, `<b>note</b>`) {
		t.Errorf("journal text reached the page unescaped")
	}
}

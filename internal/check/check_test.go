package check

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/aix"
)

type testCheck struct{ m Meta }

func (c *testCheck) Doc() *Meta { return &c.m }

func goodMeta(id string) Meta {
	return Meta{ID: id, Title: "something holds", Severity: Blocker, Phase: "11", Scope: ScopeClient,
		Why: "why", Detect: "ls -ld /x", Remediation: "fix it", Commands: []string{"rmdir {dir}"}, Fix: "FIX-BOSINST",
		Levels: Levels{Text: "target 7.3 and later", Target: func(t aix.Level) bool { return t.Release() >= 7300 }},
		Errors: []string{"E01"}, Since: "0.1", Aliases: []string{"PRE-9001"}}
}

func TestMetaValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(m *Meta)
		want string // substring of the error; "" for none
	}{
		{"good", func(m *Meta) {}, ""},
		{"bad ID", func(m *Meta) { m.ID = "PRE-12" }, "malformed ID"},
		{"lower-case ID", func(m *Meta) { m.ID = "pre-0001" }, "malformed ID"},
		{"no title", func(m *Meta) { m.Title = " " }, "no title"},
		{"no why", func(m *Meta) { m.Why = "" }, "no why"},
		{"no remediation", func(m *Meta) { m.Remediation = "" }, "no remediation"},
		{"bad phase", func(m *Meta) { m.Phase = "13" }, "phase"},
		{"bad fix", func(m *Meta) { m.Fix = "fix-x" }, "fix ID"},
		{"bad entry", func(m *Meta) { m.Errors = []string{"E1"} }, "errors.md entry"},
		{"bad alias", func(m *Meta) { m.Aliases = []string{"X"} }, "alias"},
		{"no severity", func(m *Meta) { m.Severity = 0 }, "severity"},
		{"bad scope", func(m *Meta) { m.Scope = "fleet" }, "scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := goodMeta("PRE-0001")
			tt.edit(&m)
			err := m.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	var r Registry[*testCheck]
	r.Register(&testCheck{goodMeta("PRE-0002")})
	m := goodMeta("PRE-0001")
	m.Aliases = nil
	r.Register(&testCheck{m})
	if got := r.All(); len(got) != 2 || got[0].m.ID != "PRE-0001" {
		t.Fatalf("All: got %d checks, first %s", len(got), got[0].m.ID)
	}
	if c, ok := r.Lookup("PRE-9001"); !ok || c.m.ID != "PRE-0002" {
		t.Errorf("alias lookup failed")
	}
	if id, ok := r.Canonical("PRE-9001"); !ok || id != "PRE-0002" {
		t.Errorf("Canonical: got %q %v", id, ok)
	}
	if _, ok := r.Lookup("PRE-0003"); ok {
		t.Error("lookup of an unknown ID succeeded")
	}
	for _, bad := range []Meta{goodMeta("PRE-0001"), func() Meta { m := goodMeta("PRE-0004"); m.Aliases = []string{"PRE-0001"}; return m }(), goodMeta("bad")} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %s did not panic", bad.ID)
				}
			}()
			bad := bad
			r.Register(&testCheck{bad})
		}()
	}
}

func TestExpand(t *testing.T) {
	got := Expand("chdev -l {disk} -a pv=yes {x} {", map[string]string{"disk": "hdisk1"})
	if want := "chdev -l hdisk1 -a pv=yes {x} {"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

var known = func(id string) (string, bool) {
	switch id {
	case "PRE-0301", "PRE-0305":
		return id, true
	case "PRE-9301":
		return "PRE-0301", true
	}
	return "", false
}

func TestParseWaivers(t *testing.T) {
	good := `version: 1
waivers:
  - hosts: lpar0*
    check: PRE-0305
    reason: old_rootvg is the rollback of CHG0042
    expires: 2027-01-31
  - hosts: [lpar1, "web*"]
    check: PRE-9301
    reason: accepted
`
	ws, err := ParseWaivers("w.yaml", []byte(good), known)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws.List) != 2 || ws.List[1].Check != "PRE-0301" || ws.List[0].Line != 3 || ws.List[1].Hosts[1] != "web*" {
		t.Fatalf("got %+v", ws.List)
	}
	bad := `waivers:
  - hosts: lpar0*
    check: PRE-0305
  - hosts: "["
    check: PRE-0999
    reason: x
    expires: 31/01/2027
    colour: red
  - check: PRE-12
    reason: ""
    hosts: []
`
	_, err = ParseWaivers("w.yaml", []byte(bad), known)
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		"w.yaml:2: waiver: missing reason",
		`w.yaml:4: hosts: bad glob "["`,
		"w.yaml:5: check: unknown check PRE-0999",
		`w.yaml:7: expires: want a date YYYY-MM-DD, got "31/01/2027"`,
		`w.yaml:8: unknown key "colour" in a waiver`,
		`w.yaml:9: check: "PRE-12" is not a check ID`,
		"w.yaml:10: reason: must not be empty",
		"w.yaml:11: hosts: want at least one host name or glob",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	if _, err := ParseWaivers("w.yaml", []byte("waivers: [\n"), known); err == nil || !strings.Contains(err.Error(), "w.yaml:") {
		t.Errorf("syntax error: got %v", err)
	}
	if ws, err := ParseWaivers("w.yaml", nil, known); err != nil || len(ws.List) != 0 {
		t.Errorf("empty file: got %v %v", ws, err)
	}
}

func TestWaiverRun(t *testing.T) {
	ws, err := ParseWaivers("w.yaml", []byte(`waivers:
  - {hosts: lpar0*, check: PRE-0305, reason: rollback kept, expires: 2027-01-31}
  - {hosts: lpar9, check: PRE-0301, reason: never matches}
  - {hosts: "*", check: PRE-0301, reason: too old, expires: 2020-01-01}
`), known)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2027, 1, 31, 23, 0, 0, 0, time.UTC)
	run := ws.Start(day)
	r := Result{ID: "PRE-0305", Status: Fail, Severity: Warning}
	if !run.Apply("lpar01", &r) || r.Status != Waived || r.WaivedStatus != Fail || !strings.Contains(r.Reason, "w.yaml:2") {
		t.Fatalf("not waived: %+v", r)
	}
	pass := Result{ID: "PRE-0305", Status: Pass}
	if run.Apply("lpar01", &pass) {
		t.Error("a pass was waived")
	}
	r2 := Result{ID: "PRE-0301", Status: Fail}
	if run.Apply("lpar01", &r2) {
		t.Error("an expired waiver applied")
	}
	if got := run.Unmatched(); len(got) != 1 || got[0].Hosts[0] != "lpar9" {
		t.Errorf("unmatched: %v", got)
	}
	if got := run.Expired(); len(got) != 1 || got[0].Expires != "2020-01-01" {
		t.Errorf("expired: %v", got)
	}
	if !ws.List[0].Expired(day.Add(2 * time.Hour)) {
		t.Error("waiver still valid the day after its expiry")
	}
}

func TestDocs(t *testing.T) {
	m := goodMeta("PRE-0301")
	var b bytes.Buffer
	if err := Explain(&b, &m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PRE-0301: something holds", "severity:    blocker", "nimadm phase 11", "FIX-BOSINST", "WHY\n  why", "COMMANDS\n  rmdir {dir}", "aliases:     PRE-9001"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("explain lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := WriteMarkdown(&b, []*Meta{&m}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| [PRE-0301](#pre-0301) | something holds | blocker | 11 | client | E01 | FIX-BOSINST |") {
		t.Errorf("markdown table row missing:\n%s", b.String())
	}
}

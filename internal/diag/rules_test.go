package diag

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestBuiltinRules checks the rule base as data: it compiles, every rule
// points at a real preflight check and errors.md entry, every errors.md
// entry is either covered by a rule or listed as not covered with a reason,
// and every condition is reachable through the prefilter.
func TestBuiltinRules(t *testing.T) {
	rules := Builtin()
	eng, err := New(rules...)
	if err != nil {
		t.Fatal(err)
	}
	checks := checkIDs(t)
	covered := map[string]bool{}
	for _, r := range rules {
		if r.Check != "none" && !checks[r.Check] {
			t.Errorf("%s: check %s is not in docs/check-ids.md", r.ID, r.Check)
		}
		for _, e := range r.Errors {
			if strings.HasPrefix(e, "E") && !r.Informational {
				covered[e] = true
			}
		}
		if !r.Informational && len(r.Links) == 0 {
			t.Errorf("%s: no links to public sources", r.ID)
		}
	}
	for _, nc := range BuiltinNotCovered() {
		for _, e := range nc.Errors {
			if covered[e] {
				t.Errorf("%s is listed as not covered but rule(s) name it", e)
			}
			covered[e] = true
		}
	}
	for i := 1; i <= 47; i++ {
		e := fmt.Sprintf("E%02d", i)
		if !covered[e] {
			t.Errorf("errors.md %s: neither a rule nor a not_covered entry", e)
		}
	}
	if len(eng.always) > 0 {
		for _, ci := range eng.always {
			t.Errorf("%s: condition %q has no prefilter literal: it runs on every line", eng.rules[eng.conds[ci].rule].ID, eng.conds[ci].re)
		}
	}
}

// checkIDs reads the preflight check IDs from docs/check-ids.md.
func checkIDs(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "check-ids.md"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| (PRE-[0-9]{4}) \|`).FindAllStringSubmatch(string(data), -1) {
		ids[m[1]] = true
	}
	if len(ids) < 30 {
		t.Fatalf("found only %d check IDs in docs/check-ids.md", len(ids))
	}
	return ids
}

// TestRuleFixtures: every rule has a positive fixture; every informational
// rule's message appears in a fixture whose verdict is clean.
func TestRuleFixtures(t *testing.T) {
	paths, _ := filepath.Glob("testdata/fixtures/*.txtar")
	want := map[string]int{}
	lookalike := map[string]int{}
	var cleanText strings.Builder
	wantRe := regexp.MustCompile(`(?m)^(DIAG-[0-9]{4}) `)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		w := s[strings.Index(s, "-- want --"):]
		if i := strings.Index(w[len("-- want --"):], "\n-- "); i >= 0 {
			w = w[:len("-- want --")+i]
		}
		for _, m := range wantRe.FindAllStringSubmatch(w, -1) {
			want[m[1]]++
		}
		for _, l := range strings.Split(w, "\n") {
			if rest, ok := strings.CutPrefix(l, "not:"); ok {
				for _, id := range strings.Fields(rest) {
					lookalike[id]++
				}
			}
		}
		if strings.Contains(w, "status: clean") {
			cleanText.WriteString(s)
		}
	}
	explicit := 0
	for _, r := range Builtin() {
		if r.Informational {
			found := false
			for _, id := range r.Match.Trigger.IDs {
				if strings.Contains(cleanText.String(), id) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no clean fixture shows its informational message", r.ID)
			}
			continue
		}
		if want[r.ID] == 0 {
			t.Errorf("%s: no positive fixture", r.ID)
		}
		if lookalike[r.ID] > 0 {
			explicit++
		}
	}
	t.Logf("%d rules have explicit look-alike fixtures; the clean fixtures are negatives for all", explicit)
}

// TestPrefilterSound checks on every fixture line that a condition's
// regular expression never matches a line its prefilter would skip.
func TestPrefilterSound(t *testing.T) {
	eng, err := New(Builtin()...)
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob("testdata/fixtures/*.txtar")
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		for _, line := range strings.Split(string(data), "\n") {
			checkPrefilter(t, eng, []byte(line))
		}
	}
}

func checkPrefilter(t testing.TB, eng *Engine, line []byte) {
	t.Helper()
	var prefix [10000]bool
	for i := range prefix {
		prefix[i] = true
	}
	ids := scanIDs(line, &prefix, nil)
	hits := eng.ac.scan(line, nil)
	for _, c := range eng.conds {
		if c.re == nil || !c.re.Match(line) {
			continue
		}
		if len(c.ids) > 0 {
			continue // ID conditions are selected by ID, tested by scanIDs
		}
		if slices.Contains(eng.always, c.idx) {
			continue
		}
		ok := false
		for _, h := range hits {
			if slices.Contains(eng.pats[h].conds, c.idx) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("prefilter drops %q for %q (ids %v)", c.re, line, ids)
		}
	}
}

func TestLoadRulesErrors(t *testing.T) {
	const good = `rules:
  - id: DIAG-1000
    title: t
    errors: [E01]
    check: none
    confidence: low
    cause: c
    fix: {text: f}
    match:
      trigger: {id: 0505-218}
`
	tests := []struct {
		name string
		file string
		want []string // substrings of the error, in order
	}{
		{"ok", good, nil},
		{"yaml syntax", "rules: [\n  - id: x\n", []string{"r.yaml:", "parse"}},
		{"empty", "", []string{"empty rule file"}},
		{"unknown key", strings.Replace(good, "    cause: c\n", "    cause: c\n    whithin: 3\n", 1),
			[]string{`r.yaml:8: DIAG-1000: rule: unknown key "whithin"`}},
		{"unknown match key", strings.Replace(good, "      trigger:", "      trigers: {id: 0505-218}\n      trigger:", 1),
			[]string{`r.yaml:10: DIAG-1000: match: unknown key "trigers"`}},
		{"bad regex", strings.Replace(good, "{id: 0505-218}", "{regex: 'a(b'}", 1),
			[]string{"r.yaml:10: DIAG-1000: trigger: bad regular expression"}},
		{"bad not regex", strings.Replace(good, "{id: 0505-218}", "{id: 0505-218, not: '*'}", 1),
			[]string{"r.yaml:10: DIAG-1000: trigger: bad regular expression"}},
		{"missing fields", "rules:\n  - id: DIAG-1000\n    match:\n      trigger: {id: 0505-218}\n",
			[]string{"r.yaml:2: DIAG-1000: missing title", "missing errors", "check \"\"", "missing confidence", "missing cause", "missing fix"}},
		{"missing trigger", strings.Replace(good, "      trigger: {id: 0505-218}\n", "      sources: [nimadm]\n", 1),
			[]string{`match: missing key "trigger"`}},
		{"duplicate id", good + strings.TrimPrefix(good, "rules:\n"),
			[]string{"r.yaml:11: DIAG-1000: duplicate rule ID (first defined at line 2)"}},
		{"bad id", strings.Replace(good, "DIAG-1000", "DIAG-10", 1), []string{`id "DIAG-10": want DIAG- and four digits`}},
		{"bad confidence", strings.Replace(good, "confidence: low", "confidence: sure", 1), []string{"r.yaml:6: DIAG-1000: confidence \"sure\""}},
		{"bad check", strings.Replace(good, "check: none", "check: PRE-1", 1), []string{`check "PRE-1"`}},
		{"bad message id", strings.Replace(good, "0505-218", "505-218", 1), []string{`message ID "505-218"`}},
		{"bad kind", strings.Replace(good, "      trigger:", "      sources: [nimadmm]\n      trigger:", 1), []string{`unknown kind "nimadmm"`}},
		{"bad phase", strings.Replace(good, "      trigger:", "      phases: [13]\n      trigger:", 1), []string{"13 is not a nimadm phase"}},
		{"within too big", strings.Replace(good, "      trigger: {id: 0505-218}\n", "      trigger: {id: 0505-218}\n      with: [{id: 0505-187, within: 99}]\n", 1), []string{"within 99"}},
		{"within with inputs scope", strings.Replace(good, "      trigger: {id: 0505-218}\n", "      trigger: {id: 0505-218}\n      with: [{id: 0505-187, within: 2, scope: inputs}]\n", 1), []string{"within needs scope run"}},
		{"unknown placeholder", strings.Replace(good, "cause: c", "cause: 'disk {dsk}'", 1), []string{"placeholder {dsk}"}},
		{"capture placeholder", strings.Replace(strings.Replace(good, "cause: c", "cause: 'lv {lv}'", 1), "{id: 0505-218}", "{regex: 'lv (?P<lv>\\S+)'}", 1), nil},
		{"shell braces are not placeholders", strings.Replace(good, "fix: {text: f}", "fix: {text: f, commands: [\"awk '{print $1}'\", \"echo {{x}\"]}", 1), nil},
		{"informational with more", strings.Replace(good, "    confidence: low\n", "    confidence: low\n    informational: true\n", 1) + "", nil},
		{"not a mapping", "rules:\n  - just a string\n", []string{"r.yaml:2: rule: want a mapping"}},
		{"errors ref", strings.Replace(good, "[E01]", "[\"multibos.md §5.5\", E100]", 1), []string{`errors: "E100"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules("r.yaml", []byte(tt.file))
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			msg := err.Error()
			at := 0
			for _, w := range tt.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error %q lacks %q", msg, w)
				}
				at += i
			}
		})
	}
}

func TestNewRejectsDuplicatesAcrossFiles(t *testing.T) {
	user, err := ParseRules("user.yaml", []byte(`rules:
  - id: DIAG-0001
    title: mine
    errors: [E01]
    check: none
    confidence: low
    cause: c
    fix: {text: f}
    match:
      trigger: {id: 0505-218}
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(append(Builtin(), user...)...)
	if err == nil || !strings.Contains(err.Error(), "user.yaml:2: DIAG-0001: duplicate rule ID (also defined at rules/10-nimadm.yaml:") {
		t.Fatalf("got %v", err)
	}
}

func TestPlaceholders(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"rmdir on {client}", "rmdir on lpar1"},
		{"{disk} and {unknown}", "hdisk1 and <unknown>"},
		{"awk '{print $1}'", "awk '{print $1}'"},
		{"{{client}", "{client}"},
		{"open {", "open {"},
		{"{}", "{}"},
	}
	vals := map[string]string{"client": "lpar1", "disk": "hdisk1"}
	for _, tt := range tests {
		got := fill(tt.in, func(n string) (string, bool) { v, ok := vals[n]; return v, ok })
		if got != tt.want {
			t.Errorf("fill(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

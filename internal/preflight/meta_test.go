package preflight

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var update = flag.Bool("update", false, "rewrite golden files (docs/checks.md)")

// TestHealthyFixture: on the healthy fixture every check passes or does
// not apply; nothing fails and nothing is unknown.
func TestHealthyFixture(t *testing.T) {
	rep := newWorld(t, peer()).report()
	for _, h := range rep.Hosts {
		for _, r := range h.Results {
			if r.Status != check.Pass && r.Status != check.Skipped {
				t.Errorf("%s: %s\n%s", h.Host, r, evidenceText(r))
			}
			if testing.Verbose() {
				t.Logf("%s: %s", h.Host, r)
			}
		}
		if h.Status != "ready" {
			t.Errorf("%s: status %s", h.Host, h.Status)
		}
	}
}

// TestEveryCheckHasCases: every check has at least one passing and one
// failing test case, and every case names a registered check.
func TestEveryCheckHasCases(t *testing.T) {
	for _, c := range Checks() {
		var pass, fail bool
		for _, tc := range allCases[c.ID] {
			pass = pass || tc.want == check.Pass
			fail = fail || tc.want == check.Fail
		}
		if !pass || !fail {
			t.Errorf("%s: want at least one passing and one failing case (pass %v, fail %v)", c.ID, pass, fail)
		}
	}
	for id := range allCases {
		if _, ok := Lookup(id); !ok {
			t.Errorf("test cases for unregistered check %s", id)
		}
	}
}

// TestMeta: IDs are unique and well formed (the registry enforces both at
// start-up), every check documents itself, and every fix ID is one the
// remediation package implements.
func TestMeta(t *testing.T) {
	fixes := map[string]bool{"FIX-BOSINST": true, "FIX-MULTIBOS": true, "FIX-BOSBOOT": true, "FIX-ALTINST": true,
		"FIX-OLDROOTVG": true, "FIX-NIMRESET": true, "FIX-NIMSH": true, "FIX-PVID": true, "FIX-MOUNT": true, "FIX-EFIX": true, "FIX-VARYON": true}
	seen := map[string]bool{}
	for _, c := range Checks() {
		if err := c.Validate(); err != nil {
			t.Error(err)
		}
		if seen[c.ID] {
			t.Errorf("duplicate ID %s", c.ID)
		}
		seen[c.ID] = true
		if c.Fix != "" && !fixes[c.Fix] {
			t.Errorf("%s: unknown fix action %s", c.ID, c.Fix)
		}
		if c.Run == nil {
			t.Errorf("%s: no Run", c.ID)
		}
	}
	if len(seen) < 40 {
		t.Errorf("%d checks, want at least 40", len(seen))
	}
}

// TestContract: every ID of docs/check-ids.md is implemented with the
// contract's title, errors.md entries and phase.
func TestContract(t *testing.T) {
	b, err := os.ReadFile("../../docs/check-ids.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`^\| (PRE-\d{4}) \| (.+?) \| (.+?) \| (.+?) \|$`)
	contract := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		m := row.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		id, title, entries, phase := m[1], m[2], m[3], m[4]
		contract[id] = true
		c, ok := Lookup(id)
		if !ok {
			t.Errorf("%s (%s) is not implemented", id, title)
			continue
		}
		if c.Title != title {
			t.Errorf("%s: title %q, contract says %q", id, c.Title, title)
		}
		if got := strings.Join(c.Errors, ", "); got != entries {
			t.Errorf("%s: errors %q, contract says %q", id, got, entries)
		}
		if c.Phase != phase {
			t.Errorf("%s: phase %q, contract says %q", id, c.Phase, phase)
		}
	}
	if len(contract) == 0 {
		t.Fatal("no IDs found in docs/check-ids.md")
	}
	for _, c := range Checks() {
		if !contract[c.ID] {
			t.Logf("%s (%s) is not in docs/check-ids.md yet: add it to the contract", c.ID, c.Title)
		}
	}
}

// TestDocs keeps docs/checks.md in step with the metadata; -update
// rewrites it.
func TestDocs(t *testing.T) {
	var b bytes.Buffer
	if err := check.WriteMarkdown(&b, Metas()); err != nil {
		t.Fatal(err)
	}
	const path = "../../docs/checks.md"
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/preflight -run TestDocs -update)", err)
	}
	if !bytes.Equal(old, b.Bytes()) {
		t.Errorf("%s is out of date: run go test ./internal/preflight -run TestDocs -update", path)
	}
}

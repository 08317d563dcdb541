package remediate_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/remediate"
)

func TestParseApprovals(t *testing.T) {
	good := `# approvals for the March wave
approvals:
  - host: lpar042
    action: FIX-OLDROOTVG
    approved_by: jdoe
    reason: CHG0012345, rollback window closed
    expires: 2024-03-31
  - {host: lpar043, action: fix-efix, labels: [IJ20785s2a, IJ1s1], approved_by: jdoe, reason: superseded}
`
	a, err := remediate.ParseApprovals("ok.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.List) != 2 {
		t.Fatalf("got %d approvals", len(a.List))
	}
	old, efix := a.List[0], a.List[1]
	if old.Host != "lpar042" || old.Action != "FIX-OLDROOTVG" || old.Line != 3 || old.Expires != time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("first = %+v", old)
	}
	if efix.Action != "FIX-EFIX" || strings.Join(efix.Labels, ",") != "IJ1s1,IJ20785s2a" || efix.Where() != "ok.yaml:8" {
		t.Errorf("second = %+v", efix)
	}

	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"empty file", "", nil},
		{"empty list", "approvals:\n", nil},
		{"not a mapping", "- host: a\n", []string{"bad.yaml:1: want a mapping with the key approvals"}},
		{"unknown top key", "aprovals: []\n", []string{`bad.yaml:1: unknown key "aprovals" (want approvals)`}},
		{"unknown key, missing fields", "approvals:\n  - host: lpar1\n    acton: FIX-OLDROOTVG\n", []string{
			`bad.yaml:3: unknown key "acton"`, "bad.yaml:2: approval: missing action", "bad.yaml:2: approval: missing approved_by", "bad.yaml:2: approval: missing reason"}},
		{"placeholders", "approvals:\n  - {host: lpar1, action: FIX-OLDROOTVG, approved_by: <name>, reason: <why>}\n", []string{
			"bad.yaml:2: approved_by: replace the placeholder <name>", "bad.yaml:2: reason: replace the placeholder <why>"}},
		{"glob host", "approvals:\n  - {host: 'lpar*', action: FIX-OLDROOTVG, approved_by: a, reason: b}\n", []string{
			`bad.yaml:2: host: approvals are per host; name one host, not the pattern "lpar*"`}},
		{"safe action", "approvals:\n  - {host: lpar1, action: FIX-BOSINST, approved_by: a, reason: b}\n", []string{
			"bad.yaml:2: action: FIX-BOSINST runs without approval; only FIX-OLDROOTVG, FIX-EFIX need one"}},
		{"unknown action", "approvals:\n  - {host: lpar1, action: FIX-RMRF, approved_by: a, reason: b}\n", []string{
			`bad.yaml:2: action: unknown action "FIX-RMRF"`}},
		{"efix without labels", "approvals:\n  - {host: lpar1, action: FIX-EFIX, approved_by: a, reason: b}\n", []string{
			"bad.yaml:2: approval: FIX-EFIX needs labels"}},
		{"labels elsewhere", "approvals:\n  - host: lpar1\n    action: FIX-OLDROOTVG\n    labels: [x]\n    approved_by: a\n    reason: b\n", []string{
			"bad.yaml:4: labels: only FIX-EFIX approvals take labels"}},
		{"bad expiry", "approvals:\n  - {host: lpar1, action: FIX-OLDROOTVG, approved_by: a, reason: b, expires: next week}\n", []string{
			`bad.yaml:2: expires: want a date YYYY-MM-DD or an RFC 3339 time, got "next week"`}},
		{"duplicate", "approvals:\n  - {host: lpar1, action: FIX-OLDROOTVG, approved_by: a, reason: b}\n  - {host: lpar1, action: FIX-OLDROOTVG, approved_by: c, reason: d}\n", []string{
			"bad.yaml:3: second approval of FIX-OLDROOTVG for lpar1 (the first is at line 2)"}},
		{"duplicate key", "approvals:\n  - host: lpar1\n    host: lpar2\n    action: FIX-OLDROOTVG\n    approved_by: a\n    reason: b\n", []string{
			"bad.yaml:3: duplicate key host"}},
		{"two documents", "approvals: []\n---\napprovals: []\n", []string{"only one YAML document is allowed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := remediate.ParseApprovals("bad.yaml", []byte(tc.text))
			if len(tc.want) == 0 {
				if err != nil || len(a.List) != 0 {
					t.Fatalf("got %v, %v; want no approvals and no error", a, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			var ae *remediate.ApprovalError
			if !errors.As(err, &ae) {
				t.Errorf("error %T is not an *ApprovalError", err)
			}
		})
	}
}

func TestApprovalsMatch(t *testing.T) {
	a, err := remediate.ParseApprovals("a.yaml", []byte(`approvals:
  - {host: lpar1, action: FIX-OLDROOTVG, approved_by: a, reason: b, expires: "2024-03-04T12:00:00Z"}
  - {host: lpar1, action: FIX-EFIX, labels: [L1, L2], approved_by: a, reason: b}
  - {host: lpar2, action: FIX-EFIX, labels: [L1], approved_by: a, reason: b}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host, action string
		subjects     []string
		now          time.Time
		want         string // "" for a match
	}{
		{"lpar1", "FIX-OLDROOTVG", nil, testNow, ""},
		{"lpar1", "FIX-OLDROOTVG", nil, testNow.Add(2 * time.Hour), "the approval at a.yaml:2 expired (2024-03-04T12:00:00Z)"},
		{"lpar1", "FIX-EFIX", []string{"L2"}, testNow, ""},
		{"lpar1", "FIX-EFIX", []string{"L1", "L3"}, testNow, "the approval at a.yaml:3 does not name L3"},
		{"lpar3", "FIX-EFIX", []string{"L1"}, testNow, "no approval for lpar3 in a.yaml"},
	} {
		got, why := a.Match(tc.host, tc.action, tc.subjects, tc.now)
		if (got == nil) != (tc.want != "") || why != tc.want {
			t.Errorf("Match(%s, %s, %v) = %v, %q; want %q", tc.host, tc.action, tc.subjects, got, why, tc.want)
		}
	}
	unused := a.Unused()
	if len(unused) != 1 || unused[0].Host != "lpar2" {
		t.Errorf("unused = %+v, want lpar2's", unused)
	}
	var none *remediate.Approvals
	if got, why := none.Match("lpar1", "FIX-EFIX", nil, testNow); got != nil || !strings.Contains(why, "--approvals") {
		t.Errorf("nil approvals: %v %q", got, why)
	}
}

// TestApprovalLineRoundTrip: the line the plan prints parses once its
// placeholders are filled in, and approves exactly what was asked.
func TestApprovalLineRoundTrip(t *testing.T) {
	line := remediate.ApprovalLine("lpar7", "FIX-EFIX", []string{"IJ20785s2a", "IJ30808s1a"})
	if want := "- {host: lpar7, action: FIX-EFIX, labels: [IJ20785s2a, IJ30808s1a], approved_by: <name>, reason: <why>}"; line != want {
		t.Fatalf("line = %q, want %q", line, want)
	}
	if _, err := remediate.ParseApprovals("x.yaml", []byte("approvals:\n  "+line+"\n")); err == nil {
		t.Error("a line with placeholders parsed")
	}
	filled := strings.NewReplacer("<name>", "jdoe", "<why>", "ok").Replace(line)
	a, err := remediate.ParseApprovals("x.yaml", []byte("approvals:\n  "+filled+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, why := a.Match("lpar7", "FIX-EFIX", []string{"IJ20785s2a", "IJ30808s1a"}, testNow); got == nil {
		t.Errorf("no match: %s", why)
	}
}

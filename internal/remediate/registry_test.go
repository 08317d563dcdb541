package remediate_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/remediate"
)

func ids(as []remediate.Action) string {
	var s []string
	for _, a := range as {
		s = append(s, a.ID())
	}
	return strings.Join(s, " ")
}

func TestSelect(t *testing.T) {
	for _, tc := range []struct {
		only []string
		want string
		err  string
	}{
		{nil, "FIX-VARYON FIX-NIMRESET FIX-NIMSH FIX-MOUNT FIX-MULTIBOS FIX-BOSINST FIX-BOSBOOT FIX-ALTINST FIX-OLDROOTVG FIX-PVID FIX-EFIX", ""},
		{[]string{"fix-pvid", "FIX-BOSINST"}, "FIX-BOSINST FIX-PVID", ""},
		{[]string{"FIX-MULTIBOS"}, "FIX-MULTIBOS FIX-BOSINST", ""},
		{[]string{"FIX-NOPE", "FIX-PVID"}, "", "unknown action FIX-NOPE (known: FIX-VARYON,"},
	} {
		got, err := remediate.Select(tc.only)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Select(%v) error = %v, want %q", tc.only, err, tc.err)
			}
			continue
		}
		if err != nil || ids(got) != tc.want {
			t.Errorf("Select(%v) = %q, %v; want %q", tc.only, ids(got), err, tc.want)
		}
	}
}

// TestActionMetadata: every action names checks that exist in
// docs/check-ids.md and errors.md entries, and doc.go's table lists it.
func TestActionMetadata(t *testing.T) {
	checkIDs, err := os.ReadFile("../../docs/check-ids.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	entry := regexp.MustCompile(`^E[0-9]{2}$`)
	for _, a := range remediate.All() {
		for _, c := range a.Checks() {
			if !strings.Contains(string(checkIDs), "| "+c+" |") {
				t.Errorf("%s names check %s, not in docs/check-ids.md", a.ID(), c)
			}
			if !strings.Contains(string(doc), c) {
				t.Errorf("doc.go's table lacks %s's check %s", a.ID(), c)
			}
		}
		for _, e := range a.Errors() {
			if !entry.MatchString(e) {
				t.Errorf("%s: bad errors.md entry %q", a.ID(), e)
			}
		}
		if !strings.Contains(string(doc), "//\t"+a.ID()+" ") {
			t.Errorf("doc.go's table lacks %s", a.ID())
		}
		_, destructive := a.(remediate.Destructive)
		if says := strings.Contains(a.Title(), "approval") || strings.Contains(a.Title(), "destroys"); says != destructive {
			t.Errorf("%s: the title %q should say that it needs approval", a.ID(), a.Title())
		}
	}
}

package preflight

import (
	"testing"

	"github.com/nimfleet/nimfleet/internal/check"
)

var _ = addCases("PRE-0102",
	tcase{name: "this master", want: check.Pass, has: []string{"export NIM_MASTER_HOSTNAME=nim73"}},
	tcase{name: "qualified name", want: check.Pass, edits: []edit{clEdit("niminfo", replace("NIM_MASTER_HOSTNAME=nim73", "NIM_MASTER_HOSTNAME=nim73.example.com"))}},
	tcase{name: "other master", want: check.Fail, edits: []edit{clEdit("niminfo", replace("NIM_MASTER_HOSTNAME=nim73", "NIM_MASTER_HOSTNAME=nimold"))},
		has: []string{"names master nimold, not nim73"}},
	tcase{name: "other domain", want: check.Fail, edits: []edit{
		clEdit("niminfo", replace("NIM_MASTER_HOSTNAME=nim73", "NIM_MASTER_HOSTNAME=nim73.b.example")), ms("hostname", 0, "nim73.a.example")}},
	tcase{name: "no master line", want: check.Fail, edits: []edit{clEdit("niminfo", replace("export NIM_MASTER_HOSTNAME=nim73\n", ""))},
		has: []string{"no NIM_MASTER_HOSTNAME"}},
	tcase{name: "no niminfo", want: check.Unknown, edits: []edit{cl("niminfo", 2, "cat: 0652-050 Cannot open /etc/niminfo.")}, has: []string{"/etc/niminfo"}},
)

func TestPRE0102(t *testing.T) { runCases(t, "PRE-0102") }

func TestSameHost(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"nim73", "nim73", true},
		{"NIM73", "nim73.", true},
		{"nim73", "nim73.example.com", true},
		{"nim73.a.example", "nim73.b.example", false},
		{"nim73", "nim74", false},
	}
	for _, tt := range tests {
		if got := sameHost(tt.a, tt.b); got != tt.want {
			t.Errorf("sameHost(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

package preflight

import (
	"strconv"
	"strings"
	"testing"
)

func TestTidy(t *testing.T) {
	script := "# nimfleet read-only fact collection (client lpar046)\n# It changes nothing\necho '@@NF1 x start client lpar046'\n"
	in := "probe did not complete: host lpar046: run " + strconv.Quote(script) + ": command timed out after 8s (0516-1201: the volume group is locked)"
	got := tidy(in)
	want := `probe did not complete: host lpar046: run "# nimfleet read-only fact collection (client lpar046) ...": command timed out after 8s (0516-1201: the volume group is locked)`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	via := `host lpar183: gather facts: host lpar183: run "# nimfleet read-only fact collection (client lpar183)\n# It changes"... via master nim01: host nim01: run ` +
		strconv.Quote("/usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar183 '( LC_ALL=C # nimfleet read-only fact collection (client lpar183)\necho x ); echo rc=$?'") + ": command timed out after 2s"
	got = tidy(via)
	if strings.Contains(got, `\n`) || !strings.Contains(got, "via master nim01") || !strings.HasSuffix(got, "command timed out after 2s") {
		t.Errorf("via master: %s", got)
	}
	short := `host nim73: run "/usr/sbin/lsvg -o": connection lost`
	if got := tidy(short); got != short {
		t.Errorf("short command changed: %s", got)
	}
	if got := tidy(strings.Repeat("x", 1000)); len(got) > maxReason+4 {
		t.Errorf("not capped: %d", len(got))
	}
}

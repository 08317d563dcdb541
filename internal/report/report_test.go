package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/check"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample is a small fleet with every kind of finding: blocked, unknown
// (unreachable and a missing fact), warning and ready hosts, a waived
// result, and unused and expired waivers.
func sample() *Report {
	ev := func(host, cmd string, lines ...string) check.Evidence {
		return check.Evidence{Host: host, Command: cmd, Lines: lines}
	}
	bos := func(host string) check.Result {
		return check.Result{ID: "PRE-0301", Status: check.Fail, Severity: check.Blocker,
			Summary:  "leftover /bos_inst directory (empty) with no multibos standby instance",
			Evidence: []check.Evidence{ev(host, "/usr/bin/ls -ld /bos_inst", "drwxr-xr-x    2 root     system          256 Nov 22 14:48 /bos_inst")},
			Fix:      "FIX-BOSINST", Commands: []string{"rmdir /bos_inst"}}
	}
	pass := func(id string) check.Result {
		return check.Result{ID: id, Status: check.Pass, Severity: check.Blocker, Summary: "fine"}
	}
	unreach := "host lpar5: gather facts: host unreachable"
	w1 := &check.Waiver{Hosts: []string{"lpar4"}, Check: "PRE-0314", Reason: "DB2 stays up: read-only replica", File: "waivers.yaml", Line: 2}
	w2 := &check.Waiver{Hosts: []string{"web*"}, Check: "PRE-0301", Reason: "never matches", File: "waivers.yaml", Line: 6}
	w3 := &check.Waiver{Hosts: []string{"*"}, Check: "PRE-0305", Reason: "too old", Expires: "2020-01-01", File: "waivers.yaml", Line: 9}
	r := &Report{Command: "nimfleet check", GeneratedAt: time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC), Inventory: "inventory.yaml",
		Summary: Summary{Masters: 1},
		Checks: []Check{
			{ID: "PRE-0301", Title: "no leftover /bos_inst directory on the client", Severity: check.Blocker, Phase: "11", Scope: "client",
				Errors: []string{"E01"}, Fix: "FIX-BOSINST", Remediation: "Remove the leftover directory once it is safe.\n\nMore text.", Commands: []string{"rmdir /bos_inst"}},
			{ID: "PRE-0306", Title: "rootvg is not locked", Severity: check.Blocker, Phase: "1", Scope: "client", Errors: []string{"E36"}, Remediation: "Unlock it."},
			{ID: "PRE-0314", Title: "no application servers (DB2, LDAP) are running", Severity: check.Warning, Phase: "1", Scope: "client", Errors: []string{"E46"}, Remediation: "Stop them."},
		},
		Waivers: Waivers{File: "waivers.yaml", Unmatched: []*check.Waiver{w2}, Expired: []*check.Waiver{w3}},
	}
	r.Hosts = []Host{
		{Host: "lpar1", Master: "nim1", Via: "ssh", Results: []check.Result{bos("lpar1"), pass("PRE-0306"), pass("PRE-0314")}},
		{Host: "lpar2", Master: "nim1", Via: "ssh", Results: []check.Result{bos("lpar2"), {ID: "PRE-0306", Status: check.Unknown, Severity: check.Blocker,
			Summary: "cannot tell: rootvg lock (lsvg rootvg) is unknown", Reason: "rootvg lock (lsvg rootvg): probe did not complete (0516-1201: the volume group is locked)",
			Missing: []string{"rootvg lock (lsvg rootvg)"}}, pass("PRE-0314")}},
		{Host: "lpar3", Master: "nim1", Via: "master", Results: []check.Result{pass("PRE-0301"), pass("PRE-0306"), {ID: "PRE-0314", Status: check.Fail, Severity: check.Warning,
			Summary: "application servers running: db2sysc", Evidence: []check.Evidence{ev("lpar3", "/usr/bin/ps -ef", "pid 4000001 (db2inst1): db2sysc 0")}}}},
		{Host: "lpar4", Master: "nim1", Via: "ssh", Results: []check.Result{pass("PRE-0301"), pass("PRE-0306"), {ID: "PRE-0314", Status: check.Waived, WaivedStatus: check.Fail,
			Severity: check.Warning, Summary: "application servers running: db2sysc", Reason: "waived (waivers.yaml:2): DB2 stays up: read-only replica", Waiver: w1}}},
		{Host: "lpar5", Master: "nim1", Via: "ssh", Error: unreach, Results: []check.Result{
			{ID: "PRE-0301", Status: check.Unknown, Severity: check.Blocker, Summary: "cannot tell", Reason: "/bos_inst: " + unreach},
			{ID: "PRE-0306", Status: check.Unknown, Severity: check.Blocker, Summary: "cannot tell", Reason: "rootvg lock: " + unreach},
			{ID: "PRE-0314", Status: check.Unknown, Severity: check.Warning, Summary: "cannot tell", Reason: "processes: " + unreach}}},
		{Host: "lpar6", Master: "nim1", Via: "ssh", Results: []check.Result{bos("lpar6"), pass("PRE-0306"), pass("PRE-0314")}},
		{Host: "lpar7", Master: "nim1", Via: "ssh", Results: []check.Result{bos("lpar7"), pass("PRE-0306"), pass("PRE-0314")}},
		{Host: "lpar8", Master: "nim1", Via: "ssh", Results: []check.Result{pass("PRE-0301"), pass("PRE-0306"), pass("PRE-0314")}},
	}
	r.Finalize()
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./internal/report -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs (go test ./internal/report -update rewrites it); got:\n%s", path, got)
	}
}

func TestFinalize(t *testing.T) {
	r := sample()
	s := r.Summary
	if s.Hosts != 8 || s.Blocked != 4 || s.Unknown != 1 || s.Warning != 1 || s.Ready != 2 || s.Unreachable != 1 || s.Checks != 3 {
		t.Errorf("summary %+v", s)
	}
	if !r.NotReady() {
		t.Error("NotReady false")
	}
	if c := r.CheckByID("PRE-0301").Counts; c.Fail != 4 || c.Pass != 3 || c.Unknown != 1 {
		t.Errorf("PRE-0301 counts %+v", c)
	}
	if r.Hosts[1].Status != Blocked || strings.Join(r.Hosts[1].Unknown, ",") != "PRE-0306" {
		t.Errorf("lpar2: %+v", r.Hosts[1])
	}
	if r.Hosts[3].Status != Ready || r.Waivers.Applied != 1 {
		t.Errorf("lpar4 (waived): %s, applied %d", r.Hosts[3].Status, r.Waivers.Applied)
	}
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	if err := (Text{}).Format(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.txt", b.Bytes())
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := (JSON{}).Format(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.json", b.Bytes())
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "command", "generated_at", "inventory", "summary", "checks", "hosts", "waivers"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	if doc["schema_version"].(float64) != 1 {
		t.Errorf("schema_version %v", doc["schema_version"])
	}
	// Empty lists are [], never null.
	if strings.Contains(b.String(), "null") {
		t.Errorf("JSON has null:\n%s", b.String())
	}
}

func TestHTML(t *testing.T) {
	var b bytes.Buffer
	if err := (HTML{}).Format(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.html", b.Bytes())
	s := b.String()
	for _, bad := range []string{"<script", "src=", "href=", "<link", "@import", "url("} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML is not self-contained: %q", bad)
		}
	}
	if !strings.Contains(s, "&lt;") && strings.Contains(s, "<details open>") == false {
		t.Error("no findings")
	}
}

// TestTextLimits: the text report stays short for big fleets: evidence
// for the first hosts only, host lists cut.
func TestTextLimits(t *testing.T) {
	var b bytes.Buffer
	if err := (Text{Evidence: 1, Names: 2}).Format(&b, sample()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{"fail on 4 hosts: lpar1 lpar2 ... (+2)", "... 3 more (every host's evidence: --json or --html)",
		"unknown on 1 host: lpar2; and on 1 unreachable host", "unreachable: host lpar5: gather facts: host unreachable"} {
		if !strings.Contains(s, want) {
			t.Errorf("text lacks %q:\n%s", want, s)
		}
	}
}

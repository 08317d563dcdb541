package sim

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidateReportsEveryProblem(t *testing.T) {
	yaml := `
masters:
  - name: nim1
    level: 7100-01-01-1141
    spots: [{name: s1, level: 7400-00-00-0000}]
    intent: {spot: nosuchspot}
clients:
  - name: lpar1
    master: nim1
    level: 7400-01-01-2501
    disks: [{name: hdisk0}, {name: hdisk1}]
    vgs: [{name: datavg, disks: [hdisk0]}]
  - name: lpar1
    master: nim9
    level: 7200-05-07-2346
    target_disk: hdisk7
    faults: [no_such_fault, cache_vg_too_small]
`
	cfg, err := ParseScenario("bad", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(cfg)
	if err == nil {
		t.Fatal("New accepted a broken config")
	}
	for _, want := range []string{
		`client "lpar1": unknown AIX level "7400-01-01-2501"`,
		`client "lpar1": duplicate host name (also a client)`,
		`client "lpar1": disk hdisk0 is in two volume groups (rootvg and datavg)`,
		`client "lpar1": master "nim9" does not exist`,
		`client "lpar1": target disk hdisk7 does not exist`,
		`client "lpar1": unknown fault "no_such_fault"`,
		`client "lpar1": fault "cache_vg_too_small" applies to master hosts only`,
		`master "nim1": spot "s1": unknown AIX level "7400-00-00-0000"`,
		`master "nim1": intent: spot "nosuchspot" is not defined on the master`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q\ngot:\n%v", want, err)
		}
	}
}

func TestScenarioStrictDecoding(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown top-level key", "tim_scale: 3\nmasters: []\n", "line 1: field tim_scale not found"},
		{"unknown client key", "clients:\n  - name: a\n    master: m\n    levle: 7200-05-07-2346\n", "line 4: field levle not found"},
		{"unknown disk key", "clients:\n  - name: a\n    disks:\n      - {name: hdisk0, sise_gb: 3}\n", "line 4: field sise_gb not found"},
		{"two documents", "masters: []\n---\nclients: []\n", "only one YAML document"},
		{"generate and hosts", "generate: {clients: 2}\nclients: [{name: a}]\n", "either generate or masters/clients"},
		{"empty", "", "empty document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario("x.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestShippedScenariosBuild(t *testing.T) {
	names := Scenarios()
	if len(names) < 3 {
		t.Fatalf("scenarios = %v", names)
	}
	for _, n := range names {
		cfg, err := LoadScenario(n)
		if err != nil {
			t.Fatal(err)
		}
		newLab(t, cfg)
	}
	if _, err := LoadScenario("nope"); err == nil {
		t.Error("LoadScenario(nope) succeeded")
	}
}

func TestScenarioRoundTrip(t *testing.T) {
	cfg := Generate(GenOptions{Clients: 5, Seed: 3})
	data, err := MarshalScenario(cfg)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseScenario("rt", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := cmp.Diff(cfg, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(GenOptions{Clients: 200, Masters: 4, Seed: 42})
	b := Generate(GenOptions{Clients: 200, Masters: 4, Seed: 42})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different fleets:\n%s", diff)
	}
	c := Generate(GenOptions{Clients: 200, Masters: 4, Seed: 43})
	if cmp.Equal(a, c) {
		t.Error("different seeds gave the same fleet")
	}
	la, lb := newLab(t, a), newLab(t, b)
	var ta, tb bytes.Buffer
	la.WriteTruth(&ta)
	lb.WriteTruth(&tb)
	if ta.String() != tb.String() {
		t.Error("same seed, different truth")
	}
	for _, h := range la.Hosts() {
		if la.Snapshot(h) != lb.Snapshot(h) {
			t.Fatalf("same seed, different host %s", h)
		}
	}
}

func TestGenerateFaultRates(t *testing.T) {
	const n = 2000
	cfg := Generate(GenOptions{Clients: n, Masters: 4, Seed: 7})
	faulty, total := 0, 0
	counts := map[string]int{}
	used := map[int]bool{}
	for _, c := range cfg.Clients {
		if len(c.Faults) > 0 {
			faulty++
		}
		for _, f := range c.Faults {
			counts[f]++
			total++
		}
		used[c.RootVG.UsedGB/10] = true
	}
	rate := float64(faulty) / n
	if math.Abs(rate-DefaultFaultRate) > 0.04 {
		t.Errorf("faulty share = %.3f, want about %.2f", rate, DefaultFaultRate)
	}
	if counts[FaultBosInstLeftover] < counts[FaultCacheVGMissing] || counts[FaultBosInstLeftover] == 0 {
		t.Errorf("E01 should be among the commonest faults: %v", counts)
	}
	for _, f := range faultTable {
		if f.Role == "client" && f.Weight > 0 && counts[f.Name] == 0 {
			t.Errorf("fault %s never drawn in %d clients", f.Name, n)
		}
	}
	for b := 1; b <= 7; b++ {
		if !used[b] {
			t.Errorf("no rootvg of %d0-%d9 GB used", b, b)
		}
	}
	if clean := Generate(GenOptions{Clients: 100, FaultRate: -1}); countFaults(clean) != 0 {
		t.Error("FaultRate < 0 still injected faults")
	}
}

func countFaults(c Config) int {
	n := 0
	for _, x := range c.Clients {
		n += len(x.Faults)
	}
	return n
}

// TestTruthListsEveryFault: a generated fleet builds, and Truth lists every
// injected fault with its catalogue entry.
func TestTruthListsEveryFault(t *testing.T) {
	cfg := Generate(GenOptions{Clients: 200, Masters: 4, Seed: 1, MasterFaultRate: 0.5})
	l := newLab(t, cfg)
	tr := l.Truth()
	if len(tr.Hosts) != 204 || tr.Seed != 1 {
		t.Fatalf("truth covers %d hosts, seed %d", len(tr.Hosts), tr.Seed)
	}
	want := map[string][]string{}
	for _, m := range cfg.Masters {
		want[m.Name] = m.Faults
	}
	for _, c := range cfg.Clients {
		want[c.Name] = c.Faults
	}
	for _, h := range tr.Hosts {
		var got []string
		for _, f := range h.Faults {
			got = append(got, f.Name)
			info := faultByName[f.Name]
			if f.Entry != info.Entry || f.Phase != info.Phase || !cmp.Equal(f.Checks, info.Checks) {
				t.Errorf("%s: %s truth %+v differs from catalogue", h.Host, f.Name, f)
			}
			if info.Entry != "" && len(info.Checks) == 0 {
				t.Errorf("fault %s (%s) names no preflight check", f.Name, info.Entry)
			}
		}
		if !cmp.Equal(got, want[h.Host], cmp.Comparer(func(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") })) {
			t.Errorf("%s: truth %v, injected %v", h.Host, got, want[h.Host])
		}
	}
	var buf bytes.Buffer
	if err := l.WriteTruth(&buf); err != nil {
		t.Fatal(err)
	}
	var back Truth
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"checks": [`) || !strings.Contains(buf.String(), `"errors_entry": "E`) {
		t.Errorf("truth JSON lacks fields:\n%.400s", buf.String())
	}
	// Runtime faults are recorded too.
	if err := l.SetFault("lpar001", FaultBosInstLeftover); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range l.Truth().Hosts[4].Faults {
		found = found || f.Name == FaultBosInstLeftover
	}
	if !found {
		t.Error("SetFault not in Truth")
	}
}

func TestCheckIDsExist(t *testing.T) {
	known := map[string]bool{}
	for _, id := range []string{"PRE-0101", "PRE-0102", "PRE-0103", "PRE-0104", "PRE-0105", "PRE-0106", "PRE-0201", "PRE-0202", "PRE-0203", "PRE-0204", "PRE-0205", "PRE-0206", "PRE-0207", "PRE-0208", "PRE-0301", "PRE-0302", "PRE-0303", "PRE-0304", "PRE-0305", "PRE-0306", "PRE-0307", "PRE-0308", "PRE-0309", "PRE-0310", "PRE-0311", "PRE-0312", "PRE-0313", "PRE-0314", "PRE-0315", "PRE-0401", "PRE-0402", "PRE-0403", "PRE-0404", "PRE-0405", "PRE-0406", "PRE-0407", "PRE-0408", "PRE-0409", "PRE-0410"} {
		known[id] = true
	}
	for _, f := range Faults() {
		for _, c := range f.Checks {
			if !known[c] {
				t.Errorf("fault %s names unknown check %s (docs/check-ids.md)", f.Name, c)
			}
		}
	}
}

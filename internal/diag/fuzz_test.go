package diag

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var fuzzEngine = sync.OnceValue(func() *Engine {
	e, err := New(Builtin()...)
	if err != nil {
		panic(err)
	}
	return e
})

func addFixtureSeeds(f *testing.F) {
	paths, _ := filepath.Glob("testdata/fixtures/*.txtar")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{})
	f.Add([]byte("\x00\x00\x00"))
	f.Add([]byte("cmd: x\ncmd: y\nInitializing multibos methods ...\nExecuting nimadm phase 3.\nExecuting nimadm phase 1.\n"))
}

// FuzzDiagnose runs the segmenter and every built-in matcher on arbitrary
// input: no panic, and the report is consistent and encodes as JSON.
func FuzzDiagnose(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		e := fuzzEngine()
		rep, err := e.DiagnoseWithOptions(context.Background(), Options{AllRuns: true},
			ReaderInput("a", bytes.NewReader(data)), ReaderInput("b", bytes.NewReader(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range rep.Inputs {
			if in.Skipped == "" && in.Bytes != int64(len(data)) {
				t.Fatalf("bytes: got %d, want %d", in.Bytes, len(data))
			}
		}
		for _, d := range rep.Diagnoses {
			if d.Confidence < Low || d.Confidence > High || len(d.Evidence) == 0 {
				t.Fatalf("bad diagnosis %+v", d)
			}
		}
		for _, r := range rep.Runs {
			if r.StartLine > r.EndLine+1 || r.Run < 1 || r.Run > r.Of {
				t.Fatalf("bad run %+v", r)
			}
		}
		if rep.Status == StatusFailure && len(rep.Diagnoses) == 0 {
			t.Fatal("failure without diagnosis")
		}
		if err := json.NewEncoder(new(bytes.Buffer)).Encode(rep); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteText(new(bytes.Buffer)); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzLineMatchers checks the prefilter (message-ID scan and automaton)
// against the regular expressions it stands in for, on arbitrary lines.
func FuzzLineMatchers(f *testing.F) {
	addFixtureSeeds(f)
	f.Add([]byte("0505-218 0042-0001 x0505-218 0505-21 0505-21845 3001-038_"))
	idRe := regexp.MustCompile(`\b(0042|0301|0503|0505|0511|0513|0514|0516|0565|3001)-[0-9]{3,4}\b`)
	var prefix [10000]bool
	for _, p := range trackedPrefixes {
		prefix[p] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e := fuzzEngine()
		for _, line := range bytes.Split(data, []byte("\n")) {
			checkPrefilter(t, e, line)
			var got []string
			for _, sp := range scanIDs(line, &prefix, nil) {
				got = append(got, string(line[sp.start:sp.end]))
			}
			var want []string
			for _, m := range idRe.FindAll(line, -1) {
				want = append(want, string(m))
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("scanIDs(%q): got %v, want %v", line, got, want)
			}
		}
	})
}

// FuzzAhoCorasick compares the automaton with strings.Contains over
// case-folded text, for arbitrary pattern sets.
func FuzzAhoCorasick(f *testing.F) {
	f.Add("error\x00fail\x00nimadm:", []byte("0505-187 NIMADM: Error cloning"))
	f.Add("aaa\x00aa\x00a", []byte("aaaa"))
	f.Fuzz(func(t *testing.T, patList string, text []byte) {
		var pats []string
		seen := map[string]bool{}
		for _, p := range strings.Split(patList, "\x00") {
			p = lowerASCII(p)
			if p == "" || seen[p] || len(pats) > 64 {
				continue
			}
			seen[p] = true
			pats = append(pats, p)
		}
		if len(pats) == 0 {
			return
		}
		m := buildAC(pats)
		got := map[int32]bool{}
		for _, i := range m.scan(text, nil) {
			got[i] = true
		}
		folded := lowerASCII(string(text))
		for i, p := range pats {
			if want := strings.Contains(folded, p); want != got[int32(i)] {
				t.Fatalf("pattern %q in %q: got %v, want %v", p, text, got[int32(i)], want)
			}
		}
	})
}

// FuzzRequiredLiterals: every match of an expression contains one of its
// required literals (case-folded).
func FuzzRequiredLiterals(f *testing.F) {
	f.Add(`init_multibos\(\) returned`, "alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.")
	f.Add(`(?i)not enough (disk )?space`, "NOT ENOUGH SPACE")
	f.Add(`(?i)kelvin`, "\u212Aelvin")
	f.Add(`a|bcd`, "xa")
	f.Fuzz(func(t *testing.T, expr, s string) {
		re, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		lits := requiredLiterals(expr)
		if lits == nil || !re.MatchString(s) {
			return
		}
		folded := lowerASCII(s)
		for _, l := range lits {
			if strings.Contains(folded, l) {
				return
			}
		}
		t.Fatalf("%q matches %q but contains none of %q", expr, s, lits)
	})
}

// FuzzParseRules: rule files never panic the loader or New.
func FuzzParseRules(f *testing.F) {
	paths, _ := filepath.Glob("rules/*.yaml")
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Add([]byte("rules:\n  - id: DIAG-1000\n    match: {trigger: {regex: '(?P<x>a)'}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := ParseRules("f.yaml", data)
		if err != nil {
			return
		}
		if _, err := New(rules...); err != nil {
			t.Fatalf("ParseRules accepted rules that New rejects: %v", err)
		}
	})
}

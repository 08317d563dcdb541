package diag_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/diag"
)

// A fixture is a txtar archive: the comment names the source of the log
// text ("source: ..."), the "want" file lists the expected verdict, and every
// other file is an input. The want file has one item per line:
//
//	status: failure|unknown|clean
//	run: all|N                  (default: the last run of each input)
//	DIAG-0001 high              (an expected diagnosis; the first is ranked first)
//	not: DIAG-0004 DIAG-0016    (look-alikes: rules that must not match)
//	unexplained: 0505-187       (message IDs that must be listed as unexplained)
type fixture struct {
	name        string
	source      string
	inputs      []archiveFile
	status      diag.Status
	opts        diag.Options
	want        []wantDiag
	not         []string
	unexplained []string
}

type wantDiag struct {
	rule string
	conf diag.Confidence
}

func (w wantDiag) String() string { return w.rule + " " + w.conf.String() }

func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	paths, err := filepath.Glob("testdata/fixtures/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no fixtures")
	}
	var fs []fixture
	for _, p := range paths {
		ar, err := parseArchiveFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := fixture{name: strings.TrimSuffix(filepath.Base(p), ".txtar")}
		for _, l := range strings.Split(string(ar.Comment), "\n") {
			if s, ok := strings.CutPrefix(l, "source:"); ok {
				f.source = strings.TrimSpace(s)
			}
		}
		if f.source == "" {
			t.Errorf("%s: no source: line in the comment", p)
		}
		haveWant := false
		for _, file := range ar.Files {
			if file.Name != "want" {
				f.inputs = append(f.inputs, file)
				continue
			}
			haveWant = true
			for n, l := range strings.Split(string(file.Data), "\n") {
				l = strings.TrimSpace(l)
				switch {
				case l == "":
				case strings.HasPrefix(l, "status:"):
					f.status = diag.Status(strings.TrimSpace(strings.TrimPrefix(l, "status:")))
				case strings.HasPrefix(l, "run:"):
					v := strings.TrimSpace(strings.TrimPrefix(l, "run:"))
					if v == "all" {
						f.opts.AllRuns = true
					} else if f.opts.Run, err = strconv.Atoi(v); err != nil {
						t.Fatalf("%s: want line %d: %v", p, n+1, err)
					}
				case strings.HasPrefix(l, "not:"):
					f.not = append(f.not, strings.Fields(strings.TrimPrefix(l, "not:"))...)
				case strings.HasPrefix(l, "unexplained:"):
					f.unexplained = append(f.unexplained, strings.Fields(strings.TrimPrefix(l, "unexplained:"))...)
				default:
					fields := strings.Fields(l)
					if len(fields) != 2 {
						t.Fatalf("%s: want line %d: %q: want RULE CONFIDENCE", p, n+1, l)
					}
					c, err := diag.ParseConfidence(fields[1])
					if err != nil {
						t.Fatalf("%s: want line %d: %v", p, n+1, err)
					}
					f.want = append(f.want, wantDiag{fields[0], c})
				}
			}
		}
		if !haveWant || f.status == "" {
			t.Fatalf("%s: no want file with a status", p)
		}
		fs = append(fs, f)
	}
	return fs
}

func (f fixture) run(t testing.TB, eng *diag.Engine) *diag.Report {
	t.Helper()
	var ins []diag.Input
	for _, file := range f.inputs {
		ins = append(ins, diag.ReaderInput(file.Name, bytes.NewReader(file.Data)))
	}
	rep, err := eng.DiagnoseWithOptions(context.Background(), f.opts, ins...)
	if err != nil {
		t.Fatalf("%s: %v", f.name, err)
	}
	return rep
}

func builtinEngine(t testing.TB) *diag.Engine {
	t.Helper()
	eng, err := diag.New(diag.Builtin()...)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// TestCorpus diagnoses every fixture and requires the exact expected
// verdict: the same diagnoses with the same confidence, the first one ranked
// first, no look-alike rule, and never a high-confidence diagnosis that the
// fixture does not expect.
func TestCorpus(t *testing.T) {
	eng := builtinEngine(t)
	fixtures := loadFixtures(t)
	var exact, confidentWrong, lookalikes, total int
	for _, f := range fixtures {
		total++
		rep := f.run(t, eng)
		var got []wantDiag
		for _, d := range rep.Diagnoses {
			got = append(got, wantDiag{d.Rule, d.Confidence})
			if d.Confidence == diag.High && !slices.ContainsFunc(f.want, func(w wantDiag) bool { return w.rule == d.Rule }) {
				confidentWrong++
				t.Errorf("%s: confident wrong answer: %s", f.name, d.Rule)
			}
		}
		ok := true
		if rep.Status != f.status {
			t.Errorf("%s: status: got %s, want %s (%s)", f.name, rep.Status, f.status, rep.Summary)
			ok = false
		}
		sortedGot := slices.Clone(got)
		sortedWant := slices.Clone(f.want)
		cmpD := func(a, b wantDiag) int { return strings.Compare(a.String(), b.String()) }
		slices.SortFunc(sortedGot, cmpD)
		slices.SortFunc(sortedWant, cmpD)
		if !slices.Equal(sortedGot, sortedWant) {
			t.Errorf("%s: diagnoses: got %v, want %v", f.name, got, f.want)
			ok = false
		} else if len(f.want) > 0 && got[0] != f.want[0] {
			t.Errorf("%s: ranked first: got %v, want %v", f.name, got[0], f.want[0])
			ok = false
		}
		for _, n := range f.not {
			lookalikes++
			if slices.ContainsFunc(got, func(g wantDiag) bool { return g.rule == n }) {
				t.Errorf("%s: look-alike %s matched", f.name, n)
				ok = false
			}
		}
		for _, id := range f.unexplained {
			found := false
			for _, rs := range rep.Runs {
				for _, l := range rs.Unexplained {
					if strings.Contains(l.Text, id) {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("%s: %s not listed as unexplained", f.name, id)
				ok = false
			}
		}
		if ok {
			exact++
		}
	}
	t.Logf("corpus: %d fixtures, %d exact (accuracy %.1f%%), %d look-alike checks, %d confident wrong answers",
		total, exact, 100*float64(exact)/float64(total), lookalikes, confidentWrong)
	if exact != total {
		t.Errorf("accuracy %d/%d, want 100%%", exact, total)
	}
}

// TestSeed pins the motivating case: the field report's console output is
// the leftover /bos_inst, with the safe fix, and the standby instance is
// ranked below it with the commands that tell them apart.
func TestSeed(t *testing.T) {
	eng := builtinEngine(t)
	data, err := os.ReadFile("testdata/fixtures/e01-seed-console.txtar")
	if err != nil {
		t.Fatal(err)
	}
	ar := parseArchive(data)
	var in diag.Input
	for _, f := range ar.Files {
		if f.Name == "nimadm-console.txt" {
			in = diag.ReaderInput(f.Name, bytes.NewReader(f.Data))
		}
	}
	rep, err := eng.Diagnose(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Diagnoses) != 2 {
		t.Fatalf("got %d diagnoses, want 2", len(rep.Diagnoses))
	}
	d := rep.Diagnoses[0]
	if d.Rule != "DIAG-0001" || d.Confidence != diag.High || d.Check != "PRE-0301" || d.Errors[0] != "E01" {
		t.Errorf("top diagnosis: got %s %s %s %v", d.Rule, d.Confidence, d.Check, d.Errors)
	}
	fix := strings.Join(d.Fix.Commands, "\n")
	for _, want := range []string{"rmdir /bos_inst", "lsvg -l rootvg", "mount | grep /bos_inst", "lsfs /bos_inst"} {
		if !strings.Contains(fix, want) {
			t.Errorf("fix lacks %q:\n%s", want, fix)
		}
	}
	if !strings.Contains(d.Cause, "lpar1") || strings.Contains(d.Cause, "<client>") {
		t.Errorf("cause does not name the client: %s", d.Cause)
	}
	if d.Phase != 11 || d.AltDiskPhase != 3 || d.Command != `alt_disk_copy -j -M 7.1 -P3 -d "hdisk1"` {
		t.Errorf("where: got phase %d/%d command %q", d.Phase, d.AltDiskPhase, d.Command)
	}
	if ev := d.Evidence[0]; ev.Line != 8 || !strings.Contains(ev.Text, "0505-218") || len(ev.Context) != 4 {
		t.Errorf("evidence: got %+v", ev)
	}
	alt := rep.Diagnoses[1]
	if alt.Rule != "DIAG-0002" || alt.Confidence != diag.Medium || alt.Verify == nil ||
		!slices.Contains(alt.Verify.Commands, "lsvg -l rootvg") || !slices.Contains(alt.Verify.Commands, "ls -ld /bos_inst") {
		t.Errorf("second diagnosis: got %s %s verify %+v", alt.Rule, alt.Confidence, alt.Verify)
	}
	rs := rep.Runs[0]
	if rs.LastPhase != 11 || rs.LastCommand == nil || rs.LastCommand.Text != "alt_disk_install -M 7.1 -X" {
		t.Errorf("run summary: got phase %d last command %+v", rs.LastPhase, rs.LastCommand)
	}
	if len(rs.MessageIDs) != 2 || rs.UnexplainedTotal != 0 {
		t.Errorf("run summary: got IDs %+v, %d unexplained", rs.MessageIDs, rs.UnexplainedTotal)
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"would have been caught by PRE-0301", "last nimadm phase reached: 11", "0505-218 x1"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	t.Logf("text report:\n%s", buf.String())
}

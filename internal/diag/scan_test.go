package diag_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/nimfleet/nimfleet/internal/diag"
)

const banner = "+-----------------------------------------------------------------------------+"

func phase(n string) string { return banner + "\nExecuting nimadm phase " + n + ".\n" + banner + "\n" }

const seedClientRecord = `Tue Nov 22 14:48:12 EETDT 2011

cmd: /ALT_MIG_SPOT/sbin/alt_disk_copy -j -M 7.1 -P3 -d hdisk1

Verifying altinst_rootvg...

alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.

Cleaning up.
`

const okClientRecord = `Wed Nov 23 09:12:40 EETDT 2011
cmd: /ALT_MIG_SPOT/sbin/alt_disk_copy -j -M 7.1 -P1 -d hdisk1
Calling mkszfile to create new /image.data file.
Checking disk sizes.
Creating logical volume alt_hd5.
`

func diagnose(t *testing.T, opts diag.Options, inputs ...diag.Input) *diag.Report {
	t.Helper()
	rep, err := builtinEngine(t).DiagnoseWithOptions(context.Background(), opts, inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func text(name, s string) diag.Input { return diag.ReaderInput(name, strings.NewReader(s)) }

func rules(rep *diag.Report) []string {
	var ids []string
	for _, d := range rep.Diagnoses {
		ids = append(ids, d.Rule+" "+d.Confidence.String())
	}
	return ids
}

type runView struct {
	Run, Of    int
	Status     diag.Status
	Start, End int
	Diagnoses  []string
}

func runs(rep *diag.Report) []runView {
	var out []runView
	for _, r := range rep.Runs {
		out = append(out, runView{r.Run, r.Of, r.Status, r.StartLine, r.EndLine, r.Diagnoses})
	}
	return out
}

func TestRunSelection(t *testing.T) {
	// Three appended alt_disk_inst.log records: ok, failed, ok.
	log := okClientRecord + seedClientRecord + okClientRecord
	tests := []struct {
		name string
		opts diag.Options
		want []runView
	}{
		{"last run by default", diag.Options{}, []runView{{3, 3, diag.StatusClean, 15, 19, []string{}}}},
		{"run 2", diag.Options{Run: 2}, []runView{{2, 3, diag.StatusFailure, 6, 14, []string{"DIAG-0001", "DIAG-0002"}}}},
		{"all runs", diag.Options{AllRuns: true}, []runView{
			{1, 3, diag.StatusClean, 1, 5, []string{}},
			{2, 3, diag.StatusFailure, 6, 14, []string{"DIAG-0001", "DIAG-0002"}},
			{3, 3, diag.StatusClean, 15, 19, []string{}},
		}},
		{"run beyond the last", diag.Options{Run: 9}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := diagnose(t, tt.opts, text("alt_disk_inst.log", log))
			if diff := cmp.Diff(tt.want, runs(rep)); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
			if tt.opts.Run == 9 && !strings.Contains(rep.Inputs[0].Note, "has 3") {
				t.Errorf("note: got %q", rep.Inputs[0].Note)
			}
		})
	}
}

func TestNimadmNewRunWhenPhaseGoesDown(t *testing.T) {
	log := phase("1") + phase("2") + "0505-187 nimadm: Error cloning altinst_rootvg on client.\n" +
		phase("1") + phase("2") + phase("12")
	rep := diagnose(t, diag.Options{AllRuns: true}, text("m.log", log))
	got := runs(rep)
	want := []runView{
		{1, 2, diag.StatusUnknown, 1, 7, []string{}},
		{2, 2, diag.StatusClean, 8, 16, []string{}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
	if rep.Runs[1].LastPhase != 12 || rep.Runs[0].LastPhase != 2 {
		t.Errorf("last phases: got %d, %d", rep.Runs[0].LastPhase, rep.Runs[1].LastPhase)
	}
}

func TestInputEdgeCases(t *testing.T) {
	seed, err := os.ReadFile("testdata/fixtures/e01-seed-console.txtar")
	if err != nil {
		t.Fatal(err)
	}
	console := ""
	for _, f := range parseArchive(seed).Files {
		if f.Name == "nimadm-console.txt" {
			console = string(f.Data)
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	huge := strings.Repeat("x", 10<<20) // one 10 MB line
	tests := []struct {
		name      string
		input     string
		status    diag.Status
		rules     []string
		skipped   bool
		longLines int
	}{
		{"empty", "", diag.StatusUnknown, nil, false, 0},
		{"only blank lines", "\n\n\n", diag.StatusClean, nil, false, 0},
		{"binary", string(random), diag.StatusUnknown, nil, true, 0},
		{"ELF header", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x15\x00\x01\x00\x00\x00" + strings.Repeat("\x00\x01\x02\x03", 512), diag.StatusUnknown, nil, true, 0},
		{"CRLF", strings.ReplaceAll(console, "\n", "\r\n"), diag.StatusFailure, []string{"DIAG-0001 high", "DIAG-0002 medium"}, false, 0},
		{"NUL padding (alog)", console + strings.Repeat("\x00", 64<<10), diag.StatusFailure, []string{"DIAG-0001 high", "DIAG-0002 medium"}, false, 1},
		{"leading NUL padding", strings.Repeat("\x00", 16<<10) + console, diag.StatusFailure, []string{"DIAG-0001 high", "DIAG-0002 medium"}, false, 0},
		{"no final newline", strings.TrimSuffix(console, "\n"), diag.StatusFailure, []string{"DIAG-0001 high", "DIAG-0002 medium"}, false, 0},
		{"10 MB line before the failure", huge + "\n" + console, diag.StatusFailure, []string{"DIAG-0001 high", "DIAG-0002 medium"}, false, 1},
		{"10 MB line with an ID at its start", "0505-218 " + huge + "\n", diag.StatusUnknown, nil, false, 1},
		{"garbage text", "lorem ipsum\n\x1b[31mred\x1b[0m\nfailed to frobnicate\n", diag.StatusUnknown, nil, false, 0},
		{"truncated mid-line", console[:strings.Index(console, "init_multibos")], diag.StatusUnknown, nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := diagnose(t, diag.Options{}, text("in", tt.input))
			if rep.Status != tt.status {
				t.Errorf("status: got %s (%s), want %s", rep.Status, rep.Summary, tt.status)
			}
			if diff := cmp.Diff(tt.rules, rules(rep)); diff != "" {
				t.Errorf("diagnoses (-want +got):\n%s", diff)
			}
			in := rep.Inputs[0]
			if (in.Skipped != "") != tt.skipped {
				t.Errorf("skipped: got %q", in.Skipped)
			}
			if in.LongLines != tt.longLines {
				t.Errorf("long lines: got %d, want %d", in.LongLines, tt.longLines)
			}
			if !tt.skipped && in.Bytes != int64(len(tt.input)) {
				t.Errorf("bytes: got %d, want %d", in.Bytes, len(tt.input))
			}
			for _, r := range rep.Runs {
				for _, l := range r.Unexplained {
					if len(l.Text) > 520 || strings.ContainsAny(l.Text, "\x00\x1b\r") {
						t.Errorf("unsanitised or unclipped line: %q", l.Text[:min(len(l.Text), 80)])
					}
				}
			}
		})
	}
}

func TestUnexplainedCap(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 500; i++ {
		b.WriteString("something failed here\n")
	}
	rep := diagnose(t, diag.Options{}, text("in", b.String()))
	r := rep.Runs[0]
	if len(r.Unexplained) != 20 || r.UnexplainedTotal != 500 || rep.Status != diag.StatusUnknown {
		t.Errorf("got %d listed, %d total, status %s", len(r.Unexplained), r.UnexplainedTotal, rep.Status)
	}
}

func TestFactsOption(t *testing.T) {
	rep := diagnose(t, diag.Options{Facts: map[string]string{"client": "lpar7"}}, text("alt_disk_inst.log", seedClientRecord))
	d := rep.Diagnoses[0]
	if !strings.Contains(d.Cause, "lpar7") || d.Captures["client"] != "lpar7" {
		t.Errorf("got cause %q captures %v", d.Cause, d.Captures)
	}
	rep = diagnose(t, diag.Options{}, text("alt_disk_inst.log", seedClientRecord))
	if !strings.Contains(rep.Diagnoses[0].Cause, "<client>") {
		t.Errorf("unknown client not shown as <client>: %q", rep.Diagnoses[0].Cause)
	}
}

func TestUserRuleWithin(t *testing.T) {
	user, err := diag.ParseRules("user.yaml", []byte(`rules:
  - id: DIAG-9001
    title: frob failed after the widget step
    errors: [E01]
    check: none
    confidence: high
    cause: 'frob {what} failed'
    fix: {text: refrob}
    match:
      trigger: {regex: 'frob (?P<what>\w+) failed'}
      with:
        - {regex: 'widget step', within: 2}
      without:
        - {regex: 'ignore this', within: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := diag.New(append(diag.Builtin(), user...)...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, log string
		want      bool
	}{
		{"with before", "widget step\nx\nfrob a failed\n", true},
		{"with after", "frob a failed\nx\nwidget step\n", true},
		{"with too far", "widget step\nx\ny\nfrob a failed\n", false},
		{"without near", "widget step\nfrob a failed\nignore this\n", false},
		{"second trigger qualifies", "frob a failed\nx\ny\nz\nfrob b failed\nwidget step\n", true},
		{"no with", "frob a failed\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := eng.Diagnose(context.Background(), text("in", tt.log))
			if err != nil {
				t.Fatal(err)
			}
			got := len(rep.Diagnoses) == 1 && rep.Diagnoses[0].Rule == "DIAG-9001"
			if got != tt.want {
				t.Fatalf("matched: got %v, want %v (%v)", got, tt.want, rules(rep))
			}
			if tt.name == "second trigger qualifies" && !strings.Contains(rep.Diagnoses[0].Cause, "frob b") {
				t.Errorf("anchor: got %q, want the second trigger", rep.Diagnoses[0].Cause)
			}
		})
	}
}

func TestSources(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "b"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "b", "alt_disk_inst.log"), []byte(seedClientRecord), 0o644))
	must(os.WriteFile(filepath.Join(dir, "a.log"), []byte("hello\n"), 0o644))
	ctx := context.Background()
	ins, err := diag.Inputs(ctx, diag.FileSource{Paths: []string{dir}})
	must(err)
	var names []string
	for _, in := range ins {
		names = append(names, in.Name)
	}
	want := []string{filepath.Join(dir, "a.log"), filepath.Join(dir, "b", "alt_disk_inst.log")}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	rep, err := builtinEngine(t).Diagnose(ctx, ins...)
	must(err)
	if rep.Status != diag.StatusFailure {
		t.Errorf("status: got %s", rep.Status)
	}
	if _, err := diag.Inputs(ctx, diag.FileSource{Paths: []string{filepath.Join(dir, "missing")}}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing path: got %v", err)
	}
	rs := &diag.ReaderSource{Name: "-", R: strings.NewReader(seedClientRecord)}
	ins, err = diag.Inputs(ctx, rs)
	must(err)
	if _, err := builtinEngine(t).Diagnose(ctx, ins...); err != nil {
		t.Fatal(err)
	}
	if _, err := builtinEngine(t).Diagnose(ctx, ins...); err == nil {
		t.Error("second read of stdin: got no error")
	}
}

func TestReadErrors(t *testing.T) {
	eng := builtinEngine(t)
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("line one\n"), iotest.ErrReader(boom))
	_, err := eng.Diagnose(context.Background(), diag.ReaderInput("x.log", r))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "x.log") {
		t.Errorf("got %v", err)
	}
	open := diag.Input{Name: "y.log", Open: func(context.Context) (io.ReadCloser, error) { return nil, os.ErrPermission }}
	if _, err := eng.Diagnose(context.Background(), open); !errors.Is(err, os.ErrPermission) {
		t.Errorf("got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := eng.Diagnose(ctx, text("z", "x\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
	if _, err := eng.DiagnoseWithOptions(context.Background(), diag.Options{Run: -1}); err == nil {
		t.Error("run -1: got no error")
	}
}

func TestJSONGolden(t *testing.T) {
	rep := diagnose(t, diag.Options{}, text("lpar1_alt_mig.log", phase("11")+`Cloning altinst_rootvg on client, Phase 3.
Client alt_disk_install command: alt_disk_copy -j -M 7.1 -P3 -d "hdisk1"
## Phase 3 ###################
Verifying altinst_rootvg...
alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.
Cleaning up.
0505-187 nimadm: Error cloning altinst_rootvg on client.
Cleaning up alt_disk_migration on client lpar1.
`), text("alt_disk_inst.log", seedClientRecord))
	var got bytes.Buffer
	if err := rep.WriteJSON(&got); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden", "seed.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("JSON report (-want +got), rerun with -update if intended:\n%s", diff)
	}
}

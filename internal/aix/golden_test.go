package aix

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden .json files in testdata")

// fixture is one input file of testdata. Plain files hold the command's
// stdout. Files of commands whose parser also needs stderr, the exit
// status or arguments are split into "-- stdout --", "-- stderr --",
// "-- exit --" and "-- args --" sections.
type fixture struct {
	stdout, stderr []byte
	exit           int
	args           []string
}

func readFixture(t testing.TB, path string, sectioned bool) fixture {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !sectioned {
		return fixture{stdout: b}
	}
	var fx fixture
	secs := splitSections(b)
	if len(secs) == 0 {
		t.Fatalf("%s: no -- name -- sections", path)
	}
	for name, v := range secs {
		switch name {
		case "stdout":
			fx.stdout = v
		case "stderr":
			fx.stderr = v
		case "exit":
			fx.exit, err = strconv.Atoi(strings.TrimSpace(string(v)))
			if err != nil {
				t.Fatalf("%s: exit: %v", path, err)
			}
		case "args":
			fx.args = strings.Fields(string(v))
		default:
			t.Fatalf("%s: unknown section %q", path, name)
		}
	}
	return fx
}

// splitSections splits b at lines "-- name --".
func splitSections(b []byte) map[string][]byte {
	secs := map[string][]byte{}
	name := ""
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		s := strings.TrimSpace(string(l))
		if strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) > 6 {
			name = s[3 : len(s)-3]
			secs[name] = []byte{}
			continue
		}
		if name != "" {
			secs[name] = append(secs[name], l...)
		}
	}
	return secs
}

// parserCase ties a testdata directory to the parser it exercises.
type parserCase struct {
	sectioned bool
	parse     func(fixture) (any, error)
}

func stdoutOnly[T any](fn func([]byte) (T, error)) parserCase {
	return parserCase{parse: func(fx fixture) (any, error) { return fn(fx.stdout) }}
}

// parsers maps each directory of testdata to its parser.
var parsers = map[string]parserCase{
	"oslevel":           stdoutOnly(ParseOslevel),
	"oslevel-base":      stdoutOnly(ParseOslevelBase),
	"lsvg-list":         stdoutOnly(ParseLsvgList),
	"lsvg":              stdoutOnly(ParseLsvg),
	"lsvg-l":            stdoutOnly(ParseLsvgL),
	"lsvg-p":            stdoutOnly(ParseLsvgP),
	"lsvg-M":            stdoutOnly(ParseLsvgM),
	"lspv":              stdoutOnly(ParseLspv),
	"lspv-disk":         stdoutOnly(ParseLspvDisk),
	"bootinfo-s":        stdoutOnly(ParseBootinfoSize),
	"bootinfo-b":        stdoutOnly(ParseBootinfoDisk),
	"bootinfo-v":        stdoutOnly(ParseBootinfoBLV),
	"bootinfo-bootable": stdoutOnly(ParseBootinfoBootable),
	"bootinfo-K":        stdoutOnly(ParseBitMode),
	"bootlist":          stdoutOnly(ParseBootlist),
	"lsnim":             stdoutOnly(ParseLsnimList),
	"lsnim-l":           stdoutOnly(ParseLsnimLong),
	"lsnim-Z":           stdoutOnly(ParseLsnimZ),
	"lslpp-l":           stdoutOnly(ParseLslppL),
	"lslpp-Lc":          stdoutOnly(ParseLslppLc),
	"lslpp-lcq":         stdoutOnly(ParseLslppLcq),
	"lppchk":            stdoutOnly(ParseLppchk),
	"df":                stdoutOnly(ParseDf),
	"prtconf":           stdoutOnly(ParsePrtconf),
	"uname-a":           stdoutOnly(ParseUnameA),
	"uname-L":           stdoutOnly(ParseUnameL),
	"uname-W":           stdoutOnly(ParseUnameW),
	"uname-M":           stdoutOnly(ParseUnameM),
	"lsattr-realmem":    stdoutOnly(ParseRealmem),
	"ls-ld":             stdoutOnly(ParseLsLd),
	"emgr-P":            stdoutOnly(ParseEmgrP),
	"instfix":           stdoutOnly(ParseInstfix),
	"instfix-icq":       stdoutOnly(ParseInstfixIcq),
	"mount":             stdoutOnly(ParseMount),
	"lssrc":             stdoutOnly(ParseLssrc),
	"niminfo":           stdoutOnly(ParseNiminfo),
	"showres-mp64":      stdoutOnly(ParseShowresMp64),
	"showres-lslpp":     stdoutOnly(ParseShowresLslpp),
	"blvset":            stdoutOnly(ParseBlvsetLevel),
	"ps":                stdoutOnly(ParsePs),
	"emgr-l": {sectioned: true, parse: func(fx fixture) (any, error) {
		return ParseEmgrL(fx.stdout, fx.stderr, fx.exit)
	}},
	"getlvodm": {sectioned: true, parse: func(fx fixture) (any, error) {
		st, vgid := ClassifyGetlvodm(fx.stdout, fx.stderr, fx.exit)
		return struct {
			Status string
			VGID   string
		}{st.String(), vgid}, nil
	}},
	"lsgroup": {sectioned: true, parse: func(fx fixture) (any, error) {
		return ParseLsgroup(fx.stdout, fx.stderr, fx.exit, fx.args)
	}},
}

// goldenResult is what a golden .json file holds.
type goldenResult struct {
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// TestGolden parses every testdata/<dir>/*.txt with the parser registered
// for <dir> and compares the result (or error) with <name>.json. Files
// named bad-* must fail with a *ParseError; all others must parse.
// Run `go test -run TestGolden -update` to rewrite the .json files.
func TestGolden(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "fuzz" {
			continue
		}
		pc, ok := parsers[d.Name()]
		if !ok {
			t.Errorf("testdata/%s: no parser registered", d.Name())
			continue
		}
		seen[d.Name()] = true
		files, _ := filepath.Glob(filepath.Join("testdata", d.Name(), "*.txt"))
		if len(files) == 0 {
			t.Errorf("testdata/%s: no .txt fixtures", d.Name())
		}
		for _, file := range files {
			name := d.Name() + "/" + strings.TrimSuffix(filepath.Base(file), ".txt")
			t.Run(name, func(t *testing.T) {
				fx := readFixture(t, file, pc.sectioned)
				res, err := pc.parse(fx)
				bad := strings.HasPrefix(filepath.Base(file), "bad-")
				var g goldenResult
				switch {
				case err != nil && !bad:
					t.Errorf("unexpected error: %v", err)
				case err == nil && bad:
					t.Errorf("bad-* fixture parsed without error")
				}
				if err != nil {
					var pe *ParseError
					if !errors.As(err, &pe) {
						t.Errorf("error %v (%T) is not a *ParseError", err, err)
					}
					g.Error = err.Error()
				} else {
					g.Result = res
				}
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				if err := enc.Encode(g); err != nil {
					t.Fatal(err)
				}
				got := buf.Bytes()
				gf := strings.TrimSuffix(file, ".txt") + ".json"
				if *update {
					if err := os.WriteFile(gf, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(gf)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("result differs from %s (-want +got):\n%s", gf, diff)
				}
			})
		}
	}
	var missing []string
	for name := range parsers {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("parser %q has no testdata directory", m)
	}
}

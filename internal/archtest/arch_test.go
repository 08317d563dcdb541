// Package archtest enforces the layering rules of STYLE.md §1 with a test,
// not with review: the simulator and the product stay apart, and the pure
// packages never reach for a transport.
package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/nimfleet/nimfleet"

// file is one non-test Go file and its imports.
type file struct {
	pkg     string // import path of its package
	path    string // path relative to the module root
	imports []string
}

func loadFiles(t *testing.T) []file {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var files []file
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if name == "testdata" || (strings.HasPrefix(name, ".") && p != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fl := file{pkg: module + "/" + filepath.ToSlash(filepath.Dir(rel)), path: filepath.ToSlash(rel)}
		for _, im := range f.Imports {
			v, _ := strconv.Unquote(im.Path.Value)
			fl.imports = append(fl.imports, v)
		}
		files = append(files, fl)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Go files found")
	}
	return files
}

func under(pkg, dir string) bool {
	p := module + "/" + dir
	return pkg == p || strings.HasPrefix(pkg, p+"/")
}

// TestSimulatorIsolation: no product code imports the lab (or labkit, its
// bridge to the product), except the CLI's lab and demo commands (files
// named lab*.go or demo*.go in internal/cli). Tests may.
func TestSimulatorIsolation(t *testing.T) {
	for _, f := range loadFiles(t) {
		if under(f.pkg, "internal/sim") || under(f.pkg, "internal/labkit") {
			continue
		}
		for _, im := range f.imports {
			if !under(im, "internal/sim") && !under(im, "internal/labkit") {
				continue
			}
			base := filepath.Base(f.path)
			if f.pkg == module+"/internal/cli" && (strings.HasPrefix(base, "lab") || strings.HasPrefix(base, "demo")) {
				continue
			}
			t.Errorf("%s imports %s: only internal/cli/lab*.go and demo*.go may link the simulator", f.path, im)
		}
	}
}

// TestSimulatorDependsOnNoProductCode: the lab must not reuse the product's
// parsers or logic, or a shared mistake would pass every end-to-end test.
func TestSimulatorDependsOnNoProductCode(t *testing.T) {
	allowed := []string{"internal/sim", "internal/transport"}
	for _, f := range loadFiles(t) {
		if !under(f.pkg, "internal/sim") {
			continue
		}
		for _, im := range f.imports {
			if !strings.HasPrefix(im, module+"/") {
				continue
			}
			ok := false
			for _, a := range allowed {
				if im == module+"/"+a || (a == "internal/sim" && under(im, a)) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s imports %s: the simulator may use only internal/transport (the Runner interface) and itself", f.path, im)
			}
		}
	}
}

// TestPureLayers: parsers, checks and diagnosis rules never talk to hosts
// themselves and never see the simulator.
func TestPureLayers(t *testing.T) {
	pure := []string{"internal/aix", "internal/check", "internal/preflight", "internal/report", "internal/diag", "internal/names", "internal/cmdline", "internal/inventory", "internal/sched", "internal/journal", "internal/fleetreport"}
	banned := []string{"internal/transport/sshrun", "internal/transport/local", "internal/sim", "internal/cli"}
	for _, f := range loadFiles(t) {
		for _, p := range pure {
			if !under(f.pkg, p) {
				continue
			}
			for _, im := range f.imports {
				for _, b := range banned {
					if under(im, b) {
						t.Errorf("%s imports %s: %s must stay free of %s", f.path, im, p, b)
					}
				}
			}
		}
	}
}

func TestModuleRoot(t *testing.T) {
	if _, err := os.Stat("../../go.mod"); err != nil {
		t.Fatalf("archtest must live two levels below the module root: %v", err)
	}
}

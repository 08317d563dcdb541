package preflight

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayering: the checks and the report never reach for a concrete
// transport, the lab or the CLI (STYLE §1; the same rule internal/archtest
// applies to internal/check).
func TestLayering(t *testing.T) {
	banned := []string{"internal/transport/sshrun", "internal/transport/local", "internal/sim", "internal/labkit", "internal/cli", "internal/connect"}
	for _, dir := range []string{".", "../report", "../check"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range af.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				for _, b := range banned {
					if strings.HasSuffix(p, b) || strings.Contains(p, b+"/") {
						t.Errorf("%s imports %s", f, p)
					}
				}
			}
		}
	}
}

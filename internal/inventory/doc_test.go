package inventory

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDocExample keeps the example in the package documentation equal to
// testdata/full.yaml (which the other tests load).
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var example []string
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		switch {
		case line == "// # Format":
			in = true
		case line == "// # Keys":
			in = false
		case in && strings.HasPrefix(line, "//\t"):
			example = append(example, strings.TrimPrefix(line, "//\t"))
		case in && line == "//" && len(example) > 0:
			example = append(example, "")
		}
	}
	for len(example) > 0 && example[len(example)-1] == "" {
		example = example[:len(example)-1]
	}
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimRight(string(full), "\n"), "\n")[1:] // without the title comment
	if diff := cmp.Diff(want, example); diff != "" {
		t.Errorf("doc.go example differs from testdata/full.yaml (-file +doc):\n%s", diff)
	}
}

package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error it returns is
// a list of *Error, and that whatever it accepts Marshal writes back to an
// equivalent, stable file.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	bad, _ := filepath.Glob("testdata/bad/*.yaml")
	for _, file := range append(files, bad...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("version: 1\nmasters: [{name: a, via: local, clients: [{name: b, via: master, disks: [hdisk1], spot: s, lpp_source: l, wave: 2}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse("fuzz.yaml", data)
		if err != nil {
			if inv != nil {
				t.Fatal("inventory returned with an error")
			}
			var list interface{ Unwrap() []error }
			if e, ok := err.(*Error); ok {
				_ = e
			} else if errors.As(err, &list) {
				for _, e := range list.Unwrap() {
					if _, ok := e.(*Error); !ok {
						t.Fatalf("error %T in the list, want *Error", e)
					}
				}
			} else {
				t.Fatalf("error %T, want *Error or a joined list", err)
			}
			return
		}
		out, err := Marshal(inv)
		if err != nil {
			t.Fatalf("Marshal of a parsed inventory: %v", err)
		}
		inv2, err := Parse("marshalled", out)
		if err != nil {
			t.Fatalf("Parse(Marshal(inv)): %v\n%s", err, out)
		}
		if a, b := dump(inv, false), dump(inv2, false); a != b {
			t.Fatalf("round trip differs:\n%s\n---\n%s\n--- from\n%s", a, b, out)
		}
	})
}

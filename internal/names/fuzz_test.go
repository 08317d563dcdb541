package names

import (
	"strings"
	"testing"
)

// shellSafe is the set of characters package cmdline leaves unquoted.
func shellSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !isAlnum(b) && !strings.ContainsRune("_./=:@%+,-", rune(b)) {
			return false
		}
	}
	return true
}

// FuzzValidators checks the safety properties every validator promises: an
// accepted value is non-empty, never starts with '-', and contains only
// characters that need no shell quoting (the NIM name '!' excepted, which is
// still not special inside single quotes).
func FuzzValidators(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	for _, s := range []string{"lpar1", "hdisk1", "hdiskpower3", "rootvg", "/a/b", "7300-03-01-2446", "7.3", "a!b", "::1", "x.y-z"} {
		f.Add(s)
	}
	validators := map[string]func(string) error{
		"Host": Host, "Address": Address, "NIMName": NIMName, "Disk": Disk, "VG": VG,
		"LV": LV, "Path": Path, "User": User, "Label": Label, "CheckLevel": CheckLevel,
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, v := range validators {
			err := v(s)
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%s(%q) returned %T, want *Error", name, s, err)
				}
				if strings.ContainsAny(err.Error(), "\n\x00") {
					t.Fatalf("%s(%q): error message has raw control characters: %q", name, s, err.Error())
				}
				continue
			}
			if s == "" || s[0] == '-' {
				t.Fatalf("%s accepted %q", name, s)
			}
			check := s
			if name == "NIMName" {
				check = strings.ReplaceAll(s, "!", "x")
			}
			if name == "Address" && strings.Contains(s, ":") {
				continue // IPv6 literal, checked by netip
			}
			if !shellSafe(check) {
				t.Fatalf("%s accepted %q, which needs shell quoting", name, s)
			}
		}
		if l, err := ParseLevel(s); err == nil && l.String() != s {
			t.Fatalf("ParseLevel(%q).String() = %q", s, l.String())
		}
	})
}

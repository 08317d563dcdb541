package cmdline

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzQuote(f *testing.F) {
	for _, h := range hostile {
		f.Add(h, "lpar1")
	}
	f.Fuzz(func(t *testing.T, s, client string) {
		checkRoundTrip(t, []string{s})
		checkRoundTrip(t, []string{s, s})
		checkNested(t, client, []string{s})
	})
}

// FuzzQuoteShell compares quoting against the system shell, single and
// nested through a c_rsh stand-in. It skips without /bin/sh.
func FuzzQuoteShell(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	sh := shell(f)
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "\x00") {
			t.Skip("a NUL cannot be passed to a shell")
		}
		args := []string{s}
		if got := runShell(t, sh, printfLine(args)); !bytes.Equal(got, nulJoin(args)) {
			t.Fatalf("shell printed %q, want %q", got, nulJoin(args))
		}
		out := runShell(t, sh, crshScript(sh, CRsh("lpar1", printfLine(args))))
		body, rc, ok := ParseRCTrailer(out)
		if !ok || rc != 0 || !bytes.Equal(body, nulJoin(args)) {
			t.Fatalf("nested: got (%q, %d, %v), want (%q, 0, true)", body, rc, ok, nulJoin(args))
		}
	})
}

func FuzzParseRCTrailer(f *testing.F) {
	for _, s := range []string{"rc=0\n", "x\nrc=12\n", "rc=\n", "", "rc=0", "a\r\nrc=3\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		body, rc, ok := ParseRCTrailer(out)
		if !ok {
			if !bytes.Equal(body, out) {
				t.Fatalf("not ok, but body %q != input %q", body, out)
			}
			return
		}
		if rc < 0 || rc > 999 {
			t.Fatalf("rc %d out of range", rc)
		}
		if !bytes.HasPrefix(out, body) {
			t.Fatalf("body %q is not a prefix of %q", body, out)
		}
		// Appending a trailer to any body must parse back to that body.
		b2, rc2, ok2 := ParseRCTrailer(append(append([]byte{}, body...), []byte("rc=42\n")...))
		if !ok2 || rc2 != 42 || !bytes.Equal(b2, body) {
			t.Fatalf("re-trailer of %q: got (%q, %d, %v)", body, b2, rc2, ok2)
		}
	})
}

package cmdline

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var hostile = []string{
	"lpar1; rm -rf /",
	"hdisk1 $(reboot)",
	"`id`",
	"a\nb",
	"-rf",
	"'",
	"''",
	`'\''`,
	`"$HOME"`,
	"a\\",
	"\\",
	"${IFS}",
	"*",
	"~root",
	"#comment",
	"a\tb",
	"x' ; reboot ; '",
	"'; reboot; echo '",
	"\r\n",
	"é",
	"!",
	"{a,b}",
	"",
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "''"},
		{"hdisk1", "hdisk1"},
		{"/usr/sbin/lspv", "/usr/sbin/lspv"},
		{"a=b,c:d@e%f+g-h_i.j", "a=b,c:d@e%f+g-h_i.j"},
		{"-rf", "-rf"},
		{"hdisk1 hdisk2", "'hdisk1 hdisk2'"},
		{"it's", `'it'\''s'`},
		{"'", `''\'''`},
		{"$(reboot)", "'$(reboot)'"},
		{"a\nb", "'a\nb'"},
		{"~", "'~'"},
		{"!", "'!'"},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBuild(t *testing.T) {
	d, err := Disk("hdisk1")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Disks([]string{"hdisk1", "hdisk2"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"no args", Build("/usr/sbin/lspv"), "/usr/sbin/lspv"},
		{"disk", Build("/usr/sbin/bootinfo", "-s", d), "/usr/sbin/bootinfo -s hdisk1"},
		{"disks", Build("/usr/sbin/nimadm", "-c", "lpar1", "-d", ds, "-Y"), "/usr/sbin/nimadm -c lpar1 -d 'hdisk1 hdisk2' -Y"},
		{"cat", Build("/usr/sbin/nimadm", Cat("-P", Int(3))), "/usr/sbin/nimadm -P3"},
		{"empty arg", Build("/bin/echo", ""), "/bin/echo ''"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestConstructorsRejectHostile(t *testing.T) {
	ctors := map[string]func(string) (Arg, error){
		"Host": Host, "NIM": NIM, "Disk": Disk, "VG": VG, "LV": LV, "Path": Path, "Level": Level, "User": User,
	}
	for name, ctor := range ctors {
		for _, s := range hostile {
			if name == "NIM" && s == "!" {
				continue // IBM allows '!' in NIM names; Quote quotes it
			}
			if a, err := ctor(s); err == nil {
				t.Errorf("%s(%q) = %q, want an error", name, s, a)
			}
		}
	}
	for _, ds := range [][]string{nil, {}, {"hdisk1", "hdisk1"}, {"hdisk1", "hdisk2 $(id)"}, {"-rf"}} {
		if a, err := Disks(ds); err == nil {
			t.Errorf("Disks(%q) = %q, want an error", ds, a)
		}
	}
}

func TestCRsh(t *testing.T) {
	c, err := NIM("lpar1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, inner, want string
	}{
		{"plain", Build("/usr/sbin/lspv"),
			`/usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar1 '( LC_ALL=C /usr/sbin/lspv ); echo rc=$?'`},
		{"quoted arg", Build("/usr/sbin/nimadm", "-d", "hdisk1 hdisk2"),
			`/usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar1 '( LC_ALL=C /usr/sbin/nimadm -d '\''hdisk1 hdisk2'\'' ); echo rc=$?'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CRsh(c, tt.inner); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseRCTrailer(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantBody string
		wantRC   int
		wantOK   bool
	}{
		{"ok", "hdisk0 00c rootvg active\nrc=0\n", "hdisk0 00c rootvg active\n", 0, true},
		{"nonzero", "rc=1\n", "", 1, true},
		{"ksh93 signal", "rc=265\n", "", 265, true},
		{"crlf", "x\r\nrc=2\r\n", "x\r\n", 2, true},
		{"no newline before trailer", "partialrc=0\n", "partial", 0, true},
		{"body mentions rc", "rc=5\nrc=0\n", "rc=5\n", 0, true},
		{"body ends rc no newline", "rc=5rc=0\n", "rc=5", 0, true},
		{"missing", "hdisk0\n", "hdisk0\n", 0, false},
		{"empty", "", "", 0, false},
		{"no final newline", "rc=0", "rc=0", 0, false},
		{"cut number", "rc=\n", "rc=\n", 0, false},
		{"not number", "rc=x\n", "rc=x\n", 0, false},
		{"too long", "rc=1234\n", "rc=1234\n", 0, false},
		{"leading zero", "rc=01\n", "rc=01\n", 0, false},
		{"negative", "rc=-1\n", "rc=-1\n", 0, false},
		{"trailing space", "rc=0 \n", "rc=0 \n", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, rc, ok := ParseRCTrailer([]byte(tt.in))
			if string(body) != tt.wantBody || rc != tt.wantRC || ok != tt.wantOK {
				t.Errorf("got (%q, %d, %v), want (%q, %d, %v)", body, rc, ok, tt.wantBody, tt.wantRC, tt.wantOK)
			}
		})
	}
}

// checkRoundTrip builds a line from args, splits it with the reference
// splitter and wants args back.
func checkRoundTrip(t *testing.T, args []string) {
	t.Helper()
	as := make([]Arg, len(args))
	for i, a := range args {
		as[i] = Arg(a)
	}
	line := Build("cmd", as...)
	words, err := splitWords(line)
	if err != nil {
		t.Fatalf("Build(%q) = %q: %v", args, line, err)
	}
	if diff := cmp.Diff(append([]string{"cmd"}, args...), words); diff != "" {
		t.Fatalf("Build(%q) = %q splits differently (-want +got):\n%s", args, line, diff)
	}
}

// checkNested wraps Build(args) with CRsh and unquotes twice.
func checkNested(t *testing.T, client string, args []string) {
	t.Helper()
	as := make([]Arg, len(args))
	for i, a := range args {
		as[i] = Arg(a)
	}
	inner := Build("cmd", as...)
	line := CRsh(Arg(client), inner)
	outer, err := splitWords(line)
	if err != nil {
		t.Fatalf("CRsh line %q: %v", line, err)
	}
	want := []string{CRshPath, client, "( LC_ALL=C " + inner + " ); echo rc=$?"}
	if diff := cmp.Diff(want, outer); diff != "" {
		t.Fatalf("CRsh line %q splits differently (-want +got):\n%s", line, diff)
	}
	words, err := splitWords(strings.TrimSuffix(strings.TrimPrefix(outer[2], "( LC_ALL=C "), " ); echo rc=$?"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append([]string{"cmd"}, args...), words); diff != "" {
		t.Fatalf("inner of %q splits differently (-want +got):\n%s", line, diff)
	}
}

func TestRoundTrip(t *testing.T) {
	checkRoundTrip(t, hostile)
	for _, h := range hostile {
		checkRoundTrip(t, []string{h})
		checkNested(t, h, []string{h, "x"})
	}
}

func TestSplitWordsRejectsInjection(t *testing.T) {
	// The reference splitter must itself catch a break-out, or the round
	// trip tests prove nothing.
	for _, line := range []string{"a; b", "a $(b)", "a `b`", "a\nb", "a | b", "a 'b", "~x", "a *", "a && b", `a "b"`} {
		if w, err := splitWords(line); err == nil {
			t.Errorf("splitWords(%q) = %q, want an error", line, w)
		}
	}
}

// shell returns the path of a POSIX shell, or skips the test.
func shell(t testing.TB) string {
	for _, p := range []string{"/bin/sh", "/usr/bin/sh"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("no /bin/sh")
	return ""
}

// shellWords runs line (a printf command) through the real shell.
func runShell(t testing.TB, sh, script string) []byte {
	t.Helper()
	cmd := exec.Command(sh, "-c", script)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s -c %q: %v", sh, script, err)
	}
	return out
}

// printfLine returns a line that makes the shell print each arg followed by
// a NUL byte.
func printfLine(args []string) string {
	as := []Arg{`%s\0`}
	for _, a := range args {
		as = append(as, Arg(a))
	}
	return Build("printf", as...)
}

func nulJoin(args []string) []byte {
	var b bytes.Buffer
	for _, a := range args {
		b.WriteString(a)
		b.WriteByte(0)
	}
	return b.Bytes()
}

// crshScript replaces the c_rsh path with a shell function that runs its
// second argument through a fresh shell, as rsh/nimsh do on the client.
func crshScript(sh, line string) string {
	return "c_rsh() { " + sh + " -c \"$2\"; }; c_rsh" + strings.TrimPrefix(line, CRshPath)
}

func TestShellRoundTrip(t *testing.T) {
	sh := shell(t)
	args := []string{}
	for _, h := range hostile {
		if !strings.Contains(h, "\x00") {
			args = append(args, h)
		}
	}
	if got := runShell(t, sh, printfLine(args)); !bytes.Equal(got, nulJoin(args)) {
		t.Fatalf("shell printed %q, want %q", got, nulJoin(args))
	}

	out := runShell(t, sh, crshScript(sh, CRsh("lpar1", printfLine(args))))
	body, rc, ok := ParseRCTrailer(out)
	if !ok || rc != 0 || !bytes.Equal(body, nulJoin(args)) {
		t.Fatalf("nested: got (%q, %d, %v), want (%q, 0, true)", body, rc, ok, nulJoin(args))
	}
}

func TestShellCRshExitStatusAndLocale(t *testing.T) {
	sh := shell(t)
	tests := []struct {
		name     string
		inner    string
		wantBody string
		wantRC   int
	}{
		{"exit status", Build(Arg(sh), "-c", "echo out; exit 7"), "out\n", 7},
		{"locale", Build(Arg(sh), "-c", `echo "$LC_ALL"`), "C\n", 0},
		{"no final newline", Build("printf", "abc"), "abc", 0},
		{"hostile arg is data", Build("printf", `%s\n`, "$(echo pwned); echo pwned"), "$(echo pwned); echo pwned\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := runShell(t, sh, crshScript(sh, CRsh("lpar1", tt.inner)))
			body, rc, ok := ParseRCTrailer(out)
			if !ok || rc != tt.wantRC || string(body) != tt.wantBody {
				t.Errorf("got (%q, %d, %v), want (%q, %d, true)", body, rc, ok, tt.wantBody, tt.wantRC)
			}
		})
	}
}

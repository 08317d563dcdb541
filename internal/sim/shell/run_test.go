package shell

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runCase is one script run on a fresh fake host.
type runCase struct {
	name   string
	script string
	stdin  string
	env    map[string]string // the host's session environment
	files  map[string]string // files on the host before the run
	want   runResult
	// wantFiles are checked after the run and its background jobs ended;
	// the value noFile means the file must not exist.
	wantFiles map[string]string
}

const noFile = "\x00no file"

func runCases(t *testing.T, cases []runCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newFakeHost()
			h.env = tc.env
			for p, s := range tc.files {
				h.files[p] = s
			}
			client := newFakeHost()
			h.addClient("lpar1", client)
			got := runOn(context.Background(), h, tc.script, tc.stdin)
			h.wg.Wait()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Run(%q) mismatch (-want +got):\n%s", tc.script, diff)
			}
			for p, want := range tc.wantFiles {
				got, ok := h.file(p)
				if !ok {
					got = noFile
				}
				if got != want {
					t.Errorf("file %s: got %q, want %q", p, got, want)
				}
			}
		})
	}
}

func ok(out string) runResult { return runResult{Out: out} }

func TestRunLists(t *testing.T) {
	runCases(t, []runCase{
		{name: "empty", script: "", want: ok("")},
		{name: "blank lines and comment", script: "\n\n  # nothing here\n", want: ok("")},
		{name: "one command", script: "echo hello world", want: ok("hello world\n")},
		{name: "semicolons", script: "echo a; echo b;echo c;", want: ok("a\nb\nc\n")},
		{name: "newlines", script: "echo a\necho b\n", want: ok("a\nb\n")},
		{name: "and true", script: "true && echo yes", want: ok("yes\n")},
		{name: "and false", script: "false && echo yes", want: runResult{Status: 1}},
		{name: "or false", script: "false || echo no", want: ok("no\n")},
		{name: "or true", script: "true || echo no", want: ok("")},
		{name: "and-or left to right", script: "true || false && echo x", want: ok("x\n")},
		{name: "and-or all fail", script: "false || false && echo x", want: runResult{Status: 1}},
		{name: "and-or over newline", script: "true &&\n\necho x", want: ok("x\n")},
		{name: "status of last command", script: "fail 7", want: runResult{Status: 7}},
		{name: "status variable", script: "fail 3; echo $?; echo $?", want: ok("3\n0\n")},
		{name: "initial status", script: "echo $?", want: ok("0\n")},
		{name: "colon", script: ": a b; echo $?", want: ok("0\n")},
		{name: "handler status modulo 256", script: "fail 300; echo $?", want: ok("44\n")},
		{name: "subshell status", script: "(fail 3); echo $?", want: ok("3\n")},
		{name: "subshell variables do not leak", script: "X=1; (X=2; echo $X); echo $X", want: ok("2\n1\n")},
		{name: "subshell exit", script: "(exit 3; echo no); echo rc=$?", want: ok("rc=3\n")},
		{name: "subshell over lines", script: "(\necho a\necho b\n)", want: ok("a\nb\n")},
		{name: "nested subshells", script: "( (echo in) ; echo out )", want: ok("in\nout\n")},
		{name: "group", script: "{ echo a; echo b; }", want: ok("a\nb\n")},
		{name: "group variables persist", script: "{ X=2; }; echo $X", want: ok("2\n")},
		{name: "group exit ends session", script: "{ exit 4; }; echo no", want: runResult{Status: 4}},
		{name: "group over lines", script: "{\necho a\n}", want: ok("a\n")},
		{name: "brace as argument", script: "echo { }", want: ok("{ }\n")},
		{name: "exit", script: "echo a; exit 5; echo b", want: runResult{Out: "a\n", Status: 5}},
		{name: "exit keeps status", script: "false; exit", want: runResult{Status: 1}},
		{name: "exit modulo 256", script: "exit 256", want: ok("")},
		{name: "exit negative", script: "exit -1", want: runResult{Status: 255}},
		{name: "exit stops later lines", script: "exit 0\necho no", want: ok("")},
		{name: "pipeline", script: "echo hello | cat", want: ok("hello\n")},
		{name: "pipeline of three", script: "echo hello | cat | cat", want: ok("hello\n")},
		{name: "pipeline status is the last stage's", script: "echo a | fail 3; echo $?", want: ok("3\n")},
		{name: "pipeline first stage status ignored", script: "fail 3 | echo x; echo $?", want: ok("x\n0\n")},
		{name: "pipeline stderr", script: "both 2>&1 | cat", want: ok("out\nerr\n")},
		{name: "pipeline stderr not piped", script: "both | cat", want: runResult{Out: "out\n", Err: "err\n"}},
		{name: "pipeline over newline", script: "echo a |\ncat", want: ok("a\n")},
		{name: "pipeline stdin", script: "cat | cat", stdin: "data\n", want: ok("data\n")},
		{name: "pipeline first stages in subshells", script: "X=5 | true; echo \"[$X]\"", want: ok("[]\n")},
		{name: "pipeline last stage in current shell", script: "echo a | X=5; echo $X", want: ok("5\n")},
		{name: "stdin reaches commands", script: "cat", stdin: "input", want: ok("input")},
	})
}

func TestRunWords(t *testing.T) {
	runCases(t, []runCase{
		{name: "blanks collapse", script: "args  a   b\tc", want: ok("[a][b][c]\n")},
		{name: "single quotes", script: "args 'a  b' 'c\"d' '$X'", want: ok("[a  b][c\"d][$X]\n")},
		{name: "double quotes", script: `X=v; args "a  $X" "${X}s" "\$X"`, want: ok("[a  v][vs][$X]\n")},
		{name: "double quote escapes", script: `args "q\"b\\s\$d\x"`, want: ok(`[q"b\s$d\x]` + "\n")},
		{name: "backslash outside quotes", script: `args a\ b \'c \\d`, want: ok(`[a b]['c][\d]` + "\n")},
		{name: "quote idiom", script: `args 'it'\''s'`, want: ok("[it's]\n")},
		{name: "adjacent parts join", script: `X=x; args a'b'"c"$X\d`, want: ok("[abcxd]\n")},
		{name: "empty quoted words", script: `args "" '' a""b`, want: ok("[][][ab]\n")},
		{name: "unset variable", script: `args $NOPE x "$NOPE" "[$NOPE]"`, want: ok("[x][][[]]\n")},
		{name: "variable name ends at non-name byte", script: `X=v; args $X.y $Xy $X-`, want: ok("[v.y][v-]\n")},
		{name: "braced variable", script: `X=v; args ${X}y`, want: ok("[vy]\n")},
		{name: "field splitting", script: `X="a  b"; args $X "$X"`, want: ok("[a][b][a  b]\n")},
		{name: "field splitting at edges", script: `X=" a "; args x${X}y`, want: ok("[x][a][y]\n")},
		{name: "field splitting tabs and newlines", script: "X='a\tb\nc'; args $X", want: ok("[a][b][c]\n")},
		{name: "blank value yields no field", script: `X="  "; args $X`, want: ok("\n")},
		{name: "lone dollar is literal", script: `args $ a$ "$" $.`, want: ok("[$][a$][$][$.]\n")},
		{name: "dollar quote is literal in ksh88", script: `args $'a'`, want: ok("[$a]\n")},
		{name: "comment", script: "args a#b #c d\necho e # f", want: ok("[a#b]\ne\n")},
		{name: "hash inside word", script: "args x#", want: ok("[x#]\n")},
		{name: "line continuation", script: "args a\\\nb \\\nc", want: ok("[ab][c]\n")},
		{name: "line continuation in double quotes", script: "args \"a\\\nb\"", want: ok("[ab]\n")},
		{name: "newline in single quotes", script: "args 'a\nb'", want: ok("[a\nb]\n")},
		{name: "quoted glob characters", script: `args '*' "?" \[ 'a[1]'`, want: ok("[*][?][[][a[1]]\n")},
		{name: "quoted glob from variable", script: `X='*'; args "$X"`, want: ok("[*]\n")},
		{name: "quoted keywords are words", script: `'if' 2>/dev/null; echo $?`, want: ok("127\n")},
		{name: "trailing backslash", script: `args a\`, want: ok("[a\\]\n")},
		{name: "positional parameters", script: `sh -c 'args $0 $1 $2 $3 $#' name a "b c"`, want: ok("[name][a][b][c][2]\n")},
		{name: "braced positional", script: `sh -c 'args ${1}x $10' n a`, want: ok("[ax][a0]\n")},
	})
}

func TestRunEcho(t *testing.T) {
	runCases(t, []runCase{
		{name: "no arguments", script: "echo", want: ok("\n")},
		{name: "-n is printed", script: "echo -n x", want: ok("-n x\n")},
		{name: "double dash is printed", script: "echo -- x", want: ok("-- x\n")},
		{name: "escapes", script: `echo 'a\tb\nc\\d'`, want: ok("a\tb\nc\\d\n")},
		{name: "escape from unquoted backslashes", script: `echo a\\nb`, want: ok("a\nb\n")},
		{name: "c stops output", script: `echo 'x\c' ignored; echo y`, want: ok("xy\n")},
		{name: "octal", script: `echo '\0101\061' '\0'`, want: ok("A1 \x00\n")},
		{name: "control escapes", script: `echo '\a\b\f\r\v'`, want: ok("\a\b\f\r\v\n")},
		{name: "unknown escape kept", script: `echo 'a\qb' '\1'`, want: ok("a\\qb \\1\n")},
		{name: "trailing backslash", script: `echo 'a\'`, want: ok("a\\\n")},
	})
}

func TestRunVariables(t *testing.T) {
	runCases(t, []runCase{
		{name: "assignment", script: "X=1; echo $X", want: ok("1\n")},
		{name: "several assignments", script: "X=1 Y=2; echo $X$Y", want: ok("12\n")},
		{name: "assignments left to right", script: "X=1 Y=$X; echo $Y", want: ok("1\n")},
		{name: "prefixes left to right", script: "X=1 Y=$X printenv Y; echo \"[$X]\"", want: ok("1\n[]\n")},
		{name: "empty assignment", script: "X=; echo \"[$X]\"", want: ok("[]\n")},
		{name: "assignment is not split", script: `V="a  b"; W=$V; args "$W"`, want: ok("[a  b]\n")},
		{name: "assignment keeps glob characters", script: "X=*; echo \"$X\"", want: ok("*\n")},
		{name: "assignment not exported", script: "X=1; printenv X; echo $?", want: ok("1\n")},
		{name: "prefix exported to command", script: "X=1 printenv X", want: ok("1\n")},
		{name: "prefix does not persist", script: "X=1 true; echo \"[$X]\"", want: ok("[]\n")},
		{name: "prefix expanded after words", script: "X=1 echo \"[$X]\"", want: ok("[]\n")},
		{name: "prefix on special builtin persists", script: "X=1 :; echo $X", want: ok("1\n")},
		{name: "export assignment", script: "export X=1; printenv X", want: ok("1\n")},
		{name: "export existing", script: "X=1; export X; printenv X", want: ok("1\n")},
		{name: "export before value", script: "export X; X=2; printenv X", want: ok("2\n")},
		{name: "export unset is not in env", script: "export X; printenv X; echo $?", want: ok("1\n")},
		{name: "export value not split", script: `V="a  b"; export W=$V; printenv W`, want: ok("a  b\n")},
		{name: "export several", script: "export A=1 B=2; printenv A; printenv B", want: ok("1\n2\n")},
		{name: "export bad name", script: "export 1X=2; echo rc=$?", want: runResult{Out: "rc=1\n", Err: "ksh: 1X=2: is not an identifier\n"}},
		{name: "test brackets", script: "[ -f /x ]", want: runResult{Err: "ksh: lab: the [ ... ] test is not supported; use test if the host provides it\n", Status: 2}},
		{name: "environment from host", env: map[string]string{"HOME": "/home/root", "LANG": "C"}, script: "echo $HOME; printenv LANG; pwd", want: ok("/home/root\nC\n/home/root\n")},
		{name: "PWD from host", env: map[string]string{"HOME": "/home/root", "PWD": "/tmp"}, script: "pwd; echo $PWD", want: ok("/tmp\n/tmp\n")},
	})
}

func TestRunPID(t *testing.T) {
	h := newFakeHost()
	got := runOn(context.Background(), h, `echo $$; (echo $$); sh -c 'echo $$'; echo $$ | cat`, "")
	f := strings.Fields(got.Out)
	if got.Status != 0 || len(f) != 4 {
		t.Fatalf("got %+v, want four pids", got)
	}
	if f[0] != f[1] || f[0] != f[3] || f[0] == f[2] {
		t.Errorf("pids %v: want the shell's pid in the subshell and pipeline, another in sh -c", f)
	}
}

func TestRunShellC(t *testing.T) {
	runCases(t, []runCase{
		{name: "sh -c", script: "sh -c 'echo a; echo b'", want: ok("a\nb\n")},
		{name: "ksh paths", script: "ksh -c 'echo $0'; /usr/bin/ksh -c 'echo $0'; /usr/bin/sh -c 'echo $0'", want: ok("ksh\n/usr/bin/ksh\n/usr/bin/sh\n")},
		{name: "only exported variables", script: `X=1; export Y=2; sh -c 'echo "[$X][$Y]"'`, want: ok("[][2]\n")},
		{name: "prefix reaches child", script: "Z=9 sh -c 'echo $Z'", want: ok("9\n")},
		{name: "child variables do not leak", script: "sh -c 'X=5'; echo \"[$X]\"", want: ok("[]\n")},
		{name: "child exit", script: "sh -c 'echo a; exit 3; echo b'; echo rc=$?", want: ok("a\nrc=3\n")},
		{name: "child status", script: "sh -c 'false'; echo $?", want: ok("1\n")},
		{name: "child syntax error", script: "sh -c 'echo ('; echo rc=$?", want: runResult{Out: "rc=2\n", Err: "sh: 0403-057 Syntax error at line 1 : `(' is not expected.\n"}},
		{name: "child not found", script: "sh -c 'true\nnosuch'", want: runResult{Err: "sh[2]: nosuch:  not found.\n", Status: 127}},
		{name: "child name in messages", script: "sh -c nosuch myname", want: runResult{Err: "myname: nosuch:  not found.\n", Status: 127}},
		{name: "child output redirected", script: "sh -c 'echo a; both' > /f 2>&1", want: ok(""), wantFiles: map[string]string{"/f": "a\nout\nerr\n"}},
		{name: "child inherits directory", script: "cd /tmp; sh -c pwd", want: ok("/tmp\n")},
		{name: "nested sh -c", script: `sh -c "sh -c 'echo deep'"`, want: ok("deep\n")},
		{name: "without -c", script: "sh /tmp/script", want: runResult{Err: "ksh: lab: only \"sh -c STRING [NAME [ARG ...]]\" is supported: sh /tmp/script\n", Status: 2}},
		{name: "rejection in child stops parent", script: "sh -c 'echo *'; echo after", want: runResult{Err: "sh: lab: globbing is not supported: echo *\n", Status: 2}},
	})
}

func TestRunRedirections(t *testing.T) {
	runCases(t, []runCase{
		{name: "truncate and append", script: "echo a > /f; echo b >> /f; cat /f", want: ok("a\nb\n")},
		{name: "truncate", files: map[string]string{"/f": "old\n"}, script: "echo new > /f", want: ok(""), wantFiles: map[string]string{"/f": "new\n"}},
		{name: "input", files: map[string]string{"/in": "data\n"}, script: "cat < /in", want: ok("data\n")},
		{name: "output then dup", script: "both > /f 2>&1", want: ok(""), wantFiles: map[string]string{"/f": "out\nerr\n"}},
		{name: "dup then output", script: "both 2>&1 > /f", want: ok("err\n"), wantFiles: map[string]string{"/f": "out\n"}},
		{name: "stdout to stderr", script: "echo x 1>&2; echo y >&2", want: runResult{Err: "x\ny\n"}},
		{name: "stderr to file", script: "both 2>/f", want: ok("out\n"), wantFiles: map[string]string{"/f": "err\n"}},
		{name: "stderr append", files: map[string]string{"/f": "1\n"}, script: "both 2>>/f", want: ok("out\n"), wantFiles: map[string]string{"/f": "1\nerr\n"}},
		{name: "stderr to null", script: "both 2>/dev/null", want: ok("out\n"), wantFiles: map[string]string{"/dev/null": noFile}},
		{name: "stdout to null", script: "both >/dev/null", want: runResult{Err: "err\n"}, wantFiles: map[string]string{"/dev/null": noFile}},
		{name: "input from null", script: "cat < /dev/null; echo rc=$?", want: ok("rc=0\n")},
		{name: "redirection before command", script: ">/f echo a", want: ok(""), wantFiles: map[string]string{"/f": "a\n"}},
		{name: "redirection between words", script: "echo a >/f b", want: ok(""), wantFiles: map[string]string{"/f": "a b\n"}},
		{name: "redirection without space", script: "echo a>/f", want: ok(""), wantFiles: map[string]string{"/f": "a\n"}},
		{name: "digit word is not a descriptor", script: "echo 2 >/f", want: ok(""), wantFiles: map[string]string{"/f": "2\n"}},
		{name: "redirection only", files: map[string]string{"/f": "old"}, script: "> /f; echo $?", want: ok("0\n"), wantFiles: map[string]string{"/f": ""}},
		{name: "assignment with redirection", script: "X=1 > /f; echo $X", want: ok("1\n"), wantFiles: map[string]string{"/f": ""}},
		{name: "target from variable", script: "F=/tmp/x; echo a > $F", want: ok(""), wantFiles: map[string]string{"/tmp/x": "a\n"}},
		{name: "target with blanks not split", script: `F="/tmp/a b"; echo a > $F`, want: ok(""), wantFiles: map[string]string{"/tmp/a b": "a\n"}},
		{name: "relative target", script: "cd /tmp; echo a > f; cat /tmp/f", want: ok("a\n")},
		{name: "cleaned target", script: "echo a > //tmp/../tmp/./g", want: ok(""), wantFiles: map[string]string{"/tmp/g": "a\n"}},
		{name: "subshell redirection", script: "( echo a; echo b >&2 ) > /f 2>&1", want: ok(""), wantFiles: map[string]string{"/f": "a\nb\n"}},
		{name: "group redirection", script: "{ echo a; both; } 2>/dev/null", want: ok("a\nout\n")},
		{name: "cannot create", script: "echo a > /ro/x; echo rc=$?", want: runResult{Out: "rc=1\n", Err: "ksh: /ro/x: 0403-005 Cannot create the specified file.\n"}},
		{name: "cannot create empty name", script: `echo a > ""; echo rc=$?`, want: runResult{Out: "rc=1\n", Err: "ksh: : 0403-005 Cannot create the specified file.\n"}},
		{name: "cannot open", script: "cat < /missing; echo rc=$?", want: runResult{Out: "rc=1\n", Err: "ksh: /missing: 0403-016 Cannot find or open the file.\n"}},
		{name: "failed redirection skips command", script: "echo a > /ro/x 2>/dev/null; echo rc=$?", want: runResult{Out: "rc=1\n", Err: "ksh: /ro/x: 0403-005 Cannot create the specified file.\n"}},
		{name: "message follows earlier redirections", script: "echo a 2>/dev/null > /ro/x; echo rc=$?", want: ok("rc=1\n")},
		{name: "not found to redirected stderr", script: "nosuch 2>/dev/null; echo $?", want: ok("127\n")},
		{name: "read from output descriptor", script: "cat 0>/f; echo rc=$?", want: ok("rc=1\n")},
		{name: "stdin dup", files: map[string]string{"/in": "x\n"}, script: "cat 0</in 2<&0", want: ok("x\n")},
	})
}

func TestRunNotFound(t *testing.T) {
	runCases(t, []runCase{
		{name: "bare name", script: "nosuch a b", want: runResult{Err: "ksh: nosuch:  not found.\n", Status: 127}},
		{name: "full path", script: "/usr/bin/nosuch", want: runResult{Err: "ksh: /usr/bin/nosuch:  not found.\n", Status: 127}},
		{name: "line number from line two", script: "true\nnosuch", want: runResult{Err: "ksh[2]: nosuch:  not found.\n", Status: 127}},
		{name: "status then continue", script: "nosuch; echo rc=$?", want: runResult{Out: "rc=127\n", Err: "ksh: nosuch:  not found.\n"}},
		{name: "handler by full path", script: "/usr/bin/oslevel -s", want: ok("7200-05-05-2246\n")},
		{name: "ksh builtin the host lacks", script: "test -f /x", want: runResult{Err: "ksh: lab: the ksh builtin test is not provided by this lab host\n", Status: 2}},
	})
}

func TestRunCd(t *testing.T) {
	runCases(t, []runCase{
		{name: "absolute", script: "cd /tmp && pwd", want: ok("/tmp\n")},
		{name: "relative", script: "cd /tmp; cd sub/..//x; pwd; echo $PWD", want: ok("/tmp/x\n/tmp/x\n")},
		{name: "home", env: map[string]string{"HOME": "/home/root"}, script: "cd /tmp; cd; pwd", want: ok("/home/root\n")},
		{name: "handler sees directory", script: "cd /var/adm; showdir", want: ok("/var/adm\n")},
		{name: "subshell does not leak", script: "(cd /tmp; pwd); pwd", want: ok("/tmp\n/\n")},
		{name: "sh -c does not leak", script: "sh -c 'cd /tmp'; pwd", want: ok("/\n")},
		{name: "dash", script: "cd -", want: runResult{Err: "ksh: lab: cd \"-\" is not supported\n", Status: 2}},
	})

	h := newFakeHost()
	h.dirs = map[string]bool{"/": true, "/tmp": true}
	got := runOn(context.Background(), h, "cd /nonexistent; echo rc=$?; pwd; cd /tmp; pwd", "")
	want := runResult{Out: "rc=1\n/\n/tmp\n", Err: "ksh: /nonexistent: bad directory\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cd with DirChecker (-want +got):\n%s", diff)
	}
}

func TestRunSyntaxErrors(t *testing.T) {
	msg := func(prefix string, line int, tok, what string) string {
		return prefix + ": 0403-057 Syntax error at line " + strconv.Itoa(line) + " : `" + tok + "' is not " + what + ".\n"
	}
	syntax := func(name, script, out, err string) runCase {
		return runCase{name: name, script: script, want: runResult{Out: out, Err: err, Status: 2}}
	}
	runCases(t, []runCase{
		syntax("open paren after word", "echo (", "", msg("ksh", 1, "(", "expected")),
		syntax("close paren", "echo a; )", "", msg("ksh", 1, ")", "expected")),
		syntax("leading semicolon", "; echo a", "", msg("ksh", 1, ";", "expected")),
		syntax("double semicolon", "echo a;;", "", msg("ksh", 1, ";;", "expected")),
		syntax("double and", "echo a && && echo b", "", msg("ksh", 1, "&&", "expected")),
		syntax("lone ampersand", "& echo a", "", msg("ksh", 1, "&", "expected")),
		syntax("pipe at end", "echo a |", "", msg("ksh", 1, "end of file", "expected")),
		syntax("redirection without target", "echo a > ;", "", msg("ksh", 1, ";", "expected")),
		syntax("redirection at end of line", "echo a >\necho b", "", msg("ksh", 1, "newline", "expected")),
		syntax("close brace", "}", "", msg("ksh", 1, "}", "expected")),
		syntax("empty subshell", "( )", "", msg("ksh", 1, ")", "expected")),
		syntax("empty group", "{ }", "", msg("ksh", 1, "}", "expected")),
		syntax("word after subshell", "(echo a) b", "", msg("ksh", 1, "b", "expected")),
		syntax("unclosed subshell", "(echo a", "", msg("ksh", 1, "(", "matched")),
		syntax("unclosed group", "{ echo a", "", msg("ksh", 1, "{", "matched")),
		syntax("brace is an argument", "{ echo a }", "", msg("ksh", 1, "{", "matched")),
		syntax("unclosed single quote", "echo 'abc", "", msg("ksh", 1, "'", "matched")),
		syntax("unclosed double quote", `echo "abc`, "", msg("ksh", 1, `"`, "matched")),
		syntax("same line does not run", "echo a; echo (", "", msg("ksh", 1, "(", "expected")),
		syntax("earlier lines run", "echo one\necho (\necho three", "one\n", msg("ksh[2]", 2, "(", "expected")),
		syntax("unmatched names its first line", "echo a\necho 'b\nc", "a\n", msg("ksh[3]", 2, "'", "matched")),
		syntax("subshell spanning lines", "echo a\n(echo b\necho c", "a\n", msg("ksh[3]", 2, "(", "matched")),
		{name: "exit before error", script: "exit 3\necho (", want: runResult{Status: 3}},
	})
}

func TestRunRejected(t *testing.T) {
	lab := func(name, script, msg string) runCase {
		return runCase{name: name, script: script, want: runResult{Err: "ksh: lab: " + msg + "\n", Status: 2}}
	}
	runCases(t, []runCase{
		lab("glob star", "echo a; lslpp -l bos*", "globbing is not supported: lslpp -l bos*"),
		lab("glob question", "echo ?", "globbing is not supported: echo ?"),
		lab("glob bracket", "ls hdisk[01]", "globbing is not supported: ls hdisk[01]"),
		lab("glob in redirection", "echo a > /tmp/*", "globbing is not supported: echo a > /tmp/*"),
		lab("glob from variable", "X='b*'; echo $X", "globbing is not supported (the value of $X has *, ? or [): echo $X"),
		lab("glob from variable in target", "X='*'; echo a > $X", "globbing is not supported (the value of $X has *, ? or [)"),
		lab("command substitution", "echo $(date)", "command substitution $(...) is not supported"),
		lab("backquotes", "echo `date`", "command substitution (`...`) is not supported"),
		lab("backquotes in double quotes", "echo \"`date`\"", "command substitution (`...`) is not supported"),
		lab("arithmetic expansion", "echo $((1+2))", "arithmetic expansion $((...)) is not supported"),
		lab("arithmetic command", "((x=1))", "arithmetic commands ((...)) are not supported"),
		lab("if", "if true; then echo y; fi", "the ksh keyword `if' is not supported (no if, case, for, while, until, select, functions, time, ! or [[ ]])"),
		{name: "for", script: "echo a\nfor i in a b; do echo $i; done", want: runResult{Err: "ksh[2]: lab: the ksh keyword `for' is not supported (no if, case, for, while, until, select, functions, time, ! or [[ ]])\n", Status: 2}},
		lab("while in group", "{ while true; do :; done; }", "the ksh keyword `while' is not supported (no if, case, for, while, until, select, functions, time, ! or [[ ]])"),
		lab("case", "case x in x) echo;; esac", "the ksh keyword `case' is not supported (no if, case, for, while, until, select, functions, time, ! or [[ ]])"),
		lab("double brackets", "[[ -f /x ]]", "the ksh keyword `[[' is not supported (no if, case, for, while, until, select, functions, time, ! or [[ ]])"),
		lab("bang", "! true", "the ksh keyword `!' is not supported (no if, case, for, while, until, select, functions, time, ! or [[ ]])"),
		lab("function definition", "f() { echo; }", "function definitions are not supported"),
		lab("here-document", "cat <<EOF\nx\nEOF", "here-documents (<<) are not supported"),
		lab("ampersand greater", "echo a &> /f", "&> is not supported (ksh88 reads \"cmd &> f\" as \"cmd &\" then \"> f\"); use \"> f 2>&1\""),
		lab("co-process", "echo a |& cat", "co-processes (|&) are not supported"),
		lab("clobber", "echo a >| /f", "the >| redirection is not supported"),
		lab("read-write", "cat <> /f", "the <> redirection is not supported"),
		lab("close descriptor", "echo a >&-", "closing a descriptor (>&-) is not supported"),
		lab("dup to file name", "echo a >&/f", "the redirection >&/f is not supported (only [n]>&m and [n]<&m with n, m in 0, 1, 2)"),
		lab("descriptor 3", "echo a 3>/f", "file descriptor 3 is not supported (only 0, 1 and 2)"),
		lab("two-digit descriptor", "echo a 12>/f", "file descriptor 12 is not supported (only 0, 1 and 2)"),
		lab("parameter operator", "echo ${X:-y}", "parameter expansion ${X:-y} is not supported (only ${NAME}, ${0}..${9}, ${?}, ${!}, ${$}, ${#})"),
		lab("unterminated brace", "echo ${X", "unterminated ${"),
		lab("all parameters", `echo "$@"`, "the parameter $@ is not supported"),
		lab("star parameter", "echo $*", "the parameter $* is not supported"),
		lab("tilde", "cat ~/x", "tilde expansion is not supported: cat ~/x"),
		lab("tilde in assignment", "X=~root", "tilde expansion is not supported: X=~root"),
		lab("tilde after colon", "P=/bin:~/bin", "tilde expansion is not supported: P=/bin:~/bin"),
		lab("tilde in export", "export P=~/bin", "tilde expansion is not supported: export P=~/bin"),
		lab("IFS", "IFS=: ; echo a", "setting IFS is not supported: IFS=:"),
		lab("IFS exported", "export IFS=:", "setting IFS is not supported"),
		lab("read", "read x", "the ksh builtin read is not supported"),
		lab("set", "echo a; set -x", "the ksh builtin set is not supported"),
		lab("dot", ". /etc/profile", "the ksh builtin . is not supported"),
		lab("preset alias", "type ls", "type is a preset ksh alias for \"whence -v\", which is not supported"),
		{name: "builtin from variable", script: "X=read; echo a; $X y", want: runResult{Out: "a\n", Err: "ksh: lab: the ksh builtin read is not supported\n", Status: 2}},
		lab("export listing", "export", "export without arguments is not supported"),
		lab("exit word", "exit x", "exit: \"x\" is not a number"),
		lab("nohup alone", "nohup", "nohup needs a command"),
		lab("too long", "echo "+strings.Repeat("a", MaxScriptSize), "the script is longer than 1 MiB"),
		lab("too deep", strings.Repeat("(", maxNesting+1)+"echo"+strings.Repeat(")", maxNesting+1), "arithmetic commands ((...)) are not supported"),
		lab("too deep with blanks", strings.Repeat("( ", maxNesting+1)+"echo"+strings.Repeat(")", maxNesting+1), "commands are nested too deeply"),
	})
	// Refusals are printed on the session's stderr, whatever the command
	// redirected.
	runCases(t, []runCase{
		{name: "refusal not redirected", script: "test -f /x 2>/dev/null", want: runResult{Err: "ksh: lab: the ksh builtin test is not provided by this lab host\n", Status: 2}},
		{name: "refusal in sh -c not redirected", script: "sh -c 'echo *' 2>/dev/null >/f", want: runResult{Err: "sh: lab: globbing is not supported: echo *\n", Status: 2}},
		{name: "refusal in background job", script: "sh -c 'echo *' & echo $!", want: ok("1001\n")},
	})
	// A runtime rejection stops the session after what already ran.
	runCases(t, []runCase{{
		name:   "runtime rejection stops the session",
		script: "X='a?'; echo before; echo $X; echo after",
		want:   runResult{Out: "before\n", Err: "ksh: lab: globbing is not supported (the value of $X has *, ? or [): echo $X\n", Status: 2},
	}})
}

func TestRunNestedShellDepth(t *testing.T) {
	// Each shell starts the next one with the same command line.
	script := `X='sh -c "$X"'; export X; sh -c "$X"; echo not reached`
	got := runOn(context.Background(), newFakeHost(), script, "")
	want := runResult{Err: "sh: lab: shells are nested too deeply\n", Status: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestRunBudget(t *testing.T) {
	got := runOn(context.Background(), newFakeHost(), strings.Repeat(":;", maxCommands+1), "")
	want := runResult{Err: "ksh: lab: more than 10000 commands in one session\n", Status: 2}
	if got != want {
		t.Errorf("commands: got %+v, want %+v", got, want)
	}

	defer func(old int64) { maxExpanded = old }(maxExpanded)
	maxExpanded = 8 << 20
	script := "X=" + strings.Repeat("a", 1<<10) + strings.Repeat("; X=$X$X", 10) + strings.Repeat("\n: \"$X\"", 9)
	got = runOn(context.Background(), newFakeHost(), script, "")
	if !strings.Contains(got.Err, "lab: words expanded to more than 8 MiB in one session") || got.Status != 2 {
		t.Errorf("bytes: got status %d, stderr %q", got.Status, got.Err)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		wantErr string
	}{
		{name: "valid", script: "( LC_ALL=C lsvg -o ); echo rc=$?"},
		{name: "syntax", script: "echo a\necho )", wantErr: "line 2: syntax error: `)' is not expected"},
		{name: "unsupported", script: "lslpp -l bos*", wantErr: "line 1: not supported by the lab shell: globbing is not supported: lslpp -l bos*"},
		{name: "too long", script: strings.Repeat("a", MaxScriptSize+1), wantErr: "line 1: not supported by the lab shell: the script is longer than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.script)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("Check(%q) = %q, want %q", tt.script, got, tt.wantErr)
			}
		})
	}
}

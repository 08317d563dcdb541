package shell

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The command lines nimfleet and IBM's own tooling send, end to end.

func TestRunNimfleetIdioms(t *testing.T) {
	const cRsh = "/usr/lpp/bos.sysmgt/nim/methods/c_rsh"
	runCases(t, []runCase{
		{
			name:   "IBM wrapping",
			script: "( LC_ALL=C lsvg -o ); echo rc=$?",
			want:   ok("rootvg\nrc=0\n"),
		},
		{
			name:   "IBM wrapping does not leak the locale",
			script: "( LC_ALL=C lsvg -o ); lsvg -o; echo rc=$?",
			want:   runResult{Out: "rootvg\nrc=1\n", Err: "lsvg: LC_ALL is not C\n"},
		},
		{
			name:   "IBM wrapping through c_rsh",
			script: cRsh + " lpar1 '( LC_ALL=C lsvg -o ); echo rc=$?'",
			want:   ok("rootvg\nrc=0\n"),
		},
		{
			name:   "c_rsh nested quoting",
			script: `c_rsh lpar1 'echo '\''a b'\'''`,
			want:   ok("a b\n"),
		},
		{
			name:   "c_rsh nested quoting keeps blanks",
			script: `c_rsh lpar1 'args '\''a  b'\'' c'`,
			want:   ok("[a  b][c]\n"),
		},
		{
			name:   "c_rsh client syntax error",
			script: "c_rsh lpar1 'echo ('; echo rc=$?",
			want:   runResult{Out: "rc=2\n", Err: "ksh: 0403-057 Syntax error at line 1 : `(' is not expected.\n"},
		},
		{
			name:   "c_rsh client status",
			script: "c_rsh lpar1 'fail 4'; echo rc=$?",
			want:   ok("rc=4\n"),
		},
		{
			name:   "marker script",
			script: `echo '@@BEGIN oslevel'; oslevel -s 2>&1; echo "@@END rc=$?"`,
			want:   ok("@@BEGIN oslevel\n7200-05-05-2246\n@@END rc=0\n"),
		},
		{
			name: "marker script with a missing command",
			script: `echo '@@BEGIN oslevel'; oslevel -s 2>&1; echo "@@END rc=$?"` + "\n" +
				`echo '@@BEGIN emgr'; emgr -l 2>&1; echo "@@END rc=$?"`,
			want: ok("@@BEGIN oslevel\n7200-05-05-2246\n@@END rc=0\n" +
				"@@BEGIN emgr\nksh[2]: emgr:  not found.\n@@END rc=127\n"),
		},
		{
			name:   "nohup nimadm in the background",
			script: `nohup sh -c 'nimadm -c lpar1 -s spot1 -l lpp1 -d hdisk1 -Y; echo $? > /tmp/rc' > /tmp/log 2>&1 & echo $!`,
			want:   ok("1001\n"),
			wantFiles: map[string]string{
				"/tmp/rc":    "0\n",
				"/tmp/log":   "Initializing the NIM master.\nExecuting nimadm phase 1.\nnimadm args: -c lpar1 -s spot1 -l lpp1 -d hdisk1 -Y\n",
				"/nohup.out": noFile,
			},
		},
	})
}

func TestRunNohup(t *testing.T) {
	home := map[string]string{"HOME": "/home/root"}
	runCases(t, []runCase{
		{name: "output to nohup.out", script: "nohup echo hi", want: runResult{Err: "Sending output to nohup.out\n"}, wantFiles: map[string]string{"/nohup.out": "hi\n"}},
		{name: "nohup.out in current directory", env: home, script: "nohup echo hi", want: runResult{Err: "Sending output to nohup.out\n"}, wantFiles: map[string]string{"/home/root/nohup.out": "hi\n"}},
		{name: "nohup.out appended", files: map[string]string{"/nohup.out": "old\n"}, script: "nohup echo hi", want: runResult{Err: "Sending output to nohup.out\n"}, wantFiles: map[string]string{"/nohup.out": "old\nhi\n"}},
		{name: "HOME when directory is not writable", env: home, script: "cd /ro; nohup echo hi", want: runResult{Err: "Sending output to nohup.out\n"}, wantFiles: map[string]string{"/home/root/nohup.out": "hi\n"}},
		{name: "nowhere to write", script: "cd /ro; nohup echo hi", want: runResult{Err: "nohup: cannot open nohup.out\n", Status: 127}},
		{name: "stderr follows stdout", script: "nohup both", want: runResult{Err: "Sending output to nohup.out\n"}, wantFiles: map[string]string{"/nohup.out": "out\nerr\n"}},
		{name: "stderr follows redirected stdout", script: "nohup both > /f", want: ok(""), wantFiles: map[string]string{"/f": "out\nerr\n", "/nohup.out": noFile}},
		{name: "redirected stderr", script: "nohup both 2>/e", want: ok(""), wantFiles: map[string]string{"/e": "Sending output to nohup.out\nerr\n", "/nohup.out": "out\n"}},
		{name: "fully redirected", script: "nohup both >/f 2>&1", want: ok(""), wantFiles: map[string]string{"/f": "out\nerr\n", "/nohup.out": noFile}},
		{name: "pipe is not a terminal", script: "nohup echo hi | cat", want: ok("hi\n"), wantFiles: map[string]string{"/nohup.out": noFile}},
		{name: "command status", script: "nohup fail 3 > /f; echo $?", want: ok("3\n")},
		{name: "command not found", script: "nohup nosuch > /f", want: runResult{Status: 127}, wantFiles: map[string]string{"/f": "nohup: nosuch: A file or directory in the path name does not exist.\n"}},
		{name: "by full path", script: "/usr/bin/nohup echo hi > /f", want: ok(""), wantFiles: map[string]string{"/f": "hi\n"}},
		{name: "prefix reaches command", script: "X=1 nohup printenv X > /f", want: ok(""), wantFiles: map[string]string{"/f": "1\n"}},
		{name: "background without redirection", script: "nohup echo hi &", want: ok(""), wantFiles: map[string]string{"/nohup.out": "hi\n"}},
	})
}

func TestRunBackground(t *testing.T) {
	runCases(t, []runCase{
		{name: "output discarded", script: "echo hi &", want: ok("")},
		{name: "pids", script: "true & echo $!; true & echo $!", want: ok("1001\n1002\n")},
		{name: "no job yet", script: `echo "[$!]"`, want: ok("[]\n")},
		{name: "status is zero", script: "false & echo $?", want: ok("0\n")},
		{name: "stdin is empty", stdin: "data", script: "cat > /tmp/c &", want: ok(""), wantFiles: map[string]string{"/tmp/c": ""}},
		{name: "whole and-or list", script: "false && echo x > /f &", want: ok(""), wantFiles: map[string]string{"/f": noFile}},
		{name: "and-or list runs", script: "true && echo x > /f & echo y", want: ok("y\n"), wantFiles: map[string]string{"/f": "x\n"}},
		{name: "pipeline", script: "echo a | cat > /f &", want: ok(""), wantFiles: map[string]string{"/f": "a\n"}},
		{name: "variables do not leak", script: `X=1 & echo "[$X]"`, want: ok("[]\n")},
		{name: "job sees variables", script: "X=1; echo $X > /f &", want: ok(""), wantFiles: map[string]string{"/f": "1\n"}},
		{name: "job in group", script: "{ echo a > /f & }; echo $!", want: ok("1001\n"), wantFiles: map[string]string{"/f": "a\n"}},
		{name: "job stderr discarded", script: "nosuch &", want: ok("")},
		{name: "job stderr redirected", script: "nosuch 2>/e &", want: ok(""), wantFiles: map[string]string{"/e": "ksh: nosuch:  not found.\n"}},
	})
}

func TestRunBackgroundStatusAndLifetime(t *testing.T) {
	h := newFakeHost()
	gate := make(chan struct{})
	h.cmds["gate"] = func(ctx context.Context, inv *Invocation) int {
		<-gate
		fmt.Fprintln(inv.Stdout, "released")
		return 6
	}
	got := runOn(context.Background(), h, "gate > /f & echo $!; sh -c 'exit 3' & sh -c 'echo *' &", "")
	if want := ok("1001\n"); !cmp.Equal(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if st := h.wait(t, 1002); st != 3 {
		t.Errorf("job 1002 status %d, want 3", st)
	}
	if st := h.wait(t, 1003); st != StatusSyntax {
		t.Errorf("job 1003 (refused) status %d, want %d", st, StatusSyntax)
	}
	if s, _ := h.file("/f"); s != "" {
		t.Errorf("/f = %q before the job was released", s)
	}
	close(gate)
	if st := h.wait(t, 1001); st != 6 {
		t.Errorf("job 1001 status %d, want 6", st)
	}
	if s, _ := h.file("/f"); s != "released\n" {
		t.Errorf("/f = %q, want %q", s, "released\n")
	}
}

func TestRunCancel(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   runResult
	}{
		{name: "running handler", script: "echo a; cancel; echo b", want: runResult{Out: "a\n", Status: StatusKilled}},
		{name: "in sh -c", script: "sh -c 'cancel; echo b'; echo c", want: runResult{Status: StatusKilled}},
		{name: "in subshell", script: "(cancel; echo b); echo c", want: runResult{Status: StatusKilled}},
		{name: "in pipeline", script: "cancel | echo b; echo c", want: runResult{Status: StatusKilled}},
		{name: "through c_rsh", script: "c_rsh lpar1 'cancel; echo b'; echo c", want: runResult{Status: StatusKilled}},
		{name: "and-or", script: "cancel || echo b", want: runResult{Status: StatusKilled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := func(ctx context.Context, inv *Invocation) int {
				cancel()
				<-ctx.Done()
				return 0
			}
			h, client := newFakeHost(), newFakeHost()
			h.cmds["cancel"] = stop
			client.cmds["cancel"] = stop
			h.addClient("lpar1", client)
			got := runOn(ctx, h, tt.script, "")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		got := runOn(ctx, newFakeHost(), "echo a", "")
		if want := (runResult{Status: StatusKilled}); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}

func TestRunNestedRunDepth(t *testing.T) {
	// c_rsh to itself, forever: each Run starts the next through a handler.
	h := newFakeHost()
	h.addClient("lpar1", h)
	h.env = map[string]string{"X": `c_rsh lpar1 "$X"`}
	got := runOn(context.Background(), h, `c_rsh lpar1 "$X"`, "")
	want := runResult{Err: "ksh: lab: shells are nested too deeply\n", Status: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestRunHostWithoutOptionalInterfaces(t *testing.T) {
	h := newFakeHost()
	h.env = map[string]string{"HOME": "/home/root"}
	got := runOn(context.Background(), plainHost{h}, `echo "[$HOME]"; pwd; cd /x; pwd`, "")
	if want := ok("[]\n/\n/x\n"); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

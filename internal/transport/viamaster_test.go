package transport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestViaMaster(t *testing.T) {
	route := func(client string) (string, string, error) {
		switch client {
		case "lpar1.example.com":
			return "nim01", "lpar1", nil
		case "bad":
			return "nim01", "bad name; reboot", nil
		case "plain":
			return "", "", errors.New("not in the inventory")
		}
		return "", "", fmt.Errorf("host %s: no route through a master: %w", client, ErrUnknownHost)
	}
	long := strings.Repeat("x", 2000)
	tests := []struct {
		name       string
		host       string
		step       step
		wantLine   string
		wantStdout string
		wantExit   int
		wantErr    error
		wantErrMsg string
	}{
		{
			name: "exit 0", host: "lpar1.example.com",
			step:       step{res: Result{Stdout: []byte("hdisk0 00c rootvg active\nrc=0\n")}},
			wantLine:   `/usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar1 '( LC_ALL=C /usr/sbin/lspv ); echo rc=$?'`,
			wantStdout: "hdisk0 00c rootvg active\n",
		},
		{
			name: "client exit code", host: "lpar1.example.com",
			step:     step{res: Result{Stdout: []byte("rc=1\n"), Stderr: []byte("0516-320 not assigned\n")}},
			wantExit: 1,
		},
		{
			name: "missing trailer", host: "lpar1.example.com",
			step:       step{res: Result{Stdout: []byte("hdisk0"), Stderr: []byte("rshd: 0826-813 Permission is denied.\n"), ExitCode: 1}},
			wantErr:    ErrConnLost,
			wantStdout: "hdisk0", wantExit: -1,
			wantErrMsg: `host lpar1.example.com: run "/usr/sbin/lspv" via master nim01: connection lost: no exit status from the client through c_rsh lpar1, the command may not have run to the end (c_rsh exit 1, stdout "hdisk0", stderr "rshd: 0826-813 Permission is denied.\n")`,
		},
		{
			name: "missing trailer, long output truncated", host: "lpar1.example.com",
			step:       step{res: Result{Stdout: []byte(long)}},
			wantErr:    ErrConnLost,
			wantStdout: long, wantExit: -1,
			wantErrMsg: `host lpar1.example.com: run "/usr/sbin/lspv" via master nim01: connection lost: no exit status from the client through c_rsh lpar1, the command may not have run to the end (c_rsh exit 0, stdout ..."` + long[:512] + `", stderr "")`,
		},
		{
			name: "error from master passes through", host: "lpar1.example.com",
			step:       step{err: fmt.Errorf("dial nim01: %w", ErrUnreachable)},
			wantErr:    ErrUnreachable,
			wantErrMsg: `host lpar1.example.com: run "/usr/sbin/lspv" via master nim01: dial nim01: host unreachable`,
		},
		{name: "unknown host", host: "lpar9", wantErr: ErrUnknownHost,
			wantErrMsg: `host lpar9: run "/usr/sbin/lspv": host lpar9: no route through a master: unknown host`},
		{name: "invalid NIM name from route", host: "bad", wantErr: ErrUnknownHost,
			wantErrMsg: `host bad: run "/usr/sbin/lspv": unknown host: route: invalid NIM object name "bad name; reboot": character ' ' at offset 3 is not allowed (letters, digits, '_', '-', '!')`},
		{name: "route error without class", host: "plain", wantErr: ErrUnknownHost,
			wantErrMsg: `host plain: run "/usr/sbin/lspv": unknown host: not in the inventory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeRunner{script: []step{tt.step}}
			r := ViaMaster(f, route)
			res, err := r.Run(context.Background(), Command{Host: tt.host, Line: "/usr/sbin/lspv", Mutates: true, MaxOutput: 100})
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if tt.wantErrMsg != "" && err.Error() != tt.wantErrMsg {
				t.Errorf("got error\n%s\nwant\n%s", err, tt.wantErrMsg)
			}
			calls := f.Calls()
			if tt.wantLine != "" {
				if len(calls) != 1 || calls[0].Line != tt.wantLine {
					t.Fatalf("master got %+v, want line %s", calls, tt.wantLine)
				}
				c := calls[0]
				if c.Host != "nim01" || !c.Mutates || c.MaxOutput != 100+len("rc=999\r\n") {
					t.Errorf("master command %+v: want host nim01, Mutates carried, MaxOutput grown", c)
				}
			}
			if err == nil || tt.wantExit == -1 {
				if string(res.Stdout) != tt.wantStdout || res.ExitCode != tt.wantExit {
					t.Errorf("got (%q, %d), want (%q, %d)", res.Stdout, res.ExitCode, tt.wantStdout, tt.wantExit)
				}
			}
		})
	}
}

func TestViaMasterDryRunPassesThrough(t *testing.T) {
	r := ViaMaster(DryRun(&fakeRunner{}, nil), func(string) (string, string, error) { return "nim01", "lpar1", nil })
	if _, err := r.Run(context.Background(), Command{Host: "lpar1", Line: "x", Mutates: true}); !IsDryRun(err) {
		t.Errorf("got %v, want ErrDryRun", err)
	}
}

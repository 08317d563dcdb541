package facts

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	s := &Script{Role: "client", Host: "lpar1", Nonce: "abc123", Probe: []Probe{
		{ID: "oslevel_s", Line: "/usr/bin/oslevel -s"},
		{ID: "ls_bos_inst", Line: "/usr/bin/ls -ld /bos_inst"},
	}}
	text := s.Text()
	if !strings.Contains(text, "/usr/bin/oslevel -s 2>&1\n") {
		t.Fatalf("script lacks the probe:\n%s", text)
	}
	tests := []struct {
		name    string
		out     string
		nonce   string
		wantErr bool
		check   func(t *testing.T, o *Output)
	}{
		{
			name: "complete",
			out: "@@NF1 abc123 start client lpar1\n@@NF1 abc123 begin oslevel_s\n5300-12-04-1119\n@@NF1 abc123 end oslevel_s 0\n" +
				"@@NF1 abc123 begin ls_bos_inst\nls: 0653-341 The file /bos_inst does not exist.\n@@NF1 abc123 end ls_bos_inst 2\n@@NF1 abc123 done\n",
			nonce: "abc123",
			check: func(t *testing.T, o *Output) {
				if !o.Done || len(o.Order) != 2 {
					t.Fatalf("done=%v order=%v", o.Done, o.Order)
				}
				sec := o.Sections["oslevel_s"]
				if string(sec.Output) != "5300-12-04-1119\n" || sec.Exit != 0 || !sec.Complete {
					t.Errorf("oslevel_s = %+v", sec)
				}
				if sec := o.Sections["ls_bos_inst"]; sec.Exit != 2 {
					t.Errorf("ls exit = %d", sec.Exit)
				}
			},
		},
		{
			name:  "marker after output without newline, and a fake marker with another nonce",
			out:   "@@NF1 abc123 start client lpar1\n@@NF1 abc123 begin x\npartial@@NF1 abc123 end x 1\n@@NF1 abc123 begin y\n@@NF1 evil begin z\n@@NF1 abc123 end y 0\n",
			nonce: "abc123",
			check: func(t *testing.T, o *Output) {
				if got := string(o.Sections["x"].Output); got != "partial" || o.Sections["x"].Exit != 1 {
					t.Errorf("x = %q", got)
				}
				if got := string(o.Sections["y"].Output); got != "@@NF1 evil begin z\n" {
					t.Errorf("y = %q", got)
				}
				if o.Done {
					t.Error("done without done marker")
				}
			},
		},
		{
			name: "truncated mid-section",
			out:  "junk before\n@@NF1 n1 start master nim1\n@@NF1 n1 begin lsvg\nrootvg\n",
			check: func(t *testing.T, o *Output) {
				sec := o.Sections["lsvg"]
				if sec.Complete || sec.Exit != -1 || string(sec.Output) != "rootvg\n" || o.Role != "master" {
					t.Errorf("lsvg = %+v role=%s", sec, o.Role)
				}
			},
		},
		{name: "no start marker", out: "hello\n", wantErr: true},
		{name: "empty", out: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Split(strings.NewReader(tt.out), tt.nonce)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("@@NF1 a start client h\n@@NF1 a begin x\nout\n@@NF1 a end x 0\n@@NF1 a done\n", "")
	f.Add("@@NF1 a start\n@@NF1 a end\n@@NF1 a begin\n", "a")
	f.Fuzz(func(t *testing.T, out, nonce string) {
		o, _ := Split(strings.NewReader(out), nonce)
		if o == nil {
			t.Fatal("nil output")
		}
	})
}

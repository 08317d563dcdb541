package sim

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// -update rewrites the generated goldens (lab output kept as regression
// references, marked [U]). The goldens copied from the domain notes are
// never rewritten: they are the reference the lab must match.
var update = flag.Bool("update", false, "rewrite generated golden files")

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGoldenCaptures compares command output with the real captures quoted
// in commands.md and multibos.md, byte for byte. The hosts in
// testdata/golden/hosts.yaml are built to reproduce each capture's system.
func TestGoldenCaptures(t *testing.T) {
	l := goldenLab(t)
	tests := []struct {
		name, host, cmd string
		golden          string // expected stdout
		stderr          string // expected stderr golden ("" = must be empty)
		rc              int
		prefix          bool // golden is a prefix of the output (capture cut short)
	}{
		{name: "lsvg rootvg (original VG, 7.3)", host: "node73", cmd: "lsvg rootvg", golden: "lsvg_rootvg.txt"},
		{name: "lsvg testvg (scalable)", host: "ans1", cmd: "lsvg testvg", golden: "lsvg_testvg.txt"},
		{name: "lsvg -p three PVs", host: "ans3", cmd: "lsvg -p testvg", golden: "lsvg_p_testvg.txt"},
		{name: "lsvg -p mirrored rootvg", host: "vios1", cmd: "lsvg -p rootvg", golden: "lsvg_p_rootvg_mirror.txt"},
		{name: "lsvg -l rootvg", host: "cn1", cmd: "lsvg -l rootvg", golden: "lsvg_l_rootvg.txt"},
		{name: "lsvg -l rootvg with multibos standby", host: "fr61", cmd: "lsvg -l rootvg", golden: "lsvg_l_multibos.txt"},
		{name: "lspv", host: "node73", cmd: "lspv", golden: "lspv.txt"},
		{name: "lspv hdisk0", host: "node73", cmd: "lspv hdisk0", golden: "lspv_hdisk0.txt"},
		{name: "lspv free disk", host: "node73", cmd: "lspv hdisk1", stderr: "lspv_hdisk1.stderr.txt", rc: 1},
		{name: "bootlist after an alternate disk operation", host: "cloud72", cmd: "bootlist -m normal hdisk2 && bootlist -m normal -o", golden: "bootlist_o.txt"},
		{name: "lsnim -l standalone (shell)", host: "m1", cmd: "lsnim -l curso01", golden: "lsnim_l_curso01.txt"},
		{name: "lsnim -l standalone (nimsh, failure)", host: "m1", cmd: "lsnim -l dsmmnad01", golden: "lsnim_l_dsmmnad01.txt"},
		{name: "lsnim -l lpp_source", host: "m1", cmd: "lsnim -l 7100-03-05-1524-lpp_source", golden: "lsnim_l_lpp_chef.txt"},
		{name: "lsnim -l lpp_source with comments", host: "m1", cmd: "lsnim -l 7200TL5SP4_lpp", golden: "lsnim_l_lpp_comments.txt"},
		{name: "emgr -l", host: "emgr72", cmd: "emgr -l", golden: "emgr_l.txt"},
		{name: "emgr -l on 7.3 TL2", host: "emgr73", cmd: "emgr -l", golden: "emgr_l_73_prefix.txt", prefix: true},
		{name: "emgr -P", host: "emgrp", cmd: "emgr -P", golden: "emgr_P.txt"},
		{name: "lslpp -l with a wrapped description", host: "xlc1", cmd: "lslpp -l 'xlC*'", golden: "lslpp_l_xlc.txt"},
		{name: "lslpp -l EFIXLOCKED", host: "ssl1", cmd: "lslpp -l openssl.base", golden: "lslpp_l_openssl.txt"},
		{name: "df", host: "df1", cmd: "df", golden: "df.txt"},
		{name: "df -m with paths", host: "dfm", cmd: "df -m /usr /var", golden: "df_m.txt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, l, tc.host, tc.cmd)
			if r.rc != tc.rc {
				t.Fatalf("exit %d, want %d\nstderr: %s", r.rc, tc.rc, r.err)
			}
			want := ""
			if tc.golden != "" {
				want = readGolden(t, tc.golden)
			}
			got := r.out
			if tc.prefix && len(got) > len(want) {
				got = got[:len(want)]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stdout differs from %s (-want +got):\n%s", tc.golden, diff)
			}
			wantErr := ""
			if tc.stderr != "" {
				wantErr = readGolden(t, tc.stderr)
			}
			if diff := cmp.Diff(wantErr, r.err); diff != "" {
				t.Errorf("stderr differs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGoldenMultibosRemove checks `multibos -R` against multibos.md §5.1.
// The firmware recovery strings name the source's WWPNs, so "boot ..."
// lines are compared by shape only.
func TestGoldenMultibosRemove(t *testing.T) {
	l := goldenLab(t)
	got := mustRun(t, l, "fr61", "multibos -R")
	want := readGolden(t, "multibos_R.txt")
	bootLine := regexp.MustCompile(`(?m)^boot /vdevice/\S+:2$`)
	if n := len(bootLine.FindAllString(got, -1)); n != 2 {
		t.Errorf("got %d firmware recovery strings, want 2 (one per path)", n)
	}
	norm := func(s string) string { return bootLine.ReplaceAllString(s, "boot <path>") }
	if diff := cmp.Diff(norm(want), norm(got)); diff != "" {
		t.Errorf("multibos -R differs (-want +got):\n%s", diff)
	}
	if lv := mustRun(t, l, "fr61", "lsvg -l rootvg"); strings.Contains(lv, "bos_") {
		t.Errorf("standby LVs left after multibos -R:\n%s", lv)
	}
	if r := run(t, l, "fr61", "ls -ld /bos_inst"); r.rc != 2 {
		t.Errorf("ls -ld /bos_inst after multibos -R: exit %d, want 2 (removed)", r.rc)
	}
}

// TestGoldenMount checks every line of the IBM mount fixture that a real
// system prints (the fixture's hand-edited /ahafs line excepted).
func TestGoldenMount(t *testing.T) {
	l := goldenLab(t)
	got := mustRun(t, l, "df1", "mount")
	for _, line := range strings.SplitAfter(readGolden(t, "mount_sample.txt"), "\n") {
		if line == "" || strings.Contains(line, "/ahafs") {
			continue
		}
		if !strings.Contains(got, line) {
			t.Errorf("mount output lacks line %q\ngot:\n%s", line, got)
		}
	}
}

// TestGoldenOneLiners covers the one-line samples quoted inline.
func TestGoldenOneLiners(t *testing.T) {
	l := goldenLab(t)
	tests := []struct{ host, cmd, want string }{
		{"misc", "bootinfo -s hdisk1", "102400\n"},
		{"misc", "getconf DISK_SIZE /dev/hdisk1", "102400\n"},
		{"misc", "lsattr -El sys0 -a realmem", "realmem 8388608 Amount of usable physical memory in Kbytes False\n"},
		{"misc", "bootinfo -B hdisk1", "1\n"},
		{"misc", "bootinfo -v", "hd5\n"},
		{"misc", "bootinfo -b", "hdisk0\n"},
		{"misc", "bootinfo -K", "64\n"},
		{"misc", "oslevel -s", "7200-05-05-2246\n"},
		{"misc", "oslevel -r", "7200-05\n"},
		{"misc", "oslevel", "7.2.0.0\n"},
		{"misc", "uname -W", "0\n"},
		{"node73", "uname -r", "3\n"},
		{"node73", "uname -v", "7\n"},
		{"emgrp", "lppchk -v", ""},
	}
	for _, tc := range tests {
		if got := mustRun(t, l, tc.host, tc.cmd); got != tc.want {
			t.Errorf("%s: %s = %q, want %q", tc.host, tc.cmd, got, tc.want)
		}
	}
	// lssrc [C layout]: the PID differs, the columns must not.
	got := mustRun(t, l, "misc", "lssrc -s portmap")
	re := regexp.MustCompile(`^Subsystem         Group            PID          Status\n portmap          portmap          \d{6,7} +active\n$`)
	if !re.MatchString(got) {
		t.Errorf("lssrc -s portmap = %q", got)
	}
	if strings.Index(strings.Split(got, "\n")[1], "active") != 48 {
		t.Errorf("lssrc status column not at 48: %q", got)
	}
	// emgr with no fixes: the message goes to stderr, status 0 [C].
	if r := run(t, l, "misc", "emgr -l"); r.rc != 0 || r.out != "" || r.err != "There is no efix data on this system.\n" {
		t.Errorf("emgr -l without fixes = %+v", r)
	}
	// getlvodm on a free disk: rc 3, 0516-320 on stderr [C, TAB continuation].
	if r := run(t, l, "misc", "getlvodm -j hdisk1"); r.rc != 3 || r.out != "" ||
		strings.ReplaceAll(r.err, "\t", "        ") != "0516-320 /usr/sbin/getlvodm: Physical volume hdisk1 is not assigned to\n        a volume group.\n" {
		t.Errorf("getlvodm -j hdisk1 = %+v", r)
	}
	// lsnim on an unknown object [C].
	if r := run(t, l, "m1", "lsnim -l quimby07"); r.rc == 0 || r.out != "" || r.err != "0042-053 lsnim: there is no NIM object named \"quimby07\"\n" {
		t.Errorf("lsnim -l quimby07 = %+v", r)
	}
	// NIM commands exist on masters only.
	if r := run(t, l, "misc", "lsnim"); r.rc != 127 {
		t.Errorf("lsnim on a client: exit %d, want 127", r.rc)
	}
}

// TestGoldenGenerated keeps the lab's [U] outputs stable: they are
// regenerated with -update and reviewed by hand.
func TestGoldenGenerated(t *testing.T) {
	l := goldenLab(t)
	l.clock = func() time.Time { return l.start.Add(time.Hour) }
	tests := []struct{ name, host, cmd string }{
		{"lsnim", "m1", "lsnim"},
		{"lsnim_t_standalone", "m1", "lsnim -t standalone"},
		{"lsnim_Z", "m1", "lsnim -Z -a Cstate -a info -a Cstate_result dsmmnad01"},
		{"lslpp_L", "ssl1", "lslpp -L bos.rte openssl.base"},
		{"lslpp_Lc", "ssl1", "lslpp -Lc bos.rte openssl.base"},
		{"lslpp_lcq", "ssl1", "lslpp -lcq bos.rte openssl.base"},
		{"instfix_i", "cn1", "instfix -i"},
		{"prtconf", "cn1", "prtconf"},
		{"uname_a", "cn1", "uname -a"},
		{"lsvg_M", "vios1", "lsvg -M rootvg | tail -n 8"},
		{"lsfs", "fr61", "lsfs"},
		{"multibos_sXp", "cn1", "multibos -sXp"},
		{"showres_spot", "m1", "lsnim -t spot"},
		{"showres_lpp", "m1", "nim -o showres 7200TL5SP4_lpp | head -8"},
		{"ls_ld", "cn1", "mkdir /bos_inst && ls -ld /bos_inst /home"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, l, tc.host, tc.cmd)
			got := r.out + r.err
			path := filepath.Join("testdata", "golden", "gen", tc.name+".txt")
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenGenerated -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s differs (-want +got):\n%s", path, diff)
			}
		})
	}
}

package aix

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLVListHelpers(t *testing.T) {
	tests := []struct {
		file         string
		standby      bool
		mirrored     bool
		bosLVs       []string
		standbyMount []string
	}{
		{file: "7.x-chinese-blog.txt"},
		{file: "constructed-mirrored-issue63.txt", mirrored: true},
		{file: "6.1-multibos-classic-active.txt", standby: true,
			bosLVs:       []string{"bos_hd5", "bos_hd4", "bos_hd2", "bos_hd9var", "bos_hd10opt"},
			standbyMount: []string{"bos_hd4", "bos_hd2", "bos_hd9var", "bos_hd10opt"}},
		{file: "6.1-multibos-bos-active.txt", standby: true,
			bosLVs:       []string{"bos_hd5", "bos_hd4", "bos_hd2", "bos_hd9var", "bos_hd10opt"},
			standbyMount: []string{"hd4", "hd2", "hd9var", "hd10opt"}},
	}
	names := func(lvs []LV) []string {
		var s []string
		for _, lv := range lvs {
			s = append(s, lv.Name)
		}
		return s
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			l, err := ParseLsvgL(mustRead(t, "testdata/lsvg-l/"+tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := l.HasStandbyBOS(); got != tt.standby {
				t.Errorf("HasStandbyBOS() = %v, want %v", got, tt.standby)
			}
			if got := l.Mirrored(); got != tt.mirrored {
				t.Errorf("Mirrored() = %v, want %v", got, tt.mirrored)
			}
			if diff := cmp.Diff(tt.bosLVs, names(l.BosLVs())); diff != "" {
				t.Errorf("BosLVs() (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.standbyMount, names(l.StandbyLVs())); diff != "" {
				t.Errorf("StandbyLVs() (-want +got):\n%s", diff)
			}
		})
	}
	l, err := ParseLsvgL(mustRead(t, "testdata/lsvg-l/7.x-chinese-blog.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/", "/usr", "/var", "/tmp", "/home", "/opt", "/admin", "/var/adm/ras/platform", "/var/adm/ras/livedump"}
	if diff := cmp.Diff(want, l.MountPoints()); diff != "" {
		t.Errorf("MountPoints() (-want +got):\n%s", diff)
	}
	if hd4, _ := l.Get("hd4"); !hd4.Open() || hd4.Stale() || hd4.Copies() != 1 {
		t.Errorf("hd4 helpers wrong: %+v", hd4)
	}
}

func TestParseLsvgLVariants(t *testing.T) {
	two := "rootvg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\nhd5                 boot       1       1       1    closed/syncd  N/A\n\n" +
		"datavg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\n"
	all, err := ParseLsvgLAll([]byte(two))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[1].VG != "datavg" || len(all[1].LVs) != 0 {
		t.Errorf("ParseLsvgLAll = %+v", all)
	}
	if _, err := ParseLsvgL([]byte(two)); err == nil {
		t.Errorf("ParseLsvgL accepted two VGs")
	}
	for name, in := range map[string]string{
		"bad header": "rootvg:\nLV NAME TYPE LPs PPs PVs STATE MOUNT POINT\n",
		"no header":  "rootvg:\n",
		"bad state":  "rootvg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\nhd5 boot 1 1 1 syncd N/A\n",
		"relative":   "rootvg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\nhd4 jfs2 1 1 1 open/syncd usr\n",
		"8 fields":   "rootvg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\nhd4 jfs2 1 1 1 open/syncd /my fs\n",
	} {
		if _, err := ParseLsvgL([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestVGType(t *testing.T) {
	for file, want := range map[string]string{
		"7.x-ibm-scalable-output1.txt":      VGScalable,
		"7.3-nodejs-original.txt":           VGOriginal,
		"constructed-question-marks.txt":    "",
		"constructed-7.1-no-encryption.txt": VGOriginal,
	} {
		v, err := ParseLsvg(mustRead(t, "testdata/lsvg/"+file))
		if err != nil {
			t.Fatal(err)
		}
		if got := v.Type(); got != want {
			t.Errorf("%s: Type() = %q, want %q", file, got, want)
		}
	}
	if got := (VGInfo{MaxPPsPerVG: 130048}).Type(); got != VGBig {
		t.Errorf("Type() = %q, want big", got)
	}
}

func TestLsvgPVariants(t *testing.T) {
	in := "datavg:\nPV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION\nhdiskpower0       varied off        100         10          02..02..02..02..02\n"
	d, err := ParseLsvgP([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := VGDisks{VG: "datavg", Disks: []VGDisk{{Name: "hdiskpower0", State: "varied off", TotalPPs: 100, FreePPs: 10, FreeDist: [5]int{2, 2, 2, 2, 2}}}}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("ParseLsvgP (-want +got):\n%s", diff)
	}
}

func TestPartitionMapHelpers(t *testing.T) {
	pm, err := ParseLsvgM(mustRead(t, "testdata/lsvg-M/ibm-code-without-elisions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !pm.HasStale() || pm.MaxCopy() != 3 || len(pm.FreeRanges()) != 1 {
		t.Errorf("HasStale=%v MaxCopy=%d FreeRanges=%v", pm.HasStale(), pm.MaxCopy(), pm.FreeRanges())
	}
	pm, err = ParseLsvgM([]byte("rootvg:\nhdisk0:1-2\nhdisk0:3        hd5:1\nhdisk0:4\n"))
	if err != nil {
		t.Fatal(err)
	}
	if pm.VG != "rootvg" || pm.HasStale() || pm.MaxCopy() != 1 || len(pm.FreeRanges()) != 2 {
		t.Errorf("got %+v", pm)
	}
	for _, in := range []string{"hdisk0:5-3\n", "hdisk0:3 hd5:1:4\n", "hdisk0:3 hd5:1 fresh\n", "hdisk0:1-2 hd5:1\n", "hdisk0 hd5\n"} {
		if _, err := ParseLsvgM([]byte(in)); err == nil {
			t.Errorf("ParseLsvgM(%q) accepted", in)
		}
	}
}

func TestPVsHelpers(t *testing.T) {
	ps, err := ParseLspv(mustRead(t, "testdata/lspv/powerha-issue63.txt"))
	if err != nil {
		t.Fatal(err)
	}
	free := ps.Free()
	if len(free) != 1 || free[0].Name != "hdisk24" || !free[0].HasPVID || !free[0].Free() {
		t.Errorf("Free() = %+v", free)
	}
	if got := len(ps.InVG("rootvg")); got != 2 {
		t.Errorf("InVG(rootvg) = %d disks, want 2", got)
	}
	if p, ok := ps.Get("hdisk16"); !ok || p.State != "concurrent" {
		t.Errorf("Get(hdisk16) = %+v, %v", p, ok)
	}
	ps, err = ParseLspv(mustRead(t, "testdata/lspv/ibmcloud-old-rootvg.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if old := ps.InVG("old_rootvg"); len(old) != 1 || old[0].State != "" {
		t.Errorf("old_rootvg = %+v", old)
	}
}

func TestClassifyLVMError(t *testing.T) {
	tests := []struct {
		stderr string
		exit   int
		want   LVMError
	}{
		{"", 0, LVMOK},
		{"0516-1396 : The physical volume hdisk1, was not found in the\nsystem database.\n", 1, LVMNotInVG},
		{"0516-320 /usr/sbin/getlvodm: Physical volume hdisk1 is not assigned to\n        a volume group.\n", 1, LVMNotInVG},
		{"0516-010 lsvg: Volume group must be varied on; use varyonvg command.\n", 1, LVMVariedOff},
		{"0516-010 x\n0516-320 y\n", 1, LVMVariedOff},
		{"something else", 2, LVMOtherError},
	}
	for _, tt := range tests {
		if got := ClassifyLVMError([]byte(tt.stderr), tt.exit); got != tt.want {
			t.Errorf("ClassifyLVMError(%q, %d) = %v, want %v", tt.stderr, tt.exit, got, tt.want)
		}
	}
}

func TestBootListHelpers(t *testing.T) {
	b, err := ParseBootlist(mustRead(t, "testdata/bootlist/tansley-non-mpio.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hdisk0"}, b.Devices()); diff != "" || len(b) != 4 || b.HasStale() {
		t.Errorf("Devices() (-want +got):\n%s (len %d)", diff, len(b))
	}
	b, err = ParseBootlist(mustRead(t, "testdata/bootlist/frnotes-verbose-multibos.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bos_hd5"}, b.BLVs()); diff != "" {
		t.Errorf("BLVs() (-want +got):\n%s", diff)
	}
	b, err = ParseBootlist(mustRead(t, "testdata/bootlist/constructed-stale-and-network.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !b.HasStale() || cmp.Diff([]string{"hdisk0", "ent0"}, b.Devices()) != "" {
		t.Errorf("stale list: HasStale=%v Devices=%v", b.HasStale(), b.Devices())
	}
}

func TestNIMObjectHelpers(t *testing.T) {
	o, err := ParseLsnimObject(mustRead(t, "testdata/lsnim-l/issue510-dsmmnad01.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "dsmmnad01" || o.Class() != "machines" || o.Type() != "standalone" ||
		o.Cstate() != "ready for a NIM operation" || o.Mstate() != "currently running" ||
		o.Connect() != "nimsh" || o.Hostname(1) != "dsmmnad01" || o.Hostname(2) != "" {
		t.Errorf("machine helpers wrong: %+v", o)
	}
	if v, _ := o.Get("Cstate_result"); v != "failure" {
		t.Errorf("Cstate_result = %q", v)
	}
	spot, err := ParseLsnimObject(mustRead(t, "testdata/lsnim-l/frnotes-spot-flattened.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := spot.Level(); !ok || l.String() != "6100-09" {
		t.Errorf("SPOT Level() = %v, %v", l, ok)
	}
	if n, ok := spot.AllocCount(); !ok || n != 0 || spot.Rstate() != "ready for use" || spot.Server() != "master" ||
		spot.Location() != "/export/spot/spot_aix61_tl9sp4/usr" {
		t.Errorf("SPOT helpers wrong")
	}
	lpp, err := ParseLsnimObject(mustRead(t, "testdata/lsnim-l/chef-lpp-source.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !lpp.Simages() {
		t.Errorf("Simages() = false")
	}
	if _, ok := lpp.Level(); ok {
		t.Errorf("lpp_source without level attributes has a Level")
	}
	vrm := NIMObject{Attrs: []NIMAttr{{"version", "7"}, {"release", "2"}, {"mod", "5"}}}
	if l, ok := vrm.Level(); !ok || l.String() != "7200-05" {
		t.Errorf("VRM Level() = %v, %v", l, ok)
	}
	mk := NIMObject{Attrs: []NIMAttr{{"oslevel_r", "7200-03"}, {"oslevel_s", "7200-03-02-1845"}, {"connect", "nimsh (secure)"}, {"member", "a"}, {"member", "b"}}}
	if l, _ := mk.Level(); l.String() != "7200-03-02-1845" || mk.Connect() != "nimsh" || len(mk.All("member")) != 2 {
		t.Errorf("mksysb helpers wrong")
	}
	if _, err := ParseLsnimObject(mustRead(t, "testdata/lsnim-l/constructed-two-objects.txt")); err == nil {
		t.Errorf("ParseLsnimObject accepted two objects")
	}
}

func TestNIMColonByHeader(t *testing.T) {
	z, err := ParseLsnimZ(mustRead(t, "testdata/lsnim-Z/chef-comment-vios.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := z.ByHeader(z.Rows[0]); ok {
		t.Errorf("row 1 omits info: ByHeader must refuse")
	}
	m, ok := z.ByHeader(z.Rows[1])
	if !ok || m["info"] != "Creating logical volume alt_hd2." || m["Cstate_result"] != "success" {
		t.Errorf("ByHeader(row 2) = %v, %v", m, ok)
	}
}

func TestLsnimMissing(t *testing.T) {
	name, ok := LsnimMissing([]byte(`0042-053 lsnim: there is no NIM object named "quimby07"`+"\n"), 53)
	if !ok || name != "quimby07" {
		t.Errorf("LsnimMissing = %q, %v", name, ok)
	}
	if _, ok := LsnimMissing([]byte(`0042-053 lsnim: there is no NIM object named "x"`), 0); ok {
		t.Errorf("exit 0 classified as missing")
	}
	if name, ok := LsnimMissing([]byte("0042-053 other text"), 1); !ok || name != "" {
		t.Errorf("other text: %q, %v", name, ok)
	}
	if _, ok := LsnimMissing([]byte("0042-001 nim: processing error"), 1); ok {
		t.Errorf("0042-001 classified as missing")
	}
}

func TestLslppHelpers(t *testing.T) {
	fs, err := ParseLslppL(mustRead(t, "testdata/lslpp-l/nodejs-xlc.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := fs.Get("xlC.rte"); !ok || f.Level.String() != "13.1.3.3" {
		t.Errorf("Get(xlC.rte) = %+v, %v", f, ok)
	}
	names, ok := LslppNotInstalled([]byte("lslpp: 0504-132  Fileset bos.alt_disk_install.rte not installed.\nlslpp: 0504-132  Fileset foo not installed.\n"))
	if !ok || cmp.Diff([]string{"bos.alt_disk_install.rte", "foo"}, names) != "" {
		t.Errorf("LslppNotInstalled = %v, %v", names, ok)
	}
	if _, ok := LslppNotInstalled([]byte("")); ok {
		t.Errorf("empty stderr classified as not installed")
	}
	e, err := ParseLslppLc(mustRead(t, "testdata/lslpp-Lc/teddix-rpm.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e[0].FilesetLevel(); err == nil {
		t.Errorf("RPM level parsed as V.R.M.F")
	}
}

func TestLsNotExist(t *testing.T) {
	if !LsNotExist([]byte("ls: 0653-341 The file /bos_inst does not exist.\n")) {
		t.Errorf("0653-341 not classified")
	}
	if !LsNotExist([]byte("ls: /bos_inst: No such file or directory\n")) {
		t.Errorf("GNU text not classified")
	}
	if LsNotExist([]byte("ls: 0653-345 /bos_inst: Permission denied.\n")) {
		t.Errorf("permission denied classified as not exist")
	}
}

func TestInstfixHelpers(t *testing.T) {
	il, err := ParseInstfix(mustRead(t, "testdata/instfix/6.1-cheatsheet-ml.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := il.HighestCompleteTL(); !ok || l.String() != "6100-06" {
		t.Errorf("HighestCompleteTL() = %v, %v", l, ok)
	}
	if inc := il.Incomplete(); len(inc) != 1 || inc[0].Keyword != "6100-07_AIX_ML" {
		t.Errorf("Incomplete() = %v", inc)
	}
	fx, err := ParseInstfixIcq([]byte("IV1:bos.rte:7.2.5.1::!:MISSING\nIV2:bos.rte:7.2.5.1:7.2.5.1:=:OK: with colon\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !fx[0].DownLevel() || fx[1].DownLevel() || fx[1].Abstract != "OK: with colon" {
		t.Errorf("ParseInstfixIcq = %+v", fx)
	}
}

func TestDfHelpers(t *testing.T) {
	d, err := ParseDf(mustRead(t, "testdata/df/perl-m.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r, ok := d.Get("/var")
	if !ok || d.Unit != DFMBBlocks || r.SizeMB != 1024 || r.FreeMB != 594.10 || r.Pseudo() {
		t.Errorf("Get(/var) = %+v, %v (unit %q)", r, ok, d.Unit)
	}
	d, err = ParseDf(mustRead(t, "testdata/df/7.x-ibm-default.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := d.Get("/proc"); !p.Pseudo() {
		t.Errorf("/proc not pseudo")
	}
	k, err := ParseDf([]byte("Filesystem    1024-blocks      Free %Used    Iused %Iused Mounted on\n/dev/hd4         983040    279776   72%     4107     7% /\n"))
	if err != nil || k.Rows[0].SizeMB != 960 {
		t.Errorf("df -k: %+v, %v", k, err)
	}
}

func TestMountsHelpers(t *testing.T) {
	ms, err := ParseMount(mustRead(t, "testdata/mount/7.x-ibm-output1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !ms.Mounted("/var/adm/ras/livedump") || ms.Mounted("/bos_inst") {
		t.Errorf("Mounted wrong")
	}
	if e, _ := ms.Get("/aha"); e.Device != "/ahafs" || e.VFS != "ahafs" {
		t.Errorf("Get(/aha) = %+v", e)
	}
}

func TestLssrcActive(t *testing.T) {
	ss, err := ParseLssrc(mustRead(t, "testdata/lssrc/constructed-two-rows.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !ss.Active("nimsh") || ss.Active("sshd") {
		t.Errorf("Active wrong")
	}
	ss, err = ParseLssrc(mustRead(t, "testdata/lssrc/constructed-inoperative.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if ss.Active("nimsh") {
		t.Errorf("inoperative reported active")
	}
	ss, err = ParseLssrc([]byte("Subsystem         Group            PID          Status\n sshd                              inoperative\n"))
	if err != nil || ss[0].Group != "" || ss[0].Status != "inoperative" {
		t.Errorf("no-group row: %+v, %v", ss, err)
	}
}

func TestProcessesByCommand(t *testing.T) {
	ps, err := ParsePs(mustRead(t, "testdata/ps/constructed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ps.ByCommand("nimadm"); len(got) != 1 || got[0].PID != 3670450 {
		t.Errorf("ByCommand(nimadm) = %+v", got)
	}
	if got := ps.ByCommand("db2sysc"); len(got) != 1 {
		t.Errorf("ByCommand(db2sysc) = %+v", got)
	}
	if got := ps.ByCommand("slapd"); len(got) != 0 {
		t.Errorf("ByCommand(slapd) = %+v", got)
	}
}

func TestNiminfoHelpers(t *testing.T) {
	n, err := ParseNiminfo(mustRead(t, "testdata/niminfo/constructed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if n.MasterHostname() != "nimmaster.example.com" || n.Shell() != "nimsh" || n.Name() != "lpar1" {
		t.Errorf("helpers wrong: %+v", n)
	}
	for _, in := range []string{"NIM_NAME=x\n", "export NIM_NAME=a b\n", "export NIM_NAME='x\n", "export A=1\nexport A=2\n", "# only a comment\n"} {
		if _, err := ParseNiminfo([]byte(in)); err == nil {
			t.Errorf("ParseNiminfo(%q) accepted", in)
		}
	}
}

func TestLsgroupConsistency(t *testing.T) {
	_, err := ParseLsgroup([]byte("mail id=6\n"), nil, 0, []string{"mail", "printq"})
	if err == nil {
		t.Errorf("exit 0 with a missing group accepted")
	}
	_, err = ParseLsgroup([]byte("staff id=1\n"), nil, 0, []string{"mail"})
	if err == nil {
		t.Errorf("unrequested group accepted")
	}
	gc, err := ParseLsgroup(nil, []byte(`3004-686 Group "mail" does not exist.`), 1, []string{"mail"})
	if err != nil || cmp.Diff([]string{"mail"}, gc.Missing) != "" {
		t.Errorf("all missing: %+v, %v", gc, err)
	}
}

func TestBlvLevel(t *testing.T) {
	b, err := ParseBlvsetLevel([]byte("0.0\n"))
	if err != nil || !b.IsZero() || b.String() != "0.0" {
		t.Errorf("0.0: %+v, %v", b, err)
	}
	b, err = ParseBlvsetLevel([]byte("7.1\n"))
	if err != nil || b.IsZero() || b.String() != "7.1" {
		t.Errorf("7.1: %+v, %v", b, err)
	}
}

func TestLPARInfo(t *testing.T) {
	l, err := ParseUnameL([]byte("-1 NULL\n"))
	if err != nil || l.Partitioned() {
		t.Errorf("-1 NULL: %+v, %v", l, err)
	}
	u, err := ParseUnameA([]byte("AIX apse 3 5 000BFC0D4C00\n"))
	if err != nil || u.VR() != "5.3" {
		t.Errorf("VR() = %q, %v", u.VR(), err)
	}
}

func TestFileInfo(t *testing.T) {
	fi, err := ParseLsLd(mustRead(t, "testdata/ls-ld/constructed-bos_inst.txt"))
	if err != nil || !fi.IsDir() || fi.IsSymlink() {
		t.Errorf("bos_inst: %+v, %v", fi, err)
	}
	fi, err = ParseLsLd([]byte("drwxr-xr-x    2 root     system          256 Nov 22  2019 /bos_inst\n"))
	if err != nil || fi.Date != "Nov 22 2019" {
		t.Errorf("year date: %+v, %v", fi, err)
	}
}

package aix

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
)

// This file holds one fuzz target per parser, each seeded from the
// fixtures of its testdata directory. Every target checks that the parser
// does not panic, that every error is a *ParseError, and that results
// encode as JSON; some add round-trip properties.

func seedDir(f *testing.F, dir string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/%s", dir)
	}
	for _, file := range files {
		f.Add(readFixture(f, file, false).stdout)
	}
}

func seedSections(f *testing.F, dir string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/%s", dir)
	}
	for _, file := range files {
		fx := readFixture(f, file, true)
		f.Add(fx.stdout, fx.stderr, fx.exit)
	}
}

func checkResult(t *testing.T, v any, err error) {
	t.Helper()
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error %v (%T) is not a *ParseError", err, err)
		}
		if pe.Cmd == "" || pe.Msg == "" || pe.Line < 0 {
			t.Fatalf("incomplete ParseError %+v", pe)
		}
		return
	}
	if _, err := json.Marshal(v); err != nil {
		t.Fatalf("result does not encode: %v", err)
	}
}

func fuzzStdout[T any](f *testing.F, dir string, parse func([]byte) (T, error), check func(*testing.T, T)) {
	seedDir(f, dir)
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := parse(in)
		checkResult(t, v, err)
		if err == nil && check != nil {
			check(t, v)
		}
	})
}

func FuzzParseOslevel(f *testing.F) {
	fuzzStdout(f, "oslevel", ParseOslevel, func(t *testing.T, l Level) {
		back, err := ParseLevel(l.String())
		if err != nil || back != l {
			t.Fatalf("round trip of %+v: %+v, %v", l, back, err)
		}
	})
}

func FuzzParseOslevelBase(f *testing.F) {
	fuzzStdout(f, "oslevel-base", ParseOslevelBase, func(t *testing.T, l FilesetLevel) {
		back, err := ParseFilesetLevel(l.String())
		if err != nil || back != l {
			t.Fatalf("round trip of %+v: %+v, %v", l, back, err)
		}
	})
}

func FuzzParseLsvgList(f *testing.F) { fuzzStdout(f, "lsvg-list", ParseLsvgList, nil) }

func FuzzParseLsvg(f *testing.F) {
	fuzzStdout(f, "lsvg", ParseLsvg, func(t *testing.T, v VGInfo) {
		if v.Name == "" && !v.Unknown["VOLUME GROUP"] {
			t.Fatalf("empty VG name accepted")
		}
	})
}

func FuzzParseLsvgL(f *testing.F) {
	fuzzStdout(f, "lsvg-l", ParseLsvgLAll, func(t *testing.T, ls []LVList) {
		for _, l := range ls {
			_ = l.HasStandbyBOS()
			_ = l.Mirrored()
			_ = l.MountPoints()
			for _, lv := range l.LVs {
				_ = lv.Copies()
			}
		}
	})
}

func FuzzParseLsvgP(f *testing.F) { fuzzStdout(f, "lsvg-p", ParseLsvgPAll, nil) }

func FuzzParseLsvgM(f *testing.F) {
	fuzzStdout(f, "lsvg-M", ParseLsvgM, func(t *testing.T, pm PartitionMap) {
		for _, e := range pm.Entries {
			if e.LastPP < e.PP {
				t.Fatalf("range %d-%d", e.PP, e.LastPP)
			}
		}
	})
}

func FuzzParseLspv(f *testing.F) {
	fuzzStdout(f, "lspv", ParseLspv, func(t *testing.T, ps PVs) {
		for _, p := range ps {
			if p.HasPVID != (p.PVID != "") {
				t.Fatalf("HasPVID inconsistent: %+v", p)
			}
		}
	})
}

func FuzzParseLspvDisk(f *testing.F) { fuzzStdout(f, "lspv-disk", ParseLspvDisk, nil) }

func FuzzParseBootinfoSize(f *testing.F) { fuzzStdout(f, "bootinfo-s", ParseBootinfoSize, nil) }

func FuzzParseBootinfoDisk(f *testing.F) { fuzzStdout(f, "bootinfo-b", ParseBootinfoDisk, nil) }

func FuzzParseBootinfoBLV(f *testing.F) { fuzzStdout(f, "bootinfo-v", ParseBootinfoBLV, nil) }

func FuzzParseBootinfoBootable(f *testing.F) {
	fuzzStdout(f, "bootinfo-bootable", ParseBootinfoBootable, nil)
}

func FuzzParseBitMode(f *testing.F) { fuzzStdout(f, "bootinfo-K", ParseBitMode, nil) }

func FuzzParseBootlist(f *testing.F) {
	fuzzStdout(f, "bootlist", ParseBootlist, func(t *testing.T, b BootList) {
		for _, d := range b.Devices() {
			if d == "-" {
				t.Fatalf("stale entry in Devices()")
			}
		}
	})
}

func FuzzParseLsnimList(f *testing.F) { fuzzStdout(f, "lsnim", ParseLsnimList, nil) }

func FuzzParseLsnimLong(f *testing.F) {
	fuzzStdout(f, "lsnim-l", ParseLsnimLong, func(t *testing.T, objs []NIMObject) {
		for _, o := range objs {
			_, _ = o.Level()
			_, _ = o.AllocCount()
			_ = o.Hostname(1)
			_ = o.Connect()
		}
	})
}

func FuzzParseLsnimZ(f *testing.F) {
	fuzzStdout(f, "lsnim-Z", ParseLsnimZ, func(t *testing.T, z NIMColon) {
		for _, r := range z.Rows {
			_, _ = z.ByHeader(r)
		}
	})
}

func FuzzParseLslppL(f *testing.F) { fuzzStdout(f, "lslpp-l", ParseLslppL, nil) }

func FuzzParseLslppLc(f *testing.F) { fuzzStdout(f, "lslpp-Lc", ParseLslppLc, nil) }

func FuzzParseLslppLcq(f *testing.F) { fuzzStdout(f, "lslpp-lcq", ParseLslppLcq, nil) }

func FuzzParseLppchk(f *testing.F) { fuzzStdout(f, "lppchk", ParseLppchk, nil) }

func FuzzParseDf(f *testing.F) { fuzzStdout(f, "df", ParseDf, nil) }

func FuzzParsePrtconf(f *testing.F) { fuzzStdout(f, "prtconf", ParsePrtconf, nil) }

func FuzzParseUnameA(f *testing.F) { fuzzStdout(f, "uname-a", ParseUnameA, nil) }

func FuzzParseUnameL(f *testing.F) { fuzzStdout(f, "uname-L", ParseUnameL, nil) }

func FuzzParseUnameW(f *testing.F) { fuzzStdout(f, "uname-W", ParseUnameW, nil) }

func FuzzParseUnameM(f *testing.F) { fuzzStdout(f, "uname-M", ParseUnameM, nil) }

func FuzzParseRealmem(f *testing.F) { fuzzStdout(f, "lsattr-realmem", ParseRealmem, nil) }

func FuzzParseLsLd(f *testing.F) { fuzzStdout(f, "ls-ld", ParseLsLd, nil) }

func FuzzParseEmgrL(f *testing.F) {
	seedSections(f, "emgr-l")
	f.Fuzz(func(t *testing.T, stdout, stderr []byte, exit int) {
		v, err := ParseEmgrL(stdout, stderr, exit)
		checkResult(t, v, err)
	})
}

func FuzzParseEmgrP(f *testing.F) { fuzzStdout(f, "emgr-P", ParseEmgrP, nil) }

func FuzzParseInstfix(f *testing.F) {
	fuzzStdout(f, "instfix", ParseInstfix, func(t *testing.T, il InstfixList) {
		_, _ = il.HighestCompleteTL()
	})
}

func FuzzParseInstfixIcq(f *testing.F) { fuzzStdout(f, "instfix-icq", ParseInstfixIcq, nil) }

func FuzzParseMount(f *testing.F) { fuzzStdout(f, "mount", ParseMount, nil) }

func FuzzParseLssrc(f *testing.F) { fuzzStdout(f, "lssrc", ParseLssrc, nil) }

func FuzzParseNiminfo(f *testing.F) { fuzzStdout(f, "niminfo", ParseNiminfo, nil) }

func FuzzParseShowresMp64(f *testing.F) { fuzzStdout(f, "showres-mp64", ParseShowresMp64, nil) }

func FuzzParseShowresLslpp(f *testing.F) { fuzzStdout(f, "showres-lslpp", ParseShowresLslpp, nil) }

func FuzzParseBlvsetLevel(f *testing.F) { fuzzStdout(f, "blvset", ParseBlvsetLevel, nil) }

func FuzzParsePs(f *testing.F) {
	fuzzStdout(f, "ps", ParsePs, func(t *testing.T, ps Processes) {
		for _, p := range ps {
			_ = p.Command()
		}
	})
}

func FuzzParseLsgroup(f *testing.F) {
	seedSections(f, "lsgroup")
	f.Fuzz(func(t *testing.T, stdout, stderr []byte, exit int) {
		v, err := ParseLsgroup(stdout, stderr, exit, []string{"mail", "printq"})
		checkResult(t, v, err)
	})
}

func FuzzClassifyGetlvodm(f *testing.F) {
	seedSections(f, "getlvodm")
	f.Fuzz(func(t *testing.T, stdout, stderr []byte, exit int) {
		st, vgid := ClassifyGetlvodm(stdout, stderr, exit)
		if (st == DiskVGMember) != (vgid != "") {
			t.Fatalf("status %v with VGID %q", st, vgid)
		}
		_ = ClassifyLVMError(stderr, exit)
		_, _ = LsnimMissing(stderr, exit)
		_, _ = LslppNotInstalled(stderr)
		_ = LsNotExist(stderr)
	})
}

func FuzzMessageIDs(f *testing.F) {
	f.Add([]byte("0516-320 /usr/sbin/getlvodm: x\n0042-053 lsnim: y 0516-1396"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, id := range MessageIDs(in) {
			if len(id) < 8 || len(id) > 9 || id[4] != '-' {
				t.Fatalf("bad id %q", id)
			}
		}
	})
}

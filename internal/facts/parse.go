package facts

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/nimfleet/nimfleet/internal/aix"
)

// sections gives typed access to a split collection output.
type sections struct {
	out     *Output
	script  *Script
	session string // why the session ended early, "" when it completed
	errs    map[string]string
}

func newSections(out *Output, s *Script, sessionErr error) *sections {
	p := &sections{out: out, script: s, errs: map[string]string{}}
	if sessionErr != nil {
		p.session = sessionErr.Error()
	} else if !out.Done {
		p.session = "the collection output ends before its final marker"
	}
	return p
}

func (p *sections) command(id string) string {
	if p.script != nil {
		for _, pr := range p.script.Probe {
			if pr.ID == id {
				return pr.Line
			}
		}
	}
	return id
}

// get returns a complete section, or the reason it is not usable.
func (p *sections) get(id string) (*Section, *Source, string) {
	sec, ok := p.out.Sections[id]
	if !ok {
		if p.session != "" {
			return nil, nil, "probe not reached: " + p.session
		}
		return nil, nil, "probe missing from the collection output"
	}
	src := &Source{Probe: id, Command: p.command(id), Exit: sec.Exit, Output: sec.Output}
	if !sec.Complete {
		why := "probe did not complete"
		if p.session != "" {
			why += ": " + p.session
		}
		if bytes.Contains(sec.Output, []byte("0516-1201")) {
			why += " (0516-1201: the volume group is locked)"
		}
		return nil, src, why
	}
	return sec, src, ""
}

// parse runs f on a complete section whose exit status is accepted.
func parse[T any](p *sections, id string, okExit func(int) bool, f func(out []byte, exit int) (T, error)) Fact[T] {
	sec, src, why := p.get(id)
	if sec == nil {
		p.errs[id] = why
		return unknown[T](src, "%s", why)
	}
	if okExit == nil {
		okExit = exitZero
	}
	if !okExit(sec.Exit) {
		r := fmt.Sprintf("%s exited %d: %s", src.Command, sec.Exit, firstLine(sec.Output))
		p.errs[id] = r
		return unknown[T](src, "%s", r)
	}
	v, err := f(sec.Output, sec.Exit)
	if err != nil {
		r := fmt.Sprintf("unexpected output of %s: %v", src.Command, err)
		p.errs[id] = r
		return unknown[T](src, "%s", r)
	}
	return known(v, src)
}

func exitZero(rc int) bool { return rc == 0 }
func anyExit(int) bool     { return true }

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return "(no output)"
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// msgLine matches a line that carries an AIX message (they go to stderr):
// "0516-320 ...", "lsgroup: 3004-687 ...", "ls: 0653-341 ...".
var msgLine = regexp.MustCompile(`^(\S+: )?[0-9]{4}-[0-9]{3,4}\b`)

// splitMerged separates AIX message lines from the rest of a probe's merged
// output: the probes run with 2>&1, and AIX writes its numbered messages
// (and their indented continuation lines) to stderr.
func splitMerged(out []byte) (stdout, stderr []byte) {
	var o, e bytes.Buffer
	inMsg := false
	for _, l := range strings.SplitAfter(string(out), "\n") {
		if l == "" {
			continue
		}
		switch {
		case msgLine.MatchString(l):
			inMsg = true
			e.WriteString(l)
		case inMsg && (strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "        ")):
			e.WriteString(l)
		default:
			inMsg = false
			o.WriteString(l)
		}
	}
	return o.Bytes(), e.Bytes()
}

func stripMessages(out []byte) []byte { o, _ := splitMerged(out); return o }

// ParseClient turns a client's split collection output into facts. script
// names the probes' commands (for evidence) and may be nil for saved output;
// sessionErr is why the session ended early, if it did.
func ParseClient(out *Output, script *Script, plan ClientPlan, sessionErr error) *Client {
	p := newSections(out, script, sessionErr)
	c := &Client{Host: out.Host, Session: sessionErr, SessionReason: p.session, Disks: map[string]*Disk{}}
	c.Hostname = parse(p, pHostname, nil, func(b []byte, _ int) (string, error) {
		s := strings.TrimSpace(string(b))
		if s == "" || strings.ContainsAny(s, " \t\n") {
			return "", fmt.Errorf("want one host name, got %q", firstLine(b))
		}
		return s, nil
	})
	c.OSLevel = parse(p, pOslevel, nil, func(b []byte, _ int) (aix.Level, error) { return aix.ParseOslevel(b) })
	c.BootDisk = parse(p, pBootDisk, nil, func(b []byte, _ int) (string, error) { return aix.ParseBootinfoDisk(b) })
	c.BootBLV = parse(p, pBootBLV, nil, func(b []byte, _ int) (string, error) { return aix.ParseBootinfoBLV(b) })
	c.BootList = parse(p, pBootlist, nil, func(b []byte, _ int) (aix.BootList, error) { return aix.ParseBootlist(b) })
	c.BosInst = parseBosInst(p)
	c.Mounts = parse(p, pMount, nil, func(b []byte, _ int) (aix.Mounts, error) { return aix.ParseMount(b) })
	c.Niminfo = parse(p, pNiminfo, nil, func(b []byte, _ int) (aix.Niminfo, error) { return aix.ParseNiminfo(b) })
	c.Nimsh = parse(p, pNimsh, anyExit, parseLssrc)
	c.Prtconf = parse(p, pPrtconf, nil, func(b []byte, _ int) (aix.Prtconf, error) { return aix.ParsePrtconf(b) })
	c.RealmemKB = parse(p, pRealmem, nil, func(b []byte, _ int) (int, error) { return aix.ParseRealmem(b) })
	c.Filesets = parse(p, pLslpp, nil, func(b []byte, _ int) ([]aix.LslppEntry, error) { return aix.ParseLslppLc(b) })
	c.Efixes = parse(p, pEmgrL, anyExit, func(b []byte, rc int) ([]aix.Efix, error) {
		o, e := splitMerged(b)
		if len(bytes.TrimSpace(o)) == 0 && bytes.Contains(b, []byte("There is no efix data")) {
			e = b
		}
		return aix.ParseEmgrL(o, e, rc)
	})
	c.EfixLocks = parse(p, pEmgrP, anyExit, func(b []byte, rc int) ([]aix.EfixLock, error) {
		if rc != 0 {
			return nil, fmt.Errorf("exit status %d: %s", rc, firstLine(b))
		}
		o := stripMessages(b)
		if len(bytes.TrimSpace(o)) == 0 || bytes.Contains(b, []byte("There is no efix data")) {
			return []aix.EfixLock{}, nil
		}
		return aix.ParseEmgrP(o)
	})
	c.TCB = parse(p, pTcbck, anyExit, parseTcbck)
	c.Groups = parse(p, pGroups, anyExit, func(b []byte, rc int) (aix.GroupCheck, error) {
		o, e := splitMerged(b)
		return aix.ParseLsgroup(o, e, rc, SystemGroups)
	})
	c.BlvLevel = parse(p, pBlvset, nil, func(b []byte, _ int) (aix.BlvLevel, error) { return aix.ParseBlvsetLevel(b) })
	c.IPLDevice = parse(p, pIPLDevice, anyExit, func(b []byte, rc int) (aix.FileInfo, error) {
		if rc != 0 {
			if aix.LsNotExist(b) {
				return aix.FileInfo{}, nil // a zero FileInfo: the link is missing
			}
			return aix.FileInfo{}, fmt.Errorf("exit status %d: %s", rc, firstLine(b))
		}
		return aix.ParseLsLd(b)
	})
	c.Processes = parse(p, pPs, nil, func(b []byte, _ int) (aix.Processes, error) { return aix.ParsePs(b) })
	c.SshdConfig = parse(p, pSshdConfig, anyExit, func(b []byte, rc int) (string, error) {
		if rc != 0 {
			if aix.LsNotExist(b) || bytes.Contains(b, []byte("cannot open")) {
				return "", nil
			}
			return "", fmt.Errorf("exit status %d: %s", rc, firstLine(b))
		}
		return string(b), nil
	})
	c.DF = parse(p, pDf, anyExit, func(b []byte, rc int) (aix.DF, error) { return aix.ParseDf(stripMessages(b)) })
	for _, d := range plan.Disks {
		disk := &Disk{Name: d}
		disk.SizeMB = parse(p, pDiskSize+"."+d, nil, func(b []byte, _ int) (int, error) { return aix.ParseBootinfoSize(b) })
		disk.Bootable = parse(p, pDiskBoot+"."+d, nil, func(b []byte, _ int) (bool, error) { return aix.ParseBootinfoBootable(b) })
		disk.InVG = parse(p, pDiskVG+"."+d, anyExit, func(b []byte, rc int) (bool, error) {
			switch cls, _ := aix.ClassifyGetlvodm(b, b, rc); cls {
			case aix.DiskVGFree:
				return false, nil
			case aix.DiskVGMember:
				return true, nil
			}
			return false, fmt.Errorf("exit status %d, neither a VG identifier nor 0516-320/0516-1396: %s", rc, firstLine(b))
		})
		c.Disks[d] = disk
	}
	c.PVs = parse(p, pLspv, nil, func(b []byte, _ int) (aix.PVs, error) { return aix.ParseLspv(b) })
	c.VGs = parse(p, pLsvg, nil, func(b []byte, _ int) ([]string, error) { return aix.ParseLsvgList(stripMessages(b)) })
	c.VGsOnline = parse(p, pLsvgO, nil, func(b []byte, _ int) ([]string, error) { return aix.ParseLsvgList(stripMessages(b)) })
	c.Rootvg = parse(p, pLsvgRoot, nil, func(b []byte, _ int) (aix.VGInfo, error) { return aix.ParseLsvg(stripMessages(b)) })
	c.RootvgLVs = parse(p, pLsvgLRoot, nil, func(b []byte, _ int) (aix.LVList, error) { return aix.ParseLsvgL(stripMessages(b)) })
	c.RootvgLock = rootvgLock(p)
	c.ProbeErrors = p.errs
	return c
}

func parseLssrc(b []byte, rc int) (aix.Subsystems, error) {
	o, e := splitMerged(b)
	if rc != 0 {
		// "0513-085 The nimsh Subsystem is not on file." [U]: not installed.
		if bytes.Contains(e, []byte("0513-085")) {
			return aix.Subsystems{}, nil
		}
		return nil, fmt.Errorf("exit status %d: %s", rc, firstLine(b))
	}
	return aix.ParseLssrc(o)
}

// parseBosInst reads "ls -ld /bos_inst" and "ls -A /bos_inst".
func parseBosInst(p *sections) Fact[BosInst] {
	f := parse(p, pBosInst, anyExit, func(b []byte, rc int) (BosInst, error) {
		if rc != 0 {
			if aix.LsNotExist(b) {
				return BosInst{}, nil
			}
			return BosInst{}, fmt.Errorf("exit status %d: %s", rc, firstLine(b))
		}
		fi, err := aix.ParseLsLd(b)
		if err != nil {
			return BosInst{}, err
		}
		return BosInst{Exists: true, Info: fi}, nil
	})
	if !f.Known || !f.Value.Exists {
		return f
	}
	list := parse(p, pBosInstA, nil, func(b []byte, _ int) ([]string, error) {
		var names []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				names = append(names, l)
			}
		}
		return names, nil
	})
	if !list.Known {
		return unknown[BosInst](list.Src, "%s", list.Reason)
	}
	f.Value.Entries = list.Value
	return f
}

// parseTcbck classifies tcbck run without arguments: a usage message means
// TCB is enabled, "not enabled" means it is off (IBM's documented test).
func parseTcbck(b []byte, _ int) (bool, error) {
	s := string(b)
	switch {
	case strings.Contains(s, "not enabled"):
		return false, nil
	case strings.Contains(strings.ToLower(s), "usage"):
		return true, nil
	}
	return false, fmt.Errorf("neither a usage message nor \"not enabled\": %s", firstLine(b))
}

// rootvgLock is known true when any LVM probe reported 0516-1201, known
// false when the rootvg listing completed without it.
func rootvgLock(p *sections) Fact[bool] {
	for _, id := range []string{pLspv, pLsvg, pLsvgO, pLsvgRoot, pLsvgLRoot} {
		if sec, ok := p.out.Sections[id]; ok && bytes.Contains(sec.Output, []byte("0516-1201")) {
			src := &Source{Probe: id, Command: p.command(id), Exit: sec.Exit, Output: sec.Output}
			return known(true, src)
		}
	}
	sec, src, why := p.get(pLsvgRoot)
	if sec == nil {
		return unknown[bool](src, "%s", why)
	}
	return known(false, src)
}

// ParseMaster turns a master's split collection output into facts.
func ParseMaster(out *Output, script *Script, plan MasterPlan, sessionErr error) *Master {
	p := newSections(out, script, sessionErr)
	m := &Master{Host: out.Host, Session: sessionErr, SessionReason: p.session,
		Resources:    map[string]Fact[aix.NIMObject]{},
		SpotFilesets: map[string]Fact[[]aix.LslppEntry]{},
		LppLevel:     map[string]Fact[aix.FilesetLevel]{},
		LppFilesets:  map[string]Fact[map[string]string]{},
		CacheVGs:     map[string]Fact[aix.VGInfo]{},
	}
	m.Hostname = parse(p, pHostname, nil, func(b []byte, _ int) (string, error) {
		s := strings.TrimSpace(string(b))
		if s == "" || strings.ContainsAny(s, " \t\n") {
			return "", fmt.Errorf("want one host name, got %q", firstLine(b))
		}
		return s, nil
	})
	m.OSLevel = parse(p, pOslevel, nil, func(b []byte, _ int) (aix.Level, error) { return aix.ParseOslevel(b) })
	m.RealmemKB = parse(p, pRealmem, nil, func(b []byte, _ int) (int, error) { return aix.ParseRealmem(b) })
	m.AltDiskLevel = parse(p, pAltDiskFS, anyExit, func(b []byte, rc int) (aix.FilesetLevel, error) {
		if rc != 0 {
			if _, ok := aix.LslppNotInstalled(b); ok {
				return aix.FilesetLevel{}, nil // zero: not installed
			}
			return aix.FilesetLevel{}, fmt.Errorf("exit status %d: %s", rc, firstLine(b))
		}
		es, err := aix.ParseLslppLc(b)
		if err != nil {
			return aix.FilesetLevel{}, err
		}
		for _, e := range es {
			if e.Fileset == "bos.alt_disk_install.rte" {
				return e.FilesetLevel()
			}
		}
		return aix.FilesetLevel{}, nil
	})
	m.Nimsh = parse(p, pNimsh, anyExit, parseLssrc)
	m.EtcHosts = parse(p, pEtcHosts, nil, func(b []byte, _ int) (string, error) { return string(b), nil })
	m.Processes = parse(p, pPs, nil, func(b []byte, _ int) (aix.Processes, error) { return aix.ParsePs(b) })
	m.Clients = parse(p, pLsnimClients, anyExit, func(b []byte, rc int) (map[string]aix.NIMObject, error) {
		res := map[string]aix.NIMObject{}
		o, _ := splitMerged(b)
		if len(bytes.TrimSpace(o)) == 0 {
			return res, nil // no standalone client defined
		}
		if rc != 0 {
			return nil, fmt.Errorf("exit status %d: %s", rc, firstLine(b))
		}
		objs, err := aix.ParseLsnimLong(o)
		if err != nil {
			return nil, err
		}
		for _, obj := range objs {
			res[obj.Name] = obj
		}
		return res, nil
	})
	for _, r := range append(append([]string{}, plan.Spots...), plan.LppSources...) {
		m.Resources[r] = parse(p, pLsnimRes+"."+r, anyExit, func(b []byte, rc int) (aix.NIMObject, error) {
			if rc != 0 {
				if _, ok := aix.LsnimMissing(b, rc); ok {
					return aix.NIMObject{}, nil // zero: not defined (0042-053)
				}
				return aix.NIMObject{}, fmt.Errorf("exit status %d: %s", rc, firstLine(b))
			}
			return aix.ParseLsnimObject(b)
		})
	}
	for _, r := range plan.Spots {
		m.SpotFilesets[r] = parse(p, pShowresSpot+"."+r, nil, func(b []byte, _ int) ([]aix.LslppEntry, error) { return aix.ParseShowresLslpp(b) })
	}
	for _, r := range plan.LppSources {
		m.LppLevel[r] = parse(p, pShowresLpp+"."+r, nil, func(b []byte, _ int) (aix.FilesetLevel, error) { return aix.ParseShowresMp64(b) })
		m.LppFilesets[r] = parse(p, pShowresLpp+"."+r, nil, func(b []byte, _ int) (map[string]string, error) { return parseShowresFilesets(b) })
	}
	m.VGs = parse(p, pLsvg, nil, func(b []byte, _ int) ([]string, error) { return aix.ParseLsvgList(stripMessages(b)) })
	m.VGsOnline = parse(p, pLsvgO, nil, func(b []byte, _ int) ([]string, error) { return aix.ParseLsvgList(stripMessages(b)) })
	for _, vg := range plan.CacheVGs {
		m.CacheVGs[vg] = parse(p, pLsvg+"."+vg, anyExit, func(b []byte, rc int) (aix.VGInfo, error) {
			if rc != 0 {
				return aix.VGInfo{}, fmt.Errorf("exit status %d: %s", rc, firstLine(b))
			}
			return aix.ParseLsvg(stripMessages(b))
		})
	}
	m.ProbeErrors = p.errs
	return m
}

// showresRowRE is a fileset row of `nim -o showres LPP_SOURCE`:
// "  bos.rte   7.1.1.15   I  N usr,root" [U: the layout is that of
// installp -L listings; only IBM's bos.mp64 regex is confirmed].
var showresRowRE = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9_.+-]*)\s+([0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,4}\.[0-9]{1,4})(?:\s|$)`)

// parseShowresFilesets lists the filesets an lpp_source offers, name to
// level (the highest when a fileset is listed more than once). Headers,
// "#" description lines and other lines are skipped; output without a
// single fileset row is an error.
func parseShowresFilesets(b []byte) (map[string]string, error) {
	res := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		m := showresRowRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if old, ok := res[m[1]]; ok {
			o, err1 := aix.ParseFilesetLevel(old)
			n, err2 := aix.ParseFilesetLevel(m[2])
			if err1 == nil && err2 == nil && o.Compare(n) >= 0 {
				continue
			}
		}
		res[m[1]] = m[2]
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("no fileset rows (want \"<fileset> <V.R.M.F> ...\")")
	}
	return res, nil
}

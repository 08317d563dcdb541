package sim

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func init() {
	register(cmdLslpp, false, "/usr/bin/lslpp")
	register(cmdLppchk, false, "/usr/bin/lppchk")
	register(cmdInstfix, false, "/usr/sbin/instfix")
	register(cmdEmgr, false, "/usr/sbin/emgr")
}

const usageLslpp = "Usage: lslpp {-d|-f|-h|-i|-l|-L|-p} [-a] [-c] [-J] [-q] [-I] [-O {[r][s][u]}]\n\t[ProductName ...]\n" // [U]

// selectFilesets returns the filesets matching the patterns (all when
// none) and the patterns that matched nothing.
func selectFilesets(all []*fileset, pats []string) ([]*fileset, []string) {
	if len(pats) == 0 {
		return all, nil
	}
	var out []*fileset
	var missing []string
	seen := map[string]bool{}
	for _, p := range pats {
		found := false
		for _, f := range all {
			if ok, _ := path.Match(p, f.name); ok || f.name == p {
				found = true
				if !seen[f.name] {
					seen[f.name] = true
					out = append(out, f)
				}
			}
		}
		if !found {
			missing = append(missing, p)
		}
	}
	return out, missing
}

// wrapWords splits s into lines of at most width characters.
func wrapWords(s string, width int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case len(cur)+1+len(w) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" || len(out) == 0 {
		out = append(out, cur)
	}
	return out
}

// lslppLRow is one `lslpp -l` entry [C: commands.md §12 — name at 2, level
// ending at 36, state at 38, description at 49 wrapping to column 49,
// EFIXLOCKED on its own line at 38, long names alone on their line].
func lslppLRow(f *fileset, locked bool) string {
	var b strings.Builder
	state := "COMMITTED"
	lead := "  " + f.name
	if len(lead)+1+len(f.level) > 36 {
		b.WriteString(lead + "\n")
		lead = ""
	}
	lead += strings.Repeat(" ", max(1, 36-len(lead)-len(f.level))) + f.level
	desc := wrapWords(f.desc, 31)
	b.WriteString(lead + "  " + padRight(state, 9) + "  " + desc[0] + "\n")
	for _, d := range desc[1:] {
		b.WriteString(strings.Repeat(" ", 49) + d + "\n")
	}
	if locked {
		b.WriteString(strings.Repeat(" ", 38) + "EFIXLOCKED\n")
	}
	return b.String()
}

func cmdLslpp(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "lLcqaIJhpdfi")
	if err != nil || !(o.has('l') || o.has('L') || o.has('h') || o.has('p')) {
		return usage(inv, err, usageLslpp)
	}
	h.mu.Lock()
	os := h.os()
	sel, missing := selectFilesets(os.filesets, args)
	type row struct {
		f      *fileset
		locked bool
	}
	var rows []row
	for _, f := range sel {
		rows = append(rows, row{f, os.lockedBy(f.name) != ""})
	}
	build := os.level.Build
	h.mu.Unlock()
	var b strings.Builder
	q := o.has('q')
	switch {
	case o.has('L') && o.has('c'):
		if !q {
			b.WriteString("#Package Name:Fileset:Level:State:PTF Id:Fix State:Type:Description:Destination Dir.:Uninstaller:Message Catalog:Message Set:Message Number:Parent:Automatic:EFIX Locked:Install Path:Build Date\n")
		}
		for _, r := range rows {
			lk, bd := "0", ""
			if r.locked {
				lk = "1"
			}
			if strings.HasPrefix(r.f.name, "bos.") {
				bd = fmt.Sprintf("%04d", build)
			}
			// [C] 18 fields, blank fields are one space (commands.md §12).
			fmt.Fprintf(&b, "%s:%s:%s: : :C: :%s: : : : : : :0:%s:/:%s\n", r.f.pkg, r.f.name, r.f.level, r.f.desc, lk, bd)
		}
	case o.has('l') && o.has('c'):
		if !q {
			b.WriteString("#Path:Fileset:Level:PTF Id:State:Type:Description:EFIX Locked\n") // [U] header
		}
		for _, part := range []string{"/usr/lib/objrepos", "/etc/objrepos"} {
			for _, r := range rows {
				if part == "/etc/objrepos" && !r.f.root {
					continue
				}
				lk := ""
				if r.locked {
					lk = "EFIXLOCKED"
				}
				// [C] 8 fields as IBM's lpp_facts.py reads them.
				fmt.Fprintf(&b, "%s:%s:%s::COMMITTED:I:%s:%s\n", part, r.f.name, r.f.level, r.f.desc, lk)
			}
		}
	case o.has('L'):
		if !q {
			b.WriteString("  Fileset                      Level  State  Type  Description (Uninstaller)\n")
			b.WriteString("  ----------------------------------------------------------------------------\n")
		}
		for _, r := range rows {
			st := "C"
			if r.locked {
				st = "E"
			}
			lead := "  " + r.f.name
			lead += strings.Repeat(" ", max(1, 36-len(lead)-len(r.f.level))) + r.f.level
			// [C shape: commands.md §12 — the sample's indentation is
			// trimmed by one/two spaces; columns here follow real AIX].
			fmt.Fprintf(&b, "%s    %s     F    %s\n", lead, st, r.f.desc)
		}
		if !q {
			// [U] legend wording.
			b.WriteString("\nState codes: \n A -- Applied. \n B -- Broken. \n C -- Committed. \n E -- EFIX Locked. \n O -- Obsolete.  (partially migrated to newer version) \n ? -- Inconsistent State...Run lppchk -v. \n\nType codes: \n F -- Installp Fileset \n P -- Product \n C -- Component \n T -- Feature \n R -- RPM Package \n E -- Interim Fix \n")
		}
	case o.has('l'):
		if !q {
			b.WriteString("  Fileset                      Level  State      Description\n")
			b.WriteString("  ----------------------------------------------------------------------------\n")
		}
		if len(rows) > 0 {
			b.WriteString("Path: /usr/lib/objrepos\n")
			for _, r := range rows {
				b.WriteString(lslppLRow(r.f, r.locked))
			}
			var root []row
			for _, r := range rows {
				if r.f.root {
					root = append(root, r)
				}
			}
			if len(root) > 0 {
				b.WriteString("Path: /etc/objrepos\n")
				for _, r := range root {
					b.WriteString(lslppLRow(r.f, r.locked))
				}
			}
		}
	case o.has('h'):
		b.WriteString("  Fileset         Level     Action       Status       Date         Time        \n")
		b.WriteString("  ----------------------------------------------------------------------------\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "Path: /usr/lib/objrepos\n  %s\n                 %-9s COMMIT       COMPLETE     01/01/20     00:00:00    \n", r.f.name, r.f.level) // [U]
		}
	case o.has('p'):
		for _, r := range rows {
			fmt.Fprintf(&b, "/usr/lib/objrepos:%s %s:NONE\n", r.f.name, r.f.level) // [C shape: lslpp -pcq]
		}
	}
	out(inv, "%s", b.String())
	for _, m := range missing {
		errf(inv, "lslpp: 0504-132  Fileset %s not installed.\n", m) // [U exact text]
	}
	if len(missing) > 0 {
		return 1
	}
	return 0
}

// cmdLppchk -v is silent with status 0 on a consistent system; after an
// incomplete migration (E39) it reports the missing requisites [U rows].
func cmdLppchk(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, _, err := getopt(inv.Args[1:], "vcfluO:m:")
	if err != nil || !(o.has('v') || o.has('c') || o.has('f') || o.has('l')) {
		return usage(inv, err, "Usage: lppchk {-c | -f | -l | -v} [-u] [-O {[r][s][u]}] [-mn] [fileset [path...]]\n") // [U]
	}
	h.mu.Lock()
	bad := h.os().notAllTL != ""
	h.mu.Unlock()
	if o.has('v') && bad {
		// Header [C: errors.md/commands.md §13]; the row layout is [U].
		errf(inv, "lppchk:  The following filesets need to be installed or corrected to bring\n\t the system to a consistent state:\n\n  Java8_64.jre 8.0.0.600                  (not installed; requisite fileset)\n")
		return 1
	}
	return 0
}

// cmdInstfix answers `instfix -i [-k KEY]` [C phrasing, commands.md §20]
// and `instfix -icq` [C shape].
func cmdInstfix(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "ick:qatsv")
	if err != nil || len(args) > 0 || !o.has('i') {
		return usage(inv, err, "Usage: instfix [-T [-M Platform]] [-s String] [ -S ] [-k Keyword | -f File]\n\t[-d Device] [-i [-c] [-q] [-t Type] [-v] [-F]] [-a]\n") // [U]
	}
	h.mu.Lock()
	os := h.os()
	lvl := os.level
	notAll := os.notAllTL
	h.mu.Unlock()
	type kw struct {
		key string
		all bool
	}
	var kws []kw
	for tl := 0; tl <= lvl.TL; tl++ {
		k := fmt.Sprintf("%d%d00-%02d_AIX_ML", lvl.Version, lvl.Release, tl)
		kws = append(kws, kw{k, k != notAll})
	}
	kws = append(kws, kw{lvl.VRMF() + "_AIX_ML", true})
	if want := o.get('k'); want != "" {
		var sel []kw
		for _, k := range kws {
			if k.key == want {
				sel = append(sel, k)
			}
		}
		if len(sel) == 0 {
			if o.has('q') {
				return 1
			}
			out(inv, "    There was no data for %s in the fix database.\n", want) // [U]
			return 1
		}
		kws = sel
	}
	if o.has('c') {
		if !o.has('q') {
			out(inv, "#Keyword:Fileset:ReqLevel:InstLevel:Status:Abstract\n") // [U] header
		}
		bos := lvl.info().bos
		for _, k := range kws {
			st := "="
			if !k.all {
				st = "-"
			}
			out(inv, "%s:bos.rte:%s:%s:%s:AIX %s\n", k.key, bos, bos, st, strings.TrimSuffix(k.key, "_AIX_ML"))
		}
		return 0
	}
	for _, k := range kws {
		if k.all {
			out(inv, "    All filesets for %s were found.\n", k.key)
		} else {
			out(inv, "    Not all filesets for %s were found.\n", k.key)
		}
	}
	return 0
}

var emgrLegend = []string{
	"STATE codes:",
	" S = STABLE",
	" M = MOUNTED",
	" U = UNMOUNTED",
	" Q = REBOOT REQUIRED",
	" B = BROKEN",
	" I = INSTALLING",
	" R = REMOVING",
	" T = TESTED",
	" P = PATCHED",
	" N = NOT PATCHED",
	" SP = STABLE + PATCHED",
	" SN = STABLE + NOT PATCHED",
	" QP = BOOT IMAGE MODIFIED + PATCHED",
	" QN = BOOT IMAGE MODIFIED + NOT PATCHED",
	" RQ = REMOVING + REBOOT REQUIRED",
}

func cmdEmgr(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "lPrL:v:en:X")
	if err != nil || len(args) > 0 || !(o.has('l') || o.has('P') || o.has('r')) {
		return usage(inv, err, "Usage: emgr [-l] [-P] [-r -L Label] [-e EfixPackage] ...\n") // [U] only -l, -P, -r -L are simulated
	}
	h.mu.Lock()
	os := h.os()
	lvl := os.level
	switch {
	case o.has('r'):
		label := o.get('L')
		if label == "" {
			h.mu.Unlock()
			return usage(inv, nil, "Usage: emgr -r -L Label\n")
		}
		idx := -1
		for i, e := range os.efixes {
			if e.label == label {
				idx = i
			}
		}
		if idx < 0 {
			h.mu.Unlock()
			errf(inv, "emgr: 0645-066 There is no efix with label %s.\n", label) // [U] text; ID [C]
			return 1
		}
		os.efixes = append(os.efixes[:idx], os.efixes[idx+1:]...)
		h.mu.Unlock()
		// [U] operation report.
		lines(inv.Stdout,
			"+-----------------------------------------------------------------------------+",
			"Efix Manager Initialization",
			"+-----------------------------------------------------------------------------+",
			"Initializing log /var/adm/ras/emgr.log ...",
			"Accessing efix metadata ...",
			fmt.Sprintf("Processing efix label \"%s\" ...", label),
			"",
			"+-----------------------------------------------------------------------------+",
			"Operation Summary",
			"+-----------------------------------------------------------------------------+",
			"Log file is /var/adm/ras/emgr.log",
			"",
			"EPKG NUMBER       LABEL               OPERATION              RESULT",
			"===========       ==============      =================      ==============",
			fmt.Sprintf("%-17s %-19s %-22s %s", "1", label, "REMOVE", "SUCCESS"),
			"",
			"Return Status = SUCCESS",
		)
		return 0
	case o.has('P'):
		type lk struct{ pkg, label string }
		var ls []lk
		for _, e := range os.efixes {
			for _, p := range e.locks {
				ls = append(ls, lk{p, e.label})
			}
		}
		h.mu.Unlock()
		if len(ls) == 0 {
			return 0 // [C] stdout empty when nothing is locked
		}
		// [C] columns 0/57/69 (flrtvc.py comment).
		out(inv, "PACKAGE                                                  INSTALLER   LABEL\n")
		out(inv, "======================================================== =========== ==========\n")
		for _, l := range ls {
			out(inv, "%-56s %-11s %s\n", l.pkg, "installp", l.label)
		}
		return 0
	}
	fixes := make([]efix, len(os.efixes))
	for i, e := range os.efixes {
		fixes[i] = *e
	}
	h.mu.Unlock()
	if len(fixes) == 0 {
		errf(inv, "There is no efix data on this system.\n") // [C] stderr, rc 0
		return 0
	}
	newFormat := lvl.vr() > 73 || (lvl.vr() == 73 && lvl.TL >= 2)
	var b strings.Builder
	if !newFormat {
		// The real capture of IBM issue #235 starts with an empty line; the
		// 7.3 TL2 fixture (sample_emgr_output2) does not.
		b.WriteString("\n")
	}
	b.WriteString("ID  STATE LABEL      INSTALL TIME      UPDATED BY ABSTRACT\n")
	if newFormat {
		b.WriteString("====== ================ ================= ========== ======================================\n")
	} else {
		b.WriteString("=== ===== ========== ================= ========== ======================================\n")
	}
	for i, e := range fixes {
		st := " " + e.state
		if e.state == "Q" {
			st = "*Q*"
		}
		abs := e.abstract
		if !newFormat {
			abs = padRight(abs, 38)
		}
		// [C] columns 0/4/10/21/39/50 (commands.md §19).
		fmt.Fprintf(&b, "%-3d %-5s %-10s %-17s %-10s %s\n", i+1, st, e.label, e.installed, "", abs)
	}
	if newFormat {
		b.WriteString(" \n")
	} else {
		b.WriteString("\n")
	}
	for _, l := range emgrLegend {
		b.WriteString(l + "\n")
	}
	out(inv, "%s", b.String())
	return 0
}

package diag

// The segmenter recognises what a line is: a nimadm phase banner, the start
// of an alt_disk run or a multibos operation, the command being run, a fact
// such as the client name. Markers are checked by prefix (a switch on the
// first byte) or, for markers that may sit anywhere in a line, through the
// prefilter automaton. All checks are exact; none uses a regular
// expression, because they run on every line.

import (
	"bytes"
	"path"
	"strings"
)

// marker is a kind hint found anywhere in a line.
type marker uint8

const (
	mkNone marker = iota
	mkNimadm
	mkInstallp
	mkBosboot
	mkNIM
	mkLVM
	mkSSH
	mkPrompt // a shell prompt may start here: look for a command
)

var markerKind = [...]Kind{mkNimadm: KindNimadm, mkInstallp: KindInstallp, mkBosboot: KindBosboot, mkNIM: KindNIM, mkLVM: KindLVM, mkSSH: KindSSH, mkPrompt: ""}

var substringMarkers = []struct {
	lit    string
	marker marker
}{
	{"nimadm:", mkNimadm},
	{"installp:", mkInstallp},
	{"sysck:", mkInstallp},
	{"geninstall", mkInstallp},
	{"EFIX MANAGER LOCKS", mkInstallp},
	{"Requisite Failures", mkInstallp},
	{"Installation Summary", mkInstallp},
	{"Pre-installation Verification", mkInstallp},
	{"bosboot:", mkBosboot},
	{"mkszfile", mkBosboot},
	{"Cstate", mkNIM},
	{"lsnim", mkNIM},
	{"LV NAME", mkLVM},
	{"PHYSICAL VOLUME:", mkLVM},
	{"allocp:", mkLVM},
	{"mklv:", mkLVM},
	{"extendvg:", mkLVM},
	{"extendlv:", mkLVM},
	{"lsvg:", mkLVM},
	{"sshd_config", mkSSH},
	{"sshd:", mkSSH},
	{"# ", mkPrompt},
	{"$ ", mkPrompt},
	{"> ", mkPrompt},
}

// idPrefixKind maps a message-ID prefix to the kind of program that prints
// it (errors.md §0).
func idPrefixKind(p int) Kind {
	switch p {
	case 42:
		return KindNIM
	case 503, 3001:
		return KindInstallp
	case 301, 514:
		return KindBosboot
	case 565:
		return KindMultibos
	case 516:
		return KindLVM
	case 505:
		return KindAltDisk
	}
	return ""
}

// commandKinds maps the base name of a command typed at a shell prompt to
// the kind of its output.
var commandKinds = map[string]Kind{
	"nimadm":   KindNimadm,
	"multibos": KindMultibos,

	"alt_disk_copy": KindAltDisk, "alt_disk_install": KindAltDisk,
	"alt_disk_mksysb": KindAltDisk, "alt_rootvg_op": KindAltDisk,

	"installp": KindInstallp, "geninstall": KindInstallp, "emgr": KindInstallp,
	"instfix": KindInstallp, "lslpp": KindInstallp, "lppchk": KindInstallp,
	"install_all_updates": KindInstallp,

	"bosboot": KindBosboot, "mkszfile": KindBosboot, "savebase": KindBosboot,
	"bootlist": KindBosboot, "bootinfo": KindBosboot,

	"nim": KindNIM, "lsnim": KindNIM, "niminit": KindNIM,

	"lsvg": KindLVM, "lspv": KindLVM, "lslv": KindLVM, "mklv": KindLVM,
	"extendlv": KindLVM, "extendvg": KindLVM, "chvg": KindLVM, "chfs": KindLVM,
	"chlv": KindLVM, "varyonvg": KindLVM, "getlvodm": KindLVM, "mkvg": KindLVM,
	"reducevg": KindLVM, "lsfs": KindLVM,

	"sshd": KindSSH,
}

// Fact indexes into factSet, in factNames order.
const (
	factClient = iota
	factDisk
	factVersion
	factCacheVG
	factSpot
	factLppSource
	nFacts
)

// factSet holds placeholder values found in the logs.
type factSet [nFacts]string

// set records v unless a value is already known: the first sighting wins
// (the nimadm command line comes before the cleanup lines).
func (f *factSet) set(i int, v string) {
	if f[i] == "" && v != "" {
		f[i] = v
	}
}

func (f *factSet) merge(o *factSet) {
	for i := range f {
		f.set(i, o[i])
	}
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

// isBanner reports a nimadm/multibos section rule: "+", 77 "-", "+".
func isBanner(t []byte) bool {
	if len(t) != 79 || t[0] != '+' || t[78] != '+' {
		return false
	}
	for _, c := range t[1:78] {
		if c != '-' {
			return false
		}
	}
	return true
}

// phaseBanner parses "Executing nimadm phase N.".
func phaseBanner(t []byte) (int, bool) {
	const p = "Executing nimadm phase "
	if !hasPrefix(t, p) {
		return 0, false
	}
	return smallNumber(t[len(p):], '.', 12)
}

// altPhaseLine parses "## Phase N ###...".
func altPhaseLine(t []byte) (int, bool) {
	const p = "## Phase "
	if !hasPrefix(t, p) {
		return 0, false
	}
	return smallNumber(t[len(p):], ' ', 3)
}

// smallNumber parses 1-2 digits followed by end (or end of line) with a
// value 1..max.
func smallNumber(b []byte, end byte, max int) (int, bool) {
	n, i := 0, 0
	for i < len(b) && i < 2 && isDigit(b[i]) {
		n = n*10 + int(b[i]-'0')
		i++
	}
	if i == 0 || n < 1 || n > max {
		return 0, false
	}
	if i < len(b) && b[i] != end {
		return 0, false
	}
	return n, true
}

var (
	weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	months   = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

func oneOf(b []byte, set []string) bool {
	for _, s := range set {
		if string(b) == s {
			return true
		}
	}
	return false
}

// isDateLine reports a date(1) line as written at the start of each
// alt_disk_inst.log record: "Tue Nov 22 14:48:12 EETDT 2011".
func isDateLine(t []byte) bool {
	t = bytes.TrimRight(t, " \t")
	if len(t) < 24 || len(t) > 40 || t[3] != ' ' || t[7] != ' ' {
		return false
	}
	if !oneOf(t[:3], weekdays) || !oneOf(t[4:7], months) {
		return false
	}
	rest := bytes.TrimLeft(t[8:], " ")
	// day, time
	i := 0
	for i < len(rest) && i < 2 && isDigit(rest[i]) {
		i++
	}
	if i == 0 || i >= len(rest) || rest[i] != ' ' {
		return false
	}
	tm := rest[i+1:]
	if len(tm) < 8 || tm[2] != ':' || tm[5] != ':' {
		return false
	}
	for _, j := range []int{0, 1, 3, 4, 6, 7} {
		if !isDigit(tm[j]) {
			return false
		}
	}
	y := t[len(t)-4:]
	return isDigit(y[0]) && isDigit(y[1]) && isDigit(y[2]) && isDigit(y[3]) && t[len(t)-5] == ' '
}

// promptCommand finds a command typed at a shell prompt: "# nimadm ...",
// "root@nim1 : / # nimadm ...", "$ lsvg -l rootvg". It returns the command
// line and the kind of its output.
func promptCommand(t []byte) (string, Kind, bool) {
	rest := t
	for tries := 0; tries < 3; tries++ {
		i := bytes.IndexAny(rest, "#$>")
		if i < 0 || i > 80 {
			return "", "", false
		}
		after := rest[i+1:]
		rest = after
		if len(after) == 0 || after[0] != ' ' {
			continue
		}
		cmd := bytes.TrimLeft(after, " ")
		word := cmd
		if j := bytes.IndexAny(word, " \t"); j >= 0 {
			word = word[:j]
		}
		base := path.Base(string(word))
		if k, ok := commandKinds[base]; ok {
			return string(bytes.TrimRight(cmd, " \t")), k, true
		}
	}
	return "", "", false
}

// splitCommand splits a command line into words; double quotes group.
func splitCommand(s string) []string {
	var words []string
	var cur strings.Builder
	inQ, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inQ = !inQ
			have = true
		case (c == ' ' || c == '\t') && !inQ:
			if have {
				words = append(words, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		words = append(words, cur.String())
	}
	return words
}

// Flags that take an argument, per command (from the syntax blocks in
// nimadm.md §1-2 and the alt_disk_copy usage).
const (
	nimadmArgFlags  = "abcdeijlmosPzTON"
	altDiskArgFlags = "bcdefilMPswx"
)

// commandFacts extracts facts from a command line and, for alt_disk
// commands run with a single -P phase, the alt_disk phase.
func commandFacts(cmd string, f *factSet) (altPhase int) {
	words := splitCommand(cmd)
	if len(words) == 0 {
		return 0
	}
	base := path.Base(words[0])
	var argFlags string
	switch base {
	case "nimadm":
		argFlags = nimadmArgFlags
	case "alt_disk_copy", "alt_disk_install", "alt_disk_mksysb", "alt_rootvg_op":
		argFlags = altDiskArgFlags
	default:
		return 0
	}
	for i := 1; i < len(words); i++ {
		w := words[i]
		if len(w) < 2 || w[0] != '-' {
			continue
		}
		flag := w[1]
		if strings.IndexByte(argFlags, flag) < 0 {
			continue
		}
		val := w[2:]
		if val == "" && i+1 < len(words) {
			i++
			val = words[i]
		}
		switch {
		case flag == 'c' && base == "nimadm":
			f.set(factClient, val)
		case flag == 'd':
			f.set(factDisk, val)
		case flag == 'j' && base == "nimadm":
			f.set(factCacheVG, val)
		case flag == 's' && base == "nimadm":
			f.set(factSpot, val)
		case flag == 'l' && base == "nimadm":
			f.set(factLppSource, val)
		case flag == 'M':
			f.set(factVersion, val)
		case flag == 'P' && base != "nimadm":
			if n, ok := smallNumber([]byte(val), 0, 3); ok && len(val) == 1 {
				altPhase = n
			}
		}
	}
	return altPhase
}

// wordAfter returns the first word after prefix p in t, without a final
// period.
func wordAfter(t []byte, p string) string {
	rest := t[len(p):]
	if j := bytes.IndexAny(rest, " \t"); j >= 0 {
		rest = rest[:j]
	}
	return string(bytes.TrimRight(rest, "."))
}

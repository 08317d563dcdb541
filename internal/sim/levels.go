package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Level is an AIX service-pack level as `oslevel -s` prints it:
// VVRR-TT-SS-YYWW, e.g. 7100-01-01-1141.
type Level struct {
	Version, Release, TL, SP, Build int
}

// levelInfo is what the lab knows about one AIX level. Fileset levels and
// OpenSSH levels are plausible values [U]: the lab needs them to be
// consistent, not exact.
type levelInfo struct {
	level   string
	bos     string // level of bos.rte, bos.mp64, bos.alt_disk_install.rte, ...
	openssh string // openssh.base.server level shipped with (or usual for) the level
}

// knownLevels is the table of AIX levels the lab accepts. A scenario naming
// any other level is rejected. The `oslevel -s` strings in the first column
// are [C] (seen in the domain notes); the fileset and OpenSSH levels are [U].
var knownLevels = []levelInfo{
	{"5300-12-04-1119", "5.3.12.4", "5.0.0.5302"},
	{"6100-08-02-1316", "6.1.8.15", "6.0.0.6103"},
	{"6100-09-12-1846", "6.1.9.400", "7.5.102.1800"},
	{"7100-01-01-1141", "7.1.1.15", "5.8.0.6102"},
	{"7100-03-05-1524", "7.1.3.45", "6.0.0.6104"},
	{"7100-05-09-2148", "7.1.5.38", "8.1.102.2101"},
	{"7200-03-03-1914", "7.2.3.17", "7.5.102.1800"},
	{"7200-05-03-2148", "7.2.5.102", "8.1.102.2101"},
	{"7200-05-05-2246", "7.2.5.200", "8.1.102.2103"},
	{"7200-05-07-2346", "7.2.5.202", "9.2.112.2300"},
	{"7300-02-00-0000", "7.3.2.0", "9.2.112.2300"},
	{"7300-03-01-2446", "7.3.3.1", "9.7.3011.1100"},
}

// KnownLevels returns the `oslevel -s` strings the lab accepts, oldest first.
func KnownLevels() []string {
	out := make([]string, len(knownLevels))
	for i, k := range knownLevels {
		out[i] = k.level
	}
	return out
}

func lookupLevel(s string) (levelInfo, bool) {
	for _, k := range knownLevels {
		if k.level == s {
			return k, true
		}
	}
	return levelInfo{}, false
}

// ParseLevel parses an `oslevel -s` string. It checks the syntax only; see
// KnownLevels for the levels a scenario may use.
func ParseLevel(s string) (Level, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 4 || len(parts[0]) != 4 || len(parts[1]) != 2 || len(parts[2]) != 2 || len(parts[3]) != 4 {
		return Level{}, fmt.Errorf("level %q: want VVRR-TT-SS-YYWW", s)
	}
	n := make([]int, 4)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return Level{}, fmt.Errorf("level %q: %q is not a number", s, p)
		}
		n[i] = v
	}
	if n[0]%100 != 0 {
		return Level{}, fmt.Errorf("level %q: want VR00 in the first field", s)
	}
	return Level{Version: n[0] / 1000, Release: n[0] / 100 % 10, TL: n[1], SP: n[2], Build: n[3]}, nil
}

func mustLevel(s string) Level {
	l, err := ParseLevel(s)
	if err != nil {
		panic(err)
	}
	return l
}

// String returns the `oslevel -s` form.
func (l Level) String() string {
	return fmt.Sprintf("%d%d00-%02d-%02d-%04d", l.Version, l.Release, l.TL, l.SP, l.Build)
}

// VR returns "V.R", the form nimadm passes to alt_disk_copy -M.
func (l Level) VR() string { return fmt.Sprintf("%d.%d", l.Version, l.Release) }

// VRMF returns the base level as plain `oslevel` prints it, e.g. 7.1.0.0.
func (l Level) VRMF() string { return fmt.Sprintf("%d.%d.0.0", l.Version, l.Release) }

// TLString returns the `oslevel -r` form, e.g. 7100-01.
func (l Level) TLString() string { return fmt.Sprintf("%d%d00-%02d", l.Version, l.Release, l.TL) }

// vr returns 10*V+R for comparisons of releases (53, 61, 71, 72, 73).
func (l Level) vr() int { return l.Version*10 + l.Release }

// Compare orders levels by version, release, TL, SP, build.
func (l Level) Compare(o Level) int {
	a := []int{l.Version, l.Release, l.TL, l.SP, l.Build}
	b := []int{o.Version, o.Release, o.TL, o.SP, o.Build}
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func (l Level) info() levelInfo {
	if k, ok := lookupLevel(l.String()); ok {
		return k
	}
	// Levels derived at run time (an incomplete migration) fall back to the
	// nearest known level of the same release.
	best := levelInfo{bos: fmt.Sprintf("%d.%d.%d.0", l.Version, l.Release, l.TL), openssh: "7.5.102.1800"}
	for _, k := range knownLevels {
		kl := mustLevel(k.level)
		if kl.vr() == l.vr() && kl.Compare(l) <= 0 {
			best = k
		}
	}
	return best
}

// supportedSources lists, per target release, the source releases nimadm
// can migrate from in the lab. 7.1 from 5.3 and 6.1 is [C]; 7.2 from 6.1
// and 7.1 and 7.3 from 7.1 and 7.2 follow IBM's pages and Ansible role; the
// rest (5.3 to 7.2 or 7.3, 6.1 to 7.3) is refused [U].
var supportedSources = map[int][]int{
	71: {53, 61},
	72: {61, 71},
	73: {71, 72},
}

func pathSupported(src, dst Level) bool {
	for _, s := range supportedSources[dst.vr()] {
		if s == src.vr() {
			return true
		}
	}
	return false
}

// compareFilesetLevel compares dotted fileset levels numerically.
func compareFilesetLevel(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// opensshRejectsLegacy reports whether an OpenSSH level refuses the legacy
// ciphers (arcfour, blowfish-cbc, ...) that E45 is about. OpenSSH 7.x and
// later do [U for the exact boundary].
func opensshRejectsLegacy(level string) bool {
	major, _ := strconv.Atoi(strings.SplitN(level, ".", 2)[0])
	return major >= 7
}

func sortedLevels(levels []string) []string {
	out := append([]string(nil), levels...)
	sort.Slice(out, func(i, j int) bool { return mustLevel(out[i]).Compare(mustLevel(out[j])) < 0 })
	return out
}

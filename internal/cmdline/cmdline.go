// Package cmdline builds the command lines nimfleet sends to AIX hosts, from
// validated tokens, with POSIX (ksh) quoting.
//
// The rules of this file:
//
//   - Every argument is an [Arg]. An untyped string constant converts to Arg
//     implicitly, so fixed words read naturally: Build("/usr/sbin/lsvg", "-o").
//     A string variable does not: it must come from a validating constructor
//     ([Disk], [NIM], [VG], [Path], ...), which rejects hostile values and
//     values starting with '-'. Writing Arg(s) by hand is the one escape
//     hatch; keep it for values built from other Args or from constants, so
//     that a grep for "cmdline.Arg(" finds every exception.
//   - [Build] quotes every word with [Quote], so even a value that slipped
//     through cannot leave its word: the worst it can do is be a wrong
//     argument.
//   - [CRsh] wraps a built line for the NIM master's c_rsh method, quoting it
//     a second time, and [ParseRCTrailer] undoes the "echo rc=$?" trailer
//     that carries the client's exit status back.
package cmdline

import (
	"strconv"
	"strings"

	"github.com/nimfleet/nimfleet/internal/names"
)

// Arg is one word of a command line, unquoted. See the package
// documentation for how values become Args.
type Arg string

// String returns the word as it is, unquoted.
func (a Arg) String() string { return string(a) }

// safe reports whether b may appear unquoted in a word.
func safe(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
		strings.IndexByte("_./=:@%+,-", b) >= 0
}

// Quote returns s quoted for a POSIX shell (ksh, sh, bash) so that the shell
// reads it back as exactly one word equal to s. Words made only of letters,
// digits and _ . / = : @ % + , - are returned unchanged; anything else,
// including the empty string, is put in single quotes, and a single quote
// inside becomes quote, backslash, quote, quote:
//
//	it's  ->  'it'\''s'
//	""    ->  ''
//	a b   ->  'a b'
//
// A shell cannot receive a NUL byte in a command line; callers must not pass
// strings containing NUL (the validators of package names reject them).
func Quote(s string) string {
	if s != "" && allSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			b.WriteString(`'\''`)
			continue
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

func allSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if !safe(s[i]) {
			return false
		}
	}
	return true
}

// Build returns the command line "name arg1 arg2 ...", every word quoted
// with [Quote].
func Build(name Arg, args ...Arg) string {
	var b strings.Builder
	b.WriteString(Quote(string(name)))
	for _, a := range args {
		b.WriteByte(' ')
		b.WriteString(Quote(string(a)))
	}
	return b.String()
}

// check runs a names validator and converts s to an Arg.
func check(s string, valid func(string) error) (Arg, error) {
	if err := valid(s); err != nil {
		return "", err
	}
	return Arg(s), nil
}

// Host returns a validated host name ([names.Host]).
func Host(s string) (Arg, error) { return check(s, names.Host) }

// NIM returns a validated NIM object name ([names.NIMName]): a client,
// SPOT, lpp_source or other NIM resource.
func NIM(s string) (Arg, error) { return check(s, names.NIMName) }

// Disk returns a validated disk name ([names.Disk]).
func Disk(s string) (Arg, error) { return check(s, names.Disk) }

// Disks returns validated disk names joined by single spaces, the form
// nimadm -d and alt_disk_copy -d take ("hdisk1 hdisk2"). It rejects an
// empty list and duplicates.
func Disks(ds []string) (Arg, error) {
	if len(ds) == 0 {
		return "", &names.Error{Kind: "disk list", Value: "", Reason: "must name at least one disk"}
	}
	seen := make(map[string]bool, len(ds))
	for _, d := range ds {
		if err := names.Disk(d); err != nil {
			return "", err
		}
		if seen[d] {
			return "", &names.Error{Kind: "disk list", Value: strings.Join(ds, " "), Reason: "names " + d + " twice"}
		}
		seen[d] = true
	}
	return Arg(strings.Join(ds, " ")), nil
}

// VG returns a validated volume group name ([names.VG]).
func VG(s string) (Arg, error) { return check(s, names.VG) }

// LV returns a validated logical volume name ([names.LV]).
func LV(s string) (Arg, error) { return check(s, names.LV) }

// Path returns a validated absolute path ([names.Path]).
func Path(s string) (Arg, error) { return check(s, names.Path) }

// Level returns a validated AIX level ([names.ParseLevel]).
func Level(s string) (Arg, error) { return check(s, names.CheckLevel) }

// User returns a validated user name ([names.User]).
func User(s string) (Arg, error) { return check(s, names.User) }

// Int returns the decimal form of n.
func Int(n int) Arg { return Arg(strconv.Itoa(n)) }

// Cat concatenates args into one word, for options with an attached value
// such as "-P"+Int(phase).
func Cat(args ...Arg) Arg {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(string(a))
	}
	return Arg(b.String())
}

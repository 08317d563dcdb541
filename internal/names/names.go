package names

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Error reports a value that is not a valid name of its kind.
type Error struct {
	// Kind names what the value was meant to be ("disk name", "host name").
	Kind string
	// Value is the rejected value, unmodified.
	Value string
	// Reason says what is wrong, in lowercase, without the value.
	Reason string
}

// maxShown caps how much of a rejected value an error message repeats.
const maxShown = 64

// Error returns "invalid KIND \"VALUE\": REASON", with long values cut.
func (e *Error) Error() string {
	v := e.Value
	if len(v) > maxShown {
		v = v[:maxShown] + "..."
	}
	return fmt.Sprintf("invalid %s %q: %s", e.Kind, v, e.Reason)
}

func errorf(kind, value, format string, args ...any) error {
	return &Error{Kind: kind, Value: value, Reason: fmt.Sprintf(format, args...)}
}

// charset describes the characters a kind of name may contain.
type charset struct {
	ok   func(b byte) bool
	desc string // for messages: "letters, digits, '_', '-'"
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

var (
	hostChars = charset{func(b byte) bool { return isAlnum(b) || b == '-' || b == '.' }, "letters, digits, '-', '.'"}
	nimChars  = charset{func(b byte) bool { return isAlnum(b) || b == '_' || b == '-' || b == '!' }, "letters, digits, '_', '-', '!'"}
	lvmChars  = charset{func(b byte) bool { return isAlnum(b) || b == '_' || b == '-' || b == '.' }, "letters, digits, '_', '-', '.'"}
	pathChars = charset{func(b byte) bool { return isAlnum(b) || strings.IndexByte("_./+,:@%=-", b) >= 0 }, "letters, digits and _ . / + , : @ % = -"}
)

// checkChars returns an error for the first byte of s outside cs.
func checkChars(kind, s string, cs charset) error {
	for i := 0; i < len(s); i++ {
		if cs.ok(s[i]) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		return errorf(kind, s, "character %q at offset %d is not allowed (%s)", r, i, cs.desc)
	}
	return nil
}

// checkLen checks 1 <= len(s) <= max.
func checkLen(kind, s string, max int) error {
	if s == "" {
		return errorf(kind, s, "must not be empty")
	}
	if len(s) > max {
		return errorf(kind, s, "is %d characters long, at most %d are allowed", len(s), max)
	}
	return nil
}

// checkNoDash rejects a leading '-', which a command would take for an option.
func checkNoDash(kind, s string) error {
	if strings.HasPrefix(s, "-") {
		return errorf(kind, s, "must not start with '-'")
	}
	return nil
}

// Host reports whether s is a valid host name: RFC 1123 labels of 1 to 63
// letters, digits and '-' (not at either end of a label), separated by
// single dots, at most 253 characters in all. A trailing dot is not
// accepted.
func Host(s string) error {
	const kind = "host name"
	if err := checkLen(kind, s, 253); err != nil {
		return err
	}
	if err := checkChars(kind, s, hostChars); err != nil {
		return err
	}
	for _, label := range strings.Split(s, ".") {
		switch {
		case label == "":
			return errorf(kind, s, "has an empty label (leading, trailing or double dot)")
		case len(label) > 63:
			return errorf(kind, s, "label %q is longer than 63 characters", label)
		case label[0] == '-' || label[len(label)-1] == '-':
			return errorf(kind, s, "label %q starts or ends with '-'", label)
		}
	}
	return nil
}

// Address reports whether s can be used to connect to a host: a host name
// as accepted by [Host], or an IPv4 or IPv6 address literal (without zone
// and without brackets).
func Address(s string) error {
	if strings.Contains(s, ":") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return errorf("address", s, "is neither a host name nor an IP address")
		}
		return nil
	}
	if err := Host(s); err != nil {
		e := err.(*Error)
		return errorf("address", s, "%s", e.Reason)
	}
	return nil
}

// NIMName reports whether s is a valid NIM object name (machine, SPOT,
// lpp_source, ...): 1 to 39 letters, digits, '_', '-' and '!', not starting
// with '-'. Dots are not allowed, so a fully qualified host name is never a
// NIM name.
func NIMName(s string) error {
	const kind = "NIM object name"
	if err := checkLen(kind, s, 39); err != nil {
		return err
	}
	if err := checkChars(kind, s, nimChars); err != nil {
		return err
	}
	return checkNoDash(kind, s)
}

// SPOT reports whether s is a valid name for a SPOT resource (a NIM object
// name).
func SPOT(s string) error { return nimResource("SPOT name", s) }

// LPPSource reports whether s is a valid name for an lpp_source resource (a
// NIM object name).
func LPPSource(s string) error { return nimResource("lpp_source name", s) }

func nimResource(kind, s string) error {
	if err := NIMName(s); err != nil {
		e := err.(*Error)
		return errorf(kind, s, "%s", e.Reason)
	}
	return nil
}

// Disk reports whether s names a physical volume: hdisk<N>, or the EMC
// PowerPath variant hdiskpower<N>, with N a decimal number without leading
// zeros; at most 15 characters.
func Disk(s string) error {
	const kind = "disk name"
	if err := checkLen(kind, s, 15); err != nil {
		return err
	}
	var num string
	switch {
	case strings.HasPrefix(s, "hdiskpower"):
		num = s[len("hdiskpower"):]
	case strings.HasPrefix(s, "hdisk"):
		num = s[len("hdisk"):]
	default:
		return errorf(kind, s, "must be hdisk<N> or hdiskpower<N>")
	}
	if num == "" {
		return errorf(kind, s, "must be hdisk<N> or hdiskpower<N>")
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return errorf(kind, s, "must be hdisk<N> or hdiskpower<N>")
		}
	}
	if len(num) > 1 && num[0] == '0' {
		return errorf(kind, s, "disk number has a leading zero")
	}
	return nil
}

// VG reports whether s is a valid volume group name: 1 to 15 letters,
// digits, '_', '-' and '.', not starting with '-' and not "." or "..".
func VG(s string) error { return lvmName("volume group name", s) }

// LV reports whether s is a valid logical volume name: 1 to 15 letters,
// digits, '_', '-' and '.', not starting with '-' and not "." or "..".
func LV(s string) error { return lvmName("logical volume name", s) }

func lvmName(kind, s string) error {
	if err := checkLen(kind, s, 15); err != nil {
		return err
	}
	if err := checkChars(kind, s, lvmChars); err != nil {
		return err
	}
	if strings.Trim(s, ".") == "" {
		return errorf(kind, s, "must not consist of dots only")
	}
	return checkNoDash(kind, s)
}

// Path reports whether s is an absolute path nimfleet may use in a command
// line or read from: it starts with '/', is at most 1023 bytes (PATH_MAX on
// AIX), contains only letters, digits and _ . / + , : @ % = - (so no
// spaces, quotes, NUL, newline or other shell metacharacters), and has no
// ".." element.
func Path(s string) error {
	const kind = "path"
	if err := checkLen(kind, s, 1023); err != nil {
		return err
	}
	if s[0] != '/' {
		return errorf(kind, s, "must be absolute (start with '/')")
	}
	if err := checkChars(kind, s, pathChars); err != nil {
		return err
	}
	for _, el := range strings.Split(s, "/") {
		if el == ".." {
			return errorf(kind, s, "must not contain a '..' element")
		}
	}
	return nil
}

// User reports whether s is a valid login name: 1 to 64 letters, digits,
// '_', '-' and '.', not starting with '-' or '.'. AIX allows longer names
// when the system's maximum is raised; 64 is our limit [U].
func User(s string) error {
	const kind = "user name"
	if err := checkLen(kind, s, 64); err != nil {
		return err
	}
	if err := checkChars(kind, s, lvmChars); err != nil {
		return err
	}
	if s[0] == '.' {
		return errorf(kind, s, "must not start with '.'")
	}
	return checkNoDash(kind, s)
}

// Label reports whether s is a valid nimfleet label: the name of a group,
// wave, tag key or tag value. Labels are 1 to 63 letters, digits, '_', '-'
// and '.', starting with a letter or digit.
func Label(s string) error {
	const kind = "label"
	if err := checkLen(kind, s, 63); err != nil {
		return err
	}
	if err := checkChars(kind, s, lvmChars); err != nil {
		return err
	}
	if !isAlnum(s[0]) {
		return errorf(kind, s, "must start with a letter or digit")
	}
	return nil
}

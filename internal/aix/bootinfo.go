package aix

import (
	"regexp"
)

// ParseBootinfoSize parses `bootinfo -s hdiskN` (or `getconf DISK_SIZE
// /dev/hdiskN`): the disk size in megabytes, one integer.
func ParseBootinfoSize(out []byte) (int, error) {
	const cmd = "bootinfo -s"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return 0, err
	}
	mb, ok := atoi(s)
	if !ok || len(s) > 12 {
		return 0, errorf(cmd, n, s, "want a size in megabytes")
	}
	return mb, nil
}

var deviceRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)

// ParseBootinfoDisk parses `bootinfo -b`, the disk last booted from, such
// as "hdisk0". The output may be empty (right after a rootvg disk
// migration); the result is then "" with no error.
func ParseBootinfoDisk(out []byte) (string, error) {
	const cmd = "bootinfo -b"
	s, n, ok, err := singleLine(cmd, out)
	if err != nil || !ok {
		return "", err
	}
	if !deviceRE.MatchString(s) {
		return "", errorf(cmd, n, s, "want a device name")
	}
	return s, nil
}

var blvRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)

// ParseBootinfoBLV parses `bootinfo -v`, the boot logical volume the
// system booted from: "hd5", or "bos_hd5" when booted from a multibos
// standby instance.
func ParseBootinfoBLV(out []byte) (string, error) {
	const cmd = "bootinfo -v"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return "", err
	}
	if !blvRE.MatchString(s) {
		return "", errorf(cmd, n, s, "want a boot logical volume name")
	}
	return s, nil
}

// ParseBootinfoBootable parses `bootinfo -B hdiskN`: "1" when the firmware
// can boot from the disk, "0" otherwise.
func ParseBootinfoBootable(out []byte) (bool, error) {
	const cmd = "bootinfo -B"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return false, err
	}
	switch s {
	case "1":
		return true, nil
	case "0":
		return false, nil
	}
	return false, errorf(cmd, n, s, "want 1 or 0")
}

// ParseBitMode parses `bootinfo -K` (running kernel) or `bootinfo -y`
// (hardware): 32 or 64. It also fits `getconf KERNEL_BITMODE` and
// `getconf HARDWARE_BITMODE`.
func ParseBitMode(out []byte) (int, error) {
	const cmd = "bootinfo"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return 0, err
	}
	switch s {
	case "64":
		return 64, nil
	case "32":
		return 32, nil
	}
	return 0, errorf(cmd, n, s, "want 32 or 64")
}

// BlvLevel is the level stored in a disk's boot record, as printed by
// `/usr/lpp/bosinst/blvset -d /dev/hdiskN -g level`, e.g. 7.1. A level of
// 0.0 on a multibos disk must be fixed with `bosboot -ad /dev/ipldevice`
// before migrating.
type BlvLevel struct {
	V int // version
	R int // release
}

// IsZero reports whether the level is 0.0, the bad value.
func (b BlvLevel) IsZero() bool { return b.V == 0 && b.R == 0 }

// String returns "V.R".
func (b BlvLevel) String() string {
	return itoa(b.V) + "." + itoa(b.R)
}

var blvsetRE = regexp.MustCompile(`^([0-9]{1,2})\.([0-9]{1,2})$`)

// ParseBlvsetLevel parses the output of `blvset -d /dev/hdiskN -g level`:
// one "V.R" line such as "7.1" or "0.0" [U: only the values are documented,
// not whether blvset adds other text].
func ParseBlvsetLevel(out []byte) (BlvLevel, error) {
	const cmd = "blvset"
	s, n, err := requireLine(cmd, out)
	if err != nil {
		return BlvLevel{}, err
	}
	m := blvsetRE.FindStringSubmatch(s)
	if m == nil {
		return BlvLevel{}, errorf(cmd, n, s, "want a level such as 7.1")
	}
	v, _ := atoi(m[1])
	r, _ := atoi(m[2])
	return BlvLevel{V: v, R: r}, nil
}

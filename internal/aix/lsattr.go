package aix

import (
	"strings"
)

// DeviceAttr is one row of `lsattr -El DEVICE`.
type DeviceAttr struct {
	Name  string
	Value string // the second blank-separated field
	// Description is the text between value and the settable flag.
	Description string
	// Settable is the last field, True or False ("user settable").
	Settable bool
}

// ParseLsattr parses `lsattr -El DEVICE [-a ATTR]`, with or without the
// -H header ("attribute value description user_settable"). Each row is
// "<name> <value> <description...> True|False". A value containing
// blanks cannot be told from the description and is not supported.
func ParseLsattr(out []byte) ([]DeviceAttr, error) {
	const cmd = "lsattr"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := []DeviceAttr{}
	for i, l := range ls {
		f := strings.Fields(l.s)
		if i == 0 && len(f) == 4 && f[0] == "attribute" && f[1] == "value" {
			continue
		}
		if len(f) < 3 {
			return nil, errorf(cmd, l.n, l.s, "want at least 3 fields, got %d", len(f))
		}
		a := DeviceAttr{Name: f[0], Value: f[1]}
		switch f[len(f)-1] {
		case "True":
			a.Settable = true
		case "False":
		default:
			return nil, errorf(cmd, l.n, l.s, "want True or False at the end of the line")
		}
		if len(f) == 3 {
			// No description: then the "value" may be the description
			// [U]; refuse to guess.
			return nil, errorf(cmd, l.n, l.s, "want name, value, description and True/False")
		}
		a.Description = strings.Join(f[2:len(f)-1], " ")
		res = append(res, a)
	}
	return res, nil
}

// ParseRealmem parses `lsattr -El sys0 -a realmem` and returns the usable
// physical memory in kilobytes. The output must hold the realmem row.
func ParseRealmem(out []byte) (int, error) {
	const cmd = "lsattr"
	attrs, err := ParseLsattr(out)
	if err != nil {
		return 0, err
	}
	for _, a := range attrs {
		if a.Name != "realmem" {
			continue
		}
		kb, ok := atoi(a.Value)
		if !ok || len(a.Value) > 15 {
			return 0, errorf(cmd, 0, "", "realmem: want kilobytes, got %q", a.Value)
		}
		return kb, nil
	}
	return 0, errorf(cmd, 0, "", "no realmem attribute")
}

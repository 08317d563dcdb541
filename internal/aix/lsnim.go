package aix

import (
	"regexp"
	"strings"
)

// NIMListEntry is one row of the listing forms of lsnim (`lsnim`,
// `lsnim -t TYPE`, `lsnim -c CLASS`): object name, class and type.
type NIMListEntry struct {
	Name  string
	Class string // machines, resources, networks, groups, management
	Type  string // standalone, spot, lpp_source, master, ent, ...
}

var (
	nimClassRE = regexp.MustCompile(`^[a-z_]+$`)
	nimTypeRE  = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)

// ParseLsnimList parses the listing forms of lsnim: "<name> <class> <type>"
// per line, split on blanks (the padding is not relied upon, since long
// object names push the columns right). Empty output gives an empty list.
func ParseLsnimList(out []byte) ([]NIMListEntry, error) {
	const cmd = "lsnim"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := []NIMListEntry{}
	for _, l := range ls {
		f := strings.Fields(l.s)
		if len(f) != 3 {
			return nil, errorf(cmd, l.n, l.s, "want 3 fields, got %d", len(f))
		}
		if !nimClassRE.MatchString(f[1]) || !nimTypeRE.MatchString(f[2]) {
			return nil, errorf(cmd, l.n, l.s, "want <name> <class> <type>")
		}
		res = append(res, NIMListEntry{Name: f[0], Class: f[1], Type: f[2]})
	}
	return res, nil
}

// NIMAttr is one "name = value" attribute of `lsnim -l`.
type NIMAttr struct {
	Name  string
	Value string // may contain blanks; "" when nothing follows "="
}

// NIMObject is one object of `lsnim -l`: its name and its attributes in
// the order printed. An attribute name may repeat (group members, for
// instance), so attributes are a list; use [NIMObject.Get] or
// [NIMObject.All].
type NIMObject struct {
	Name  string
	Attrs []NIMAttr
}

var (
	nimObjRE  = regexp.MustCompile(`^(\S+):$`)
	nimAttrRE = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s+=(?:\s+(.*))?$`)
)

// ParseLsnimLong parses `lsnim -l [OBJ...]` (also `lsnim -l -c resources`
// and `lsnim -t TYPE -l`): an "<name>:" line per object, then one
// "   attr = value" line per attribute. Values may contain blanks and "=".
// Attribute lines without indentation are accepted too (copies whose
// whitespace was flattened). An attribute before the first object line is
// an error. Empty output gives an empty list.
func ParseLsnimLong(out []byte) ([]NIMObject, error) {
	const cmd = "lsnim -l"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return nil, err
	}
	res := []NIMObject{}
	for _, l := range ls {
		if m := nimAttrRE.FindStringSubmatch(l.s); m != nil {
			if len(res) == 0 {
				return nil, errorf(cmd, l.n, l.s, "attribute before the first object line")
			}
			o := &res[len(res)-1]
			o.Attrs = append(o.Attrs, NIMAttr{Name: m[1], Value: strings.TrimSpace(m[2])})
			continue
		}
		if m := nimObjRE.FindStringSubmatch(l.s); m != nil {
			res = append(res, NIMObject{Name: m[1]})
			continue
		}
		return nil, errorf(cmd, l.n, l.s, `want "<object>:" or "attr = value"`)
	}
	return res, nil
}

// ParseLsnimObject is [ParseLsnimLong] for `lsnim -l OBJ`: the output must
// hold exactly one object.
func ParseLsnimObject(out []byte) (NIMObject, error) {
	objs, err := ParseLsnimLong(out)
	if err != nil {
		return NIMObject{}, err
	}
	if len(objs) != 1 {
		return NIMObject{}, errorf("lsnim -l", 0, "", "want one object, got %d", len(objs))
	}
	return objs[0], nil
}

// Get returns the first value of attribute name and whether it is set.
func (o NIMObject) Get(name string) (string, bool) {
	for _, a := range o.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// All returns every value of attribute name in order.
func (o NIMObject) All(name string) []string {
	var res []string
	for _, a := range o.Attrs {
		if a.Name == name {
			res = append(res, a.Value)
		}
	}
	return res
}

func (o NIMObject) get(name string) string { v, _ := o.Get(name); return v }

// Class returns the class attribute (machines, resources, ...).
func (o NIMObject) Class() string { return o.get("class") }

// Type returns the type attribute (standalone, spot, lpp_source, ...).
func (o NIMObject) Type() string { return o.get("type") }

// Cstate returns the control state, e.g. "ready for a NIM operation".
func (o NIMObject) Cstate() string { return o.get("Cstate") }

// Mstate returns the machine state, e.g. "currently running".
func (o NIMObject) Mstate() string { return o.get("Mstate") }

// Connect returns the first word of the connect attribute, "shell" or
// "nimsh" (the value may read "nimsh (secure)").
func (o NIMObject) Connect() string {
	f := strings.Fields(o.get("connect"))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// Hostname returns the host name of interface n (1 for if1): the second
// word of "ifN = <network> <hostname> <MAC or 0> [<adapter>]", or "" when
// the attribute is absent or has fewer than two words.
func (o NIMObject) Hostname(n int) string {
	f := strings.Fields(o.get("if" + itoa(n)))
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// Rstate returns the resource state, e.g. "ready for use".
func (o NIMObject) Rstate() string { return o.get("Rstate") }

// Location returns the location attribute of a resource.
func (o NIMObject) Location() string { return o.get("location") }

// Server returns the server attribute of a resource, e.g. "master".
func (o NIMObject) Server() string { return o.get("server") }

// Simages reports whether an lpp_source has simages = yes (required for
// rte and migration installs).
func (o NIMObject) Simages() bool { return o.get("simages") == "yes" }

// AllocCount returns alloc_count; ok is false when the attribute is
// absent or not an integer.
func (o NIMObject) AllocCount() (n int, ok bool) {
	v, set := o.Get("alloc_count")
	if !set {
		return 0, false
	}
	return atoi(v)
}

// Level returns the AIX level of a SPOT or mksysb resource: oslevel_s
// when set [U for SPOTs], else oslevel_r, else the version, release and
// mod attributes (mod is the technology level). ok is false when none
// of these is usable.
func (o NIMObject) Level() (l Level, ok bool) {
	for _, a := range []string{"oslevel_s", "oslevel_r"} {
		if v, set := o.Get(a); set {
			if l, err := ParseLevel(v); err == nil {
				return l, true
			}
		}
	}
	v, ok1 := atoi(o.get("version"))
	r, ok2 := atoi(o.get("release"))
	m, ok3 := atoi(o.get("mod"))
	if !ok1 || !ok2 || !ok3 || v < 4 || v > 9 || r > 9 || m > 99 {
		return Level{}, false
	}
	return Level{V: v, R: r, TL: m, Parts: 2}, true
}

var nimMissingRE = regexp.MustCompile(`0042-053 lsnim: there is no NIM object named "([^"]*)"`)

// LsnimMissing classifies the stderr and exit status of `lsnim -l OBJ`:
// ok is true when the command failed (exit != 0) with 0042-053, "there is
// no NIM object named ...". name is the object named in the message, or
// "" if the text differs from the documented one.
func LsnimMissing(stderr []byte, exit int) (name string, ok bool) {
	if exit == 0 || !hasMessageID(stderr, "0042-053") {
		return "", false
	}
	if len(stderr) > MaxInput {
		stderr = stderr[:MaxInput]
	}
	if m := nimMissingRE.FindSubmatch(stderr); m != nil {
		return string(m[1]), true
	}
	return "", true
}

// NIMColonRow is one data row of `lsnim -Z`.
type NIMColonRow struct {
	Name string
	// Fields are the values after the name, in printed order. Attributes
	// that are not set are omitted by NIM, not left empty, and a ":"
	// inside a value is not escaped, so Fields cannot always be matched to
	// the header by position; see [NIMColonRow.ByHeader].
	Fields []string
}

// NIMColon is the parsed output of `lsnim -Z [-a ATTR ...] OBJ`.
type NIMColon struct {
	// Header holds the attribute names of the "#name:attr:...:" line,
	// starting with "name".
	Header []string
	Rows   []NIMColonRow
}

// ByHeader maps the row's values to the header names when the counts
// agree; ok is false otherwise (an omitted attribute or a ":" inside a
// value makes the position unreliable).
func (z NIMColon) ByHeader(r NIMColonRow) (m map[string]string, ok bool) {
	if len(z.Header) != len(r.Fields)+1 {
		return nil, false
	}
	m = map[string]string{z.Header[0]: r.Name}
	for i, f := range r.Fields {
		m[z.Header[i+1]] = f
	}
	return m, true
}

// ParseLsnimZ parses the colon form `lsnim -Z`: a header line starting with
// "#" ("#name:Cstate:info:Cstate_result:"), then one line per object, each
// ending with ":" [U: the trailing ":" is inferred from IBM's parser]. Rows
// are split on every ":" (values containing ":" therefore split too).
func ParseLsnimZ(out []byte) (NIMColon, error) {
	const cmd = "lsnim -Z"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return NIMColon{}, err
	}
	if len(ls) == 0 {
		return NIMColon{}, errorf(cmd, 0, "", "empty output")
	}
	h := ls[0]
	if !strings.HasPrefix(h.s, "#") {
		return NIMColon{}, errorf(cmd, h.n, h.s, `want a header line starting with "#"`)
	}
	z := NIMColon{Header: strings.Split(strings.TrimSuffix(h.s[1:], ":"), ":"), Rows: []NIMColonRow{}}
	if z.Header[0] != "name" {
		return NIMColon{}, errorf(cmd, h.n, h.s, `want the header to start with "#name"`)
	}
	for _, l := range ls[1:] {
		f := strings.Split(strings.TrimSuffix(l.s, ":"), ":")
		if f[0] == "" || strings.ContainsAny(f[0], " \t") {
			return NIMColon{}, errorf(cmd, l.n, l.s, "want an object name before the first colon")
		}
		if len(f) < 2 {
			return NIMColon{}, errorf(cmd, l.n, l.s, "want name:value:...")
		}
		z.Rows = append(z.Rows, NIMColonRow{Name: f[0], Fields: f[1:]})
	}
	return z, nil
}

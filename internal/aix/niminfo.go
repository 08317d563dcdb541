package aix

import (
	"regexp"
	"strings"
)

// Niminfo is the parsed content of a NIM client's /etc/niminfo.
type Niminfo struct {
	// Vars maps each exported name to its value, quotes removed.
	Vars map[string]string
}

// MasterHostname returns NIM_MASTER_HOSTNAME; it must equal the master's
// hostname or the client is registered with another master.
func (n Niminfo) MasterHostname() string { return n.Vars["NIM_MASTER_HOSTNAME"] }

// Name returns NIM_NAME, the client's NIM object name.
func (n Niminfo) Name() string { return n.Vars["NIM_NAME"] }

// Shell returns NIM_SHELL: "shell" (rsh) or "nimsh".
func (n Niminfo) Shell() string { return n.Vars["NIM_SHELL"] }

var niminfoRE = regexp.MustCompile(`^export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// ParseNiminfo parses /etc/niminfo: "export NAME=value" lines, where the
// value may be enclosed in double or single quotes; "#" comment lines and
// blank lines are skipped. Any other line, an unbalanced quote or a
// repeated name is an error. Names other than NIM_* (such as ROUTES) are
// kept [U: the full set of names is not documented].
func ParseNiminfo(out []byte) (Niminfo, error) {
	const cmd = "niminfo"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return Niminfo{}, err
	}
	n := Niminfo{Vars: map[string]string{}}
	for _, l := range ls {
		s := strings.TrimSpace(l.s)
		if strings.HasPrefix(s, "#") {
			continue
		}
		m := niminfoRE.FindStringSubmatch(s)
		if m == nil {
			return Niminfo{}, errorf(cmd, l.n, l.s, "want export NAME=value")
		}
		v := m[2]
		if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
			q := v[:1]
			if len(v) < 2 || !strings.HasSuffix(v, q) || strings.Contains(v[1:len(v)-1], q) {
				return Niminfo{}, errorf(cmd, l.n, l.s, "unbalanced quotes")
			}
			v = v[1 : len(v)-1]
		} else if strings.ContainsAny(v, "\"' \t") {
			return Niminfo{}, errorf(cmd, l.n, l.s, "unquoted value with blanks or quotes")
		}
		if _, dup := n.Vars[m[1]]; dup {
			return Niminfo{}, errorf(cmd, l.n, l.s, "duplicate name %q", m[1])
		}
		n.Vars[m[1]] = v
	}
	if len(n.Vars) == 0 {
		return Niminfo{}, errorf(cmd, 0, "", "no export lines")
	}
	return n, nil
}

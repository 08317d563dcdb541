package aix

import (
	"strings"
)

// Group is one group listed by lsgroup.
type Group struct {
	Name string
	// Attrs holds the attr=value pairs, e.g. id=6 admin=true users=...
	Attrs map[string]string
}

// GroupCheck is the result of `lsgroup NAME...`: which of the requested
// groups exist.
type GroupCheck struct {
	// Found maps each requested group that lsgroup listed to its entry.
	Found map[string]Group
	// Missing lists the requested groups that lsgroup did not list, in
	// request order.
	Missing []string
}

// ParseLsgroup checks `lsgroup NAME...` for the existence of the groups
// names (installp needs mail and printq). stdout has one line per existing
// group, "name attr=value ..."; a missing group makes lsgroup exit
// non-zero with a 3004-xxx message [U: exact text, so it is not parsed].
// The decision therefore rests on the exit status and on which names
// were listed:
//
//   - exit 0: every requested name must be listed;
//   - exit != 0: at least one requested name must be missing (otherwise
//     the failure is not understood and an error is returned).
//
// A listed group that was not requested is an error.
func ParseLsgroup(stdout, stderr []byte, exit int, names []string) (GroupCheck, error) {
	const cmd = "lsgroup"
	ls, err := nonBlank(cmd, stdout)
	if err != nil {
		return GroupCheck{}, err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	gc := GroupCheck{Found: map[string]Group{}}
	for _, l := range ls {
		f := strings.Fields(l.s)
		g := Group{Name: f[0], Attrs: map[string]string{}}
		if strings.Contains(g.Name, "=") {
			return GroupCheck{}, errorf(cmd, l.n, l.s, "want a group name before the attributes")
		}
		if !want[g.Name] {
			return GroupCheck{}, errorf(cmd, l.n, l.s, "group %q was not requested", g.Name)
		}
		if _, dup := gc.Found[g.Name]; dup {
			return GroupCheck{}, errorf(cmd, l.n, l.s, "group %q listed twice", g.Name)
		}
		for _, tok := range f[1:] {
			k, v, ok := strings.Cut(tok, "=")
			if !ok || k == "" {
				return GroupCheck{}, errorf(cmd, l.n, l.s, "want attr=value, got %q", tok)
			}
			g.Attrs[k] = v
		}
		gc.Found[g.Name] = g
	}
	for _, n := range names {
		if _, ok := gc.Found[n]; !ok {
			gc.Missing = append(gc.Missing, n)
		}
	}
	switch {
	case exit == 0 && len(gc.Missing) > 0:
		return GroupCheck{}, errorf(cmd, 0, "", "exit status 0 but %s not listed", strings.Join(gc.Missing, ", "))
	case exit != 0 && len(gc.Missing) == 0:
		return GroupCheck{}, errorf(cmd, 0, "", "exit status %d with every group listed: %s", exit, firstLine(stderr))
	}
	return gc, nil
}

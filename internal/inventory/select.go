package inventory

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Selector picks hosts, as the CLI's --hosts, --master, --group, --tag and
// --wave flags do. Each non-empty field narrows the selection: a host must
// match at least one entry of every non-empty field. The zero Selector
// selects every host.
type Selector struct {
	// Names are host names or glob patterns (path.Match syntax: *, ?,
	// [...]) matched against inventory names.
	Names []string
	// Masters selects clients of these masters (names or globs); a master
	// itself is not selected by this field.
	Masters []string
	// Groups are group names.
	Groups []string
	// Tags are "key=value" pairs, or "key" for any value.
	Tags []string
	// Waves are wave names or numbers.
	Waves []string
	// Role, if not zero, keeps only masters or only clients.
	Role Role
}

// SplitList splits a comma-separated flag value ("lpar1,web*") into its
// entries, trimming blanks and dropping empty entries.
func SplitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func isGlob(s string) bool { return strings.ContainsAny(s, `*?[\`) }

// Select returns the hosts s picks, in inventory order. Every entry of s
// must match something: an unknown host name, a glob that matches no host,
// a group no host is in, an unknown tag or wave, or a malformed pattern is
// an error (all such problems are joined), because a typo in a selection
// must not silently select fewer hosts. The result may still be empty when
// the fields together exclude each other.
func (inv *Inventory) Select(s Selector) ([]*Host, error) {
	var errs []error
	for _, p := range append(append([]string(nil), s.Names...), s.Masters...) {
		if _, err := path.Match(p, ""); err != nil {
			errs = append(errs, fmt.Errorf("bad host pattern %q: %w", p, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	matchAny := func(patterns []string, name string) bool {
		for _, p := range patterns {
			if ok, _ := path.Match(p, name); ok {
				return true
			}
		}
		return false
	}
	// Every entry must match something in the whole inventory.
	for _, p := range s.Names {
		if !inv.any(func(h *Host) bool { return matchAny([]string{p}, h.Name) }) {
			errs = append(errs, noMatch("host", p))
		}
	}
	for _, p := range s.Masters {
		if !inv.any(func(h *Host) bool { return h.Role == RoleMaster && matchAny([]string{p}, h.Name) }) {
			errs = append(errs, noMatch("master", p))
		}
	}
	for _, g := range s.Groups {
		if !inv.any(func(h *Host) bool { return h.InGroup(g) }) {
			errs = append(errs, fmt.Errorf("no host is in group %q", g))
		}
	}
	for _, t := range s.Tags {
		if !inv.any(func(h *Host) bool { return hasTag(h, t) }) {
			errs = append(errs, fmt.Errorf("no host has tag %q", t))
		}
	}
	for _, w := range s.Waves {
		if inv.Wave(w) == nil {
			errs = append(errs, fmt.Errorf("unknown wave %q", w))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	var out []*Host
	for _, h := range inv.Hosts {
		if s.Role != 0 && h.Role != s.Role {
			continue
		}
		if len(s.Names) > 0 && !matchAny(s.Names, h.Name) {
			continue
		}
		if len(s.Masters) > 0 && (h.Master == nil || !matchAny(s.Masters, h.Master.Name)) {
			continue
		}
		if len(s.Groups) > 0 && !anyOf(s.Groups, h.InGroup) {
			continue
		}
		if len(s.Tags) > 0 && !anyOf(s.Tags, func(t string) bool { return hasTag(h, t) }) {
			continue
		}
		if len(s.Waves) > 0 && !anyOf(s.Waves, func(w string) bool { return h.Wave != nil && h.Wave == inv.Wave(w) }) {
			continue
		}
		out = append(out, h)
	}
	return out, nil
}

func noMatch(what, p string) error {
	if isGlob(p) {
		return fmt.Errorf("no %s matches %q", what, p)
	}
	return fmt.Errorf("unknown %s %q", what, p)
}

func (inv *Inventory) any(f func(h *Host) bool) bool {
	for _, h := range inv.Hosts {
		if f(h) {
			return true
		}
	}
	return false
}

func anyOf(items []string, f func(string) bool) bool {
	for _, x := range items {
		if f(x) {
			return true
		}
	}
	return false
}

// hasTag reports whether h has tag t, given as "key=value" or "key".
func hasTag(h *Host, t string) bool {
	k, v, withValue := strings.Cut(t, "=")
	hv, ok := h.Tags[k]
	return ok && (!withValue || hv == v)
}

// ClientsOf expands a selection into clients and their masters, both in
// inventory order: a selected master stands for all its clients, and nil
// selects every client.
func (inv *Inventory) ClientsOf(hosts []*Host) (clients, masters []*Host) {
	want := map[*Host]bool{}
	if hosts == nil {
		for _, h := range inv.Clients() {
			want[h] = true
		}
	}
	for _, h := range hosts {
		if h.Role == RoleMaster {
			for _, c := range h.Clients {
				want[c] = true
			}
		} else {
			want[h] = true
		}
	}
	seen := map[*Host]bool{}
	for _, h := range inv.Hosts {
		if h.Role != RoleClient || !want[h] || h.Master == nil {
			continue
		}
		clients = append(clients, h)
		if !seen[h.Master] {
			seen[h.Master] = true
			masters = append(masters, h.Master)
		}
	}
	return clients, masters
}

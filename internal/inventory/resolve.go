package inventory

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nimfleet/nimfleet/internal/names"
)

func itoa(n int) string { return strconv.Itoa(n) }

// first returns the first set option among layers, from the most specific
// (last) to the least.
func first[T any](get func(l *layer) *opt[T], layers ...*layer) opt[T] {
	for i := len(layers) - 1; i >= 0; i-- {
		if layers[i] == nil {
			continue
		}
		if o := get(layers[i]); o.given() {
			return *o
		}
	}
	return opt[T]{}
}

func firstSSH[T any](get func(s *sshLayer) *opt[T], layers ...*layer) opt[T] {
	for i := len(layers) - 1; i >= 0; i-- {
		if layers[i] == nil || layers[i].ssh == nil {
			continue
		}
		if o := get(layers[i].ssh); o.given() {
			return *o
		}
	}
	return opt[T]{}
}

// resolver turns a rawFile into an Inventory, adding the problems that
// need more than one place in the file to see.
type resolver struct {
	d   *decoder
	raw *rawFile
	inv *Inventory
}

func (r *resolver) errorf(line int, format string, args ...any) {
	r.d.errs = append(r.d.errs, &Error{File: r.d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (r *resolver) resolve() {
	r.waves()
	// Check every wave reference, also those every client overrides.
	for _, l := range r.allLayers() {
		if l.wave.set {
			r.wave(l.wave)
		}
	}
	r.checkNames()
	var local *rawMaster
	for _, rm := range r.raw.masters {
		if rm.name == "" {
			continue // already reported
		}
		m := r.master(rm)
		if m.Via == ViaLocal {
			if local != nil {
				r.errorf(rm.line, "master %s is via: local, but so is %s (line %d); nimfleet runs on one machine", rm.name, local.name, local.line)
			} else {
				local = rm
			}
		}
		nimNames := map[string]*rawClient{}
		for _, rc := range rm.clients {
			if rc.name == "" {
				continue
			}
			c := r.client(m, rm, rc)
			if c.NIMName != "" && !rc.dup {
				if prev, dup := nimNames[c.NIMName]; dup {
					r.errorf(rc.line, "client %s: NIM name %q is already used by client %s (line %d) of master %s", rc.name, c.NIMName, prev.name, prev.line, rm.name)
				} else {
					nimNames[c.NIMName] = rc
				}
			}
		}
	}
}

func (r *resolver) waves() {
	if r.raw.waves != nil {
		seen := map[string]int{}
		for i, rw := range r.raw.waves {
			if rw.name != "" {
				if prev, dup := seen[rw.name]; dup {
					r.errorf(rw.line, "wave %q is defined twice (first at line %d)", rw.name, prev)
				}
				seen[rw.name] = rw.line
			}
			r.inv.Waves = append(r.inv.Waves, &Wave{Number: i + 1, Name: rw.name, Canary: rw.canary})
		}
		return
	}
	// No waves list: numbered references define waves 1..max.
	maxN := 0
	for _, l := range r.allLayers() {
		if l.wave.set && isNumber(l.wave.v) {
			if n, err := strconv.Atoi(l.wave.v); err == nil && n <= 1000 {
				maxN = max(maxN, n)
			}
		}
	}
	for i := 1; i <= maxN; i++ {
		r.inv.Waves = append(r.inv.Waves, &Wave{Number: i})
	}
}

func (r *resolver) allLayers() []*layer {
	ls := []*layer{&r.raw.defaults}
	for _, m := range r.raw.masters {
		ls = append(ls, &m.clientDefaults)
		for _, c := range m.clients {
			ls = append(ls, &c.own)
		}
	}
	return ls
}

// wave resolves a wave reference; o.set must be true.
func (r *resolver) wave(o opt[string]) *Wave {
	if isNumber(o.v) {
		n, err := strconv.Atoi(o.v)
		switch {
		case err != nil || n < 1:
			r.errorf(o.line, "wave %s: waves are numbered from 1", o.v)
			return nil
		case n > len(r.inv.Waves) && r.raw.waves != nil:
			r.errorf(o.line, "wave %s does not exist (waves: lists %d, line %d)", o.v, len(r.inv.Waves), r.raw.wavesLine)
			return nil
		case n > len(r.inv.Waves):
			r.errorf(o.line, "wave %s: without a waves: list, wave numbers go up to 1000", o.v)
			return nil
		}
		return r.inv.Waves[n-1]
	}
	for _, w := range r.inv.Waves {
		if w.Name == o.v {
			return w
		}
	}
	if r.raw.waves == nil {
		r.errorf(o.line, "wave %q is not defined (there is no waves: list)", o.v)
	} else {
		r.errorf(o.line, "wave %q is not defined in waves: (line %d)", o.v, r.raw.wavesLine)
	}
	return nil
}

// checkNames reports duplicate host names and clients under two masters.
func (r *resolver) checkNames() {
	type def struct {
		role   Role
		line   int
		master string
	}
	seen := map[string]def{}
	for _, m := range r.raw.masters {
		if m.name != "" {
			if prev, dup := seen[m.name]; dup {
				if prev.role == RoleMaster {
					r.errorf(m.line, "duplicate master %s (first at line %d)", m.name, prev.line)
				} else {
					r.errorf(m.line, "master %s is also listed as a client of master %s (line %d)", m.name, prev.master, prev.line)
				}
			} else {
				seen[m.name] = def{RoleMaster, m.line, ""}
			}
		}
		for _, c := range m.clients {
			if c.name == "" {
				continue
			}
			prev, dup := seen[c.name]
			switch {
			case !dup:
				seen[c.name] = def{RoleClient, c.line, m.name}
			case prev.role == RoleMaster:
				c.dup = true
				r.errorf(c.line, "client %s is also defined as a master (line %d)", c.name, prev.line)
			case prev.master == m.name:
				c.dup = true
				r.errorf(c.line, "duplicate client %s (first at line %d)", c.name, prev.line)
			default:
				c.dup = true
				r.errorf(c.line, "client %s is listed under masters %s (line %d) and %s; a client belongs to one master", c.name, prev.master, prev.line, m.name)
			}
		}
	}
}

func (r *resolver) master(rm *rawMaster) *Host {
	def := &r.raw.defaults
	m := r.inv.AddMaster(Host{Name: rm.name, Line: rm.line})
	m.Via, m.SSH = ViaSSH, SSH{}
	if rm.own.via.set {
		m.Via = rm.own.via.v
	}
	m.Slots = DefaultSlots
	if o := first(func(l *layer) *opt[int] { return &l.slots }, def, &rm.own); o.set {
		m.Slots = o.v
	}
	m.Groups = mergeGroups(&rm.own)
	m.Tags = mergeTags(&rm.own)
	if m.Via == ViaSSH {
		m.SSH = r.ssh(m.Name, def, &rm.own)
		if !sshUserGiven(def, &rm.own) {
			var via []string
			for _, rc := range rm.clients {
				if rc.name == "" {
					continue
				}
				if o := first(func(l *layer) *opt[Via] { return &l.via }, def, &rm.clientDefaults, &rc.own); o.set && o.v == ViaMaster {
					via = append(via, rc.name)
				}
			}
			msg := fmt.Sprintf("master %s: no ssh user (set ssh.user on the master or in defaults, or via: local if nimfleet runs on it)", rm.name)
			if len(via) > 0 {
				msg += fmt.Sprintf("; its clients reached via master cannot be reached either: %s", shortList(via, 5))
			}
			r.errorf(rm.line, "%s", msg)
		}
	} else if rm.own.ssh != nil {
		r.errorf(rm.own.ssh.line, "master %s: ssh settings are not used with via: local", rm.name)
	}
	return m
}

// shortList joins up to n items and says how many more there are.
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// sshUserGiven reports whether some layer sets ssh.user (validly or not).
func sshUserGiven(layers ...*layer) bool {
	o := firstSSH(func(s *sshLayer) *opt[string] { return &s.user }, layers...)
	return o.given()
}

func (r *resolver) ssh(name string, layers ...*layer) SSH {
	s := SSH{Address: name, Port: DefaultPort}
	str := func(get func(s *sshLayer) *opt[string]) string { return firstSSH(get, layers...).v }
	if a := str(func(s *sshLayer) *opt[string] { return &s.address }); a != "" {
		s.Address = a
	}
	if p := firstSSH(func(s *sshLayer) *opt[int] { return &s.port }, layers...); p.set {
		s.Port = p.v
	}
	s.User = str(func(s *sshLayer) *opt[string] { return &s.user })
	s.KnownHosts = str(func(s *sshLayer) *opt[string] { return &s.knownHosts })
	s.ProxyJump = str(func(s *sshLayer) *opt[string] { return &s.proxyJump })
	if f := firstSSH(func(s *sshLayer) *opt[[]string] { return &s.identityFiles }, layers...); f.set && len(f.v) > 0 {
		s.IdentityFiles = append([]string(nil), f.v...)
	}
	return s
}

func (r *resolver) client(m *Host, rm *rawMaster, rc *rawClient) *Host {
	def, cd, own := &r.raw.defaults, &rm.clientDefaults, &rc.own
	ls := []*layer{def, cd, own}
	c := r.inv.AddClient(m, Host{Name: rc.name, Line: rc.line})

	// NIM name.
	switch {
	case rc.nimName.given():
		c.NIMName = rc.nimName.v
	case names.NIMName(rc.name) != nil:
		c.NIMName = ""
		r.errorf(rc.line, "client %s: set nim_name; the host name is not a NIM object name: %s", rc.name, names.NIMName(rc.name).(*names.Error).Reason)
	default:
		c.NIMName = rc.name
	}

	// Reachability.
	c.Via, c.SSH = ViaSSH, SSH{}
	if o := first(func(l *layer) *opt[Via] { return &l.via }, ls...); o.set {
		c.Via = o.v
	}
	switch c.Via {
	case ViaSSH:
		c.SSH = r.ssh(c.Name, ls...)
		if !sshUserGiven(ls...) {
			r.errorf(rc.line, "client %s: no ssh user (set ssh.user on the client, in client_defaults of %s or in defaults, or via: master)", rc.name, m.Name)
		}
	case ViaMaster:
		if own.ssh != nil {
			r.errorf(own.ssh.line, "client %s: ssh settings are not used when the client is reached via master", rc.name)
		}
	}

	// Migration settings.
	where := fmt.Sprintf("on the client, in client_defaults of %s, or in defaults", m.Name)
	if o := first(func(l *layer) *opt[[]string] { return &l.disks }, ls...); o.given() {
		c.Disks = append([]string(nil), o.v...)
	} else {
		r.errorf(rc.line, "client %s: no target disks (set disks %s)", rc.name, where)
	}
	strReq := func(get func(l *layer) *opt[string], key string) string {
		o := first(get, ls...)
		if !o.given() {
			r.errorf(rc.line, "client %s: no %s (set %s %s)", rc.name, key, key, where)
		}
		return o.v
	}
	c.SPOT = strReq(func(l *layer) *opt[string] { return &l.spot }, "spot")
	c.LPPSource = strReq(func(l *layer) *opt[string] { return &l.lppSource }, "lpp_source")
	c.CacheVG = first(func(l *layer) *opt[string] { return &l.cacheVG }, ls...).v
	c.TargetLevel = first(func(l *layer) *opt[names.Level] { return &l.targetLevel }, ls...).v
	if o := first(func(l *layer) *opt[string] { return &l.wave }, ls...); o.set {
		c.Wave = r.wave(o)
	}
	if w := first(func(l *layer) *opt[*Window] { return &l.window }, ls...).v; w != nil {
		cp := *w
		c.Window = &cp
	}
	c.Groups = mergeGroups(cd, own)
	c.Tags = mergeTags(cd, own)
	return c
}

// mergeGroups returns the union of the layers' groups, sorted.
func mergeGroups(ls ...*layer) []string {
	set := map[string]bool{}
	for _, l := range ls {
		for _, g := range l.groups.v {
			set[g] = true
		}
	}
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for g := range set {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// mergeTags merges the layers' tags, later layers winning.
func mergeTags(ls ...*layer) map[string]string {
	var out map[string]string
	for _, l := range ls {
		for k, v := range l.tags.v {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

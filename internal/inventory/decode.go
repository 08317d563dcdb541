package inventory

// Decoding walks the yaml.Node tree by hand, so that every problem carries
// the line it is on and every problem is reported, not only the first.
// Nothing here decides effective values; that is resolve.go's job.

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nimfleet/nimfleet/internal/names"
)

// Error is one problem in an inventory file.
type Error struct {
	File string
	// Line is 1-based; 0 when the problem has no single line.
	Line int
	Msg  string
}

// Error returns "file:line: message" ("file: message" without a line).
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// opt is a setting that may be unset. bad marks a setting that was
// written but is invalid: it hides the layers below it (so no "missing"
// error follows the "invalid" one) and has no usable value.
type opt[T any] struct {
	v    T
	set  bool
	bad  bool
	line int
}

func (o *opt[T]) put(v T, line int) { o.v, o.set, o.line = v, true, line }

// given reports whether the setting was written, valid or not.
func (o *opt[T]) given() bool { return o.set || o.bad }

// sshLayer is one layer of SSH settings as written in the file.
type sshLayer struct {
	line                                 int
	address, user, knownHosts, proxyJump opt[string]
	port                                 opt[int]
	identityFiles                        opt[[]string]
}

// layer is one level of settings as written: defaults, a master's
// client_defaults, or a host.
type layer struct {
	line        int
	ssh         *sshLayer
	via         opt[Via]
	slots       opt[int]
	disks       opt[[]string]
	spot        opt[string]
	lppSource   opt[string]
	cacheVG     opt[string]
	targetLevel opt[names.Level]
	wave        opt[string]
	window      opt[*Window]
	groups      opt[[]string]
	tags        opt[map[string]string]
}

type rawWave struct {
	line   int
	name   string
	canary bool
}

type rawClient struct {
	line    int
	name    string
	nimName opt[string]
	own     layer
	dup     bool // its name is already taken; reported by checkNames
}

type rawMaster struct {
	line           int
	name           string
	own            layer // ssh, via, slots, groups, tags
	clientDefaults layer
	clients        []*rawClient
}

type rawFile struct {
	defaults  layer
	waves     []*rawWave
	wavesLine int
	masters   []*rawMaster
}

// Keys allowed in each kind of mapping.
var (
	topKeys            = []string{"version", "defaults", "waves", "masters"}
	defaultsKeys       = []string{"ssh", "slots", "via", "disks", "spot", "lpp_source", "target_level", "cache_vg", "wave", "window"}
	clientDefaultsKeys = []string{"ssh", "via", "disks", "spot", "lpp_source", "target_level", "cache_vg", "wave", "window", "groups", "tags"}
	masterKeys         = []string{"name", "ssh", "via", "slots", "groups", "tags", "client_defaults", "clients"}
	clientKeys         = []string{"name", "nim_name", "ssh", "via", "disks", "spot", "lpp_source", "target_level", "cache_vg", "wave", "window", "groups", "tags"}
	hostSSHKeys        = []string{"address", "port", "user", "identity_files", "known_hosts", "proxy_jump"}
	defaultSSHKeys     = []string{"port", "user", "identity_files", "known_hosts", "proxy_jump"}
	windowKeys         = []string{"start", "end"}
	waveKeys           = []string{"name", "canary"}
)

// hints explain why a known key is not allowed where it was written.
var hints = map[string]map[string]string{
	"master":          {"disks": "client settings of a master go under client_defaults", "spot": "client settings of a master go under client_defaults", "lpp_source": "client settings of a master go under client_defaults", "target_level": "client settings of a master go under client_defaults", "cache_vg": "client settings of a master go under client_defaults", "wave": "client settings of a master go under client_defaults", "window": "client settings of a master go under client_defaults", "nim_name": "a master's NIM name is always \"master\""},
	"client":          {"slots": "slots is a master setting", "clients": "clients belong under a master", "client_defaults": "client_defaults belongs under a master"},
	"client_defaults": {"slots": "slots is a master setting", "name": "client_defaults applies to every client; set name on each client", "nim_name": "set nim_name on each client"},
	"defaults":        {"groups": "set groups on hosts or in a master's client_defaults", "tags": "set tags on hosts or in a master's client_defaults", "name": "set name on each host", "nim_name": "set nim_name on each client"},
	"ssh":             {"address": "address is set per host"},
}

type decoder struct {
	file string
	errs []*Error
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// checkNoAliases reports anchors and aliases, which the format does not
// support (defaults and client_defaults say the same more plainly), and
// returns false if there were any.
func (d *decoder) checkNoAliases(n *yaml.Node) bool {
	ok := true
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			d.errorf(n, "anchors and aliases are not supported; use defaults or client_defaults")
			ok = false
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return ok
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func kindName(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing"
	case n.Kind == yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

type field struct{ key, val *yaml.Node }

// fields returns the entries of mapping n by key, reporting unknown and
// duplicate keys. An empty value ("key:") counts as an empty mapping.
func (d *decoder) fields(n *yaml.Node, what string, allowed []string) map[string]field {
	m := map[string]field{}
	if isNull(n) {
		return m
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping, got %s", what, kindName(n))
		return m
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: keys must be plain words", what)
			continue
		}
		key := k.Value
		if prev, dup := m[key]; dup {
			d.errorf(k, "duplicate key %q in %s (first at line %d)", key, what, prev.key.Line)
			continue
		}
		if !contains(allowed, key) {
			d.errorf(k, "unknown key %q in %s%s", key, what, hint(what, key, allowed))
			continue
		}
		m[key] = field{k, v}
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hint explains an unknown key: why it is not allowed here, or which
// allowed key it is probably a typo of.
func hint(what, key string, allowed []string) string {
	if h := hints[what][key]; h != "" {
		return " (" + h + ")"
	}
	best, bestD := "", 3
	for _, a := range allowed {
		if dist := editDistance(strings.ToLower(key), a); dist < bestD {
			best, bestD = a, dist
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// editDistance is the Levenshtein distance, capped for long inputs.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (d *decoder) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(n, "%s: want a value, got %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

// checked decodes a string and validates it with check.
func (d *decoder) checked(n *yaml.Node, what string, check func(string) error) (string, bool) {
	s, ok := d.str(n, what)
	if !ok {
		return "", false
	}
	if err := check(s); err != nil {
		d.errorf(n, "%s: %v", what, err)
		return "", false
	}
	return s, true
}

func (d *decoder) int(n *yaml.Node, what string, lo, hi int) (int, bool) {
	s, ok := d.str(n, what)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" {
		d.errorf(n, "%s: want a whole number, got %q", what, s)
		return 0, false
	}
	if v < lo || v > hi {
		d.errorf(n, "%s: %d is out of range (%d to %d)", what, v, lo, hi)
		return 0, false
	}
	return v, true
}

func (d *decoder) bool(n *yaml.Node, what string) (bool, bool) {
	s, ok := d.str(n, what)
	if !ok {
		return false, false
	}
	if n.Tag == "!!bool" {
		switch strings.ToLower(s) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	d.errorf(n, "%s: want true or false, got %q", what, s)
	return false, false
}

// list decodes a sequence of scalars, validating each with check and
// rejecting duplicates.
func (d *decoder) list(n *yaml.Node, what, example string, check func(string) error) ([]string, bool) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: want a list, e.g. %s: [%s], got %s", what, what, example, kindName(n))
		return nil, false
	}
	out := []string{}
	ok := true
	seen := map[string]int{}
	for _, item := range n.Content {
		s, good := d.checked(item, what, check)
		if !good {
			ok = false
			continue
		}
		if first, dup := seen[s]; dup {
			if first == item.Line {
				d.errorf(item, "%s: %q is listed twice", what, s)
			} else {
				d.errorf(item, "%s: %q is listed twice (first at line %d)", what, s, first)
			}
			ok = false
			continue
		}
		seen[s] = item.Line
		out = append(out, s)
	}
	return out, ok
}

// root decodes the document's top mapping.
func (d *decoder) root(doc *yaml.Node) *rawFile {
	f := &rawFile{}
	fs := d.fields(doc, "inventory", topKeys)
	if v, ok := fs["version"]; !ok {
		d.errorf(doc, "missing version (want version: 1)")
	} else if n, ok := d.int(v.val, "version", 0, 1<<30); ok && n != 1 {
		d.errorf(v.val, "unsupported version %d (this nimfleet reads version 1)", n)
	}
	if v, ok := fs["defaults"]; ok {
		d.layer(d.fields(v.val, "defaults", defaultsKeys), &f.defaults, []Via{ViaSSH, ViaMaster}, false)
		f.defaults.line = v.key.Line
	}
	if v, ok := fs["waves"]; ok {
		f.wavesLine = v.key.Line
		f.waves = d.waves(v.val)
		if f.waves == nil {
			f.waves = []*rawWave{}
		}
	}
	v, ok := fs["masters"]
	if !ok {
		d.errorf(doc, "no masters (want masters: a list of NIM masters and their clients)")
		return f
	}
	if v.val.Kind != yaml.SequenceNode || len(v.val.Content) == 0 {
		d.errorf(v.val, "masters: want a non-empty list, got %s", kindName(v.val))
		return f
	}
	for _, mn := range v.val.Content {
		if m := d.master(mn); m != nil {
			f.masters = append(f.masters, m)
		}
	}
	return f
}

func (d *decoder) waves(n *yaml.Node) []*rawWave {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "waves: want a list, e.g. waves: [canary, early, main], got %s", kindName(n))
		return nil
	}
	var ws []*rawWave
	for _, item := range n.Content {
		w := &rawWave{line: item.Line}
		switch {
		case item.Kind == yaml.ScalarNode && !isNull(item):
			w.name, _ = d.waveName(item)
		case item.Kind != yaml.MappingNode:
			d.errorf(item, "wave: want a name or a mapping, got %s", kindName(item))
		default:
			fs := d.fields(item, "wave", waveKeys)
			if v, ok := fs["name"]; ok {
				w.name, _ = d.waveName(v.val)
			}
			if v, ok := fs["canary"]; ok {
				w.canary, _ = d.bool(v.val, "canary")
			}
		}
		ws = append(ws, w)
	}
	return ws
}

func (d *decoder) waveName(n *yaml.Node) (string, bool) {
	s, ok := d.checked(n, "wave name", names.Label)
	if !ok {
		return "", false
	}
	if isNumber(s) {
		d.errorf(n, "wave name: %q is a number; hosts refer to waves by number already, so give the wave a name or leave the name out", s)
		return "", false
	}
	return s, true
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (d *decoder) master(n *yaml.Node) *rawMaster {
	m := &rawMaster{line: n.Line}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "master: want a mapping with name and clients, got %s", kindName(n))
		return nil
	}
	fs := d.fields(n, "master", masterKeys)
	if v, ok := fs["name"]; ok {
		m.name, _ = d.checked(v.val, "name", names.Host)
	} else {
		d.errorf(n, "master: missing name")
	}
	d.layer(fs, &m.own, []Via{ViaSSH, ViaLocal}, true)
	m.own.line = n.Line
	if v, ok := fs["client_defaults"]; ok {
		d.layer(d.fields(v.val, "client_defaults", clientDefaultsKeys), &m.clientDefaults, []Via{ViaSSH, ViaMaster}, false)
		m.clientDefaults.line = v.key.Line
	}
	if v, ok := fs["clients"]; ok {
		if isNull(v.val) {
			return m
		}
		if v.val.Kind != yaml.SequenceNode {
			d.errorf(v.val, "clients: want a list, got %s", kindName(v.val))
			return m
		}
		for _, cn := range v.val.Content {
			if c := d.client(cn); c != nil {
				m.clients = append(m.clients, c)
			}
		}
	}
	return m
}

func (d *decoder) client(n *yaml.Node) *rawClient {
	c := &rawClient{line: n.Line}
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		// Short form: "- lpar3" is a client with no settings of its own.
		var ok bool
		if c.name, ok = d.checked(n, "client name", names.Host); !ok {
			return nil
		}
		return c
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "client: want a name or a mapping, got %s", kindName(n))
		return nil
	}
	fs := d.fields(n, "client", clientKeys)
	if v, ok := fs["name"]; ok {
		c.name, _ = d.checked(v.val, "name", names.Host)
	} else {
		d.errorf(n, "client: missing name")
	}
	if v, ok := fs["nim_name"]; ok {
		c.nimName.bad = true
		if s, ok := d.checked(v.val, "nim_name", names.NIMName); ok {
			c.nimName.put(s, v.val.Line)
		}
	}
	d.layer(fs, &c.own, []Via{ViaSSH, ViaMaster}, true)
	c.own.line = n.Line
	return c
}

// layer decodes the settings among fs into l. vias are the allowed values
// of via; host says whether ssh may carry an address.
func (d *decoder) layer(fs map[string]field, l *layer, vias []Via, host bool) {
	if v, ok := fs["ssh"]; ok {
		l.ssh = d.ssh(v.val, host)
		l.ssh.line = v.key.Line
	}
	if v, ok := fs["via"]; ok {
		l.via.bad = true
		if s, ok := d.str(v.val, "via"); ok {
			if contains(viaStrings(vias), s) {
				l.via.put(Via(s), v.val.Line)
			} else {
				d.errorf(v.val, "via: want %s, got %q", strings.Join(viaStrings(vias), " or "), s)
			}
		}
	}
	if v, ok := fs["slots"]; ok {
		l.slots.bad = true
		if n, ok := d.int(v.val, "slots", 1, MaxSlots); ok {
			l.slots.put(n, v.val.Line)
		}
	}
	if v, ok := fs["disks"]; ok {
		l.disks.bad = true
		if ds, ok := d.list(v.val, "disks", "hdisk1", names.Disk); ok {
			if len(ds) == 0 {
				d.errorf(v.val, "disks: the list is empty; name at least one target disk")
			} else {
				l.disks.put(ds, v.val.Line)
			}
		}
	}
	strSetting := func(key string, o *opt[string], check func(string) error) {
		if v, ok := fs[key]; ok {
			o.bad = true
			if s, ok := d.checked(v.val, key, check); ok {
				o.put(s, v.val.Line)
			}
		}
	}
	strSetting("spot", &l.spot, names.SPOT)
	strSetting("lpp_source", &l.lppSource, names.LPPSource)
	strSetting("cache_vg", &l.cacheVG, names.VG)
	if v, ok := fs["target_level"]; ok {
		l.targetLevel.bad = true
		if s, ok := d.str(v.val, "target_level"); ok {
			if lv, err := names.ParseLevel(s); err != nil {
				d.errorf(v.val, "target_level: %v", err)
			} else {
				l.targetLevel.put(lv, v.val.Line)
			}
		}
	}
	if v, ok := fs["wave"]; ok {
		l.wave.bad = true
		if s, ok := d.str(v.val, "wave"); ok {
			if isNumber(s) {
				l.wave.put(s, v.val.Line)
			} else if err := names.Label(s); err != nil {
				d.errorf(v.val, "wave: want a wave name or number: %v", err)
			} else {
				l.wave.put(s, v.val.Line)
			}
		}
	}
	if v, ok := fs["window"]; ok {
		l.window.bad = true
		if w := d.window(v.val); w != nil {
			l.window.put(w, v.val.Line)
		}
	}
	if v, ok := fs["groups"]; ok {
		l.groups.bad = true
		if gs, ok := d.list(v.val, "groups", "prod", names.Label); ok {
			l.groups.put(gs, v.val.Line)
		}
	}
	if v, ok := fs["tags"]; ok {
		l.tags.bad = true
		if t := d.tags(v.val); t != nil {
			l.tags.put(t, v.val.Line)
		}
	}
}

func viaStrings(vs []Via) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func (d *decoder) ssh(n *yaml.Node, host bool) *sshLayer {
	s := &sshLayer{}
	keys, what := defaultSSHKeys, "ssh"
	if host {
		keys = hostSSHKeys
	}
	fs := d.fields(n, what, keys)
	strSetting := func(key string, o *opt[string], check func(string) error) {
		if v, ok := fs[key]; ok {
			o.bad = true
			if str, ok := d.checked(v.val, "ssh."+key, check); ok {
				o.put(str, v.val.Line)
			}
		}
	}
	strSetting("address", &s.address, names.Address)
	strSetting("user", &s.user, names.User)
	strSetting("known_hosts", &s.knownHosts, names.Path)
	strSetting("proxy_jump", &s.proxyJump, checkJump)
	if v, ok := fs["port"]; ok {
		s.port.bad = true
		if p, ok := d.int(v.val, "ssh.port", 1, 65535); ok {
			s.port.put(p, v.val.Line)
		}
	}
	if v, ok := fs["identity_files"]; ok {
		s.identityFiles.bad = true
		if fl, ok := d.list(v.val, "ssh.identity_files", "/home/ops/.ssh/id_ed25519", names.Path); ok {
			s.identityFiles.put(fl, v.val.Line)
		}
	}
	return s
}

// checkJump validates a jump host "[user@]host[:port]" (IPv6 in brackets).
func checkJump(s string) error {
	bad := func(format string, args ...any) error {
		return &names.Error{Kind: "jump host", Value: s, Reason: fmt.Sprintf(format, args...)}
	}
	rest := s
	if user, after, ok := strings.Cut(rest, "@"); ok {
		if err := names.User(user); err != nil {
			return bad("user: %s", err.(*names.Error).Reason)
		}
		rest = after
	}
	host, port := rest, ""
	if h, p, err := net.SplitHostPort(rest); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(rest, "[") || strings.Count(rest, ":") == 1 {
		return bad("want [user@]host[:port]")
	}
	if err := names.Address(host); err != nil {
		return bad("%s", err.(*names.Error).Reason)
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || !isNumber(port) {
			return bad("port %q is not a number from 1 to 65535", port)
		}
	}
	return nil
}

func (d *decoder) window(n *yaml.Node) *Window {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "window: want a mapping with start and end, got %s", kindName(n))
		return nil
	}
	fs := d.fields(n, "window", windowKeys)
	var w Window
	ok := true
	for _, k := range windowKeys {
		v, has := fs[k]
		if !has {
			d.errorf(n, "window: missing %s", k)
			ok = false
			continue
		}
		s, good := d.str(v.val, "window."+k)
		if !good {
			ok = false
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			d.errorf(v.val, "window.%s: want a time such as 2025-03-08T22:00:00+01:00, got %q", k, s)
			ok = false
			continue
		}
		if k == "start" {
			w.Start = t
		} else {
			w.End = t
		}
	}
	if ok && !w.End.After(w.Start) {
		d.errorf(n, "window: end %s is not after start %s", w.End.Format(time.RFC3339), w.Start.Format(time.RFC3339))
		return nil
	}
	if !ok {
		return nil
	}
	return &w
}

func (d *decoder) tags(n *yaml.Node) map[string]string {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "tags: want a mapping, e.g. tags: {app: sap}, got %s", kindName(n))
		return nil
	}
	t := map[string]string{}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key, ok := d.checked(k, "tag key", names.Label)
		if !ok {
			continue
		}
		if first, dup := lines[key]; dup {
			d.errorf(k, "duplicate key %q in tags (first at line %d)", key, first)
			continue
		}
		lines[key] = k.Line
		if val, ok := d.checked(v, "tag "+key, names.Label); ok {
			t[key] = val
		}
	}
	return t
}

// sortErrors orders errors by line, keeping the order of errors on the
// same line.
func sortErrors(errs []*Error) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
}

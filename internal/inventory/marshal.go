package inventory

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Marshal writes inv as a canonical inventory file: version 1, keys in a
// fixed order, hosts in inventory order. Settings every client shares are
// written once under defaults, settings all clients of one master share
// under that master's client_defaults, SSH settings every SSH host shares
// under defaults.ssh; the rest per host, and a client with nothing of its
// own is written as a bare name. Values that equal the built-in defaults
// (port 22, via ssh, DefaultSlots) are left out.
//
// Parse(Marshal(inv)) resolves to the same hosts as inv. Marshal checks
// that by parsing its own output and returns the problems if inv is not a
// valid inventory (for example a client without disks); the line numbers
// then refer to the generated text.
func Marshal(inv *Inventory) ([]byte, error) {
	root := mapping()
	root.HeadComment = "nimfleet inventory"
	add(root, "version", intNode(1))

	masters := inv.Masters()
	var clients, sshHosts []*Host
	for _, m := range masters {
		if m.Via == ViaSSH {
			sshHosts = append(sshHosts, m)
		}
		for _, c := range m.Clients {
			clients = append(clients, c)
			if c.Via == ViaSSH {
				sshHosts = append(sshHosts, c)
			}
		}
	}

	defaults := mapping()
	// SSH settings shared by every host reached over SSH.
	sharedSSH := map[string]string{}
	sshDef := mapping()
	for _, f := range sshFields {
		if v, ok := common(sshHosts, 2, func(h *Host) string { return f.key(h.SSH) }); ok && v != f.zero {
			sharedSSH[f.name] = v
			add(sshDef, f.name, f.node(v))
		}
	}
	if len(sshDef.Content) > 0 {
		add(defaults, "ssh", sshDef)
	}
	sharedSlots := DefaultSlots
	if v, ok := common(masters, 1, func(h *Host) string { return itoa(h.Slots) }); ok && v != itoa(DefaultSlots) {
		add(defaults, "slots", scalarNode("!!int", v))
		sharedSlots = masters[0].Slots
	}
	// Client settings shared by every client.
	shared := map[string]string{}
	for _, f := range clientFields {
		if v, ok := common(clients, 2, f.key); ok && v != "" {
			shared[f.name] = v
			add(defaults, f.name, f.node(clients[0]))
		}
	}
	if len(defaults.Content) > 0 {
		add(root, "defaults", defaults)
	}

	if ws := wavesNode(inv, clients); ws != nil {
		add(root, "waves", ws)
	}

	ms := &yaml.Node{Kind: yaml.SequenceNode}
	for _, m := range masters {
		ms.Content = append(ms.Content, masterNode(m, sharedSSH, sharedSlots, shared))
	}
	add(root, "masters", ms)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("marshal inventory: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal inventory: %w", err)
	}
	if _, err := Parse("<marshalled inventory>", buf.Bytes()); err != nil {
		return nil, fmt.Errorf("marshal inventory: %w", err)
	}
	return buf.Bytes(), nil
}

func masterNode(m *Host, sharedSSH map[string]string, sharedSlots int, shared map[string]string) *yaml.Node {
	n := mapping()
	add(n, "name", strNode(m.Name))
	if m.Via == ViaSSH {
		if s := sshNode(m, sharedSSH); s != nil {
			add(n, "ssh", s)
		}
	} else {
		add(n, "via", strNode(string(m.Via)))
	}
	if m.Slots != sharedSlots {
		add(n, "slots", intNode(m.Slots))
	}
	if len(m.Groups) > 0 {
		add(n, "groups", flowList(m.Groups))
	}
	if len(m.Tags) > 0 {
		add(n, "tags", tagsNode(m.Tags))
	}

	// Settings shared by this master's clients (and not by all clients).
	cd := mapping()
	local := map[string]bool{}
	for _, f := range clientFields {
		if _, ok := shared[f.name]; ok {
			continue
		}
		if v, ok := common(m.Clients, 2, f.key); ok && v != "" {
			local[f.name] = true
			add(cd, f.name, f.node(m.Clients[0]))
		}
	}
	var commonGroups []string
	var commonTags map[string]string
	if len(m.Clients) >= 2 {
		commonGroups = intersectGroups(m.Clients)
		commonTags = intersectTags(m.Clients)
	}
	if len(commonGroups) > 0 {
		add(cd, "groups", flowList(commonGroups))
	}
	if len(commonTags) > 0 {
		add(cd, "tags", tagsNode(commonTags))
	}
	if len(cd.Content) > 0 {
		add(n, "client_defaults", cd)
	}

	cs := &yaml.Node{Kind: yaml.SequenceNode}
	for _, c := range m.Clients {
		cs.Content = append(cs.Content, clientNode(c, sharedSSH, shared, local, commonGroups, commonTags))
	}
	if len(cs.Content) > 0 {
		add(n, "clients", cs)
	}
	return n
}

func clientNode(c *Host, sharedSSH, shared map[string]string, local map[string]bool, commonGroups []string, commonTags map[string]string) *yaml.Node {
	n := mapping()
	add(n, "name", strNode(c.Name))
	if c.NIMName != c.Name {
		add(n, "nim_name", strNode(c.NIMName))
	}
	if c.Via == ViaSSH {
		if s := sshNode(c, sharedSSH); s != nil {
			add(n, "ssh", s)
		}
	}
	for _, f := range clientFields {
		if _, ok := shared[f.name]; ok || local[f.name] {
			continue
		}
		if f.key(c) != "" {
			add(n, f.name, f.node(c))
		}
	}
	if gs := minus(c.Groups, commonGroups); len(gs) > 0 {
		add(n, "groups", flowList(gs))
	}
	tags := map[string]string{}
	for k, v := range c.Tags {
		if cv, ok := commonTags[k]; !ok || cv != v {
			tags[k] = v
		}
	}
	if len(tags) > 0 {
		add(n, "tags", tagsNode(tags))
	}
	if len(n.Content) == 2 {
		return strNode(c.Name) // short form
	}
	return n
}

func sshNode(h *Host, shared map[string]string) *yaml.Node {
	n := mapping()
	if h.SSH.Address != h.Name {
		add(n, "address", strNode(h.SSH.Address))
	}
	for _, f := range sshFields {
		v := f.key(h.SSH)
		if _, ok := shared[f.name]; ok {
			continue // written once under defaults.ssh; every SSH host has it
		}
		if v != f.zero {
			add(n, f.name, f.node(v))
		}
	}
	if len(n.Content) == 0 {
		return nil
	}
	return n
}

// wavesNode writes the waves list unless the hosts' numbered references
// alone define the same waves.
func wavesNode(inv *Inventory, clients []*Host) *yaml.Node {
	needed := false
	maxRef := 0
	for _, c := range clients {
		if c.Wave != nil {
			maxRef = max(maxRef, c.Wave.Number)
		}
	}
	for _, w := range inv.Waves {
		if w.Name != "" || w.Canary {
			needed = true
		}
	}
	if !needed && len(inv.Waves) == maxRef {
		return nil
	}
	n := &yaml.Node{Kind: yaml.SequenceNode}
	for _, w := range inv.Waves {
		switch {
		case w.Name != "" && !w.Canary:
			n.Content = append(n.Content, strNode(w.Name))
		default:
			m := mapping()
			m.Style = yaml.FlowStyle
			if w.Name != "" {
				add(m, "name", strNode(w.Name))
			}
			if w.Canary {
				add(m, "canary", scalarNode("!!bool", "true"))
			}
			n.Content = append(n.Content, m)
		}
	}
	return n
}

// sshField describes one SSH setting for factoring.
type sshField struct {
	name string
	zero string // the value that needs no writing
	key  func(s SSH) string
	node func(v string) *yaml.Node
}

var sshFields = []sshField{
	{"port", itoa(DefaultPort), func(s SSH) string { return itoa(s.Port) }, func(v string) *yaml.Node { return scalarNode("!!int", v) }},
	{"user", "", func(s SSH) string { return s.User }, strNode},
	{"identity_files", "", func(s SSH) string { return strings.Join(s.IdentityFiles, "\n") }, func(v string) *yaml.Node { return flowList(strings.Split(v, "\n")) }},
	{"known_hosts", "", func(s SSH) string { return s.KnownHosts }, strNode},
	{"proxy_jump", "", func(s SSH) string { return s.ProxyJump }, strNode},
}

// clientField describes one client setting for factoring: key returns a
// comparable form ("" when unset or default), node the YAML value.
type clientField struct {
	name string
	key  func(h *Host) string
	node func(h *Host) *yaml.Node
}

var clientFields = []clientField{
	{"via", func(h *Host) string {
		if h.Via == ViaSSH {
			return ""
		}
		return string(h.Via)
	}, func(h *Host) *yaml.Node { return strNode(string(h.Via)) }},
	{"disks", func(h *Host) string { return strings.Join(h.Disks, " ") }, func(h *Host) *yaml.Node { return flowList(h.Disks) }},
	{"spot", func(h *Host) string { return h.SPOT }, func(h *Host) *yaml.Node { return strNode(h.SPOT) }},
	{"lpp_source", func(h *Host) string { return h.LPPSource }, func(h *Host) *yaml.Node { return strNode(h.LPPSource) }},
	{"target_level", func(h *Host) string { return h.TargetLevel.String() }, func(h *Host) *yaml.Node { return strNode(h.TargetLevel.String()) }},
	{"cache_vg", func(h *Host) string { return h.CacheVG }, func(h *Host) *yaml.Node { return strNode(h.CacheVG) }},
	{"wave", func(h *Host) string { return waveRef(h.Wave) }, func(h *Host) *yaml.Node {
		if h.Wave.Name == "" {
			return intNode(h.Wave.Number)
		}
		return strNode(h.Wave.Name)
	}},
	{"window", func(h *Host) string {
		if h.Window == nil {
			return ""
		}
		return h.Window.Start.Format(time.RFC3339) + " " + h.Window.End.Format(time.RFC3339)
	}, func(h *Host) *yaml.Node {
		n := mapping()
		add(n, "start", strNode(h.Window.Start.Format(time.RFC3339)))
		add(n, "end", strNode(h.Window.End.Format(time.RFC3339)))
		return n
	}},
}

func waveRef(w *Wave) string {
	switch {
	case w == nil:
		return ""
	case w.Name != "":
		return w.Name
	}
	return itoa(w.Number)
}

// common returns the value key gives every host, if they all agree and
// there are at least min hosts.
func common(hs []*Host, min int, key func(h *Host) string) (string, bool) {
	if len(hs) < min || len(hs) == 0 {
		return "", false
	}
	v := key(hs[0])
	for _, h := range hs[1:] {
		if key(h) != v {
			return "", false
		}
	}
	return v, true
}

func intersectGroups(hs []*Host) []string {
	var out []string
	for _, g := range hs[0].Groups {
		all := true
		for _, h := range hs[1:] {
			if !h.InGroup(g) {
				all = false
				break
			}
		}
		if all {
			out = append(out, g)
		}
	}
	return out
}

func intersectTags(hs []*Host) map[string]string {
	out := map[string]string{}
	for k, v := range hs[0].Tags {
		all := true
		for _, h := range hs[1:] {
			if hv, ok := h.Tags[k]; !ok || hv != v {
				all = false
				break
			}
		}
		if all {
			out[k] = v
		}
	}
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, strNode(key), v)
}

func scalarNode(tag, v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

func strNode(v string) *yaml.Node { return scalarNode("!!str", v) }

func intNode(n int) *yaml.Node { return scalarNode("!!int", itoa(n)) }

func flowList(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, strNode(s))
	}
	return n
}

func tagsNode(t map[string]string) *yaml.Node {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := mapping()
	n.Style = yaml.FlowStyle
	for _, k := range keys {
		add(n, k, strNode(t[k]))
	}
	return n
}

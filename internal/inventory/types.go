package inventory

import (
	"time"

	"github.com/nimfleet/nimfleet/internal/names"
)

// Role says whether a host is a NIM master or a NIM client.
type Role int

// Host roles.
const (
	RoleMaster Role = iota + 1
	RoleClient
)

// String returns "master", "client" or "unknown".
func (r Role) String() string {
	switch r {
	case RoleMaster:
		return "master"
	case RoleClient:
		return "client"
	}
	return "unknown"
}

// Via says how nimfleet reaches a host.
type Via string

// Ways to reach a host.
const (
	// ViaSSH: nimfleet connects to the host over SSH (masters and clients).
	ViaSSH Via = "ssh"
	// ViaMaster: nimfleet runs the client's commands on its master through
	// the NIM method c_rsh (clients only).
	ViaMaster Via = "master"
	// ViaLocal: nimfleet runs on this host itself (masters only; at most
	// one per inventory).
	ViaLocal Via = "local"
)

// DefaultPort is the SSH port used when none is set.
const DefaultPort = 22

// DefaultSlots is a master's number of concurrent nimadm runs when neither
// the master nor the defaults set slots: the low end of the 4 to 8 per
// master that nimadm.md §8 suggests as a starting point [U].
const DefaultSlots = 4

// MaxSlots bounds slots; more concurrent nimadm runs than this on one
// master is almost certainly a typo.
const MaxSlots = 64

// SSH holds the effective SSH settings of a host reached over SSH.
type SSH struct {
	// Address is the host name or IP address to connect to; it defaults to
	// the host's inventory name.
	Address string
	// Port defaults to DefaultPort.
	Port int
	// User is required.
	User string
	// IdentityFiles are private key files, tried in order. Empty means the
	// ssh transport's defaults.
	IdentityFiles []string
	// KnownHosts is the known_hosts file. Empty means the ssh transport's
	// default. Unknown host keys are always refused.
	KnownHosts string
	// ProxyJump is an optional jump host, "[user@]host[:port]".
	ProxyJump string
}

// Window is a maintenance window: nimadm may start on a client only
// between Start and End.
type Window struct {
	Start, End time.Time
}

// Contains reports whether t is inside the window (Start inclusive, End
// exclusive).
func (w *Window) Contains(t time.Time) bool {
	return !t.Before(w.Start) && t.Before(w.End)
}

// Wave is one step of a rollout. Waves run in order of Number.
type Wave struct {
	// Number is the wave's 1-based position in the waves list.
	Number int
	// Name is optional; hosts may refer to a wave by name or number.
	Name string
	// Canary marks a wave whose failure should stop the rollout.
	Canary bool
}

// Host is a fully resolved master or client: every setting is the
// effective one after defaults and overrides.
type Host struct {
	// Name is the inventory name, a host name unique in the inventory.
	Name string
	Role Role
	// NIMName is the client's NIM machine object name (the -c argument of
	// nimadm); it defaults to Name. For a master it is "master", the name
	// NIM gives the master's own object.
	NIMName string
	// Master is a client's master; nil for a master.
	Master *Host
	// Clients are a master's clients in file order; nil for a client.
	Clients []*Host
	// Via says how to reach the host.
	Via Via
	// SSH is set when Via is ViaSSH, and zero otherwise.
	SSH SSH
	// Slots is a master's maximum number of concurrent nimadm runs; 0 for
	// a client.
	Slots int

	// Migration settings; set on clients only.

	// Disks are the target disks (nimadm -d), at least one.
	Disks []string
	// SPOT and LPPSource are NIM resource names on the client's master.
	SPOT      string
	LPPSource string
	// TargetLevel is the level to migrate to; the zero Level (Form 0)
	// means unset, and checks derive it from the lpp_source.
	TargetLevel names.Level
	// CacheVG is the master volume group for local disk caching (nimadm
	// -j); empty means NFS mode.
	CacheVG string
	// Wave is nil when the host is in no wave.
	Wave *Wave
	// Window is nil when the client has no maintenance window.
	Window *Window

	// Groups are sorted and unique. Tags map keys to values. Both may be
	// empty.
	Groups []string
	Tags   map[string]string
	// Line is where the host is defined in the inventory file; 0 for hosts
	// built in code.
	Line int
}

// InGroup reports whether the host is in group g.
func (h *Host) InGroup(g string) bool {
	for _, x := range h.Groups {
		if x == g {
			return true
		}
	}
	return false
}

// Inventory is a loaded, validated and resolved inventory.
type Inventory struct {
	// File is the name the inventory was parsed from, used in messages.
	File string
	// Waves in order; Waves[i].Number == i+1.
	Waves []*Wave
	// Hosts lists every host in file order: each master followed by its
	// clients.
	Hosts []*Host
}

// Host returns the host with the given inventory name, or nil.
func (inv *Inventory) Host(name string) *Host {
	for _, h := range inv.Hosts {
		if h.Name == name {
			return h
		}
	}
	return nil
}

// Masters returns the masters in file order.
func (inv *Inventory) Masters() []*Host { return inv.byRole(RoleMaster) }

// Clients returns the clients in file order.
func (inv *Inventory) Clients() []*Host { return inv.byRole(RoleClient) }

func (inv *Inventory) byRole(r Role) []*Host {
	var hs []*Host
	for _, h := range inv.Hosts {
		if h.Role == r {
			hs = append(hs, h)
		}
	}
	return hs
}

// Wave returns the wave with the given name or number ("canary", "2"), or
// nil.
func (inv *Inventory) Wave(ref string) *Wave {
	for _, w := range inv.Waves {
		if w.Name == ref && ref != "" || itoa(w.Number) == ref {
			return w
		}
	}
	return nil
}

// AddMaster appends a master built in code (for inventory discover and the
// lab) and returns it. Role, Master, Clients and NIMName ("master") are set
// here; zero values of Via, Slots, SSH.Address and SSH.Port get their
// defaults (ViaSSH, DefaultSlots, the name, DefaultPort).
func (inv *Inventory) AddMaster(h Host) *Host {
	m := &h
	m.Role, m.Master, m.Clients = RoleMaster, nil, nil
	m.NIMName = "master"
	if m.Slots == 0 {
		m.Slots = DefaultSlots
	}
	fillDefaults(m)
	inv.Hosts = append(inv.Hosts, m)
	return m
}

func fillDefaults(h *Host) {
	if h.Via == "" {
		h.Via = ViaSSH
	}
	if h.Via == ViaSSH {
		if h.SSH.Address == "" {
			h.SSH.Address = h.Name
		}
		if h.SSH.Port == 0 {
			h.SSH.Port = DefaultPort
		}
	}
}

// AddClient appends a client of master built in code and returns it. It
// is inserted after master's last client, so Hosts stays grouped by
// master. Zero values of Via, NIMName, SSH.Address and SSH.Port get their
// defaults (ViaSSH, the name, the name, DefaultPort).
func (inv *Inventory) AddClient(master *Host, h Host) *Host {
	c := &h
	c.Role, c.Master, c.Clients = RoleClient, master, nil
	fillDefaults(c)
	if c.NIMName == "" {
		c.NIMName = c.Name
	}
	at := len(inv.Hosts)
	for i, x := range inv.Hosts {
		if x == master {
			at = i + 1 + len(master.Clients)
			break
		}
	}
	inv.Hosts = append(inv.Hosts, nil)
	copy(inv.Hosts[at+1:], inv.Hosts[at:])
	inv.Hosts[at] = c
	master.Clients = append(master.Clients, c)
	return c
}

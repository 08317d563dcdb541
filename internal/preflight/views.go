package preflight

// Fleet-wide views, built once per run (per master, or for the whole
// fleet) so that no check scans a large output once per client.

import (
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/facts"
)

func itoa(n int) string { return strconv.Itoa(n) }

// masterView holds what the checks derive from one master's facts and its
// clients, computed on first use (clients are evaluated in parallel: mu
// guards the lazily computed fields).
type masterView struct {
	m       *facts.Master
	clients []*clientState

	mu        sync.Mutex
	hosts     *hostsIndex
	hostsDone bool
	spots     map[string]map[string]bool
	nimadm    map[string][]aix.Process
	cache     map[string]*cacheDemand
}

// hostsEntry is one line of /etc/hosts.
type hostsEntry struct {
	ip    string
	names []string // lower case
	line  string
}

// hostsIndex indexes a master's /etc/hosts by name and by address.
type hostsIndex struct {
	byName map[string][]*hostsEntry
	byIP   map[string][]*hostsEntry
}

// etcHosts returns the index of the master's /etc/hosts, or nil when it
// is unknown.
func (v *masterView) etcHosts() *hostsIndex {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.hostsDone {
		return v.hosts
	}
	v.hostsDone = true
	text, ok := v.m.EtcHosts.Get()
	if !ok {
		return nil
	}
	idx := &hostsIndex{byName: map[string][]*hostsEntry{}, byIP: map[string][]*hostsEntry{}}
	for _, l := range strings.Split(text, "\n") {
		body := l
		if i := strings.IndexByte(body, '#'); i >= 0 {
			body = body[:i]
		}
		f := strings.Fields(body)
		if len(f) < 2 {
			continue
		}
		e := &hostsEntry{ip: f[0], line: strings.TrimRight(l, " \t\r")}
		for _, n := range f[1:] {
			n = strings.ToLower(n)
			e.names = append(e.names, n)
			idx.byName[n] = append(idx.byName[n], e)
		}
		idx.byIP[e.ip] = append(idx.byIP[e.ip], e)
	}
	v.hosts = idx
	return idx
}

// nimadmRuns returns the master's nimadm processes by the client they
// migrate (the -c argument), or nil when the process list is unknown.
func (v *masterView) nimadmRuns() map[string][]aix.Process {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.nimadm != nil {
		return v.nimadm
	}
	ps, ok := v.m.Processes.Get()
	if !ok {
		return nil
	}
	v.nimadm = map[string][]aix.Process{}
	for _, p := range ps.ByCommand("nimadm") {
		f := strings.Fields(p.Cmd)
		for i := 1; i < len(f); i++ {
			var c string
			switch {
			case f[i] == "-c" && i+1 < len(f):
				c = f[i+1]
			case strings.HasPrefix(f[i], "-c") && len(f[i]) > 2:
				c = f[i][2:]
			default:
				continue
			}
			v.nimadm[c] = append(v.nimadm[c], p)
			break
		}
	}
	return v.nimadm
}

// growthMarginMB is what a migration adds to a client's rootvg: IBM asks
// for about 500 MB more than rootvg (nimadm.md §4.1 item 5); nimfleet uses
// 512 MB (errors.md E09) [U].
const growthMarginMB = 512

// clientDemand is the cache space one client's migration needs.
type clientDemand struct {
	host string
	mb   int
}

// cacheDemand is what the clients of one master that use one cache VG
// need from it, largest first.
type cacheDemand struct {
	clients []clientDemand
	// unknown lists the clients whose rootvg size is not known.
	unknown []string
}

// cacheDemands returns the demand on cache VG vg (PP size ppMB, 0 when
// unknown) by the master's clients in this run that use it.
func (v *masterView) cacheDemands(vg string, ppMB int) *cacheDemand {
	v.mu.Lock()
	defer v.mu.Unlock()
	if d, ok := v.cache[vg]; ok {
		return d
	}
	if v.cache == nil {
		v.cache = map[string]*cacheDemand{}
	}
	d := &cacheDemand{}
	for _, cs := range v.clients {
		if cs.host.CacheVG != vg {
			continue
		}
		need, ok := cacheNeedMB(cs.c, ppMB)
		if !ok {
			d.unknown = append(d.unknown, cs.host.Name)
			continue
		}
		d.clients = append(d.clients, clientDemand{cs.host.Name, need})
	}
	sort.SliceStable(d.clients, func(i, j int) bool { return d.clients[i].mb > d.clients[j].mb })
	v.cache[vg] = d
	return d
}

func roundUp(n, unit int) int {
	if unit <= 0 {
		return n
	}
	return (n + unit - 1) / unit * unit
}

// cacheNeedMB estimates the cache space a client's migration takes [U
// sizing rule, errors.md E12: IBM gives none]: its rootvg used size (one
// copy), each file system rounded up to the cache VG's partition size
// (nimadm creates one cache file system per client file system), plus the
// growth margin and one more partition for rounding.
func cacheNeedMB(c *facts.Client, cachePP int) (int, bool) {
	if c == nil {
		return 0, false
	}
	vg, ok := c.Rootvg.Get()
	if !ok {
		return 0, false
	}
	used := vg.UsedMB
	lvs, lvOK := c.RootvgLVs.Get()
	if lvOK && vg.PPSizeMB > 0 {
		total, fs, fsRounded := 0, 0, 0
		for _, lv := range lvs.LVs {
			mb := lv.LPs * vg.PPSizeMB
			total += mb
			if isFS(lv) && !standby(lv) {
				fs += mb
				fsRounded += roundUp(mb, cachePP)
			}
		}
		used = total - fs + fsRounded
	}
	return used + roundUp(growthMarginMB, cachePP) + cachePP, true
}

// isFS reports whether an LV holds a mounted-type file system.
func isFS(lv aix.LV) bool {
	return (lv.Type == "jfs2" || lv.Type == "jfs") && lv.MountPoint != ""
}

// standby reports whether an LV belongs to a multibos standby instance
// (mounted under /bos_inst).
func standby(lv aix.LV) bool {
	return lv.MountPoint == "/bos_inst" || strings.HasPrefix(lv.MountPoint, "/bos_inst/")
}

// pvOwner is a disk of a client.
type pvOwner struct {
	host string
	pv   aix.PV
}

// fleetView holds what checks derive from every client of the run.
type fleetView struct {
	// pvids maps a PVID to the client disks that show it.
	pvids map[string][]pvOwner
	// clients counts the clients whose disks are known.
	clients int
}

func newFleetView(clients []*clientState) *fleetView {
	fv := &fleetView{pvids: map[string][]pvOwner{}}
	for _, cs := range clients {
		pvs, ok := cs.c.PVs.Get()
		if !ok {
			continue
		}
		fv.clients++
		for _, pv := range pvs {
			if pv.HasPVID {
				fv.pvids[strings.ToLower(pv.PVID)] = append(fv.pvids[strings.ToLower(pv.PVID)], pvOwner{cs.host.Name, pv})
			}
		}
	}
	return fv
}

// spotSet returns the filesets installed in SPOT spot, or nil when they
// are unknown.
func (v *masterView) spotSet(spot string) map[string]bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if set, ok := v.spots[spot]; ok {
		return set
	}
	if v.spots == nil {
		v.spots = map[string]map[string]bool{}
	}
	var set map[string]bool
	if f, ok := v.m.SpotFilesets[spot]; ok && f.Known {
		set = make(map[string]bool, len(f.Value))
		for _, x := range f.Value {
			set[x.Fileset] = true
		}
	}
	v.spots[spot] = set
	return set
}

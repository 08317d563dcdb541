// Package discover builds a starting inventory from a NIM master itself:
// the standalone clients NIM knows, the SPOT and lpp_source resources and
// their levels, cache volume group candidates, and, per client, a suggested
// target disk (free, bootable, large enough for rootvg used plus the
// migration margin of nimadm.md §4.1). Clients are probed through the
// master's c_rsh, so no SSH access to the LPARs is needed.
package discover

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/names"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// MarginMB is the space a migration needs beyond rootvg's used size on the
// target disk: "about 500 MB" per IBM (nimadm.md §4.1), rounded up.
const MarginMB = 512

// Options configure a discovery.
type Options struct {
	// Open returns a runner that reaches the hosts of inv: the master, and
	// its clients through c_rsh on it. It is called twice: with the master
	// alone, then with the clients found.
	Open func(inv *inventory.Inventory) (transport.Runner, func() error, error)
	// Master is the master as an inventory host (name, SSH settings).
	Master inventory.Host
	// Spot, LPPSource and CacheVG force a choice; empty means the best
	// candidate found.
	Spot, LPPSource, CacheVG string
	// Concurrency bounds client probes; 0 means 16.
	Concurrency int
}

// Result is what discovery found.
type Result struct {
	Inventory *inventory.Inventory
	// Notes explain choices and problems, one line each ("lpar7: no free
	// disk of at least 12800 MB; target disk left as hdisk1, check it").
	Notes []string
}

// Run discovers the master's clients and resources.
func Run(ctx context.Context, o Options) (*Result, error) {
	res := &Result{}
	only := &inventory.Inventory{File: "discovered"}
	only.AddMaster(o.Master)
	runner, closeR, err := o.Open(only)
	if err != nil {
		return nil, err
	}
	defer closeR()
	note := func(format string, args ...any) { res.Notes = append(res.Notes, fmt.Sprintf(format, args...)) }
	run := func(host string, name cmdline.Arg, args ...cmdline.Arg) ([]byte, int, error) {
		r, err := runner.Run(ctx, transport.Command{Host: host, Line: cmdline.Build(name, args...)})
		if err != nil {
			return nil, 0, err
		}
		return r.Stdout, r.ExitCode, nil
	}
	m := o.Master.Name
	out, rc, err := run(m, "/usr/sbin/lsnim", "-t", "standalone", "-l")
	if err != nil {
		return nil, fmt.Errorf("list NIM clients on %s: %w", m, err)
	}
	var clients []aix.NIMObject
	if rc == 0 && len(strings.TrimSpace(string(out))) > 0 {
		if clients, err = aix.ParseLsnimLong(out); err != nil {
			return nil, fmt.Errorf("list NIM clients on %s: %w", m, err)
		}
	}
	spot, err := pickResource(run, m, "spot", o.Spot)
	if err != nil {
		return nil, err
	}
	lpp, err := pickResource(run, m, "lpp_source", o.LPPSource)
	if err != nil {
		return nil, err
	}
	if spot.Name != "" && lpp.Name != "" && spot.level != lpp.level && spot.level != "" && lpp.level != "" {
		note("SPOT %s is at %s but lpp_source %s at %s: rebuild the SPOT from the lpp_source (errors.md E26)", spot.Name, spot.level, lpp.Name, lpp.level)
	}
	cache := o.CacheVG
	if cache == "" {
		cache, err = pickCacheVG(run, m)
		if err != nil {
			return nil, err
		}
		if cache == "" {
			note("no varied-on volume group besides rootvg on %s: clients use NFS mode (no -j); consider a cache VG", m)
		} else {
			note("cache VG %s chosen on %s: the varied-on non-rootvg VG with the most free space", cache, m)
		}
	}
	inv := &inventory.Inventory{File: "discovered"}
	master := inv.AddMaster(o.Master)

	// Probe clients through c_rsh: first their disks and rootvg, then the
	// size and bootability of their free disks.
	var hosts []*inventory.Host
	for _, c := range clients {
		if err := names.NIMName(c.Name); err != nil {
			note("NIM client %q skipped: %v", c.Name, err)
			continue
		}
		h := inventory.Host{Name: c.Name, NIMName: c.Name, Via: inventory.ViaMaster, SPOT: spot.Name, LPPSource: lpp.Name, CacheVG: cache, Disks: []string{"hdisk1"}}
		if spot.lv.Form != 0 {
			h.TargetLevel = spot.lv
		}
		hosts = append(hosts, inv.AddClient(master, h))
	}
	full, closeF, err := o.Open(inv)
	if err != nil {
		return nil, err
	}
	defer closeF()
	g := &facts.Gatherer{Runner: full}
	first := g.Fleet(ctx, hosts, o.Concurrency)
	var second []*inventory.Host
	for _, h := range hosts {
		c := first.Clients[h.Name]
		if c == nil {
			note("%s: not reachable through c_rsh on %s (%v); target disk left as hdisk1, check it", h.Name, m, first.Errors[h.Name])
			continue
		}
		pvs, ok := c.PVs.Get()
		if !ok {
			note("%s: disks unknown (%s); target disk left as hdisk1", h.Name, c.PVs.Reason)
			continue
		}
		var free []string
		for _, pv := range pvs {
			if pv.Free() {
				free = append(free, pv.Name)
			}
		}
		if len(free) == 0 {
			note("%s: no free disk; target disk left as hdisk1 — add a disk before migrating", h.Name)
			continue
		}
		h.Disks = free
		second = append(second, h)
	}
	sizes := g.Fleet(ctx, second, o.Concurrency)
	for _, h := range second {
		c := sizes.Clients[h.Name]
		need := -1
		if c != nil {
			if vg, ok := c.Rootvg.Get(); ok {
				used := vg.UsedMB
				if vg.TotalPVs > 1 {
					used /= vg.TotalPVs
				}
				need = used + MarginMB
			}
		}
		best, bestSize := "", 0
		if c != nil {
			for _, d := range h.Disks {
				df := c.Disks[d]
				size, okS := df.SizeMB.Get()
				boot, okB := df.Bootable.Get()
				inVG, okV := df.InVG.Get()
				if !okS || !okB || !okV || !boot || inVG || (need > 0 && size < need) {
					continue
				}
				if best == "" || size < bestSize {
					best, bestSize = d, size
				}
			}
		}
		if best == "" {
			note("%s: no free bootable disk of at least %d MB among %s; target disk left as %s, check it", h.Name, need, strings.Join(h.Disks, " "), h.Disks[0])
			h.Disks = h.Disks[:1]
			continue
		}
		note("%s: target disk %s (%d MB, rootvg needs %d MB)", h.Name, best, bestSize, need)
		h.Disks = []string{best}
	}
	res.Inventory = inv
	return res, nil
}

type resource struct {
	Name  string
	level string // oslevel_r, "7100-01"
	lv    names.Level
}

// pickResource lists NIM resources of a type and picks the forced one or
// the highest-level one that is ready for use.
func pickResource(run func(string, cmdline.Arg, ...cmdline.Arg) ([]byte, int, error), m, typ, force string) (resource, error) {
	out, rc, err := run(m, "/usr/sbin/lsnim", "-t", cmdline.Arg(typ), "-l") // typ is a constant
	if err != nil {
		return resource{}, fmt.Errorf("list %s resources on %s: %w", typ, m, err)
	}
	if rc != 0 || len(strings.TrimSpace(string(out))) == 0 {
		if force != "" {
			return resource{}, fmt.Errorf("%s %s: not defined on %s", typ, force, m)
		}
		return resource{}, nil
	}
	objs, err := aix.ParseLsnimLong(out)
	if err != nil {
		return resource{}, fmt.Errorf("list %s resources on %s: %w", typ, m, err)
	}
	var cands []resource
	for _, o := range objs {
		r := resource{Name: o.Name}
		if v, ok := o.Get("oslevel_r"); ok {
			r.level = v
		} else if ver, ok := o.Get("version"); ok {
			rel, _ := o.Get("release")
			mod, _ := o.Get("mod")
			r.level = fmt.Sprintf("%s%s00-%02s", ver, rel, mod)
		}
		if lv, err := names.ParseLevel(r.level); err == nil {
			r.lv = lv
		}
		if force != "" && o.Name == force {
			return r, nil
		}
		if o.Rstate() == "ready for use" {
			cands = append(cands, r)
		}
	}
	if force != "" {
		return resource{}, fmt.Errorf("%s %s: not defined on %s", typ, force, m)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].level > cands[j].level })
	if len(cands) == 0 {
		return resource{}, nil
	}
	return cands[0], nil
}

// pickCacheVG returns the varied-on VG other than rootvg with the most free
// space, or "".
func pickCacheVG(run func(string, cmdline.Arg, ...cmdline.Arg) ([]byte, int, error), m string) (string, error) {
	out, rc, err := run(m, "/usr/sbin/lsvg", "-o")
	if err != nil {
		return "", fmt.Errorf("lsvg -o on %s: %w", m, err)
	}
	if rc != 0 {
		return "", nil
	}
	vgs, err := aix.ParseLsvgList(out)
	if err != nil {
		return "", fmt.Errorf("lsvg -o on %s: %w", m, err)
	}
	best, bestFree := "", -1
	for _, vg := range vgs {
		if vg == "rootvg" || strings.HasPrefix(vg, "alt") || vg == "old_rootvg" {
			continue
		}
		a, err := cmdline.VG(vg)
		if err != nil {
			continue
		}
		o, rc, err := run(m, "/usr/sbin/lsvg", a)
		if err != nil || rc != 0 {
			continue
		}
		info, err := aix.ParseLsvg(o)
		if err != nil {
			continue
		}
		if info.FreeMB > bestFree {
			best, bestFree = vg, info.FreeMB
		}
	}
	return best, nil
}

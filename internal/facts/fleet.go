package facts

import (
	"context"
	"sort"
	"sync"

	"github.com/nimfleet/nimfleet/internal/inventory"
)

// Fleet is the facts of many hosts, gathered concurrently.
type Fleet struct {
	Masters map[string]*Master
	Clients map[string]*Client
	// Errors holds, per host, why nothing could be gathered at all.
	Errors map[string]error
}

// PlanFor returns what to probe on a client.
func PlanFor(h *inventory.Host) ClientPlan {
	return ClientPlan{Disks: append([]string(nil), h.Disks...)}
}

// MasterPlanFor returns what to probe on a master: the cache VGs, SPOTs and
// lpp_sources its clients in the inventory use.
func MasterPlanFor(m *inventory.Host) MasterPlan {
	var p MasterPlan
	vg, spot, lpp := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range m.Clients {
		if c.CacheVG != "" && !vg[c.CacheVG] {
			vg[c.CacheVG] = true
			p.CacheVGs = append(p.CacheVGs, c.CacheVG)
		}
		if c.SPOT != "" && !spot[c.SPOT] {
			spot[c.SPOT] = true
			p.Spots = append(p.Spots, c.SPOT)
		}
		if c.LPPSource != "" && !lpp[c.LPPSource] {
			lpp[c.LPPSource] = true
			p.LppSources = append(p.LppSources, c.LPPSource)
		}
	}
	sort.Strings(p.CacheVGs)
	sort.Strings(p.Spots)
	sort.Strings(p.LppSources)
	return p
}

// Fleet gathers the facts of hosts (masters and clients) with at most
// concurrency sessions at a time (0 means 64). One host failing does not
// stop the others.
func (g *Gatherer) Fleet(ctx context.Context, hosts []*inventory.Host, concurrency int) *Fleet {
	if concurrency <= 0 {
		concurrency = 64
	}
	f := &Fleet{Masters: map[string]*Master{}, Clients: map[string]*Client{}, Errors: map[string]error{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, concurrency)
	for _, h := range interleave(hosts) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				mu.Lock()
				f.Errors[h.Name] = ctx.Err()
				mu.Unlock()
				return
			}
			defer func() { <-sem }()
			if h.Role == inventory.RoleMaster {
				m, err := g.Master(ctx, h.Name, MasterPlanFor(h))
				mu.Lock()
				if err != nil {
					f.Errors[h.Name] = err
				} else {
					f.Masters[h.Name] = m
				}
				mu.Unlock()
				return
			}
			c, err := g.Client(ctx, h.Name, PlanFor(h))
			mu.Lock()
			if err != nil {
				f.Errors[h.Name] = err
			} else {
				f.Clients[h.Name] = c
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return f
}

// interleave orders hosts masters first, then clients round-robin across
// their masters, so that per-master limits below do not leave the
// concurrency taken by the clients of one master.
func interleave(hosts []*inventory.Host) []*inventory.Host {
	out := make([]*inventory.Host, 0, len(hosts))
	byMaster := map[string][]*inventory.Host{}
	var masters []string
	for _, h := range hosts {
		if h.Role == inventory.RoleMaster || h.Master == nil {
			out = append(out, h)
			continue
		}
		m := h.Master.Name
		if _, ok := byMaster[m]; !ok {
			masters = append(masters, m)
		}
		byMaster[m] = append(byMaster[m], h)
	}
	for i := 0; len(out) < len(hosts); i++ {
		for _, m := range masters {
			if cs := byMaster[m]; i < len(cs) {
				out = append(out, cs[i])
			}
		}
	}
	return out
}

package sched

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/nimfleet/nimfleet/internal/inventory"
)

// DefaultMarginMB is the cache-VG space reserved per client on top of its
// rootvg used size: the "roughly 500 MB" of migration growth of
// nimadm.md §4.1 item 5 (§4.4 gives no formula for the cache VG) [U].
const DefaultMarginMB = 512

// Client is a client to migrate, as the planner needs it.
type Client struct {
	Name, Master string
	// RootvgUsedMB is the client's rootvg used size (facts).
	RootvgUsedMB int
	// Cache says the run uses the master's cache VG (nimadm -j), so it
	// reserves RootvgUsedMB plus the master's margin there.
	Cache bool
	// Expected is the expected nimadm duration (from the duration model).
	Expected time.Duration
	// Wave is the inventory wave number (1-based), 0 for none; WaveName
	// and Canary describe it.
	Wave     int
	WaveName string
	Canary   bool
	// Window is the client's maintenance window, nil for none.
	Window *inventory.Window
	// Excluded leaves the client out of the plan, for Reason.
	Excluded bool
	Reason   string
}

// Master is a NIM master, as the planner needs it.
type Master struct {
	Name string
	// Slots is the inventory's limit of concurrent nimadm runs.
	Slots int
	// CacheFreeMB is the free space of the cache VG. 0 or less means
	// unknown: the cache constraint is not enforced (preflight check
	// PRE-0407 covers a cache VG that is too small).
	CacheFreeMB int
	// MarginMB is added to each client's rootvg used size; 0 means
	// DefaultMarginMB.
	MarginMB int
}

// ClientFromHost fills the inventory part of a Client (name, master,
// cache mode, wave, window); the caller adds the facts (RootvgUsedMB) and
// the expected duration.
func ClientFromHost(h *inventory.Host) Client {
	c := Client{Name: h.Name, Cache: h.CacheVG != "", Window: h.Window}
	if h.Master != nil {
		c.Master = h.Master.Name
	}
	if h.Wave != nil {
		c.Wave, c.WaveName, c.Canary = h.Wave.Number, h.Wave.Name, h.Wave.Canary
	}
	return c
}

// MasterFromHost fills the inventory part of a Master (name, slots); the
// caller adds the cache VG's free space.
func MasterFromHost(h *inventory.Host) Master { return Master{Name: h.Name, Slots: h.Slots} }

// Plan is the ordered rollout: waves of hosts and, per master, the
// constraints the scheduler enforces. It marshals to JSON for the
// journal's plan snapshot.
type Plan struct {
	Policy   Policy       `json:"policy"`
	Waves    []Wave       `json:"waves"`
	Masters  []MasterPlan `json:"masters"`
	Excluded []Excluded   `json:"excluded,omitempty"`
}

// Wave is one step of the rollout; Hosts are in start priority order.
type Wave struct {
	Number int    `json:"number"`
	Name   string `json:"name,omitempty"`
	Canary bool   `json:"canary,omitempty"`
	Hosts  []Host `json:"hosts"`
}

// Host is a planned client.
type Host struct {
	Name   string `json:"name"`
	Master string `json:"master"`
	// ReserveMB is the cache-VG space the run holds (0 in NFS mode).
	ReserveMB int               `json:"reserve_mb,omitempty"`
	Expected  time.Duration     `json:"expected"`
	Window    *inventory.Window `json:"window,omitempty"`
}

// MasterPlan is a master's constraints.
type MasterPlan struct {
	Name string `json:"name"`
	// Slots is the effective limit: the inventory's slots capped by
	// Policy.MaxParallel.
	Slots int `json:"slots"`
	// CacheMB is the cache VG's free space, 0 when not enforced.
	CacheMB  int `json:"cache_mb,omitempty"`
	MarginMB int `json:"margin_mb"`
	Hosts    int `json:"hosts"`
	// Work is the sum of the expected durations of its hosts.
	Work time.Duration `json:"work"`
}

// Excluded is a client left out of the plan.
type Excluded struct {
	Host   string `json:"host"`
	Reason string `json:"reason"`
}

// NewPlan builds the plan. It reports every input problem at once
// (unknown masters, duplicate clients, invalid policy). Clients that
// cannot run at all — excluded ones, and those whose cache reservation is
// larger than their master's whole cache VG — are listed in
// Plan.Excluded with the reason.
func NewPlan(clients []Client, masters []Master, p Policy) (*Plan, error) {
	var errs []error
	if err := p.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("policy: %w", err))
	}
	if p.Order == "" {
		p.Order = OrderLPT
	}
	plan := &Plan{Policy: p}
	mp := map[string]*MasterPlan{}
	for _, m := range masters {
		if mp[m.Name] != nil {
			errs = append(errs, fmt.Errorf("master %s: listed twice", m.Name))
			continue
		}
		if m.Slots < 1 {
			errs = append(errs, fmt.Errorf("master %s: slots %d: want 1 or more", m.Name, m.Slots))
		}
		x := &MasterPlan{Name: m.Name, Slots: m.Slots, MarginMB: m.MarginMB}
		if p.MaxParallel > 0 && p.MaxParallel < x.Slots {
			x.Slots = p.MaxParallel
		}
		if m.CacheFreeMB > 0 {
			x.CacheMB = m.CacheFreeMB
		}
		if x.MarginMB <= 0 {
			x.MarginMB = DefaultMarginMB
		}
		mp[m.Name] = x
	}
	seen := map[string]bool{}
	var run []Client
	for _, c := range clients {
		switch {
		case seen[c.Name]:
			errs = append(errs, fmt.Errorf("client %s: listed twice", c.Name))
			continue
		case mp[c.Master] == nil:
			errs = append(errs, fmt.Errorf("client %s: master %q is not in the plan", c.Name, c.Master))
			continue
		case c.Expected < 0 || c.RootvgUsedMB < 0:
			errs = append(errs, fmt.Errorf("client %s: negative size or duration", c.Name))
			continue
		}
		seen[c.Name] = true
		m := mp[c.Master]
		if c.Excluded {
			plan.Excluded = append(plan.Excluded, Excluded{c.Name, c.Reason})
			continue
		}
		if r := reserve(c, m); m.CacheMB > 0 && r > m.CacheMB {
			plan.Excluded = append(plan.Excluded, Excluded{c.Name, fmt.Sprintf("needs %d MB of cache VG on %s (rootvg %d MB + margin %d MB), which has %d MB free", r, m.Name, c.RootvgUsedMB, m.MarginMB, m.CacheMB)})
			continue
		}
		run = append(run, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	plan.Waves = formWaves(run, mp, p)
	for _, w := range plan.Waves {
		for _, h := range w.Hosts {
			m := mp[h.Master]
			m.Hosts++
			m.Work += h.Expected
		}
	}
	for _, m := range masters {
		plan.Masters = append(plan.Masters, *mp[m.Name])
	}
	sort.Slice(plan.Masters, func(i, j int) bool { return plan.Masters[i].Name < plan.Masters[j].Name })
	return plan, nil
}

func reserve(c Client, m *MasterPlan) int {
	if !c.Cache {
		return 0
	}
	return c.RootvgUsedMB + m.MarginMB
}

// formWaves groups clients into waves: inventory waves in order, clients
// without a wave last; then, if the policy asks for a canary and the
// inventory has none, the quickest Canary hosts of the first wave move
// into a canary wave of their own. Hosts are ordered by the policy.
func formWaves(cs []Client, mp map[string]*MasterPlan, p Policy) []Wave {
	byNum := map[int]*Wave{}
	var nums []int
	hasCanary := false
	for _, c := range cs {
		n := c.Wave
		if n == 0 {
			n = 1 << 30 // after every numbered wave
		}
		w := byNum[n]
		if w == nil {
			w = &Wave{Name: c.WaveName, Canary: c.Canary}
			byNum[n] = w
			nums = append(nums, n)
		}
		hasCanary = hasCanary || c.Canary
		w.Hosts = append(w.Hosts, Host{Name: c.Name, Master: c.Master, ReserveMB: reserve(c, mp[c.Master]), Expected: c.Expected, Window: c.Window})
	}
	sort.Ints(nums)
	var waves []Wave
	for _, n := range nums {
		waves = append(waves, *byNum[n])
	}
	if p.Canary > 0 && !hasCanary && len(waves) > 0 {
		canary, rest := pickCanary(waves[0].Hosts, p.Canary)
		waves[0].Hosts = rest
		waves = append([]Wave{{Name: "canary", Canary: true, Hosts: canary}}, waves...)
		if len(waves[1].Hosts) == 0 {
			waves = append(waves[:1], waves[2:]...)
		}
	}
	for i := range waves {
		waves[i].Number = i + 1
		orderHosts(waves[i].Hosts, p.Order)
	}
	return waves
}

// pickCanary takes n hosts for a canary wave: the quickest ones, taken
// round-robin over the masters so that each master's setup is exercised
// early. It returns the canary hosts and the rest, both in input order.
func pickCanary(hs []Host, n int) (canary, rest []Host) {
	if n >= len(hs) {
		return hs, nil
	}
	byMaster := map[string][]int{}
	var masters []string
	for i, h := range hs {
		if byMaster[h.Master] == nil {
			masters = append(masters, h.Master)
		}
		byMaster[h.Master] = append(byMaster[h.Master], i)
	}
	for _, m := range masters {
		idx := byMaster[m]
		sort.SliceStable(idx, func(a, b int) bool { return hs[idx[a]].Expected < hs[idx[b]].Expected })
	}
	pick := map[int]bool{}
	for round := 0; len(pick) < n; round++ {
		for _, m := range masters {
			if idx := byMaster[m]; round < len(idx) && len(pick) < n {
				pick[idx[round]] = true
			}
		}
	}
	for i, h := range hs {
		if pick[i] {
			canary = append(canary, h)
		} else {
			rest = append(rest, h)
		}
	}
	return canary, rest
}

func orderHosts(hs []Host, o Order) {
	if o == OrderInventory {
		return
	}
	sort.SliceStable(hs, func(i, j int) bool {
		if hs[i].Expected != hs[j].Expected {
			return hs[i].Expected > hs[j].Expected
		}
		return hs[i].Name < hs[j].Name
	})
}

// Hosts returns the number of planned hosts.
func (p *Plan) Hosts() int {
	n := 0
	for _, w := range p.Waves {
		n += len(w.Hosts)
	}
	return n
}

// LowerBound returns a lower bound of the plan's makespan with the
// expected durations, ignoring waves, windows and failures: for each
// master the largest of its work divided by its slots, the cache-VG area
// bound (the sum of reservation × duration divided by the VG's free
// space) and its longest run; the bound is the largest over the masters.
func (p *Plan) LowerBound() time.Duration {
	type acc struct {
		work, longest time.Duration
		area          float64 // MB·seconds
	}
	per := map[string]*acc{}
	for _, w := range p.Waves {
		for _, h := range w.Hosts {
			a := per[h.Master]
			if a == nil {
				a = &acc{}
				per[h.Master] = a
			}
			a.work += h.Expected
			a.longest = max(a.longest, h.Expected)
			a.area += float64(h.ReserveMB) * h.Expected.Seconds()
		}
	}
	var lb time.Duration
	for _, m := range p.Masters {
		a := per[m.Name]
		if a == nil {
			continue
		}
		lb = max(lb, a.work/time.Duration(m.Slots), a.longest)
		if m.CacheMB > 0 {
			lb = max(lb, time.Duration(a.area/float64(m.CacheMB)*float64(time.Second)))
		}
	}
	return lb
}

package sim

import (
	"fmt"
	"math/rand/v2"
)

// GenOptions parameterises [Generate].
type GenOptions struct {
	// Clients and Masters are the fleet size. Zero means 20 clients, 1 master.
	Clients int `yaml:"clients,omitempty" json:"clients,omitempty"`
	Masters int `yaml:"masters,omitempty" json:"masters,omitempty"`
	// Seed makes the fleet reproducible: the same options give the same
	// Config, byte for byte.
	Seed int64 `yaml:"seed,omitempty" json:"seed,omitempty"`
	// FaultRate is the fraction of clients that get an injected fault.
	// Zero means the default 0.3; a negative value means a clean fleet.
	FaultRate float64 `yaml:"fault_rate,omitempty" json:"fault_rate,omitempty"`
	// MasterFaultRate is the fraction of masters that get a master fault
	// (which affects all their clients). Zero means none.
	MasterFaultRate float64 `yaml:"master_fault_rate,omitempty" json:"master_fault_rate,omitempty"`
	// Faults restricts the faults drawn to these names (any role); empty
	// means the whole catalogue with its weights.
	Faults []string `yaml:"faults,omitempty" json:"faults,omitempty"`
	// TimeScale is copied to the Config. Zero means 3600 (an hour a second).
	TimeScale float64 `yaml:"time_scale,omitempty" json:"time_scale,omitempty"`
}

// DefaultFaultRate is the fraction of faulty clients when
// GenOptions.FaultRate is zero.
const DefaultFaultRate = 0.3

// secondFaultRate is the share of faulty clients that get a second fault.
const secondFaultRate = 0.1

// genTargets are the migration targets masters are given, in turn.
var genTargets = []string{"7200-05-07-2346", "7300-03-01-2446", "7100-05-09-2148", "7300-03-01-2446"}

// genSources are the client source levels per target release.
var genSources = map[int][]string{
	71: {"5300-12-04-1119", "6100-08-02-1316", "6100-09-12-1846"},
	72: {"6100-09-12-1846", "7100-03-05-1524", "7100-05-09-2148"},
	73: {"7100-05-09-2148", "7200-03-03-1914", "7200-05-03-2148", "7200-05-05-2246", "7200-05-07-2346"},
}

// Generate builds a fleet of N clients over M masters from a seed: mixed
// source levels (supported paths to each master's target), rootvg used
// sizes of 10-80 GB, target disks with room to spare, mostly clean hosts
// and a fault mix drawn from the catalogue's weights (see doc.go for the
// resulting rates). Each master gets a SPOT and lpp_source at its target
// level, a cache VG "nimadmvg" sized for its CPU capacity, and an intent
// naming them; each client's target disk is hdisk1.
func Generate(o GenOptions) Config {
	if o.Clients <= 0 {
		o.Clients = 20
	}
	if o.Masters <= 0 {
		o.Masters = 1
	}
	if o.TimeScale == 0 {
		o.TimeScale = 3600
	}
	rate := o.FaultRate
	if rate == 0 {
		rate = DefaultFaultRate
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), uint64(o.Seed)^0x9e3779b97f4a7c15))
	cfg := Config{TimeScale: o.TimeScale, Seed: o.Seed}
	allowed := map[string]bool{}
	for _, f := range o.Faults {
		allowed[f] = true
	}
	pick := func(role string, ok func(string) bool) string {
		total := 0.0
		var cands []FaultInfo
		for _, f := range faultTable {
			if f.Role != role || f.Weight == 0 || (len(allowed) > 0 && !allowed[f.Name]) || !ok(f.Name) {
				continue
			}
			cands = append(cands, f)
			total += f.Weight
		}
		if total == 0 {
			return ""
		}
		x := rng.Float64() * total
		for _, f := range cands {
			if x < f.Weight {
				return f.Name
			}
			x -= f.Weight
		}
		return cands[len(cands)-1].Name
	}

	const capacity = 4
	targets := make([]Level, o.Masters)
	for i := 0; i < o.Masters; i++ {
		tl := genTargets[i%len(genTargets)]
		targets[i] = mustLevel(tl)
		name := fmt.Sprintf("nim%02d", i+1)
		short := tl[:10]
		m := MasterSpec{
			HostSpec: HostSpec{
				Name:     name,
				Level:    tl,
				MemoryMB: 65536,
				Disks: []DiskSpec{
					{Name: "hdisk0", SizeGB: 100},
					{Name: "hdisk1", SizeGB: capacity * 100},
				},
				RootVG: RootVGSpec{UsedGB: 30},
				VGs:    []VGSpec{{Name: "nimadmvg", Disks: []string{"hdisk1"}, PPSizeMB: 256}},
			},
			CPUCapacity: capacity,
			Spots:       []SpotSpec{{Name: "spot_" + short, Level: tl}},
			LPPSources:  []LPPSourceSpec{{Name: "lpp_" + short, Level: tl}},
			Intent:      MasterIntent{Spot: "spot_" + short, LPPSource: "lpp_" + short, CacheVG: "nimadmvg", TargetLevel: tl},
		}
		if rng.Float64() < o.MasterFaultRate {
			if f := pick("master", func(string) bool { return true }); f != "" {
				m.Faults = append(m.Faults, f)
			}
		}
		cfg.Masters = append(cfg.Masters, m)
	}
	width := 3
	if o.Clients >= 1000 {
		width = len(fmt.Sprint(o.Clients))
	}
	for i := 0; i < o.Clients; i++ {
		mi := i % o.Masters
		target := targets[mi]
		srcs := genSources[target.vr()]
		src := srcs[rng.IntN(len(srcs))]
		// used 10-80 GB, skewed towards smaller rootvgs.
		used := 10 + int(70*rng.Float64()*rng.Float64())
		rootGB := (used*10/6 + 9) / 10 * 10
		if rootGB < used+10 {
			rootGB = used + 10
		}
		targetGB := used + 2 + rng.IntN(39)
		procs := []string{"POWER7", "POWER8", "POWER8", "POWER9"}
		if target.vr() >= 73 {
			procs = []string{"POWER8", "POWER9", "POWER9", "POWER10"}
		}
		c := ClientSpec{
			HostSpec: HostSpec{
				Name:      fmt.Sprintf("lpar%0*d", width, i+1),
				Level:     src,
				Processor: procs[rng.IntN(len(procs))],
				MemoryMB:  []int{8192, 16384, 32768, 65536}[rng.IntN(4)],
				Disks: []DiskSpec{
					{Name: "hdisk0", SizeGB: rootGB},
					{Name: "hdisk1", SizeGB: targetGB},
				},
				RootVG: RootVGSpec{UsedGB: used},
			},
			Master:     cfg.Masters[mi].Name,
			TargetDisk: "hdisk1",
		}
		if rate > 0 && rng.Float64() < rate {
			srcLevel := mustLevel(src)
			masterLevel := target
			ok := func(f string) bool { return faultApplies(f, srcLevel, target, masterLevel, c.Faults) }
			if f := pick("client", ok); f != "" {
				c.Faults = append(c.Faults, f)
				if rng.Float64() < secondFaultRate && f != FaultUnreachable && f != FaultNIMUndefined {
					if g := pick("client", ok); g != "" && g != f && g != FaultUnreachable && g != FaultNIMUndefined {
						c.Faults = append(c.Faults, g)
					}
				}
			}
		}
		cfg.Clients = append(cfg.Clients, c)
	}
	return cfg
}

// faultApplies reports whether a client fault can be injected (and bites)
// for this source/target pair, given the faults already chosen.
func faultApplies(f string, src, target, master Level, have []string) bool {
	if hasFault(have, f) {
		return false
	}
	switch f {
	case FaultUnsupportedPath:
		return target.vr() >= 72
	case FaultProcessorTooOld:
		return target.vr() >= 73
	case FaultSSHDConfig:
		// E45 bites when the old OpenSSH accepted what the new one rejects.
		return !opensshRejectsLegacy(src.info().openssh) && opensshRejectsLegacy(target.info().openssh)
	case FaultNiminfoWrong, FaultNimshDown:
		return nimshUsable(master)
	case FaultClientAtTarget:
		return !hasFault(have, FaultUnsupportedPath)
	}
	if hasFault(have, FaultClientAtTarget) || hasFault(have, FaultUnsupportedPath) {
		return f != FaultClientAtTarget && f != FaultUnsupportedPath
	}
	return true
}

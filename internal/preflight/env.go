package preflight

import (
	"strconv"
	"strings"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
)

// Env is everything a check may read: one client and its master, the
// migration plan, and the fleet-wide views of the run. A master-scoped
// check gets an Env without the client (Host and C are nil).
type Env struct {
	// Host is the client in the inventory; nil for master-scoped checks.
	Host *inventory.Host
	// MasterHost is the client's master in the inventory.
	MasterHost *inventory.Host
	// C are the client's facts (nil for master-scoped checks). When
	// nothing could be gathered, every fact is unknown with ClientErr as
	// the reason.
	C *facts.Client
	// M are the master's facts, never nil; see MasterErr.
	M *facts.Master
	// ClientErr and MasterErr say why nothing could be gathered from the
	// client or the master, or are nil.
	ClientErr, MasterErr error
	// CRsh is the c_rsh probe of a client reached over SSH (nil for
	// clients reached through their master, or when it did not run).
	CRsh *CRshProbe
	// Plan is the client's migration plan.
	Plan Plan

	mv *masterView
	fv *fleetView
}

// Plan is what the inventory says about a client's migration.
type Plan struct {
	Spot, LppSource string
	// CacheVG is the master volume group for nimadm -j; "" means NFS mode.
	CacheVG string
	// Slots is the master's limit of concurrent nimadm runs.
	Slots  int
	Target Target
}

// Target is the level a client migrates to.
type Target struct {
	// Level is the target; with VROnly only V and R are meaningful.
	Level  aix.Level
	VROnly bool
	Known  bool
	// Reason says why the target is unknown.
	Reason string
	// From says where the target comes from, e.g. "inventory target_level".
	From string
	// Ev is the evidence of the target.
	Ev check.Evidence
}

// String renders the target level.
func (t Target) String() string {
	if !t.Known {
		return "unknown"
	}
	if t.VROnly {
		return t.Level.VR()
	}
	return t.Level.String()
}

// Cmp compares l with the target at the precision they share: -1, 0, +1
// as l is below, at or above it.
func (t Target) Cmp(l aix.Level) int {
	if t.VROnly {
		return l.CompareRelease(t.Level)
	}
	return l.Compare(t.Level)
}

// Release returns the target's V*1000+R*100 (7300 for 7.3).
func (t Target) Release() int { return t.Level.Release() }

// master returns the evidence host name of the master.
func (e *Env) master() string { return e.MasterHost.Name }

// client returns the client's inventory name ("" for master-scoped checks).
func (e *Env) client() string {
	if e.Host == nil {
		return ""
	}
	return e.Host.Name
}

// nimName returns the client's NIM object name.
func (e *Env) nimName() string { return e.Host.NIMName }

// masterReason is the reason a master fact that was never probed is
// unknown.
func (e *Env) masterReason(what string) string {
	if e.MasterErr != nil {
		return e.MasterErr.Error()
	}
	if e.M.SessionReason != "" {
		return "probe not reached: " + e.M.SessionReason
	}
	return what + " was not probed"
}

func lookupFact[T any](m map[string]facts.Fact[T], name, reason string) facts.Fact[T] {
	if f, ok := m[name]; ok {
		return f
	}
	return facts.Fact[T]{Reason: reason}
}

// spotObj returns the lsnim -l object of the plan's SPOT; a known zero
// object (empty Name) means NIM has no such object.
func (e *Env) spotObj() facts.Fact[aix.NIMObject] {
	return lookupFact(e.M.Resources, e.Plan.Spot, e.masterReason("lsnim -l "+e.Plan.Spot))
}

func (e *Env) lppObj() facts.Fact[aix.NIMObject] {
	return lookupFact(e.M.Resources, e.Plan.LppSource, e.masterReason("lsnim -l "+e.Plan.LppSource))
}

func (e *Env) spotFilesets() facts.Fact[[]aix.LslppEntry] {
	return lookupFact(e.M.SpotFilesets, e.Plan.Spot, e.masterReason("nim -o showres "+e.Plan.Spot))
}

func (e *Env) lppLevel() facts.Fact[aix.FilesetLevel] {
	return lookupFact(e.M.LppLevel, e.Plan.LppSource, e.masterReason("nim -o showres "+e.Plan.LppSource))
}

func (e *Env) lppFilesets() facts.Fact[map[string]string] {
	return lookupFact(e.M.LppFilesets, e.Plan.LppSource, e.masterReason("nim -o showres "+e.Plan.LppSource))
}

func (e *Env) cacheVG() facts.Fact[aix.VGInfo] {
	return lookupFact(e.M.CacheVGs, e.Plan.CacheVG, e.masterReason("lsvg "+e.Plan.CacheVG))
}

// disk returns the facts of target disk name.
func (e *Env) disk(name string) *facts.Disk {
	if d, ok := e.C.Disks[name]; ok && d != nil {
		return d
	}
	why := "not probed"
	if e.ClientErr != nil {
		why = e.ClientErr.Error()
	}
	return &facts.Disk{Name: name,
		SizeMB: facts.Fact[int]{Reason: why}, Bootable: facts.Fact[bool]{Reason: why}, InVG: facts.Fact[bool]{Reason: why}}
}

// nimObject returns the client's standalone NIM object on its master:
// found is false (with a known fact) when NIM has no such object.
func (e *Env) nimObject() (obj aix.NIMObject, found bool, f facts.Fact[map[string]aix.NIMObject]) {
	f = e.M.Clients
	if !f.Known {
		return aix.NIMObject{}, false, f
	}
	obj, found = f.Value[e.nimName()]
	return obj, found, f
}

// vars are the placeholder values every fix command may use.
func (e *Env) vars() map[string]string {
	v := map[string]string{
		"master":     e.master(),
		"spot":       e.Plan.Spot,
		"lpp_source": e.Plan.LppSource,
		"cache_vg":   e.Plan.CacheVG,
	}
	if e.Plan.Target.Known {
		v["target"] = e.Plan.Target.Level.VR()
	}
	if e.Host != nil {
		v["host"] = e.Host.Name
		v["client"] = e.Host.NIMName
		v["nim_name"] = e.Host.NIMName
		if len(e.Host.Disks) > 0 {
			v["disk"] = e.Host.Disks[0]
			v["disks"] = strings.Join(e.Host.Disks, " ")
		}
	}
	if e.C != nil {
		if bd, ok := e.C.BootDisk.Get(); ok && bd != "" {
			v["boot_disk"] = bd
		}
	}
	return v
}

// mb renders megabytes for people: "512 MB", "40960 MB (40.0 GB)".
func mb(n int) string {
	s := strconv.Itoa(n) + " MB"
	if n >= 10*1024 || (n >= 1024 && n%1024 == 0) {
		tenths := (n*10 + 512) / 1024
		s += " (" + strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10) + " GB)"
	}
	return s
}

// planResource is the SPOT or lpp_source of the plan, as NIM defines it,
// with the evidence of the attributes a check reads.
type planResource struct {
	kind, name string
	obj        aix.NIMObject
	ev         check.Evidence
}

// planResources returns the plan's SPOT and lpp_source that NIM defines
// (an undefined one is PRE-0205's finding), or the unknown result when
// lsnim -l could not be read for one of them.
func (e *Env) planResources(attrs ...string) ([]planResource, *check.Result) {
	var out []planResource
	for _, r := range []struct{ kind, name string }{{"SPOT", e.Plan.Spot}, {"lpp_source", e.Plan.LppSource}} {
		if r.name == "" {
			continue
		}
		f := lookupFact(e.M.Resources, r.name, e.masterReason("lsnim -l "+r.name))
		obj, ok := f.Get()
		if !ok {
			u := unknownOf(e.master(), r.kind+" "+r.name+" (lsnim -l)", f)
			return nil, &u
		}
		if obj.Name == "" {
			continue // not defined: PRE-0205
		}
		out = append(out, planResource{kind: r.kind, name: r.name, obj: obj, ev: ev(e.master(), f.Src, nimObjLines(obj, attrs...), "")})
	}
	return out, nil
}

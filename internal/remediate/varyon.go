package remediate

import (
	"context"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// fixVaryon varies on a NIM master's cache volume group (nimadm -j),
// errors.md E11.
type fixVaryon struct{ meta }

// FixVaryon is FIX-VARYON.
var FixVaryon Action = &fixVaryon{meta{
	id:    "FIX-VARYON",
	title: "vary on the nimadm cache volume group",
	safety: "the cache volume group the inventory names for nimadm -j is defined on the master but " +
		"varied off; varyonvg makes it usable without touching its contents, and varyoffvg " +
		"reverses it",
	checks: []string{"PRE-0406"},
	errs:   []string{"E11"},
	role:   inventory.RoleMaster,
	scope:  ScopeMaster,
}}

// offlineCacheVGs returns the cache VGs of the master's clients that are
// defined but varied off, or why that is unknown.
func offlineCacheVGs(t *Target) (off, missing []string, why string) {
	m, why := t.masterFacts()
	if m == nil {
		return nil, nil, why
	}
	vgs, why := get(m.VGs, "volume groups on "+m.Host+" (lsvg)")
	if why != "" {
		return nil, nil, why
	}
	online, why := get(m.VGsOnline, "varied-on volume groups on "+m.Host+" (lsvg -o)")
	if why != "" {
		return nil, nil, why
	}
	for _, vg := range facts.MasterPlanFor(t.Host).CacheVGs {
		switch {
		case !contains(vgs, vg):
			missing = append(missing, vg)
		case !contains(online, vg):
			off = append(off, vg)
		}
	}
	return off, missing, ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *fixVaryon) Needed(t *Target) (Need, string) {
	off, missing, why := offlineCacheVGs(t)
	if why != "" {
		return NeedUnknown, why
	}
	if len(off) > 0 {
		return NeedYes, "cache volume group varied off: " + strings.Join(off, " ")
	}
	if len(missing) > 0 {
		return NeedNo, "cache volume group not defined (" + strings.Join(missing, " ") + "): varyonvg cannot help; create it with mkvg"
	}
	return NeedNo, "every cache volume group is varied on"
}

func (a *fixVaryon) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	off, _, why := offlineCacheVGs(t)
	if why != "" {
		return false, why, nil
	}
	if len(off) == 0 {
		return false, "every cache volume group is varied on (now)", nil
	}
	for _, vg := range off {
		if _, err := cmdline.VG(vg); err != nil {
			return false, err.Error(), nil
		}
		if vg == "rootvg" || vg == "altinst_rootvg" || vg == "old_rootvg" {
			return false, vg + " is a root volume group, not a cache", nil
		}
	}
	ps, why := get(t.Master.Processes, "processes (ps -ef)")
	if why != "" {
		return false, why, nil
	}
	if p := busy(ps, "varyonvg", "varyoffvg", "exportvg", "importvg", "reducevg", "extendvg"); len(p) > 0 {
		return false, "an LVM operation is running: " + describe(p), nil
	}
	return true, fmt.Sprintf("%s: defined, varied off, no LVM operation running", strings.Join(off, " ")), nil
}

func (a *fixVaryon) Commands(t *Target) []transport.Command {
	off, _, why := offlineCacheVGs(t)
	if why != "" || len(off) == 0 {
		return nil
	}
	var lines []string
	for _, v := range off {
		vg, err := cmdline.VG(v)
		if err != nil {
			return nil
		}
		lines = append(lines, cmdline.Build("/usr/sbin/varyonvg", vg))
	}
	return mutating(t.Host.Name, lines...)
}

func (a *fixVaryon) Undo(t *Target) []string {
	off, _, _ := offlineCacheVGs(t)
	var out []string
	for _, v := range off {
		if vg, err := cmdline.VG(v); err == nil {
			out = append(out, t.Host.Name+": "+cmdline.Build("/usr/sbin/varyoffvg", vg))
		}
	}
	return out
}

func (a *fixVaryon) Apply(ctx context.Context, env *Env, t *Target) error {
	return runAll(ctx, env, a.Commands(t), nil)
}

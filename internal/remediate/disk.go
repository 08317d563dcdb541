package remediate

import (
	"context"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// fixPVID gives a PVID to a target disk that has none (errors.md E08).
type fixPVID struct{ meta }

// FixPVID is FIX-PVID.
var FixPVID Action = &fixPVID{meta{
	id:    "FIX-PVID",
	title: "assign a PVID to the target disk",
	safety: "the target disk named in the inventory has no PVID and belongs to no volume group " +
		"(lspv and getlvodm agree); chdev -a pv=yes only writes a physical volume identifier, " +
		"and chdev -a pv=clear removes it again",
	checks: []string{"PRE-0402"},
	errs:   []string{"E08"},
	role:   inventory.RoleClient,
	scope:  ScopeClient,
}}

// noPVID returns the inventory target disks that lspv lists without a
// PVID, or why that is unknown.
func noPVID(t *Target) ([]string, string) {
	c, why := clientFacts(t)
	if c == nil {
		return nil, why
	}
	pvs, why := get(c.PVs, "physical volumes (lspv)")
	if why != "" {
		return nil, why
	}
	var out []string
	for _, d := range t.Host.Disks {
		if pv, ok := pvs.Get(d); ok && !pv.HasPVID {
			out = append(out, d)
		}
	}
	return out, ""
}

func (a *fixPVID) Needed(t *Target) (Need, string) {
	ds, why := noPVID(t)
	if why != "" {
		return NeedUnknown, why
	}
	if len(t.Host.Disks) == 0 {
		return NeedNo, "the inventory names no target disk"
	}
	if len(ds) == 0 {
		return NeedNo, "the target disk has a PVID (or is not in lspv)"
	}
	return NeedYes, fmt.Sprintf("target disk %s has no PVID", strings.Join(ds, " "))
}

func (a *fixPVID) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	ds, why := noPVID(t)
	if why != "" {
		return false, why, nil
	}
	if len(ds) == 0 {
		return false, "every target disk has a PVID (now)", nil
	}
	c := t.Client
	pvs := c.PVs.Value
	bootDisk, why := get(c.BootDisk, "boot disk (bootinfo -b)")
	if why != "" {
		return false, why, nil
	}
	for _, d := range ds {
		if _, err := cmdline.Disk(d); err != nil {
			return false, err.Error(), nil
		}
		if d == bootDisk {
			return false, d + " is the boot disk", nil
		}
		if pv, _ := pvs.Get(d); pv.VG != "" {
			return false, fmt.Sprintf("%s belongs to %s", d, pv.VG), nil
		}
		disk := c.Disks[d]
		if disk == nil {
			return false, "getlvodm was not run for " + d, nil
		}
		inVG, why := get(disk.InVG, "volume group of "+d+" (getlvodm -j)")
		if why != "" {
			return false, why, nil
		}
		if inVG {
			return false, fmt.Sprintf("getlvodm finds a volume group on %s although lspv shows none", d), nil
		}
	}
	return true, fmt.Sprintf("%s: not the boot disk, in no volume group (lspv, getlvodm)", strings.Join(ds, " ")), nil
}

func (a *fixPVID) Commands(t *Target) []transport.Command {
	ds, why := noPVID(t)
	if why != "" || len(ds) == 0 {
		return nil
	}
	var lines []string
	for _, d := range ds {
		disk, err := cmdline.Disk(d)
		if err != nil {
			return nil
		}
		lines = append(lines, cmdline.Build("/usr/sbin/chdev", "-l", disk, "-a", "pv=yes"))
	}
	return mutating(t.Host.Name, lines...)
}

func (a *fixPVID) Undo(t *Target) []string {
	ds, _ := noPVID(t)
	var out []string
	for _, d := range ds {
		if disk, err := cmdline.Disk(d); err == nil {
			out = append(out, t.Host.Name+": "+cmdline.Build("/usr/sbin/chdev", "-l", disk, "-a", "pv=clear"))
		}
	}
	return out
}

func (a *fixPVID) Apply(ctx context.Context, env *Env, t *Target) error {
	return runAll(ctx, env, a.Commands(t), nil)
}

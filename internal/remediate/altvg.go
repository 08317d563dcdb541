package remediate

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

const (
	multibosTimeout = 30 * time.Minute
	lvmTimeout      = 15 * time.Minute
)

// fixAltVG removes an alternate rootvg (altinst_rootvg or old_rootvg) and
// clears the owning-VG mark of its disks, as IBM's alt_disk module does
// (commands.md §23): alt_rootvg_op -X VG, then chpv -C per disk.
type fixAltVG struct {
	meta
	vg string
}

// FixAltinst is FIX-ALTINST: a stale altinst_rootvg (errors.md E04).
var FixAltinst Action = &fixAltVG{meta: meta{
	id:    "FIX-ALTINST",
	title: "remove the stale altinst_rootvg",
	safety: "the clone is stale: it is not the boot disk, not in the bootlist, varied off, and no " +
		"nimadm or alt_disk operation for the client runs on the client or its NIM master; " +
		"alt_rootvg_op -X removes only the clone's definition and chpv -C frees its disks for nimadm",
	checks: []string{"PRE-0304"},
	errs:   []string{"E04"},
	role:   inventory.RoleClient,
	scope:  ScopeClient | ScopeMaster,
}, vg: "altinst_rootvg"}

// FixOldRootvg is FIX-OLDROOTVG: an old_rootvg (errors.md E05). It
// destroys the rollback path of an earlier migration, so it runs only with
// an approval.
var FixOldRootvg Action = &fixOldRootvg{fixAltVG{meta: meta{
	id:    "FIX-OLDROOTVG",
	title: "remove old_rootvg (destroys the rollback path)",
	safety: "old_rootvg is the way back to the level before an earlier migration; removing it cannot " +
		"be undone, so it runs only with an approval for the host; it is not the boot disk, not in the " +
		"bootlist, varied off, and no nimadm or alt_disk operation for the client runs",
	checks: []string{"PRE-0305"},
	errs:   []string{"E05"},
	role:   inventory.RoleClient,
	scope:  ScopeClient | ScopeMaster,
}, vg: "old_rootvg"}}

type fixOldRootvg struct{ fixAltVG }

// Subjects: the host and the action suffice; there is one old_rootvg.
func (a *fixOldRootvg) Subjects(*Target) []string { return nil }

func (a *fixAltVG) Needed(t *Target) (Need, string) {
	c, why := clientFacts(t)
	if c == nil {
		return NeedUnknown, why
	}
	pvs, why := get(c.PVs, "physical volumes (lspv)")
	if why != "" {
		return NeedUnknown, why
	}
	if ds := pvsOf(pvs, a.vg); len(ds) > 0 {
		return NeedYes, fmt.Sprintf("%s exists on %s", a.vg, strings.Join(ds, " "))
	}
	return NeedNo, "no " + a.vg
}

func (a *fixAltVG) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	c, why := clientFacts(t)
	if c == nil {
		return false, why, nil
	}
	pvs, why := get(c.PVs, "physical volumes (lspv)")
	if why != "" {
		return false, why, nil
	}
	disks := pvsOf(pvs, a.vg)
	if len(disks) == 0 {
		return false, "no " + a.vg + " (any more)", nil
	}
	// A nimadm for the client may be building this very clone.
	m, why := t.masterFacts()
	if m == nil {
		return false, why, nil
	}
	mps, why := get(m.Processes, "processes on the NIM master (ps -ef)")
	if why != "" {
		return false, why, nil
	}
	if p := nimWorkFor(mps, t.Host.NIMName); len(p) > 0 {
		return false, fmt.Sprintf("a nimadm or NIM operation for %s runs on %s: %s", t.Host.NIMName, m.Host, describe(p)), nil
	}
	bootDisk, why := get(c.BootDisk, "boot disk (bootinfo -b)")
	if why != "" {
		return false, why, nil
	}
	bl, why := get(c.BootList, "bootlist (bootlist -m normal -o)")
	if why != "" {
		return false, why, nil
	}
	online, why := get(c.VGsOnline, "varied-on volume groups (lsvg -o)")
	if why != "" {
		return false, why, nil
	}
	ps, why := get(c.Processes, "processes (ps -ef)")
	if why != "" {
		return false, why, nil
	}
	for _, d := range disks {
		if d == bootDisk {
			return false, fmt.Sprintf("%s is on the boot disk %s", a.vg, d), nil
		}
		for _, b := range bl.Devices() {
			if b == d {
				return false, fmt.Sprintf("%s of %s is in the bootlist: the next boot would use it", d, a.vg), nil
			}
		}
		if _, err := cmdline.Disk(d); err != nil {
			return false, err.Error(), nil
		}
	}
	if rv := pvsOf(pvs, "rootvg"); len(rv) == 0 {
		return false, "rootvg has no disk in lspv", nil
	}
	for _, v := range online {
		if v == a.vg {
			return false, a.vg + " is varied on (woken up with alt_rootvg_op -W?); someone is using it", nil
		}
	}
	if p := busy(ps, lvmBusyCommands...); len(p) > 0 {
		return false, "an alt_disk or multibos operation is running on the client: " + describe(p), nil
	}
	return true, joinReasons(
		fmt.Sprintf("%s on %s: not the boot disk (%s), not in the bootlist, varied off", a.vg, strings.Join(disks, " "), bootDisk),
		"no alt_disk or multibos process on the client",
		"no nimadm or NIM operation for "+t.Host.NIMName+" on "+m.Host,
	), nil
}

func (a *fixAltVG) Commands(t *Target) []transport.Command {
	if t.Client == nil {
		return nil
	}
	pvs, why := get(t.Client.PVs, "lspv")
	if why != "" {
		return nil
	}
	disks := pvsOf(pvs, a.vg)
	if len(disks) == 0 {
		return nil
	}
	vg, err := cmdline.VG(a.vg)
	if err != nil {
		return nil
	}
	lines := []string{cmdline.Build("/usr/sbin/alt_rootvg_op", "-X", vg)}
	for _, d := range disks {
		disk, err := cmdline.Disk(d)
		if err != nil {
			return nil
		}
		lines = append(lines, cmdline.Build("/usr/sbin/chpv", "-C", disk))
	}
	cmds := mutating(t.Host.Name, lines...)
	cmds[0].Timeout = lvmTimeout
	return cmds
}

func (a *fixAltVG) Undo(*Target) []string { return nil }

func (a *fixAltVG) Apply(ctx context.Context, env *Env, t *Target) error {
	return runAll(ctx, env, a.Commands(t), nil)
}

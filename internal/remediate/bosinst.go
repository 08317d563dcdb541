package remediate

import (
	"context"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

const bosInst = "/bos_inst"

// bosInstAside is where FIX-BOSINST moves /bos_inst: a name that says who
// moved it and when (the controller's clock, UTC), so it can be moved
// back.
func bosInstAside(t *Target) string {
	return bosInst + ".nimfleet." + t.Now.UTC().Format("20060102-150405")
}

// fixBosInst renames a leftover /bos_inst (errors.md E01; multibos.md §6).
type fixBosInst struct{ meta }

// FixBosInst is FIX-BOSINST.
var FixBosInst Action = &fixBosInst{meta{
	id:    "FIX-BOSINST",
	title: "move the leftover /bos_inst directory aside",
	safety: "a /bos_inst that no standby instance uses, with nothing mounted on or under it and no " +
		"/etc/filesystems stanza, is a leftover of multibos -R; it is renamed, not deleted, so mv " +
		"brings it back, and nothing else on the host changes",
	checks: []string{"PRE-0301"},
	errs:   []string{"E01"},
	role:   inventory.RoleClient,
	scope:  ScopeClient,
}}

func (a *fixBosInst) Needed(t *Target) (Need, string) {
	c, why := clientFacts(t)
	if c == nil {
		return NeedUnknown, why
	}
	bi, why := get(c.BosInst, "/bos_inst")
	if why != "" {
		return NeedUnknown, why
	}
	if !bi.Exists {
		return NeedNo, "/bos_inst does not exist"
	}
	lvs, why := get(c.RootvgLVs, "rootvg logical volumes (lsvg -l rootvg)")
	if why != "" {
		return NeedUnknown, "/bos_inst exists, but whether a standby instance uses it is " + why
	}
	if sb := standbyLVs(lvs, bootedBLV(c)); len(sb) > 0 {
		return NeedNo, fmt.Sprintf("/bos_inst belongs to a multibos standby instance (%s): FIX-MULTIBOS removes the standby first, then /bos_inst is checked again", lvNames(sb))
	}
	return NeedYes, "/bos_inst exists and no multibos standby instance uses it"
}

func (a *fixBosInst) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	c, why := clientFacts(t)
	if c == nil {
		return false, why, nil
	}
	bi, why := get(c.BosInst, "/bos_inst")
	if why != "" {
		return false, why, nil
	}
	if !bi.Exists {
		return false, "/bos_inst does not exist (any more)", nil
	}
	if !bi.Info.IsDir() {
		return false, fmt.Sprintf("/bos_inst is not a directory (mode %s); inspect it by hand", bi.Info.Mode), nil
	}
	lvs, why := get(c.RootvgLVs, "rootvg logical volumes (lsvg -l rootvg)")
	if why != "" {
		return false, why, nil
	}
	booted, why := get(c.BootBLV, "booted BLV (bootinfo -v)")
	if why != "" {
		return false, why, nil
	}
	if lvs.HasStandbyBOS() {
		return false, "a multibos standby instance exists (both hd5 and bos_hd5 are in rootvg); FIX-MULTIBOS removes it first", nil
	}
	if sb := lvs.StandbyLVs(); len(sb) > 0 {
		return false, fmt.Sprintf("rootvg has logical volumes mounted under /bos_inst (%s): a standby instance, not a leftover", lvNames(sb)), nil
	}
	if blv, ok := lvs.Get(booted); !ok || blv.Type != "boot" {
		return false, fmt.Sprintf("the booted BLV %s (bootinfo -v) is not a boot logical volume of rootvg; the multibos state is unclear", booted), nil
	}
	ms, why := get(c.Mounts, "mounts (mount)")
	if why != "" {
		return false, why, nil
	}
	if m := mountsUnder(ms, bosInst); len(m) > 0 {
		return false, fmt.Sprintf("%s is mounted on %s", m[0].Device, m[0].MountPoint), nil
	}
	ps, why := get(c.Processes, "processes (ps -ef)")
	if why != "" {
		return false, why, nil
	}
	if p := busy(ps, lvmBusyCommands...); len(p) > 0 {
		return false, "a multibos or alt_disk operation is running: " + describe(p), nil
	}
	stanza, err := lsfsStanza(ctx, env, t.Host.Name, bosInst)
	if err != nil {
		return false, "", err
	}
	if stanza {
		return false, "/etc/filesystems has a /bos_inst stanza: remove the file system with rmfs or multibos -R first", nil
	}
	aside := bosInstAside(t)
	if _, exists, err := lsLong(ctx, env, t.Host.Name, aside); err != nil {
		return false, "", err
	} else if exists {
		return false, aside + " already exists", nil
	}
	if len(a.Commands(t)) == 0 {
		return false, "cannot build the command line for " + aside, nil
	}
	return true, joinReasons(
		"no standby instance",
		"nothing mounted on or under /bos_inst",
		"no /etc/filesystems stanza",
		"booted from "+booted,
		"no multibos or alt_disk process",
		aside+" is free",
	), nil
}

func (a *fixBosInst) Commands(t *Target) []transport.Command {
	to, err := cmdline.Path(bosInstAside(t))
	if err != nil {
		return nil
	}
	return mutating(t.Host.Name, cmdline.Build("/usr/bin/mv", bosInst, to))
}

func (a *fixBosInst) Undo(t *Target) []string {
	to, err := cmdline.Path(bosInstAside(t))
	if err != nil {
		return nil
	}
	return []string{t.Host.Name + ": " + cmdline.Build("/usr/bin/mv", to, bosInst)}
}

func (a *fixBosInst) Apply(ctx context.Context, env *Env, t *Target) error {
	if bi, why := get(t.Client.BosInst, "/bos_inst"); why == "" && len(bi.Entries) > 0 {
		list := bi.Entries
		more := ""
		if len(list) > 5 {
			list, more = list[:5], fmt.Sprintf(" and %d more", len(bi.Entries)-5)
		}
		env.Note("/bos_inst was not empty (%d entries: %s%s); they were moved with it, not deleted", len(bi.Entries), strings.Join(list, " "), more)
	}
	return runAll(ctx, env, a.Commands(t), nil)
}

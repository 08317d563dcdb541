package remediate

import (
	"context"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// fixMultibos removes a multibos standby instance (errors.md E02).
type fixMultibos struct{ meta }

// FixMultibos is FIX-MULTIBOS. FIX-BOSINST follows it, for the /bos_inst
// directory multibos -R can leave behind.
var FixMultibos Action = &fixMultibos{meta{
	id:    "FIX-MULTIBOS",
	title: "remove the multibos standby instance",
	safety: "nimadm is not supported while a standby BOS exists; multibos -R removes only the " +
		"instance that was not booted (bootinfo -v names the booted BLV, the standby's file systems " +
		"are unmounted and carry the other name family) and points the bootlist at the booted BLV; " +
		"never on a mirrored rootvg",
	checks: []string{"PRE-0302"},
	errs:   []string{"E02"},
	role:   inventory.RoleClient,
	scope:  ScopeClient,
}}

// FollowUps names the action that runs after this one even when --only
// selects this one alone.
func (a *fixMultibos) FollowUps() []string { return []string{"FIX-BOSINST"} }

func (a *fixMultibos) Needed(t *Target) (Need, string) {
	c, why := clientFacts(t)
	if c == nil {
		return NeedUnknown, why
	}
	lvs, why := get(c.RootvgLVs, "rootvg logical volumes (lsvg -l rootvg)")
	if why != "" {
		return NeedUnknown, why
	}
	if sb := standbyLVs(lvs, bootedBLV(c)); len(sb) > 0 {
		return NeedYes, fmt.Sprintf("a multibos standby instance exists (%s)", lvNames(sb))
	}
	return NeedNo, "no multibos standby instance in rootvg"
}

// bosFamily reports whether an LV name belongs to the bos_ family.
func bosFamily(name string) bool { return strings.HasPrefix(name, "bos_") }

func (a *fixMultibos) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	c, why := clientFacts(t)
	if c == nil {
		return false, why, nil
	}
	lvs, why := get(c.RootvgLVs, "rootvg logical volumes (lsvg -l rootvg)")
	if why != "" {
		return false, why, nil
	}
	booted, why := get(c.BootBLV, "booted BLV (bootinfo -v)")
	if why != "" {
		return false, why, nil
	}
	ms, why := get(c.Mounts, "mounts (mount)")
	if why != "" {
		return false, why, nil
	}
	ps, why := get(c.Processes, "processes (ps -ef)")
	if why != "" {
		return false, why, nil
	}
	if lvs.Mirrored() {
		return false, "rootvg is mirrored: multibos cannot be used with a mirrored rootvg; remove the standby by hand", nil
	}
	if rv, why := get(c.Rootvg, "rootvg (lsvg rootvg)"); why != "" {
		return false, why, nil
	} else if rv.StalePPs > 0 {
		return false, fmt.Sprintf("rootvg has %d stale partitions", rv.StalePPs), nil
	}
	if booted != "hd5" && booted != "bos_hd5" {
		return false, fmt.Sprintf("the booted BLV is %s, neither hd5 nor bos_hd5: not a multibos layout nimfleet knows", booted), nil
	}
	if blv, ok := lvs.Get(booted); !ok || blv.Type != "boot" {
		return false, fmt.Sprintf("the booted BLV %s is not a boot logical volume of rootvg", booted), nil
	}
	sb := standbyLVs(lvs, booted)
	if len(sb) == 0 {
		return false, "no standby instance (any more)", nil
	}
	// The standby must clearly be the instance that was not booted: its
	// LVs are of the other name family and none is open, while the booted
	// family holds the mounted root file systems.
	for _, lv := range sb {
		if lv.Name == booted {
			return false, fmt.Sprintf("the booted BLV %s would be part of the standby", booted), nil
		}
		if bosFamily(lv.Name) == bosFamily(booted) {
			return false, fmt.Sprintf("standby LV %s has the same name family as the booted BLV %s; which instance is active is unclear", lv.Name, booted), nil
		}
		if lv.Open() {
			return false, fmt.Sprintf("standby LV %s is open (%s)", lv.Name, lv.State), nil
		}
	}
	for _, mp := range []string{"/", "/usr", "/var"} {
		if act := activeLV(lvs, mp); act == nil || bosFamily(act.Name) != bosFamily(booted) || !act.Open() {
			return false, fmt.Sprintf("the file system on %s is not an open LV of the booted instance (%s)", mp, booted), nil
		}
	}
	if m := mountsUnder(ms, bosInst); len(m) > 0 {
		return false, fmt.Sprintf("the standby is mounted (%s on %s); someone may be using it (multibos -S)", m[0].Device, m[0].MountPoint), nil
	}
	if p := busy(ps, lvmBusyCommands...); len(p) > 0 {
		return false, "a multibos or alt_disk operation is running: " + describe(p), nil
	}
	return true, joinReasons(
		"booted from "+booted,
		"the standby ("+lvNames(sb)+") is the other instance, closed and unmounted",
		"rootvg is not mirrored",
		"no multibos or alt_disk process",
	), nil
}

// activeLV returns the rootvg LV mounted (per /etc/filesystems) on mp.
func activeLV(lvs aix.LVList, mp string) *aix.LV {
	for i := range lvs.LVs {
		if lvs.LVs[i].MountPoint == mp {
			return &lvs.LVs[i]
		}
	}
	return nil
}

func (a *fixMultibos) Commands(t *Target) []transport.Command {
	cmds := mutating(t.Host.Name, cmdline.Build("/usr/sbin/multibos", "-R"))
	cmds[0].Timeout = multibosTimeout
	return cmds
}

func (a *fixMultibos) Undo(*Target) []string { return nil }

func (a *fixMultibos) Apply(ctx context.Context, env *Env, t *Target) error {
	env.Note("multibos -R can leave /bos_inst behind; FIX-BOSINST checks it once the standby is gone")
	return runAll(ctx, env, a.Commands(t), func(c transport.Command, r transport.Result) error {
		out := string(r.Stdout)
		// Success ends with "Return Status = SUCCESS", failure with
		// "Return Status: FAILURE" (multibos.md §5).
		if r.ExitCode != 0 || strings.Contains(out, "Return Status: FAILURE") || !strings.Contains(out, "Return Status = SUCCESS") {
			return fmt.Errorf("multibos -R failed (exit %d): %s", r.ExitCode, multibosError(r))
		}
		return nil
	})
}

// multibosError picks the most telling line of a failed multibos run.
func multibosError(r transport.Result) string {
	for _, b := range [][]byte{r.Stdout, r.Stderr} {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "0565-") || strings.Contains(l, "0516-") {
				return strings.TrimSpace(l)
			}
		}
	}
	return firstLine(r.Stderr, r.Stdout)
}

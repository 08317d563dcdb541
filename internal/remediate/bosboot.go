package remediate

import (
	"context"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// fixBosboot rebuilds the boot image when the boot record reads level 0.0
// (errors.md E03).
type fixBosboot struct{ meta }

// FixBosboot is FIX-BOSBOOT. IBM's procedure asks for it on multibos
// systems; a 0.0 boot record level is wrong on any system, so the action
// does not insist on multibos LV names.
var FixBosboot Action = &fixBosboot{meta{
	id:    "FIX-BOSBOOT",
	title: "rebuild the boot image (boot record level 0.0)",
	safety: "bosboot -ad /dev/ipldevice rewrites the boot image of the running system on its boot " +
		"disk, as every update does; it runs only when /dev/ipldevice is the boot disk's raw device " +
		"and no other boot or alt_disk operation runs",
	checks: []string{"PRE-0303"},
	errs:   []string{"E03"},
	role:   inventory.RoleClient,
	scope:  ScopeClient,
}}

func (a *fixBosboot) Needed(t *Target) (Need, string) {
	c, why := clientFacts(t)
	if c == nil {
		return NeedUnknown, why
	}
	lv, why := get(c.BlvLevel, "boot record level (blvset -d /dev/ipldevice -g level)")
	if why != "" {
		if ipl, ok := c.IPLDevice.Get(); ok && ipl.Mode == "" {
			return NeedUnknown, "the boot record level cannot be read: /dev/ipldevice does not exist (PRE-0310)"
		}
		return NeedUnknown, why
	}
	if lv.IsZero() {
		return NeedYes, "the boot record level reads 0.0"
	}
	return NeedNo, "the boot record level reads " + lv.String()
}

func (a *fixBosboot) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	c, why := clientFacts(t)
	if c == nil {
		return false, why, nil
	}
	lv, why := get(c.BlvLevel, "boot record level")
	if why != "" {
		return false, why, nil
	}
	if !lv.IsZero() {
		return false, "the boot record level reads " + lv.String() + " (now)", nil
	}
	ipl, why := get(c.IPLDevice, "/dev/ipldevice (ls -l)")
	if why != "" {
		return false, why, nil
	}
	if ipl.Mode == "" {
		return false, "/dev/ipldevice does not exist (PRE-0310): relink it to the boot disk first", nil
	}
	if !strings.HasPrefix(ipl.Mode, "c") {
		return false, fmt.Sprintf("/dev/ipldevice is not a character device (mode %s)", ipl.Mode), nil
	}
	bootDisk, why := get(c.BootDisk, "boot disk (bootinfo -b)")
	if why != "" {
		return false, why, nil
	}
	if _, err := cmdline.Disk(bootDisk); err != nil {
		return false, err.Error(), nil
	}
	raw, exists, err := lsLong(ctx, env, t.Host.Name, "/dev/r"+bootDisk)
	if err != nil {
		return false, "", err
	}
	if !exists {
		return false, "/dev/r" + bootDisk + " does not exist", nil
	}
	if raw.Major != ipl.Major || raw.Minor != ipl.Minor {
		return false, fmt.Sprintf("/dev/ipldevice (%d, %d) is not /dev/r%s (%d, %d)", ipl.Major, ipl.Minor, bootDisk, raw.Major, raw.Minor), nil
	}
	ps, why := get(c.Processes, "processes (ps -ef)")
	if why != "" {
		return false, why, nil
	}
	if p := busy(ps, lvmBusyCommands...); len(p) > 0 {
		return false, "a boot, multibos or alt_disk operation is running: " + describe(p), nil
	}
	return true, fmt.Sprintf("/dev/ipldevice is /dev/r%s (device %d, %d), the boot disk; no other boot operation runs", bootDisk, raw.Major, raw.Minor), nil
}

func (a *fixBosboot) Commands(t *Target) []transport.Command {
	cmds := mutating(t.Host.Name, cmdline.Build("/usr/sbin/bosboot", "-ad", "/dev/ipldevice"))
	cmds[0].Timeout = lvmTimeout
	return cmds
}

func (a *fixBosboot) Undo(*Target) []string { return nil }

func (a *fixBosboot) Apply(ctx context.Context, env *Env, t *Target) error {
	return runAll(ctx, env, a.Commands(t), nil)
}

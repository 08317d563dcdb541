package remediate

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// fixMount mounts the rootvg file systems that are not mounted: alt_disk
// copies only mounted ones (errors.md E44).
type fixMount struct{ meta }

// FixMount is FIX-MOUNT.
var FixMount Action = &fixMount{meta{
	id:    "FIX-MOUNT",
	title: "mount the unmounted rootvg file systems",
	safety: "a rootvg file system that is not mounted would be missing from the clone; mount uses " +
		"its /etc/filesystems stanza, touches no data, and umount reverses it; standby (/bos_inst) " +
		"file systems are never mounted",
	checks: []string{"PRE-0313"},
	errs:   []string{"E44"},
	role:   inventory.RoleClient,
	scope:  ScopeClient,
}}

// unmounted returns the mount points of rootvg JFS/JFS2 file systems
// that are not mounted, parents first, or why that is unknown.
func unmounted(t *Target) ([]string, string) {
	c, why := clientFacts(t)
	if c == nil {
		return nil, why
	}
	lvs, why := get(c.RootvgLVs, "rootvg logical volumes (lsvg -l rootvg)")
	if why != "" {
		return nil, why
	}
	ms, why := get(c.Mounts, "mounts (mount)")
	if why != "" {
		return nil, why
	}
	var out []string
	for _, lv := range lvs.LVs {
		if lv.Type != "jfs2" && lv.Type != "jfs" || lv.MountPoint == "" || underBosInst(lv.MountPoint) {
			continue
		}
		if !ms.Mounted(lv.MountPoint) {
			out = append(out, lv.MountPoint)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if di, dj := strings.Count(out[i], "/"), strings.Count(out[j], "/"); di != dj {
			return di < dj
		}
		return out[i] < out[j]
	})
	return out, ""
}

func (a *fixMount) Needed(t *Target) (Need, string) {
	mps, why := unmounted(t)
	if why != "" {
		return NeedUnknown, why
	}
	if len(mps) == 0 {
		return NeedNo, "every rootvg file system is mounted"
	}
	return NeedYes, "rootvg file systems not mounted: " + strings.Join(mps, " ")
}

func (a *fixMount) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	mps, why := unmounted(t)
	if why != "" {
		return false, why, nil
	}
	if len(mps) == 0 {
		return false, "every rootvg file system is mounted (now)", nil
	}
	lvs := t.Client.RootvgLVs.Value
	for _, mp := range mps {
		if _, err := cmdline.Path(mp); err != nil {
			return false, err.Error(), nil
		}
		lv := activeLV(lvs, mp)
		if lv != nil && lv.Open() {
			return false, fmt.Sprintf("%s of %s is open although not mounted: something uses the raw device", lv.Name, mp), nil
		}
		stanza, err := lsfsStanza(ctx, env, t.Host.Name, mp)
		if err != nil {
			return false, "", err
		}
		if !stanza {
			return false, mp + " has no /etc/filesystems stanza", nil
		}
	}
	return true, strings.Join(mps, " ") + ": closed logical volumes with /etc/filesystems stanzas", nil
}

func (a *fixMount) Commands(t *Target) []transport.Command {
	mps, why := unmounted(t)
	if why != "" || len(mps) == 0 {
		return nil
	}
	var lines []string
	for _, mp := range mps {
		p, err := cmdline.Path(mp)
		if err != nil {
			return nil
		}
		lines = append(lines, cmdline.Build("/usr/sbin/mount", p))
	}
	return mutating(t.Host.Name, lines...)
}

func (a *fixMount) Undo(t *Target) []string {
	mps, _ := unmounted(t)
	var out []string
	for i := len(mps) - 1; i >= 0; i-- {
		if p, err := cmdline.Path(mps[i]); err == nil {
			out = append(out, t.Host.Name+": "+cmdline.Build("/usr/sbin/umount", p))
		}
	}
	return out
}

func (a *fixMount) Apply(ctx context.Context, env *Env, t *Target) error {
	return runAll(ctx, env, a.Commands(t), nil)
}

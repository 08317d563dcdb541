package preflight

import (
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0313",
			Title:    "every rootvg file system is mounted",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `alt_disk_copy copies only mounted file systems (IBM's alt_disk module notes):
a rootvg file system that is not mounted at clone time is missing from the
migrated disk, silently (errors.md E44).`,
			Detect: `Every jfs/jfs2 logical volume of lsvg -l rootvg with a mount point (a multibos
standby's /bos_inst file systems excepted) must be mounted there according to
mount on the client.`,
			Remediation: `Mount the file systems (mount <mount point>) and keep them mounted until the
migration is done; or, if a file system is unmounted on purpose and its data
is not needed on the new disk, waive this check for the host.`,
			Commands: []string{"mount {mount}"},
			Fix:      "FIX-MOUNT",
			Levels:   allLevels,
			Errors:   []string{"E44"},
			Since:    since,
		},
		Run: runUnmounted,
	})
}

func runUnmounted(e *Env) check.Result {
	lvs, ok := e.C.RootvgLVs.Get()
	if !ok {
		return unknownOf(e.client(), "rootvg LVs (lsvg -l rootvg)", e.C.RootvgLVs)
	}
	ms, ok := e.C.Mounts.Get()
	if !ok {
		return unknownOf(e.client(), "mounted file systems (mount)", e.C.Mounts)
	}
	var missing, names []string
	n := 0
	for _, lv := range lvs.LVs {
		if !isFS(lv) || standby(lv) {
			continue
		}
		n++
		if !ms.Mounted(lv.MountPoint) {
			missing = append(missing, lv.MountPoint)
			names = append(names, lv.Name)
		}
	}
	if len(missing) == 0 {
		return check.PassResult("all " + itoa(n) + " rootvg file systems are mounted")
	}
	r := check.FailResult("rootvg file systems not mounted: "+quoteList(missing)+": alt_disk_copy would not copy them",
		factEv(e, e.client(), e.C.RootvgLVs, 10, append([]string{"LV NAME"}, names...)...)).WithVars("mount", missing[0])
	for _, m := range missing {
		r.Commands = append(r.Commands, "mount "+m)
	}
	return r
}

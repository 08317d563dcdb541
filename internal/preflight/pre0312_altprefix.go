package preflight

import (
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0312",
			Title:    "no user objects named with the alt prefix",
			Severity: check.Warning,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `alt_disk creates volume groups, logical volumes and file systems whose names
start with "alt", and IBM warns that its operations may remove, change or damage
user objects with that prefix (errors.md E43). Nothing fails at migration time:
the damage is silent.`,
			Detect: `On the client: volume groups (lsvg) other than altinst_rootvg, rootvg logical
volumes (lsvg -l rootvg), and mounted file systems (mount) other than
/alt_inst whose names start with alt [U: rule formulation].`,
			Remediation: `Rename the objects (chvg/varyoffvg and importvg -y for VGs, chlv -n for LVs,
chfs -m for mount points) before migrating, or accept the risk with a waiver.`,
			Levels: allLevels,
			Errors: []string{"E43"},
			Since:  since,
		},
		Run: runAltPrefix,
	})
}

func runAltPrefix(e *Env) check.Result {
	var found []string
	var evs []check.Evidence
	var unknown []string
	if vgs, ok := e.C.VGs.Get(); ok {
		var hit []string
		for _, v := range vgs {
			if strings.HasPrefix(v, "alt") && v != "altinst_rootvg" {
				hit = append(hit, v)
			}
		}
		if len(hit) > 0 {
			found = append(found, "volume groups "+quoteList(hit))
			evs = append(evs, factEv(e, e.client(), e.C.VGs, 6, hit...))
		}
	} else {
		unknown = append(unknown, "volume groups (lsvg): "+e.C.VGs.Reason)
	}
	if lvs, ok := e.C.RootvgLVs.Get(); ok {
		var hit []string
		for _, lv := range lvs.LVs {
			if strings.HasPrefix(lv.Name, "alt") {
				hit = append(hit, lv.Name)
			}
		}
		if len(hit) > 0 {
			found = append(found, "rootvg LVs "+quoteList(hit))
			evs = append(evs, factEv(e, e.client(), e.C.RootvgLVs, 6, append([]string{"LV NAME"}, hit...)...))
		}
	} else {
		unknown = append(unknown, "rootvg LVs (lsvg -l rootvg): "+e.C.RootvgLVs.Reason)
	}
	if ms, ok := e.C.Mounts.Get(); ok {
		var hit []string
		for _, m := range ms {
			if strings.HasPrefix(m.MountPoint, "/alt") && m.MountPoint != "/alt_inst" && !strings.HasPrefix(m.MountPoint, "/alt_inst/") {
				hit = append(hit, m.MountPoint)
			}
		}
		if len(hit) > 0 {
			found = append(found, "file systems "+quoteList(hit))
			evs = append(evs, factEv(e, e.client(), e.C.Mounts, 6, hit...))
		}
	} else {
		unknown = append(unknown, "mounts (mount): "+e.C.Mounts.Reason)
	}
	if len(found) > 0 {
		return check.FailResult("objects named with the alt prefix: "+strings.Join(found, "; "), evs...)
	}
	if len(unknown) > 0 {
		return check.UnknownResult(strings.SplitN(unknown[0], ":", 2)[0], strings.Join(unknown, "; "))
	}
	return check.PassResult("no volume group, rootvg LV or mounted file system is named alt*")
}

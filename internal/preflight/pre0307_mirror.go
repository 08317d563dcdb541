package preflight

import (
	"strconv"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0307",
			Title:    "rootvg has no stale partitions or spread mirror copies",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `alt_disk_copy refuses a rootvg with stale partitions, and a mirrored rootvg
whose copies are spread over several disks (or two copies on one disk) cannot
be cloned: "This prevents the system from creating an alternate rootvg disk
copy." (IBM's module, errors.md E37).`,
			Detect: `lsvg rootvg: STALE PPs must be 0; lsvg -l rootvg: no LV state ending in
/stale. When rootvg is mirrored (an LV with more PPs than LPs), every LV must
span exactly as many disks as it has copies (lsvg -l PVs column); more disks
than copies means its copies are spread [U: nimfleet's approximation of IBM's
rule "each copy number on exactly one disk", which needs lsvg -M, no longer
part of the fact batch]. A partition map (lsvg -M), when present in the facts,
is checked with IBM's rule itself.`,
			Remediation: `Resynchronise stale partitions with syncvg -v rootvg. For spread copies,
unmirror and remirror cleanly (unmirrorvg, then mirrorvg -m -c 2 rootvg
<disk>), then check again.`,
			Commands: []string{"syncvg -v rootvg", "lsvg -l rootvg | grep stale"},
			Levels:   allLevels,
			Errors:   []string{"E37"},
			Since:    since,
		},
		Run: runMirror,
	})
}

func runMirror(e *Env) check.Result {
	vg, vgOK := e.C.Rootvg.Get()
	lvs, lvOK := e.C.RootvgLVs.Get()
	var p problems
	if vgOK && vg.StalePPs > 0 {
		p.add(check.Blocker, strconv.Itoa(vg.StalePPs)+" stale partitions in rootvg", factEv(e, e.client(), e.C.Rootvg, 2, "STALE"))
	}
	mirrored := false
	if lvOK {
		var stale, spread []string
		for _, lv := range lvs.LVs {
			if lv.Stale() {
				stale = append(stale, lv.Name)
			}
		}
		mirrored = lvs.Mirrored()
		if mirrored {
			for _, lv := range lvs.LVs {
				if c := lv.Copies(); c > 0 && lv.PVs > c {
					spread = append(spread, lv.Name)
				}
			}
		}
		if len(stale) > 0 && !(vgOK && vg.StalePPs > 0) {
			p.add(check.Blocker, "stale logical volumes in rootvg: "+quoteList(stale), factEv(e, e.client(), e.C.RootvgLVs, 8, append([]string{"LV NAME"}, stale...)...))
		}
		if len(spread) > 0 {
			p.add(check.Blocker, "mirrored rootvg whose copies are spread over more disks than copies: "+quoteList(spread),
				factEv(e, e.client(), e.C.RootvgLVs, 10, append([]string{"LV NAME"}, spread...)...))
		}
	}
	if pm, ok := e.C.RootvgMap.Get(); ok && pm.MaxCopy() > 1 {
		copyDisks := map[int]map[string]bool{}
		for _, en := range pm.Entries {
			if en.Free {
				continue
			}
			c := max(en.Copy, 1)
			if copyDisks[c] == nil {
				copyDisks[c] = map[string]bool{}
			}
			copyDisks[c][en.PV] = true
		}
		for c := 1; c <= pm.MaxCopy(); c++ {
			if len(copyDisks[c]) > 1 {
				p.add(check.Blocker, "mirror copy "+strconv.Itoa(c)+" is spread over "+strconv.Itoa(len(copyDisks[c]))+" disks (lsvg -M rootvg)")
			}
		}
	}
	if p.any() {
		return p.result()
	}
	if !vgOK {
		return unknownOf(e.client(), "rootvg (lsvg rootvg)", e.C.Rootvg)
	}
	if !lvOK {
		return unknownOf(e.client(), "rootvg LVs (lsvg -l rootvg)", e.C.RootvgLVs)
	}
	msg := "no stale partitions in rootvg"
	if mirrored {
		msg += "; every mirrored LV has each copy on one disk"
	}
	return check.PassResult(msg, factEv(e, e.client(), e.C.Rootvg, 2, "STALE"))
}

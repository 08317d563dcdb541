package preflight

import (
	"strings"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0301",
			Title:    "no leftover /bos_inst directory on the client",
			Severity: check.Blocker,
			Phase:    "11",
			Scope:    check.ScopeClient,
			Why: `multibos -R removes a standby instance but can leave its mount point /bos_inst
in /. During nimadm phase 11 alt_disk_copy phase 3 checks the clone for
multibos state; the leftover directory makes init_multibos() fail:

  alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.
  0505-187 nimadm: Error cloning altinst_rootvg on client.

after phases 1 to 10 - about an hour per client - are done (errors.md E01, the
field report behind nimfleet; multibos.md §6).`,
			Detect: `On the client: ls -ld /bos_inst and lsvg -l rootvg, with errors.md E01's
decision table:

  /bos_inst exists | bos_ standby LVs in rootvg | verdict
  no               | no                         | pass
  yes              | no                         | fail: leftover directory (E01)
  yes or no        | yes                        | fail: a standby instance exists (E02,
                   |                            | PRE-0302); remove it, then check again

A standby is an hd5 and a bos_hd5 boot LV together, or an LV mounted on
/bos_inst or below it. ls -A /bos_inst says whether the directory is empty.`,
			Remediation: `Remove the leftover directory once it is safe (multibos.md §6): no standby
instance, nothing mounted on /bos_inst, no /bos_inst stanza in /etc/filesystems
(lsfs /bos_inst fails), no multibos or alt_disk command running. Then remove it
if it is empty, or move it aside after looking at what it holds. Rerun nimadm;
nothing else needs cleaning. When a standby exists, remove it first with
multibos -R (FIX-MULTIBOS), which may leave /bos_inst behind again.`,
			Commands: []string{
				"lsfs /bos_inst   # must fail: no stanza",
				"mount | grep /bos_inst   # must print nothing",
				"rmdir /bos_inst   # if empty",
				"mv /bos_inst /bos_inst.leftover   # if not empty, after checking its content",
			},
			Fix:    "FIX-BOSINST",
			Levels: allLevels,
			Errors: []string{"E01"},
			Since:  since,
		},
		Run: runBosInst,
	})
}

// standbyLVs returns the LVs of a multibos standby instance in rootvg:
// those mounted under /bos_inst, plus bos_hd5 when hd5 is there too.
func standbyLVs(l aix.LVList) []aix.LV {
	out := l.StandbyLVs()
	if l.HasStandbyBOS() {
		if lv, ok := l.Get("bos_hd5"); ok {
			out = append([]aix.LV{lv}, out...)
		}
	}
	return out
}

func lvNames(lvs []aix.LV) []string {
	out := make([]string, len(lvs))
	for i, lv := range lvs {
		out[i] = lv.Name
	}
	return out
}

func runBosInst(e *Env) check.Result {
	bi, ok := e.C.BosInst.Get()
	if !ok {
		return unknownOf(e.client(), "/bos_inst (ls -ld /bos_inst)", e.C.BosInst)
	}
	lsEv := factEv(e, e.client(), e.C.BosInst, 3)
	if !bi.Exists {
		return check.PassResult("/bos_inst does not exist", lsEv)
	}
	lvs, ok := e.C.RootvgLVs.Get()
	if !ok {
		r := unknownOf(e.client(), "rootvg LVs (lsvg -l rootvg)", e.C.RootvgLVs)
		r.Summary = "/bos_inst exists, but whether it is a leftover or a standby's mount point is unknown"
		r.Evidence = append([]check.Evidence{lsEv}, r.Evidence...)
		return r
	}
	if sb := standbyLVs(lvs); len(sb) > 0 {
		names := lvNames(sb)
		r := check.FailResult("/bos_inst belongs to a multibos standby instance ("+strings.Join(names, " ")+"): remove the standby (PRE-0302), then check /bos_inst again",
			lsEv, factEv(e, e.client(), e.C.RootvgLVs, 12, append([]string{"LV NAME"}, names...)...))
		r.Fix = "FIX-MULTIBOS"
		r.Commands = []string{"multibos -R   # removes the standby; then check /bos_inst again"}
		return r
	}
	content := "empty"
	if n := len(bi.Entries); n > 0 {
		content = itoa(n) + " entries: " + quoteList(bi.Entries)
		lsEv.Note = "ls -A /bos_inst: " + strings.Join(bi.Entries, " ")
	} else {
		lsEv.Note = "ls -A /bos_inst printed nothing: the directory is empty"
	}
	lvEv := factEv(e, e.client(), e.C.RootvgLVs, 40)
	lvEv.Note = "no LV named bos_* and none mounted on /bos_inst: no standby instance"
	evs := []check.Evidence{lsEv, lvEv}
	if ms, ok := e.C.Mounts.Get(); ok && ms.Mounted("/bos_inst") {
		evs = append(evs, factEv(e, e.client(), e.C.Mounts, 3, "/bos_inst"))
		r := check.FailResult("/bos_inst is mounted although rootvg has no standby instance: investigate before removing anything", evs...)
		r.NoFix, r.Commands = true, []string{"mount | grep /bos_inst", "lsfs /bos_inst"}
		return r
	}
	r := check.FailResult("leftover /bos_inst directory ("+content+") with no multibos standby instance: nimadm would fail in phase 11 (0505-218, 0505-187) after an hour of work", evs...)
	// FIX-BOSINST renames rather than deletes, so it can be undone.
	if len(bi.Entries) == 0 {
		r.Commands = []string{"mv /bos_inst /bos_inst.nimfleet.YYYYMMDD-HHMMSS   # what FIX-BOSINST runs (or rmdir /bos_inst)"}
	} else {
		r.Commands = []string{"ls -lA /bos_inst   # look at what it holds first", "mv /bos_inst /bos_inst.nimfleet.YYYYMMDD-HHMMSS   # what FIX-BOSINST runs"}
	}
	return r
}

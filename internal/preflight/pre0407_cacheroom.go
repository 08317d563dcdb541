package preflight

import (
	"strconv"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0407",
			Title:    "cache volume group has room for every concurrent client",
			Severity: check.Blocker,
			Phase:    "2",
			Scope:    check.ScopeMaster,
			Why: `With -j every running migration holds a copy of its client's rootvg in the
master's cache volume group, plus the migration's growth. When the master runs
several nimadm at once (its slots), their cache file systems must fit together,
or a migration fails in phase 2 with 0516-404 / 0516-822 (errors.md E12); a
volume group grown with a big new disk may also hit its PPs-per-PV limit (E16).`,
			Detect: `Among the clients of the master checked in this run that use this cache VG,
take the largest "slots" of them (the master's slots in the inventory) by
cache need - rootvg used size, each file system rounded up to the cache VG's
partition size, plus 512 MB of growth and one partition [U: IBM gives no
sizing rule] - and compare their sum with FREE PPs of lsvg <vg> on the master.
On a shortfall the result says by how much and how many slots would fit.
Clients whose rootvg size is unknown cannot be migrated before they are
checked again and are not counted (the result says so). Skipped in NFS mode.`,
			Remediation: `Add a disk to the cache volume group (extendvg; mind the PPs-per-PV limit,
chvg -t), free space in it, or lower the master's slots in the inventory to the
count that fits.`,
			Commands: []string{"extendvg {cache_vg} hdiskN   # on the master", "lsvg {cache_vg}"},
			Levels:   allLevels,
			Errors:   []string{"E12", "E16"},
			Since:    since,
		},
		AfterGather: true,
		Run:         runCacheRoom,
	})
}

func runCacheRoom(e *Env) check.Result {
	vg := e.Plan.CacheVG
	if vg == "" {
		return check.SkipResult("NFS mode: the inventory gives no cache_vg (nimadm without -j)")
	}
	f := e.cacheVG()
	info, ok := f.Get()
	if !ok {
		r := unknownOf(e.master(), "free space of "+vg+" (lsvg "+vg+")", f)
		if e.M.VGsOnline.Known && !contains(e.M.VGsOnline.Value, vg) {
			r.Reason += " (the volume group is not varied on: PRE-0406)"
		}
		return r
	}
	d := e.mv.cacheDemands(vg, info.PPSizeMB)
	slots := e.Plan.Slots
	n := min(slots, len(d.clients))
	need := 0
	var who []string
	for _, c := range d.clients[:n] {
		need += c.mb
		who = append(who, c.host+" "+mb(c.mb))
	}
	fits := 0
	sum := 0
	for _, c := range d.clients {
		if sum+c.mb > info.FreeMB {
			break
		}
		sum += c.mb
		fits++
	}
	x := factEv(e, e.master(), f, 2, "FREE PPs", "PP SIZE")
	calc := check.Evidence{Host: "nimfleet", Command: "estimate: cache need of the " + strconv.Itoa(n) + " largest concurrent clients (slots " + strconv.Itoa(slots) + ")", Lines: who}
	note := ""
	if len(d.unknown) > 0 {
		note = "; not counted, rootvg size unknown: " + quoteList(d.unknown)
		calc.Note = "not counted: " + strings.Join(d.unknown, " ")
	}
	if len(d.clients) == 0 {
		return check.UnknownResult("cache need", "no client of "+e.master()+" using "+vg+" has a known rootvg size"+note, x)
	}
	if need > info.FreeMB {
		r := check.FailResult(vg+" on "+e.master()+" has "+mb(info.FreeMB)+" free; "+largest(n)+" (slots "+
			strconv.Itoa(slots)+") need "+mb(need)+": short by "+mb(need-info.FreeMB)+"; "+slotsText(fits)+" would fit"+note, x, calc)
		r.Commands = []string{"extendvg " + vg + " hdiskN   # on the master: add at least " + mb(need-info.FreeMB),
			"# or set slots: " + strconv.Itoa(fits) + " for master " + e.master() + " in the inventory"}
		return r
	}
	return check.PassResult(vg+" on "+e.master()+" has "+mb(info.FreeMB)+" free, enough for "+largest(n)+" ("+mb(need)+", slots "+strconv.Itoa(slots)+")"+note, x, calc)
}

func slotsText(n int) string {
	if n == 1 {
		return "1 slot"
	}
	return strconv.Itoa(n) + " slots"
}

func largest(n int) string {
	if n == 1 {
		return "the largest migration"
	}
	return "the " + strconv.Itoa(n) + " largest concurrent migrations"
}

package preflight

import (
	"errors"

	"github.com/nimfleet/nimfleet/internal/check"
	"github.com/nimfleet/nimfleet/internal/transport"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0306",
			Title:    "rootvg is not locked",
			Severity: check.Blocker,
			Phase:    "1",
			Scope:    check.ScopeClient,
			Why: `A rootvg lock held by hung LVM commands makes every LVM query retry forever
(0516-1201 "Volume group rootvg is locked. This command will continue retries
until lock is free."): alt_disk_copy hangs in phase 1 instead of failing
(errors.md E36).`,
			Detect: `nimfleet runs its LVM probes (lspv, lsvg) last and under a timeout. The check
fails when any of them printed 0516-1201. When the gathering timed out inside
the LVM probes after everything before them had answered, the result is
unknown and says that rootvg may be locked (a slow host looks the same).`,
			Remediation: `Find the stuck LVM processes (ps -ef | grep -E 'lsvg|lslv|lspv|chvg'), end them,
then release the lock with chvg -u rootvg if it is still held. Check again.`,
			Commands: []string{"ps -ef | grep -E 'lsvg|lslv|lspv|chvg|extendlv|mklv' | grep -v grep", "chvg -u rootvg"},
			Levels:   allLevels,
			Errors:   []string{"E36"},
			Since:    since,
		},
		Run: runRootvgLock,
	})
}

func runRootvgLock(e *Env) check.Result {
	if locked, ok := e.C.RootvgLock.Get(); ok {
		x := factEv(e, e.client(), e.C.RootvgLock, 3, "0516-1201", "locked", "chvg -u")
		if locked {
			return check.FailResult("rootvg is locked (0516-1201): LVM commands retry forever and alt_disk_copy would hang", x)
		}
		if len(x.Lines) == 0 {
			x.Lines = e.lines(e.C.RootvgLock.Src, 2)
		}
		return check.PassResult("lsvg rootvg answered without 0516-1201", x)
	}
	// The LVM probes run last: a session that timed out in them, after
	// every earlier probe answered, points at a hanging LVM command - or
	// at a slow host. Without 0516-1201 that is not proof: unknown, with
	// the suspicion in the reason.
	r := unknownOf(e.client(), "rootvg lock (lsvg rootvg)", e.C.RootvgLock)
	if e.ClientErr == nil && errors.Is(e.C.Session, transport.ErrTimeout) && e.C.OSLevel.Known && e.C.DF.Known {
		r.Summary = "the LVM probes (lspv, lsvg) did not answer before the timeout while every other probe did: rootvg may be locked"
	}
	return r
}

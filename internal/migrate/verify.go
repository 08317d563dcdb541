package migrate

// After a successful nimadm run (nimadm.md §9): the clone must be
// altinst_rootvg on the target disk and the bootlist must point at it.
// With a reboot (shutdown -Fr) the client must come back from the new
// disk at the target level, lppchk -v must be clean, old_rootvg (the way
// back) must exist, and sshd must answer.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Commands of the verification, all read-only but shutdown.
const (
	lspvLine     = "LC_ALL=C /usr/sbin/lspv"
	bootlistLine = "LC_ALL=C /usr/bin/bootlist -m normal -o"
	oslevelLine  = "LC_ALL=C /usr/bin/oslevel -s"
	lppchkLine   = "LC_ALL=C /usr/bin/lppchk -v"
	sshdLine     = "LC_ALL=C /usr/bin/lssrc -s sshd"
	shutdownLine = "/usr/sbin/shutdown -Fr"
	bootinfoLine = "LC_ALL=C /usr/sbin/bootinfo -b"
)

// read runs a read-only command; a non-zero exit is an error here.
func (m *Orchestrator) read(ctx context.Context, host, line string) ([]byte, error) {
	res, err := m.o.Runner.Run(ctx, transport.Command{Host: host, Line: line, Timeout: m.o.CommandTimeout})
	if err != nil {
		return nil, err
	}
	if !res.OK() {
		return nil, fmt.Errorf("%s: exit %d: %s", strings.TrimPrefix(line, "LC_ALL=C "), res.ExitCode, firstLine(res.Stderr, res.Stdout))
	}
	return res.Stdout, nil
}

func firstLine(outs ...[]byte) string {
	for _, o := range outs {
		if s := strings.TrimSpace(string(o)); s != "" {
			l, _, _ := strings.Cut(s, "\n")
			return l
		}
	}
	return "no output"
}

func (m *Orchestrator) lspv(ctx context.Context, host string) (aix.PVs, error) {
	out, err := m.read(ctx, host, lspvLine)
	if err != nil {
		return nil, err
	}
	return aix.ParseLspv(out)
}

// cloneProblems checks a client after a successful nimadm run, before
// any reboot: its target disks are altinst_rootvg and the normal bootlist
// starts with the first of them.
func cloneProblems(ctx context.Context, m *Orchestrator, h *inventory.Host) ([]string, string, error) {
	pvs, err := m.lspv(ctx, h.Name)
	if err != nil {
		return nil, "", err
	}
	var probs []string
	for _, d := range h.Disks {
		pv, ok := pvs.Get(d)
		switch {
		case !ok:
			probs = append(probs, "lspv does not list "+d)
		case pv.VG != "altinst_rootvg":
			probs = append(probs, fmt.Sprintf("%s is in %q, not altinst_rootvg", d, pv.VG))
		}
	}
	out, err := m.read(ctx, h.Name, bootlistLine)
	if err != nil {
		return nil, "", err
	}
	bl, err := aix.ParseBootlist(out)
	if err != nil {
		return nil, "", err
	}
	devs := bl.Devices()
	if len(devs) == 0 || devs[0] != h.Disks[0] {
		probs = append(probs, fmt.Sprintf("the normal bootlist is %v, not %s first", devs, h.Disks[0]))
	}
	return probs, fmt.Sprintf("altinst_rootvg on %s, bootlist %s", strings.Join(h.Disks, " "), strings.Join(devs, " ")), nil
}

// bootedProblems checks a client after it rebooted onto the new disk.
func bootedProblems(ctx context.Context, m *Orchestrator, h *inventory.Host, target string) ([]string, string, error) {
	var probs, ok []string
	out, err := m.read(ctx, h.Name, oslevelLine)
	if err != nil {
		return nil, "", err
	}
	lvl, err := aix.ParseOslevel(out)
	switch {
	case err != nil:
		probs = append(probs, "oslevel -s: "+err.Error())
	case !levelReached(lvl, target):
		probs = append(probs, fmt.Sprintf("oslevel -s is %s, want %s", lvl, target))
	default:
		ok = append(ok, "oslevel -s "+lvl.String())
	}
	res, err := m.o.Runner.Run(ctx, transport.Command{Host: h.Name, Line: lppchkLine, Timeout: m.o.CommandTimeout})
	if err != nil {
		return nil, "", err
	}
	both := append(append([]byte{}, res.Stdout...), res.Stderr...)
	if lc, perr := aix.ParseLppchk(both); perr != nil || !res.OK() || !lc.Consistent {
		probs = append(probs, "lppchk -v is not clean: "+firstLine(res.Stderr, res.Stdout))
	} else {
		ok = append(ok, "lppchk -v clean")
	}
	pvs, err := m.lspv(ctx, h.Name)
	if err != nil {
		return nil, "", err
	}
	for _, d := range h.Disks {
		if pv, found := pvs.Get(d); !found || pv.VG != "rootvg" {
			probs = append(probs, fmt.Sprintf("%s is not rootvg (booted from another disk?)", d))
		}
	}
	if old := pvs.InVG("old_rootvg"); len(old) == 0 {
		probs = append(probs, "no old_rootvg: the way back is missing")
	} else {
		ok = append(ok, "old_rootvg on "+old[0].Name)
	}
	out, err = m.read(ctx, h.Name, sshdLine)
	if err != nil {
		probs = append(probs, "lssrc -s sshd: "+err.Error())
	} else if ss, perr := aix.ParseLssrc(out); perr != nil || !ss.Active("sshd") {
		probs = append(probs, "sshd is not active")
	} else if h.Via == inventory.ViaSSH {
		ok = append(ok, "sshd answers (new SSH session after the reboot)")
	} else {
		ok = append(ok, "sshd active")
	}
	return probs, strings.Join(ok, "; "), nil
}

// verifyLimit is how long verification retries a client that does not
// answer before it fails the host.
func (w *worker) verifyLimit() time.Duration { return 3 * w.m.o.PollInterval }

// checkOrFail runs check until it answers (or the limit passes, which
// fails the host with what went wrong). It returns done=true when the host
// was failed.
func (w *worker) checkOrFail(ctx context.Context, what string, limit time.Duration, check func() ([]string, string, error)) (probs []string, ok string, done bool, err error) {
	start := w.m.clock.Now()
	for {
		probs, ok, cerr := check()
		if cerr == nil {
			return probs, ok, false, nil
		}
		if ctx.Err() != nil {
			return nil, "", true, nil
		}
		if w.m.clock.Now().Sub(start) > limit {
			cur, herr := w.m.hostState(w.name())
			if herr != nil {
				return nil, "", true, herr
			}
			if cur.State == journal.StateSucceeded {
				if err := w.m.setState(w.name(), journal.StateVerifying, what); err != nil {
					return nil, "", true, err
				}
			}
			return nil, "", true, w.m.setState(w.name(), journal.StateFailed, fmt.Sprintf("%s: the client does not answer: %v", what, cerr))
		}
		if w.m.clock.Sleep(ctx, w.m.o.PollInterval) != nil {
			return nil, "", true, nil
		}
	}
}

// afterSuccess verifies the clone, then reboots (policy) or finishes.
func (w *worker) afterSuccess(ctx context.Context) error {
	m := w.m
	m.setActive(w.name(), journal.StateSucceeded, 0, m.clock.Now(), w.workload())
	probs, ok, done, err := w.checkOrFail(ctx, "verify the clone", w.verifyLimit(), func() ([]string, string, error) { return cloneProblems(ctx, m, w.h) })
	if done || err != nil {
		return err
	}
	if len(probs) > 0 || !m.plan.Reboot {
		if err := m.setState(w.name(), journal.StateVerifying, ok); err != nil {
			return err
		}
		if len(probs) > 0 {
			return m.setState(w.name(), journal.StateFailed, "after nimadm: "+strings.Join(probs, "; "))
		}
		return m.setState(w.name(), journal.StateVerified, ok+"; reboot to activate (not requested)")
	}
	return m.setState(w.name(), journal.StateRebooting, ok+"; rebooting onto "+w.h.Disks[0]+" (shutdown -Fr)")
}

// rebooting reboots the client (unless the journal shows it already
// rebooted) and waits until it runs from the new disk.
func (w *worker) rebooting(ctx context.Context) error {
	m := w.m
	hs, err := m.hostState(w.name())
	if err != nil {
		return err
	}
	m.setActive(w.name(), journal.StateRebooting, 0, hs.Since, w.workload())
	deadline := hs.Since.Add(m.o.BootTimeout)
	sent := false
	var last error
	for ctx.Err() == nil {
		pvs, err := m.lspv(ctx, w.name())
		if err == nil {
			pv, _ := pvs.Get(w.h.Disks[0])
			switch {
			case pv.VG == "rootvg":
				return m.setState(w.name(), journal.StateVerifying, "running from "+w.h.Disks[0])
			case pv.VG == "altinst_rootvg" && !sent:
				res, err := m.o.Runner.Run(ctx, transport.Command{Host: w.name(), Line: shutdownLine, Mutates: true, Timeout: m.o.CommandTimeout})
				switch {
				case err == nil && !res.OK():
					return m.setState(w.name(), journal.StateFailed, fmt.Sprintf("shutdown -Fr: exit %d: %s", res.ExitCode, firstLine(res.Stderr, res.Stdout)))
				case err != nil && !transport.IsTransient(err) && ctx.Err() == nil:
					last = err // its outcome is unknown; lspv tells
				}
				sent = true
				if err := m.note(w.name(), "shutdown -Fr sent; waiting for %s to come back from %s", w.name(), w.h.Disks[0]); err != nil {
					return err
				}
			}
		} else {
			last = err
		}
		if m.clock.Now().After(deadline) {
			why := "it did not come back"
			if last != nil {
				why += ": " + last.Error()
				if w.h.Via == inventory.ViaSSH {
					why += " (new SSH sessions fail: is sshd running? errors.md E45)"
				}
			}
			return m.setState(w.name(), journal.StateFailed, fmt.Sprintf("reboot onto %s: no answer within %v; %s", w.h.Disks[0], m.o.BootTimeout, why))
		}
		if m.clock.Sleep(ctx, m.o.PollInterval) != nil {
			return nil
		}
	}
	return nil
}

// verifying checks the client: after a reboot onto the new disk, the
// booted system; otherwise the clone.
func (w *worker) verifying(ctx context.Context) error {
	m := w.m
	m.setActive(w.name(), journal.StateVerifying, 0, m.clock.Now(), w.workload())
	limit := w.verifyLimit()
	if m.plan.Reboot {
		limit = m.o.BootTimeout
	}
	var booted bool
	probs, ok, done, err := w.checkOrFail(ctx, "verify", limit, func() ([]string, string, error) {
		pvs, err := m.lspv(ctx, w.name())
		if err != nil {
			return nil, "", err
		}
		if pv, _ := pvs.Get(w.h.Disks[0]); pv.VG == "rootvg" {
			booted = true
			return bootedProblems(ctx, m, w.h, w.hp.Target)
		}
		return cloneProblems(ctx, m, w.h)
	})
	if done || err != nil {
		return err
	}
	if !booted && m.plan.Reboot && len(probs) == 0 {
		probs = append(probs, "the client did not reboot onto "+w.h.Disks[0])
	}
	if len(probs) > 0 {
		return m.setState(w.name(), journal.StateFailed, "verification: "+strings.Join(probs, "; "))
	}
	if !booted {
		ok += "; reboot to activate (not requested)"
	}
	return m.setState(w.name(), journal.StateVerified, ok)
}

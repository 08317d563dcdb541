package remediate

import (
	"context"
	"fmt"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// cstateReady is the idle NIM state of a machine (errors.md E21).
const cstateReady = "ready for a NIM operation"

// fixNIMReset resets a client's NIM state on its master (errors.md E21).
type fixNIMReset struct{ meta }

// FixNIMReset is FIX-NIMRESET.
var FixNIMReset Action = &fixNIMReset{meta{
	id:    "FIX-NIMRESET",
	title: "reset the client's NIM state on its master",
	safety: "the client's Cstate is left over from an operation that no longer runs: no nimadm, nim " +
		"or NIM method for the client runs on the master (ps -ef); reset and deallocate change only " +
		"NIM's bookkeeping on the master, not the client",
	checks: []string{"PRE-0105"},
	errs:   []string{"E21"},
	role:   inventory.RoleClient,
	scope:  ScopeMaster,
}}

// nimObject returns the client's NIM object from the master's facts.
func nimObject(t *Target) (aix.NIMObject, bool, string) {
	m, why := t.masterFacts()
	if m == nil {
		return aix.NIMObject{}, false, why
	}
	cl, why := get(m.Clients, "NIM clients on "+m.Host+" (lsnim -t standalone -l)")
	if why != "" {
		return aix.NIMObject{}, false, why
	}
	o, ok := cl[t.Host.NIMName]
	return o, ok, ""
}

func (a *fixNIMReset) Needed(t *Target) (Need, string) {
	o, ok, why := nimObject(t)
	if why != "" {
		return NeedUnknown, why
	}
	if !ok {
		return NeedNo, fmt.Sprintf("%s is not defined in NIM on %s (PRE-0101); nothing to reset", t.Host.NIMName, t.MasterHost().Name)
	}
	if cs := o.Cstate(); cs != cstateReady {
		return NeedYes, fmt.Sprintf("Cstate of %s is %q", t.Host.NIMName, cs)
	}
	return NeedNo, fmt.Sprintf("Cstate of %s is %q", t.Host.NIMName, cstateReady)
}

func (a *fixNIMReset) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	o, ok, why := nimObject(t)
	if why != "" {
		return false, why, nil
	}
	if !ok {
		return false, t.Host.NIMName + " is not defined in NIM", nil
	}
	if o.Cstate() == cstateReady {
		return false, "Cstate is ready (any more)", nil
	}
	ps, why := get(t.Master.Processes, "processes on the NIM master (ps -ef)")
	if why != "" {
		return false, why, nil
	}
	if p := nimWorkFor(ps, t.Host.NIMName); len(p) > 0 {
		return false, fmt.Sprintf("an operation for %s is running on %s: %s", t.Host.NIMName, t.Master.Host, describe(p)), nil
	}
	if len(a.Commands(t)) == 0 {
		return false, fmt.Sprintf("%q is not a NIM name nimfleet can put on a command line", t.Host.NIMName), nil
	}
	return true, fmt.Sprintf("no nimadm, nim or NIM method for %s runs on %s", t.Host.NIMName, t.Master.Host), nil
}

func (a *fixNIMReset) Commands(t *Target) []transport.Command {
	n, err := cmdline.NIM(t.Host.NIMName)
	if err != nil {
		return nil
	}
	return mutating(t.MasterHost().Name,
		cmdline.Build("/usr/sbin/nim", "-Fo", "reset", n),
		cmdline.Build("/usr/sbin/nim", "-o", "deallocate", "-a", "subclass=all", n),
	)
}

func (a *fixNIMReset) Undo(*Target) []string { return nil }

func (a *fixNIMReset) Apply(ctx context.Context, env *Env, t *Target) error {
	if o, ok, _ := nimObject(t); ok {
		res, _ := o.Get("Cstate_result")
		info, _ := o.Get("info")
		env.Note("before the reset: Cstate %q, Cstate_result %q, info %q", o.Cstate(), res, info)
	}
	return runAll(ctx, env, a.Commands(t), nil)
}

// fixNimsh starts nimsh on a client whose NIM connection is nimsh
// (errors.md E20).
type fixNimsh struct{ meta }

// FixNimsh is FIX-NIMSH.
var FixNimsh Action = &fixNimsh{meta{
	id:    "FIX-NIMSH",
	title: "start nimsh on the client",
	safety: "the master reaches this client through nimsh, which is defined but inoperative; " +
		"startsrc starts the subsystem as the system would at boot, and stopsrc stops it again",
	checks: []string{"PRE-0104"},
	errs:   []string{"E20"},
	role:   inventory.RoleClient,
	scope:  ScopeClient,
}}

// nimConnect returns how the master reaches the client: the NIM object's
// connect attribute, else the client's /etc/niminfo NIM_SHELL.
func nimConnect(t *Target) (string, string) {
	if o, ok, why := nimObject(t); why == "" && ok && o.Connect() != "" {
		return o.Connect(), ""
	}
	if t.Client != nil {
		if ni, why := get(t.Client.Niminfo, "/etc/niminfo"); why == "" && ni.Shell() != "" {
			return ni.Shell(), ""
		}
	}
	return "", "the NIM connection of " + t.Host.Name + " is unknown (neither the master's NIM object nor /etc/niminfo says)"
}

func (a *fixNimsh) Needed(t *Target) (Need, string) {
	c, why := clientFacts(t)
	if c == nil {
		return NeedUnknown, why
	}
	conn, why := nimConnect(t)
	if why != "" {
		return NeedUnknown, why
	}
	if conn != "nimsh" {
		return NeedNo, fmt.Sprintf("the NIM connection is %s, not nimsh", conn)
	}
	ss, why := get(c.Nimsh, "nimsh status (lssrc -s nimsh)")
	if why != "" {
		return NeedUnknown, why
	}
	if ss.Active("nimsh") {
		return NeedNo, "nimsh is active"
	}
	return NeedYes, "the NIM connection is nimsh and nimsh is not active"
}

func (a *fixNimsh) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	c, why := clientFacts(t)
	if c == nil {
		return false, why, nil
	}
	ss, why := get(c.Nimsh, "nimsh status (lssrc -s nimsh)")
	if why != "" {
		return false, why, nil
	}
	for _, s := range ss {
		if s.Name != "nimsh" {
			continue
		}
		if s.Status != "inoperative" {
			return false, fmt.Sprintf("nimsh is %s, not inoperative", s.Status), nil
		}
		return true, "nimsh is defined and inoperative", nil
	}
	return false, "the nimsh subsystem is not defined (0513-085): configure it with nimclient -C or switch the client to connect=shell", nil
}

func (a *fixNimsh) Commands(t *Target) []transport.Command {
	return mutating(t.Host.Name, cmdline.Build("/usr/bin/startsrc", "-s", "nimsh"))
}

func (a *fixNimsh) Undo(t *Target) []string {
	return []string{t.Host.Name + ": " + cmdline.Build("/usr/bin/stopsrc", "-s", "nimsh")}
}

func (a *fixNimsh) Apply(ctx context.Context, env *Env, t *Target) error {
	return runAll(ctx, env, a.Commands(t), nil)
}

package remediate

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/names"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// fixEfix removes the interim fixes that lock filesets (errors.md E33).
// Removing a fix can reopen the problem it fixed, so it runs only with an
// approval that names the labels.
type fixEfix struct{ meta }

// FixEfix is FIX-EFIX.
var FixEfix Action = &fixEfix{meta{
	id:    "FIX-EFIX",
	title: "remove the interim fixes that lock filesets (needs approval)",
	safety: "installp stops at filesets an interim fix locks; emgr -r removes exactly the approved " +
		"labels, none waits for a reboot, and no emgr or installp runs; the fix is gone afterwards " +
		"(re-apply a level-appropriate one after the migration), so it runs only with an approval",
	checks: []string{"PRE-0309"},
	errs:   []string{"E33"},
	role:   inventory.RoleClient,
	scope:  ScopeClient,
}}

// lockingLabels returns the sorted labels of the efixes that lock
// filesets (emgr -P), or why that is unknown.
func lockingLabels(t *Target) ([]string, string) {
	c, why := clientFacts(t)
	if c == nil {
		return nil, why
	}
	locks, why := get(c.EfixLocks, "efix locks (emgr -P)")
	if why != "" {
		return nil, why
	}
	seen := map[string]bool{}
	var out []string
	for _, l := range locks {
		if !seen[l.Label] {
			seen[l.Label] = true
			out = append(out, l.Label)
		}
	}
	sort.Strings(out)
	return out, ""
}

// Subjects are the labels an approval must name.
func (a *fixEfix) Subjects(t *Target) []string {
	ls, _ := lockingLabels(t)
	return ls
}

func (a *fixEfix) Needed(t *Target) (Need, string) {
	ls, why := lockingLabels(t)
	if why != "" {
		return NeedUnknown, why
	}
	if len(ls) == 0 {
		return NeedNo, "no interim fix locks a fileset"
	}
	return NeedYes, "interim fixes lock filesets: " + strings.Join(ls, " ")
}

func (a *fixEfix) Check(ctx context.Context, env *Env, t *Target) (bool, string, error) {
	ls, why := lockingLabels(t)
	if why != "" {
		return false, why, nil
	}
	if len(ls) == 0 {
		return false, "no interim fix locks a fileset (now)", nil
	}
	c := t.Client
	efixes, why := get(c.Efixes, "interim fixes (emgr -l)")
	if why != "" {
		return false, why, nil
	}
	for _, e := range efixes {
		if e.RebootRequired {
			return false, fmt.Sprintf("interim fix %s waits for a reboot (state %s): reboot first", e.Label, e.State), nil
		}
	}
	for _, l := range ls {
		if err := names.Label(l); err != nil {
			return false, err.Error(), nil
		}
	}
	ps, why := get(c.Processes, "processes (ps -ef)")
	if why != "" {
		return false, why, nil
	}
	if p := busy(ps, efixBusyCommands...); len(p) > 0 {
		return false, "an emgr or installp operation is running: " + describe(p), nil
	}
	return true, "no interim fix waits for a reboot; no emgr or installp running", nil
}

func (a *fixEfix) Commands(t *Target) []transport.Command {
	ls, why := lockingLabels(t)
	if why != "" || len(ls) == 0 {
		return nil
	}
	var lines []string
	for _, l := range ls {
		if names.Label(l) != nil {
			return nil
		}
		// An efix label has no validator of its own in cmdline; names.Label
		// (letters, digits, _ - .) has just checked it.
		lines = append(lines, cmdline.Build("/usr/sbin/emgr", "-r", "-L", cmdline.Arg(l)))
	}
	return mutating(t.Host.Name, lines...)
}

func (a *fixEfix) Undo(*Target) []string { return nil }

func (a *fixEfix) Apply(ctx context.Context, env *Env, t *Target) error {
	return runAll(ctx, env, a.Commands(t), nil)
}

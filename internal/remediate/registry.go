package remediate

import (
	"fmt"
	"regexp"
	"strings"
)

// all lists the actions in the order the engine tries them on a host:
// the master's cache VG, the client's NIM state and connection, then the
// client's rootvg (mounts, multibos standby before the /bos_inst it can
// leave, boot image, alternate rootvgs), the target disk, and last the
// interim fixes.
var all = []Action{
	FixVaryon,
	FixNIMReset,
	FixNimsh,
	FixMount,
	FixMultibos,
	FixBosInst,
	FixBosboot,
	FixAltinst,
	FixOldRootvg,
	FixPVID,
	FixEfix,
}

var idRE = regexp.MustCompile(`^FIX-[A-Z0-9]+$`)

func init() {
	seen := map[string]bool{}
	for _, a := range all {
		if !idRE.MatchString(a.ID()) || seen[a.ID()] {
			panic("remediate: bad or duplicate action ID " + a.ID())
		}
		seen[a.ID()] = true
		if a.Title() == "" || a.Safety() == "" || len(a.Checks()) == 0 {
			panic("remediate: action " + a.ID() + " lacks title, safety or checks")
		}
	}
}

// All returns every action in engine order.
func All() []Action { return append([]Action(nil), all...) }

// Lookup returns the action with the given ID.
func Lookup(id string) (Action, bool) {
	for _, a := range all {
		if a.ID() == id {
			return a, true
		}
	}
	return nil, false
}

// followUps is implemented by actions after which another must run even
// when the user selected only the first (FIX-MULTIBOS, then FIX-BOSINST).
type followUps interface{ FollowUps() []string }

// Select returns the actions with the given IDs (case-insensitive), plus
// their follow-ups, in engine order. No IDs means every action. Unknown
// IDs are an error naming the known ones.
func Select(ids []string) ([]Action, error) {
	if len(ids) == 0 {
		return All(), nil
	}
	want := map[string]bool{}
	var bad []string
	for _, id := range ids {
		id = strings.ToUpper(strings.TrimSpace(id))
		if id == "" {
			continue
		}
		a, ok := Lookup(id)
		if !ok {
			bad = append(bad, id)
			continue
		}
		want[id] = true
		if f, ok := a.(followUps); ok {
			for _, x := range f.FollowUps() {
				want[x] = true
			}
		}
	}
	if len(bad) > 0 {
		known := make([]string, len(all))
		for i, a := range all {
			known[i] = a.ID()
		}
		return nil, fmt.Errorf("unknown action %s (known: %s)", strings.Join(bad, ", "), strings.Join(known, ", "))
	}
	var out []Action
	for _, a := range all {
		if want[a.ID()] {
			out = append(out, a)
		}
	}
	return out, nil
}

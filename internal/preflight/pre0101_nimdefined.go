package preflight

import (
	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0101",
			Title:    "client is defined in NIM as a standalone machine",
			Severity: check.Blocker,
			Phase:    "start",
			Scope:    check.ScopeClient,
			Why: `nimadm migrates NIM standalone clients only (IBM's prerequisite list,
nimadm.md §4.1 item 6). A client NIM does not know makes nimadm stop at once
with 0042-053 "there is no NIM object named ..." (errors.md E18).`,
			Detect: `On the master: lsnim -t standalone -l must list an object with the client's
NIM name (the inventory's nim_name, by default its host name).`,
			Remediation: `Register the client with this master: on the client run niminit, or define it
on the master with nim -o define -t standalone. Check the inventory's nim_name
if the client is defined under another name. [U: exact syntax]`,
			Commands: []string{
				"niminit -a name={client} -a master={master} -a connect=nimsh   # on the client",
				"nim -o define -t standalone -a platform=chrp -a netboot_kernel=64 -a if1=\"find_net {client} 0\" -a connect=nimsh {client}   # or on the master",
			},
			Levels: allLevels,
			Errors: []string{"E18"},
			Since:  since,
		},
		Run: runNIMDefined,
	})
}

// nimObjLines renders the attributes of a NIM object that prove a check,
// in lsnim -l layout. They are rebuilt from the parsed object: the master's
// listing of thousands of clients is not scanned once per client.
func nimObjLines(obj aix.NIMObject, attrs ...string) []string {
	out := []string{obj.Name + ":"}
	for _, a := range attrs {
		for _, v := range obj.All(a) {
			out = append(out, "   "+a+" = "+v)
		}
	}
	return out
}

func runNIMDefined(e *Env) check.Result {
	obj, found, f := e.nimObject()
	if !f.Known {
		return unknownOf(e.master(), "standalone NIM clients (lsnim -t standalone -l)", f)
	}
	if !found {
		return check.FailResult("NIM on "+e.master()+" has no standalone client named "+e.nimName()+": nimadm stops with 0042-053",
			ev(e.master(), f.Src, []string{}, "no object "+e.nimName()+" among the "+itoa(len(f.Value))+" standalone clients listed"))
	}
	return check.PassResult(e.nimName()+" is a standalone NIM client of "+e.master(),
		ev(e.master(), f.Src, nimObjLines(obj, "class", "type"), ""))
}

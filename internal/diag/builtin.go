package diag

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

// The built-in rule base is data: rules/*.yaml, compiled into the binary.
//
//go:embed rules/*.yaml
var ruleFS embed.FS

var builtin = sync.OnceValues(func() ([]Rule, []NotCovered) {
	names, err := fs.Glob(ruleFS, "rules/*.yaml")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	var rules []Rule
	var nc []NotCovered
	for _, name := range names {
		data, err := ruleFS.ReadFile(name)
		if err != nil {
			panic(err)
		}
		rs, n, err := parseRuleFile(name, data)
		if err != nil {
			// The built-in rules are tested; a bad one is a programmer
			// mistake caught at start-up.
			panic(fmt.Sprintf("diag: built-in rules: %v", err))
		}
		rules = append(rules, rs...)
		nc = append(nc, n...)
	}
	return rules, nc
})

func builtinRules() ([]Rule, []NotCovered) { return builtin() }

// BuiltinNotCovered lists the errors.md entries that have no rule because
// their failure prints nothing recognisable, with the reason.
func BuiltinNotCovered() []NotCovered {
	_, nc := builtin()
	return append([]NotCovered(nil), nc...)
}

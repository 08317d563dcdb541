package report

import (
	"encoding/json"
	"io"

	"github.com/nimfleet/nimfleet/internal/check"
)

// JSON formats a report as indented JSON (schema_version 1; see the
// package documentation).
type JSON struct{}

// Format writes r.
func (JSON) Format(w io.Writer, r *Report) error {
	out := *r
	out.Checks = append([]Check(nil), r.Checks...)
	for i := range out.Checks {
		out.Checks[i].Errors = nonNil(out.Checks[i].Errors)
		out.Checks[i].Commands = nonNil(out.Checks[i].Commands)
	}
	out.Hosts = append([]Host(nil), r.Hosts...)
	for i := range out.Hosts {
		h := &out.Hosts[i]
		h.Blockers, h.Unknown, h.Warnings = nonNil(h.Blockers), nonNil(h.Unknown), nonNil(h.Warnings)
		if h.Results == nil {
			h.Results = []check.Result{}
		}
		res := make([]check.Result, len(h.Results))
		for j, x := range h.Results {
			for k := range x.Evidence {
				if x.Evidence[k].Lines == nil {
					ev := append([]check.Evidence(nil), x.Evidence...)
					for m := range ev {
						ev[m].Lines = nonNil(ev[m].Lines)
					}
					x.Evidence = ev
					break
				}
			}
			res[j] = x
		}
		h.Results = res
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

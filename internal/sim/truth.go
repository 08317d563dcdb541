package sim

import (
	"encoding/json"
	"io"
)

// Truth is what the lab injected: for every host, the faults with their
// errors.md entry, the preflight checks that should report them, the
// nimadm phase they break and whether a safe action fixes them. A test
// compares a preflight report with it. It is JSON-serialisable.
type Truth struct {
	// Seed is the generator seed of a generated fleet (0 otherwise).
	Seed  int64       `json:"seed"`
	Hosts []HostTruth `json:"hosts"`
}

// HostTruth lists one host's injected faults (empty for a clean host).
// Faults of a master affect every migration on it; they are listed on the
// master only.
type HostTruth struct {
	Host   string      `json:"host"`
	Role   string      `json:"role"`
	Master string      `json:"master,omitempty"`
	Faults []FaultInfo `json:"faults"`
}

// Truth returns the injected faults of every host, masters first, in
// configuration order. Faults added with [Lab.SetFault] are included.
// State written directly into a scenario (a hand-made /bos_inst, say) is
// not a named fault and is not listed.
func (l *Lab) Truth() Truth {
	t := Truth{Seed: l.cfg.Seed}
	for _, n := range l.order {
		h := l.hosts[n]
		h.mu.Lock()
		ht := HostTruth{Host: n, Role: h.role.String(), Master: h.master, Faults: []FaultInfo{}}
		for _, f := range h.faults {
			info := faultByName[f]
			info.Checks = append([]string(nil), info.Checks...)
			ht.Faults = append(ht.Faults, info)
		}
		h.mu.Unlock()
		t.Hosts = append(t.Hosts, ht)
	}
	return t
}

// WriteTruth writes [Lab.Truth] as indented JSON.
func (l *Lab) WriteTruth(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(l.Truth())
}

package labkit_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// TestGatherFaults: each transport fault gives its host a clear error (or
// partial facts with the rest unknown), and the rest of the fleet is
// gathered in full.
func TestGatherFaults(t *testing.T) {
	cfg := sim.Generate(sim.GenOptions{Clients: 8, Masters: 1, Seed: 3, FaultRate: -1})
	k := labkit.Serve(t, cfg, labkit.Options{})
	cl := k.Inv.Clients()
	name := func(i int) string { return cl[i].Name }
	k.Server.SetFaults(name(0), simssh.Faults{Offline: true})              // unreachable
	k.Server.SetFaults(name(1), simssh.Faults{RejectAuth: true})           // refused auth
	k.Server.SetFaults(name(2), simssh.Faults{Drop: true, DropAfter: 600}) // drop mid-script
	k.Server.SetFaults(name(3), simssh.Faults{Hang: true})                 // hung session
	// A host key that changed: rewrite its known_hosts entry with another key.
	kh, err := os.ReadFile(k.Inv.Host(name(4)).SSH.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	ep, _ := k.Server.Endpoint(name(4))
	other, _ := k.Server.Endpoint(name(7))
	var lines []string
	for _, l := range strings.Split(string(kh), "\n") {
		if strings.HasPrefix(l, "["+strings.Replace(ep.Addr, ":", "]:", 1)+" ") {
			f := strings.Fields(l)
			o := strings.Fields(other.KnownHostsLine())
			l = f[0] + " " + o[1] + " " + o[2]
		}
		lines = append(lines, l)
	}
	if err := os.WriteFile(k.Inv.Host(name(4)).SSH.KnownHosts, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	r := labkit.Reconnect(t, k)
	g := &facts.Gatherer{Runner: r, Timeout: 2 * time.Second, MaxOutput: 1 << 20}
	// A huge output: more than the cap.
	big := &facts.Gatherer{Runner: r, MaxOutput: 2000}

	fl := g.Fleet(context.Background(), cl[:5], 8)
	want := map[string]error{name(0): transport.ErrUnreachable, name(1): transport.ErrAuth, name(3): transport.ErrTimeout, name(4): transport.ErrHostKey}
	for h, class := range want {
		if err := fl.Errors[h]; !errors.Is(err, class) {
			t.Errorf("%s: got %v, want %v", h, err, class)
		} else if !strings.Contains(err.Error(), "host "+h+":") {
			t.Errorf("%s: error does not name the host: %v", h, err)
		}
	}
	// (A session that hangs after some output, a locked rootvg, keeps its
	// partial facts: TestFleetFactsAgainstGeneratedLab.)
	// A connection dropped mid-script keeps what arrived, if anything did
	// (an abrupt close can also lose the data in flight, as on a real
	// network): partial facts with the rest unknown, or ErrConnLost.
	for _, h := range []string{name(2)} {
		c := fl.Clients[h]
		if c == nil {
			if !errors.Is(fl.Errors[h], transport.ErrConnLost) {
				t.Errorf("%s: neither partial facts nor a lost connection: %v", h, fl.Errors[h])
			}
			continue
		}
		if c.Session == nil || len(c.ProbeErrors) == 0 {
			t.Errorf("%s: session error %v, %d unknown probes: want a cut session", h, c.Session, len(c.ProbeErrors))
		}
		if c.Rootvg.Known {
			t.Errorf("%s: rootvg known after a cut session", h)
		}
	}
	if _, err := big.Client(context.Background(), name(5), facts.PlanFor(cl[5])); !errors.Is(err, transport.ErrOutputTooLarge) {
		t.Errorf("huge output: %v", err)
	}
	rest := g.Fleet(context.Background(), cl[6:], 8)
	if len(rest.Errors) != 0 || len(rest.Clients) != 2 {
		t.Errorf("healthy hosts: %d clients, errors %v", len(rest.Clients), rest.Errors)
	}
}

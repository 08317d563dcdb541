package connect_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// TestRouting: over real SSH, a client of a via-master inventory is reached
// through c_rsh on its master (its exit status comes back), masters
// directly, and a name outside the inventory is refused; every command is
// audited with its transport.
func TestRouting(t *testing.T) {
	var audit bytes.Buffer
	cfg := sim.Generate(sim.GenOptions{Clients: 3, Masters: 1, Seed: 2, FaultRate: -1})
	k := labkit.Serve(t, cfg, labkit.Options{Via: "master", Connect: connect.Options{AuditLog: transport.NewAuditLog(&audit)}})
	ctx := context.Background()
	client := cfg.Clients[0].Name
	res, err := k.Runner.Run(ctx, transport.Command{Host: client, Line: "hostname; exit 3"})
	if err != nil || strings.TrimSpace(string(res.Stdout)) != client || res.ExitCode != 3 {
		t.Fatalf("via master: %+v %v", res, err)
	}
	if _, err := k.Runner.Run(ctx, transport.Command{Host: "nosuch", Line: "true"}); !errors.Is(err, transport.ErrUnknownHost) {
		t.Errorf("unknown host: %v", err)
	}
	if got := connect.TransportOf(k.Inv, client); got != "via-master" {
		t.Errorf("TransportOf(%s) = %s", client, got)
	}
	if got := connect.MasterOf(k.Inv, client); got != cfg.Masters[0].Name {
		t.Errorf("MasterOf(%s) = %s", client, got)
	}
	recs, err := transport.ReadAudit(&audit)
	if err != nil || len(recs) == 0 || recs[0].Transport != "via-master" || recs[0].Host != client {
		t.Errorf("audit: %+v %v", recs, err)
	}
}

// TestLimitKey: clients reached over SSH are limited on their own, clients
// reached through a master count against it.
func TestLimitKey(t *testing.T) {
	for _, via := range []string{"ssh", "master"} {
		cfg := sim.Generate(sim.GenOptions{Clients: 2, Masters: 1, Seed: 2, FaultRate: -1})
		k := labkit.New(t, cfg, labkit.Options{Via: via})
		m, c := cfg.Masters[0].Name, cfg.Clients[0].Name
		want := c
		if via == "master" {
			want = m
		}
		if got := connect.LimitKey(k.Inv, c); got != want {
			t.Errorf("via %s: LimitKey(%s) = %s, want %s", via, c, got, want)
		}
		if got := connect.LimitKey(k.Inv, m); got != m {
			t.Errorf("via %s: LimitKey(master) = %s", via, got)
		}
	}
}

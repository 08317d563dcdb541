package discover_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/discover"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// TestDiscoverLab discovers a served lab master over SSH and checks the
// result against what the lab was built with: every NIM client found,
// reached via master, the master's SPOT, lpp_source and cache VG chosen,
// and a target disk that exists, is free and is big enough.
func TestDiscoverLab(t *testing.T) {
	cfg := sim.Generate(sim.GenOptions{Clients: 12, Masters: 1, Seed: 4, FaultRate: -1})
	k := labkit.Serve(t, cfg, labkit.Options{})
	m := *k.Inv.Host(cfg.Masters[0].Name)
	m.Clients = nil
	res, err := discover.Run(context.Background(), discover.Options{
		Master: m,
		Open: func(inv *inventory.Inventory) (transport.Runner, func() error, error) {
			fl, err := connect.Open(inv, connect.Options{NoRetry: true})
			if err != nil {
				return nil, nil, err
			}
			return fl.Runner, fl.Close, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Inventory
	if n := len(got.Clients()); n != 12 {
		t.Fatalf("discovered %d clients, want 12; notes:\n%s", n, strings.Join(res.Notes, "\n"))
	}
	intent := cfg.Masters[0].Intent
	for _, c := range got.Clients() {
		if c.Via != inventory.ViaMaster || c.SPOT != intent.Spot || c.LPPSource != intent.LPPSource || c.CacheVG != intent.CacheVG {
			t.Errorf("%s: via %s spot %s lpp %s cache %s, want master %s %s %s", c.Name, c.Via, c.SPOT, c.LPPSource, c.CacheVG, intent.Spot, intent.LPPSource, intent.CacheVG)
		}
		want := "hdisk1"
		for _, cl := range cfg.Clients {
			if cl.Name == c.Name && cl.TargetDisk != "" {
				want = cl.TargetDisk
			}
		}
		if len(c.Disks) != 1 || c.Disks[0] != want {
			t.Errorf("%s: target disk %v, want %s", c.Name, c.Disks, want)
		}
	}
	if _, err := inventory.Marshal(got); err != nil {
		t.Errorf("discovered inventory does not marshal: %v", err)
	}
}

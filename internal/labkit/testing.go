package labkit

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/nimfleet/nimfleet/internal/connect"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// Kit is a lab with an inventory and a product-side fleet runner on it.
type Kit struct {
	Lab   *sim.Lab
	Inv   *inventory.Inventory
	Fleet *connect.Fleet
	// Runner is Fleet.Runner: the product's decorator stack over the lab.
	Runner transport.Runner
	// Dir holds the inventory file (and, when served, the key and
	// known_hosts).
	Dir string
	// Server is the SSH front, nil for in-memory kits.
	Server *simssh.Server
}

// Options tune a test kit.
type Options struct {
	// Via is "ssh" (default) or "master".
	Via string
	// Connect adds options of the product's fleet runner (audit log, dry
	// run); Base is set by the kit.
	Connect connect.Options
	// Slots is each master's nimadm slot limit (0: inventory default).
	Slots int
}

// New builds an in-memory kit: the product's runner stack reaches the lab
// hosts through the lab's in-memory Runner (no sockets). The lab uses
// cfg.TimeScale, or 1e9 when it is zero.
func New(t testing.TB, cfg sim.Config, o Options) *Kit {
	t.Helper()
	lab := sim.NewForTest(t, cfg)
	inv, err := Inventory(lab.Config(), InvOptions{Via: o.Via, Slots: o.Slots, File: "lab-inventory.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	k := &Kit{Lab: lab, Inv: inv, Dir: t.TempDir()}
	co := o.Connect
	co.Base = routeInMemory(inv, lab.Runner(), o.Via)
	co.NoRetry = true
	k.Fleet, err = connect.Open(inv, co)
	if err != nil {
		t.Fatal(err)
	}
	k.Runner = k.Fleet.Runner
	return k
}

// routeInMemory gives the lab runner the same per-host routing as the real
// one: clients reached via master go through c_rsh on their master.
func routeInMemory(inv *inventory.Inventory, lab transport.Runner, via string) transport.Runner {
	if via != "master" {
		return lab
	}
	vm := transport.ViaMaster(lab, func(client string) (string, string, error) {
		h := inv.Host(client)
		if h == nil || h.Master == nil {
			return "", "", transport.ErrUnknownHost
		}
		return h.Master.Name, h.NIMName, nil
	})
	return transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		if h := inv.Host(c.Host); h != nil && h.Via == inventory.ViaMaster {
			return vm.Run(ctx, c)
		}
		return lab.Run(ctx, c)
	})
}

// Serve builds a kit whose hosts are served over real SSH on loopback; the
// product reaches them with its ssh runner, checking host keys against the
// lab's known_hosts.
func Serve(t testing.TB, cfg sim.Config, o Options) *Kit {
	t.Helper()
	lab := sim.NewForTest(t, cfg)
	const seed = "nimfleet-labkit"
	signer, keyPEM := simssh.UserKey(seed)
	srv, err := simssh.Serve(lab, lab.Hosts(), simssh.Options{Seed: seed, AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	key, kh := filepath.Join(dir, "id_ed25519"), filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(key, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kh, srv.KnownHosts(), 0o600); err != nil {
		t.Fatal(err)
	}
	inv, err := Inventory(lab.Config(), InvOptions{Via: o.Via, Slots: o.Slots, Key: key, KnownHosts: kh, File: filepath.Join(dir, "inventory.yaml"),
		Endpoint: ServerEndpoints(srv)})
	if err != nil {
		t.Fatal(err)
	}
	data, err := inventory.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inv.File, data, 0o600); err != nil {
		t.Fatal(err)
	}
	k := &Kit{Lab: lab, Inv: inv, Dir: dir, Server: srv}
	co := o.Connect
	co.NoRetry = true
	k.Fleet, err = connect.Open(inv, co)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Fleet.Close() })
	k.Runner = k.Fleet.Runner
	return k
}

// ServerEndpoints adapts an SSH front's endpoints for InvOptions.
func ServerEndpoints(srv *simssh.Server) func(string) (Endpoint, bool) {
	return func(host string) (Endpoint, bool) {
		ep, ok := srv.Endpoint(host)
		if !ok {
			return Endpoint{}, false
		}
		h, p, err := net.SplitHostPort(ep.Addr)
		if err != nil {
			return Endpoint{}, false
		}
		port, _ := strconv.Atoi(p)
		return Endpoint{Address: h, Port: port}, true
	}
}

// Reconnect returns a new product runner on a served kit's inventory, with
// no connection open yet (for measurements that include handshakes).
func Reconnect(t testing.TB, k *Kit) transport.Runner {
	t.Helper()
	fl, err := connect.Open(k.Inv, connect.Options{NoRetry: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fl.Close() })
	return fl.Runner
}

// Package labkit connects the lab (package sim) to the product: it writes
// an inventory for a lab's hosts, as an administrator would (where they
// listen, how to log in, the migration plan — never what is wrong with
// them), and builds labs for tests, in memory or served over SSH.
//
// Only the CLI's lab and demo commands and tests may import labkit; the
// product proper never links the simulator (see internal/archtest).
package labkit

import (
	"fmt"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/names"
	"github.com/nimfleet/nimfleet/internal/sim"
)

// Endpoint is where a lab host listens.
type Endpoint struct {
	Address string
	Port    int
}

// InvOptions say how the written inventory reaches the lab's hosts.
type InvOptions struct {
	// Via is "ssh" (default) or "master": clients reached with c_rsh on
	// their master.
	Via string
	// Endpoint returns where a host listens; nil gives every host
	// 127.0.0.1:22 (for in-memory labs, whose runner ignores addresses).
	Endpoint func(host string) (Endpoint, bool)
	// Key and KnownHosts are the files the lab's SSH front accepts and
	// presents; empty in memory.
	Key, KnownHosts string
	// File names the inventory in messages.
	File string
	// Slots is each master's nimadm slot limit; 0 means the inventory
	// default.
	Slots int
}

// Inventory builds an inventory for the lab described by cfg.
func Inventory(cfg sim.Config, o InvOptions) (*inventory.Inventory, error) {
	if o.Via == "" {
		o.Via = "ssh"
	}
	if o.Via != "ssh" && o.Via != "master" {
		return nil, fmt.Errorf("lab inventory: via: want ssh or master, got %q", o.Via)
	}
	inv := &inventory.Inventory{File: o.File}
	sshOf := func(host string) (inventory.SSH, error) {
		ep := Endpoint{Address: "127.0.0.1", Port: 22}
		if o.Endpoint != nil {
			var ok bool
			if ep, ok = o.Endpoint(host); !ok {
				return inventory.SSH{}, fmt.Errorf("lab inventory: no endpoint for %s", host)
			}
		}
		s := inventory.SSH{Address: ep.Address, Port: ep.Port, User: "root", KnownHosts: o.KnownHosts}
		if o.Key != "" {
			s.IdentityFiles = []string{o.Key}
		}
		return s, nil
	}
	masters := map[string]*inventory.Host{}
	intents := map[string]sim.MasterIntent{}
	for _, m := range cfg.Masters {
		s, err := sshOf(m.Name)
		if err != nil {
			return nil, err
		}
		slots := o.Slots
		if slots == 0 {
			slots = inventory.DefaultSlots
		}
		masters[m.Name] = inv.AddMaster(inventory.Host{Name: m.Name, Via: inventory.ViaSSH, SSH: s, Slots: slots})
		intents[m.Name] = m.Intent
	}
	for _, c := range cfg.Clients {
		m := masters[c.Master]
		if m == nil {
			return nil, fmt.Errorf("lab inventory: client %s: master %s not in the lab", c.Name, c.Master)
		}
		in := intents[c.Master]
		disk := c.TargetDisk
		if disk == "" {
			disk = "hdisk1"
		}
		h := inventory.Host{Name: c.Name, NIMName: c.Name, Disks: []string{disk}, SPOT: in.Spot, LPPSource: in.LPPSource, CacheVG: in.CacheVG}
		if in.TargetLevel != "" {
			lv, err := names.ParseLevel(in.TargetLevel)
			if err != nil {
				return nil, fmt.Errorf("lab inventory: master %s: %w", c.Master, err)
			}
			h.TargetLevel = lv
		}
		if o.Via == "master" {
			h.Via = inventory.ViaMaster
		} else {
			s, err := sshOf(c.Name)
			if err != nil {
				return nil, err
			}
			h.Via, h.SSH = inventory.ViaSSH, s
		}
		inv.AddClient(m, h)
	}
	return inv, nil
}

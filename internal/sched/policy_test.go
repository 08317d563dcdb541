package sched

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nimfleet/nimfleet/internal/inventory"
)

func TestDefaultPolicyIsValid(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Canary != 1 || p.MaxFailures.String() != "10%" || p.HostDeadline != 4*time.Hour || !p.PauseOnNewSignature || p.Order != OrderLPT {
		t.Errorf("defaults: %+v", p)
	}
}

func TestPolicyValidateReportsEverything(t *testing.T) {
	p := Policy{
		MaxParallel: 65, Canary: -1, MaxFailures: Budget{N: 120, Percent: true},
		HostDeadline: time.Hour, ProgressDeadline: 2 * time.Hour,
		Window: &inventory.Window{Start: now0, End: now0}, Order: "random",
	}
	err := p.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"max parallel 65", "canary -1", "failure budget 120%", "progress deadline 2h0m0s: longer than the host deadline", "window", "order \"random\""} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not mention %q", err, want)
		}
	}
	if strings.ContainsAny(err.Error()[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t.Errorf("error starts with a capital: %q", err)
	}
}

func TestParseBudget(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    Budget
		allowed int // of 50 hosts
		err     bool
	}{
		{"0", Budget{N: 0}, 0, false},
		{"3", Budget{N: 3}, 3, false},
		{" 10% ", Budget{N: 10, Percent: true}, 5, false},
		{"5%", Budget{N: 5, Percent: true}, 2, false},
		{"100%", Budget{N: 100, Percent: true}, 50, false},
		{"101%", Budget{}, 0, true},
		{"-1", Budget{}, 0, true},
		{"ten", Budget{}, 0, true},
		{"%", Budget{}, 0, true},
	} {
		got, err := ParseBudget(c.in)
		if (err != nil) != c.err {
			t.Errorf("%q: error %v", c.in, err)
			continue
		}
		if c.err {
			continue
		}
		if got != c.want || got.Allowed(50) != c.allowed {
			t.Errorf("%q: got %+v (allows %d of 50), want %+v (%d)", c.in, got, got.Allowed(50), c.want, c.allowed)
		}
		var back Budget
		data, _ := json.Marshal(got)
		if err := json.Unmarshal(data, &back); err != nil || back != got {
			t.Errorf("%q: JSON round trip %s -> %+v, %v", c.in, data, back, err)
		}
	}
	if !(Budget{N: 2}).Exceeded(3, 10) || (Budget{N: 2}).Exceeded(2, 10) {
		t.Error("Exceeded: want failed > allowed")
	}
}

func TestClientFromHost(t *testing.T) {
	inv := &inventory.Inventory{}
	m := inv.AddMaster(inventory.Host{Name: "nim1", Slots: 6})
	w := &inventory.Wave{Number: 2, Name: "prod", Canary: false}
	win := &inventory.Window{Start: now0, End: now0.Add(8 * time.Hour)}
	h := inv.AddClient(m, inventory.Host{Name: "lpar1", CacheVG: "nimadmvg", Wave: w, Window: win})
	c := ClientFromHost(h)
	if c.Name != "lpar1" || c.Master != "nim1" || !c.Cache || c.Wave != 2 || c.WaveName != "prod" || c.Window != win {
		t.Errorf("got %+v", c)
	}
	if got := MasterFromHost(m); got.Name != "nim1" || got.Slots != 6 {
		t.Errorf("master: %+v", got)
	}
}

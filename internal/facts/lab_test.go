package facts_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/sim"
)

func TestGatherSeedLab(t *testing.T) {
	l := sim.ScenarioForTest(t, "seed")
	g := &facts.Gatherer{Runner: l.Runner()}
	ctx := context.Background()
	c, err := g.Client(ctx, "lpar1", facts.ClientPlan{Disks: []string{"hdisk1"}})
	if err != nil {
		t.Fatal(err)
	}
	for id, why := range c.ProbeErrors {
		t.Errorf("client probe %s: %s", id, why)
	}
	m, err := g.Master(ctx, "nim1", facts.MasterPlan{CacheVGs: []string{"nimadmvg"}, Spots: []string{"spotaix710101"}, LppSources: []string{"lpp_sourceaix710101"}})
	if err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		b, _ := json.MarshalIndent(m, "", " ")
		t.Logf("%s", b)
	}
	if !c.BosInst.Known || !c.BosInst.Value.Exists {
		t.Errorf("/bos_inst: %+v", c.BosInst)
	}
	if lv, ok := c.OSLevel.Get(); !ok || lv.String() != "5300-12-04-1119" {
		t.Errorf("oslevel: %+v", c.OSLevel)
	}
}

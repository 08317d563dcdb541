package preflight

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/sim"
)

func TestScratchDump(t *testing.T) {
	l := sim.ScenarioForTest(t, "seed")
	g := &facts.Gatherer{Runner: l.Runner()}
	ctx := context.Background()
	c, err := g.Client(ctx, "lpar1", facts.ClientPlan{Disks: []string{"hdisk1"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = c
	s, _ := facts.ClientScript("lpar1", facts.ClientPlan{Disks: []string{"hdisk1"}}, "n")
	r1, _ := l.Runner().Run(ctx, transportCmd("lpar1", s.Text())); res := r1.Stdout
	fmt.Println(string(res))
	ms, _ := facts.MasterScript("nim1", facts.MasterPlan{CacheVGs: []string{"nimadmvg"}, Spots: []string{"spotaix710101"}, LppSources: []string{"lpp_sourceaix710101"}}, "n")
	r2, _ := l.Runner().Run(ctx, transportCmd("nim1", ms.Text())); res = r2.Stdout
	fmt.Println(string(res))
	_ = sort.Strings
}

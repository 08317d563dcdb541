package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// TestDiagnoseHost: after the seed case fails in the lab, `diagnose --host
// lpar1` fetches the logs of lpar1 and nim1 over SSH and names the leftover
// /bos_inst.
func TestDiagnoseHost(t *testing.T) {
	cfg, err := sim.LoadScenario("seed")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeScale = 1e9
	k := labkit.Serve(t, cfg, labkit.Options{})
	res, err := k.Runner.Run(context.Background(), transport.Command{Host: "nim1", Mutates: true,
		Line: "nimadm -j nimadmvg -c lpar1 -s spotaix710101 -l lpp_sourceaix710101 -d hdisk1 -Y"})
	if err != nil || res.ExitCode == 0 {
		t.Fatalf("seed nimadm: exit %d, %v", res.ExitCode, err)
	}
	var out, errb bytes.Buffer
	err = Run(context.Background(), []string{"diagnose", "--host", "lpar1", "-i", k.Inv.File, "--audit-log", t.TempDir() + "/a.jsonl"}, strings.NewReader(""), &out, &errb)
	if code := ExitCode(err, &errb); code != ExitHostsFailed {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"DIAG-0001", "nim1:/var/adm/ras/alt_mig/lpar1_alt_mig.log", "lpar1:/var/adm/ras/alt_disk_inst.log"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

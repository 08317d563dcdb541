package labkit_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// TestSeedCaseOverSSH: the field report's run, reproduced through real SSH
// with the product's runner (host keys checked against the lab's
// known_hosts): phase 11 fails with the errors.md E01 block byte for byte,
// nimadm exits non-zero, no altinst_rootvg is left and the bootlist is on
// hdisk0; after the leftover /bos_inst is gone the same command reaches
// phase 12 and lpar1 boots the migrated disk next.
func TestSeedCaseOverSSH(t *testing.T) {
	cfg, err := sim.LoadScenario("seed")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TimeScale = 1e9
	k := labkit.Serve(t, cfg, labkit.Options{})
	ctx := context.Background()
	run := func(host, line string) transport.Result {
		t.Helper()
		res, err := k.Runner.Run(ctx, transport.Command{Host: host, Line: line, Mutates: true})
		if err != nil {
			t.Fatalf("%s: %s: %v", host, line, err)
		}
		return res
	}
	const seed = "nimadm -j nimadmvg -c lpar1 -s spotaix710101 -l lpp_sourceaix710101 -d hdisk1 -Y"
	want, err := os.ReadFile("testdata/e01_block.txt")
	if err != nil {
		t.Fatal(err)
	}
	res := run("nim1", seed)
	out := res.Stdout
	i := bytes.Index(out, []byte("+-----------------------------------------------------------------------------+\nExecuting nimadm phase 11.\n"))
	if i < 0 {
		t.Fatalf("no phase 11 banner in:\n%s", out)
	}
	if got := out[i:]; !bytes.Equal(got, want) {
		t.Errorf("phase 11 output differs from errors.md E01:\ngot:\n%s\nwant:\n%s", got, want)
	}
	if res.ExitCode == 0 {
		t.Error("nimadm exited 0 on the seed case")
	}
	if lspv := run("lpar1", "lspv").Stdout; bytes.Contains(lspv, []byte("altinst_rootvg")) {
		t.Errorf("altinst_rootvg left behind:\n%s", lspv)
	}
	if bl := string(run("lpar1", "bootlist -m normal -o").Stdout); !strings.HasPrefix(bl, "hdisk0 ") {
		t.Errorf("bootlist after the failure: %q, want hdisk0", bl)
	}

	run("lpar1", "rm -r /bos_inst")
	res = run("nim1", seed)
	if res.ExitCode != 0 || !bytes.Contains(res.Stdout, []byte("Executing nimadm phase 12.")) {
		t.Fatalf("rerun: exit %d\n%s", res.ExitCode, res.Stdout)
	}
	lspv := string(run("lpar1", "lspv").Stdout)
	if !strings.Contains(lspv, "hdisk1") || !strings.Contains(lspv, "altinst_rootvg") {
		t.Errorf("lspv after the rerun:\n%s", lspv)
	}
	for _, l := range strings.Split(lspv, "\n") {
		if strings.HasPrefix(l, "hdisk1 ") && !strings.Contains(l, "altinst_rootvg") {
			t.Errorf("hdisk1 is not altinst_rootvg: %q", l)
		}
	}
	if bl := string(run("lpar1", "bootlist -m normal -o").Stdout); !strings.HasPrefix(bl, "hdisk1 ") {
		t.Errorf("bootlist after the rerun: %q, want hdisk1", bl)
	}
}

package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/transport/transporttest"
)

// TestRunnerConformance runs the transport conformance suite against the
// lab's in-memory Runner: the same contract sentences the SSH runner keeps.
func TestRunnerConformance(t *testing.T) {
	const bigSize = 4 << 20
	cfg := faultConfig("")
	cfg.Clients = append(cfg.Clients,
		ClientSpec{HostSpec: HostSpec{Name: "a3", Level: "7200-05-05-2246"}, Master: "nim73"},
		ClientSpec{HostSpec: HostSpec{Name: "adown", Level: "7200-05-05-2246"}, Master: "nim73"})
	cfg.Clients[0].Files = append(cfg.Clients[0].Files, FileSpec{Path: "/tmp/big", Content: strings.Repeat("x", bigSize)})
	l := newLab(t, cfg)
	if err := l.SetDown("adown", true); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"a1", "a2", "a3"} {
		l.SetHang(h, "sleep", true)
	}
	transporttest.Run(t, transporttest.Harness{
		Runner:      l.Runner(),
		Host:        "a1",
		Hosts:       []string{"a2", "a3"},
		UnknownHost: "nosuchhost",
		DownHost:    "adown",
		HangLine:    "sleep 100000",
		BigOutputLine: func(n int) string {
			if n > bigSize {
				t.Fatalf("big output of %d bytes asked, the lab file has %d", n, bigSize)
			}
			// AIX tail -c +K prints from byte K (1-based) to the end.
			return fmt.Sprintf("tail -c +%d /tmp/big", bigSize-n+1)
		},
	})
}

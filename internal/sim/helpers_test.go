package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newLab builds a lab from cfg with a huge time scale and closes it with
// the test.
func newLab(t testing.TB, cfg Config) *Lab {
	t.Helper()
	cfg.TimeScale = 1e9
	l, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func scenarioLab(t testing.TB, name string) *Lab {
	t.Helper()
	cfg, err := LoadScenario(name)
	if err != nil {
		t.Fatal(err)
	}
	return newLab(t, cfg)
}

func goldenLab(t testing.TB) *Lab {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "golden", "hosts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseScenario("hosts.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return newLab(t, cfg)
}

type result struct {
	out, err string
	rc       int
}

func run(t testing.TB, l *Lab, host, line string) result {
	t.Helper()
	var o, e bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rc := l.Exec(ctx, host, line, nil, &o, &e)
	return result{o.String(), e.String(), rc}
}

// mustRun runs line and fails the test unless it exits 0.
func mustRun(t testing.TB, l *Lab, host, line string) string {
	t.Helper()
	r := run(t, l, host, line)
	if r.rc != 0 {
		t.Fatalf("%s: %q: exit %d\nstdout:\n%s\nstderr:\n%s", host, line, r.rc, r.out, r.err)
	}
	return r.out
}

// fromLine returns s from the first line equal to start (inclusive), or "".
func fromLine(s, start string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if strings.TrimSuffix(l, "\n") == start {
			return strings.Join(lines[i:], "")
		}
	}
	return ""
}

const seedCmd = "nimadm -j nimadmvg -c lpar1 -s spotaix710101 -l lpp_sourceaix710101 -d hdisk1 -Y"

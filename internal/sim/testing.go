package sim

import "testing"

// NewForTest builds a lab for a test from cfg (a zero TimeScale becomes
// 1e9, so migrations take milliseconds) and closes it when the test ends.
// It fails the test if the configuration is invalid.
func NewForTest(t testing.TB, cfg Config) *Lab {
	t.Helper()
	if cfg.TimeScale == 0 {
		cfg.TimeScale = 1e9
	}
	l, err := New(cfg)
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// ScenarioForTest builds a lab from a shipped scenario (see [Scenarios])
// with TimeScale 1e9 and closes it when the test ends.
func ScenarioForTest(t testing.TB, name string) *Lab {
	t.Helper()
	cfg, err := LoadScenario(name)
	if err != nil {
		t.Fatalf("sim: %v", err)
	}
	cfg.TimeScale = 1e9
	return NewForTest(t, cfg)
}

package sim

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed testdata/scenarios/*.yaml
var scenarioFS embed.FS

// scenarioFile is the YAML document of a scenario: a Config, or a
// generator invocation (`generate:`) plus optional overrides.
type scenarioFile struct {
	Config   `yaml:",inline"`
	Generate *GenOptions `yaml:"generate,omitempty"`
}

// Scenarios returns the names of the scenarios shipped with the lab
// (testdata/scenarios/*.yaml, embedded), sorted.
func Scenarios() []string {
	entries, _ := fs.ReadDir(scenarioFS, "testdata/scenarios")
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(out)
	return out
}

// LoadScenario parses a shipped scenario by name (see [Scenarios]).
func LoadScenario(name string) (Config, error) {
	data, err := scenarioFS.ReadFile(path.Join("testdata/scenarios", name+".yaml"))
	if err != nil {
		return Config{}, fmt.Errorf("scenario %s: no such scenario (have: %s)", name, strings.Join(Scenarios(), ", "))
	}
	return ParseScenario(name, data)
}

// ParseScenario decodes a scenario strictly: unknown keys are errors with
// their line numbers, and so is a second YAML document. A scenario with a
// `generate:` block yields [Generate]'s fleet for those options (its
// time_scale and start still apply); it may not list hosts too. The
// result is not validated; [New] does that.
func ParseScenario(name string, data []byte) (Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f scenarioFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return Config{}, fmt.Errorf("scenario %s: empty document", name)
		}
		return Config{}, fmt.Errorf("scenario %s: %w", name, err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("scenario %s: only one YAML document is allowed", name)
	}
	if f.Generate == nil {
		return f.Config, nil
	}
	if len(f.Masters) > 0 || len(f.Clients) > 0 {
		return Config{}, fmt.Errorf("scenario %s: give either generate or masters/clients, not both", name)
	}
	g := *f.Generate
	if g.TimeScale == 0 {
		g.TimeScale = f.TimeScale
	}
	cfg := Generate(g)
	if f.Start != "" {
		cfg.Start = f.Start
	}
	if f.BootSeconds != 0 {
		cfg.BootSeconds = f.BootSeconds
	}
	return cfg, nil
}

// MarshalScenario writes cfg as a scenario document that [ParseScenario]
// reads back (handy to freeze a generated fleet and edit it).
func MarshalScenario(cfg Config) ([]byte, error) {
	return yaml.Marshal(cfg)
}

package inventory

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// dump renders the resolved inventory as text, one host per paragraph.
func dump(inv *Inventory, lines bool) string {
	var b strings.Builder
	for _, w := range inv.Waves {
		fmt.Fprintf(&b, "wave %d name=%q canary=%v\n", w.Number, w.Name, w.Canary)
	}
	for _, h := range inv.Hosts {
		fmt.Fprintf(&b, "%s %s", h.Role, h.Name)
		if lines {
			fmt.Fprintf(&b, " (line %d)", h.Line)
		}
		b.WriteString("\n")
		if h.Master != nil {
			fmt.Fprintf(&b, "  master=%s nim_name=%s\n", h.Master.Name, h.NIMName)
		} else {
			var cs []string
			for _, c := range h.Clients {
				cs = append(cs, c.Name)
			}
			fmt.Fprintf(&b, "  nim_name=%s slots=%d clients=%v\n", h.NIMName, h.Slots, cs)
		}
		fmt.Fprintf(&b, "  via=%s", h.Via)
		if h.Via == ViaSSH {
			s := h.SSH
			fmt.Fprintf(&b, " address=%s port=%d user=%s identity_files=%v known_hosts=%s proxy_jump=%s", s.Address, s.Port, s.User, s.IdentityFiles, s.KnownHosts, s.ProxyJump)
		} else if h.SSH.Address != "" || h.SSH.User != "" {
			b.WriteString(" UNEXPECTED-SSH")
		}
		b.WriteString("\n")
		if h.Role == RoleClient {
			fmt.Fprintf(&b, "  disks=%v spot=%s lpp_source=%s target_level=%s cache_vg=%s\n", h.Disks, h.SPOT, h.LPPSource, h.TargetLevel, h.CacheVG)
			wave := "-"
			if h.Wave != nil {
				wave = fmt.Sprintf("%d(%s)", h.Wave.Number, h.Wave.Name)
			}
			window := "-"
			if h.Window != nil {
				window = h.Window.Start.Format(time.RFC3339) + ".." + h.Window.End.Format(time.RFC3339)
			}
			fmt.Fprintf(&b, "  wave=%s window=%s\n", wave, window)
		}
		var tags []string
		for k, v := range h.Tags {
			tags = append(tags, k+"="+v)
		}
		sort.Strings(tags)
		fmt.Fprintf(&b, "  groups=%v tags=%v\n", h.Groups, tags)
	}
	return b.String()
}

func TestLoadFull(t *testing.T) {
	inv, err := Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/full.resolved", []byte(dump(inv, true)))
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, file := range []string{"testdata/full.yaml", "testdata/minimal.yaml", "testdata/numbered-waves.yaml", "testdata/mixed.yaml"} {
		t.Run(file, func(t *testing.T) {
			inv, err := Load(file)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Marshal(inv)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(file, ".yaml")+".marshal.golden", out)
			inv2, err := Parse("marshalled", out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if diff := cmp.Diff(dump(inv, false), dump(inv2, false)); diff != "" {
				t.Errorf("round trip changed the inventory (-want +got):\n%s", diff)
			}
			out2, err := Marshal(inv2)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(out), string(out2)); diff != "" {
				t.Errorf("Marshal is not stable (-first +second):\n%s", diff)
			}
		})
	}
}

func TestBuildInCodeAndMarshal(t *testing.T) {
	// What inventory discover and the lab do: build hosts in code, write a file.
	inv := &Inventory{}
	m := inv.AddMaster(Host{Name: "nim01", SSH: SSH{Address: "127.0.0.1", Port: 2201, User: "root", KnownHosts: "/tmp/lab/known_hosts"}, Slots: 2})
	m2 := inv.AddMaster(Host{Name: "nim02", SSH: SSH{Address: "127.0.0.1", Port: 2202, User: "root", KnownHosts: "/tmp/lab/known_hosts"}, Slots: 2})
	for i := 1; i <= 3; i++ {
		inv.AddClient(m, Host{Name: fmt.Sprintf("lpar%d", i), Via: ViaMaster, Disks: []string{"hdisk1"}, SPOT: "spot73", LPPSource: "lpp73"})
	}
	inv.AddClient(m2, Host{Name: "web1", SSH: SSH{Address: "127.0.0.1", Port: 2210, User: "root", KnownHosts: "/tmp/lab/known_hosts"}, Disks: []string{"hdisk2"}, SPOT: "spot73", LPPSource: "lpp73"})
	// A client added to the first master after another master: order stays grouped.
	inv.AddClient(m, Host{Name: "lpar4", Via: ViaMaster, Disks: []string{"hdisk1"}, SPOT: "spot73", LPPSource: "lpp73"})
	var order []string
	for _, h := range inv.Hosts {
		order = append(order, h.Name)
	}
	if diff := cmp.Diff([]string{"nim01", "lpar1", "lpar2", "lpar3", "lpar4", "nim02", "web1"}, order); diff != "" {
		t.Errorf("host order (-want +got):\n%s", diff)
	}
	out, err := Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/built.marshal.golden", out)
	inv2, err := Parse("built", out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dump(inv, false), dump(inv2, false)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestMarshalRejectsInvalid(t *testing.T) {
	inv := &Inventory{}
	m := inv.AddMaster(Host{Name: "nim01", Via: ViaLocal})
	inv.AddClient(m, Host{Name: "lpar1", Via: ViaMaster, SPOT: "s", LPPSource: "l"})
	_, err := Marshal(inv)
	want := "marshal inventory: <marshalled inventory>:7: client lpar1: no target disks (set disks on the client, in client_defaults of nim01, or in defaults)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestInvalid checks the errors for each file in testdata/bad against
// the golden NAME.errors, exactly as a user sees them.
func TestInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			inv, err := Load(file)
			if err == nil {
				t.Fatalf("loaded %s without error: %s", file, dump(inv, true))
			}
			if inv != nil {
				t.Error("got an inventory along with errors")
			}
			golden(t, strings.TrimSuffix(file, ".yaml")+".errors", []byte(err.Error()+"\n"))
		})
	}
}

func TestParseEdgeCases(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "x.yaml: file is empty (want version: 1 and masters:)"},
		{"comment only", "# nothing\n", "x.yaml: file is empty (want version: 1 and masters:)"},
		{"not a mapping", "- a\n- b\n", "x.yaml:1: inventory: want a mapping, got a list\nx.yaml:1: missing version (want version: 1)\nx.yaml:1: no masters (want masters: a list of NIM masters and their clients)"},
		{"scalar", "hello\n", "x.yaml:1: inventory: want a mapping, got \"hello\"\nx.yaml:1: missing version (want version: 1)\nx.yaml:1: no masters (want masters: a list of NIM masters and their clients)"},
		{"no version", "masters: []\n", "x.yaml:1: missing version (want version: 1)\nx.yaml:1: masters: want a non-empty list, got a list"},
		{"two documents", "version: 1\n---\nversion: 1\n", "x.yaml:2: more than one YAML document; an inventory is one document"},
		{"tab indent", "version: 1\nmasters:\n\t- name: a\n", "x.yaml:3: yaml: found character that cannot start any token"},
		{"too large", strings.Repeat("#", MaxSize+1), fmt.Sprintf("x.yaml: file is larger than %d bytes", MaxSize)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.in))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yaml")
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	_, err := Load("testdata/bad/missing.yaml")
	var e *Error
	if !errors.As(err, &e) || e.File != "testdata/bad/missing.yaml" || e.Line == 0 {
		t.Errorf("got %#v, want *Error with file and line", e)
	}
}

func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

package aix

import (
	"encoding/json"
	"testing"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Level
		wantErr bool
	}{
		{name: "oslevel -s", in: "7100-01-01-1141", want: Level{V: 7, R: 1, TL: 1, SP: 1, Build: 1141, Parts: 4}},
		{name: "build 0000", in: "7300-02-00-0000", want: Level{V: 7, R: 3, TL: 2, Parts: 4}},
		{name: "oslevel -r", in: "6100-09", want: Level{V: 6, R: 1, TL: 9, Parts: 2}},
		{name: "legacy 3-field", in: "5300-05-04", want: Level{V: 5, R: 3, TL: 5, SP: 4, Parts: 3}},
		{name: "version 4", in: "4300-03", want: Level{V: 4, R: 3, TL: 3, Parts: 2}},
		{name: "version 3", in: "3200-01", wantErr: true},
		{name: "not 00", in: "7110-01", wantErr: true},
		{name: "week 54", in: "7100-01-01-1154", wantErr: true},
		{name: "one-digit TL", in: "7100-1", wantErr: true},
		{name: "five fields", in: "7100-01-01-1141-01", wantErr: true},
		{name: "blank around", in: " 7100-01", wantErr: true},
		{name: "VRMF", in: "7.1.0.0", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "timedout", in: "timedout", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLevel(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseLevel(%q) = %v, want error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLevel(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseLevel(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("String() = %q, want %q", s, tt.in)
			}
		})
	}
}

func TestLevelMethods(t *testing.T) {
	l := MustParseLevel("7100-01-01-1141")
	if got, want := l.VR(), "7.1"; got != want {
		t.Errorf("VR() = %q, want %q", got, want)
	}
	if got, want := l.Release(), 7100; got != want {
		t.Errorf("Release() = %d, want %d", got, want)
	}
	if got, want := l.TLLevel().String(), "7100-01"; got != want {
		t.Errorf("TLLevel() = %q, want %q", got, want)
	}
	if !(Level{}).IsZero() || l.IsZero() {
		t.Errorf("IsZero wrong")
	}
	if (Level{}).String() != "" {
		t.Errorf("zero Level String() = %q, want empty", Level{}.String())
	}
}

func TestLevelCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"7200-05-03-2148", "7200-05-03-2148", 0},
		{"7200-05-03-2148", "7200-05-05-2246", -1},
		{"7200-05-05-2246", "7200-05-03-2148", 1},
		{"7200-05", "7200-05-03-2148", 0}, // shared precision only
		{"7200-04", "7200-05-03-2148", -1},
		{"7100-09", "7200-00", -1},
		{"7300-00", "7200-05", 1},
		{"5300-05-04", "5300-05-04-0000", 0},
		{"5300-05-04", "5300-05-05-0000", -1},
		{"7300-02-00-0000", "7300-02-00-2246", -1},
	}
	for _, tt := range tests {
		a, b := MustParseLevel(tt.a), MustParseLevel(tt.b)
		if got := a.Compare(b); got != tt.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := b.Compare(a); got != -tt.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
	master, target, client := MustParseLevel("7300-02-01-2346"), MustParseLevel("7300-02"), MustParseLevel("7200-05-05-2246")
	if !master.AtLeast(target) {
		t.Errorf("master %s should be at least target %s", master, target)
	}
	if !client.Less(target) {
		t.Errorf("client %s should be below target %s", client, target)
	}
	if client.CompareRelease(MustParseLevel("7200-01")) != 0 || client.CompareRelease(target) != -1 {
		t.Errorf("CompareRelease wrong")
	}
}

func TestFilesetLevel(t *testing.T) {
	good := map[string]FilesetLevel{
		"7.1.1.16":  {7, 1, 1, 16},
		"13.1.3.3":  {13, 1, 3, 3},
		"1.0.1.515": {1, 0, 1, 515},
		"7.2.5.200": {7, 2, 5, 200},
	}
	for in, want := range good {
		got, err := ParseFilesetLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseFilesetLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
		if got.String() != in {
			t.Errorf("String() = %q, want %q", got.String(), in)
		}
	}
	for _, in := range []string{"", "7.1", "7.1.1", "7.1.1.16.1", "1.6.7p5-2", "123.1.1.1", "7.1.1.12345", "7.1.1.-1", " 7.1.1.1"} {
		if got, err := ParseFilesetLevel(in); err == nil {
			t.Errorf("ParseFilesetLevel(%q) = %v, want error", in, got)
		}
	}
	a, b := MustParseFilesetLevel("7.2.5.100"), MustParseFilesetLevel("7.2.5.200")
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("Compare wrong")
	}
	if got := MustParseFilesetLevel("7.3.0.0").Release(); got != 7300 {
		t.Errorf("Release() = %d, want 7300", got)
	}
	if got := a.VR(); got != "7.2" {
		t.Errorf("VR() = %q, want 7.2", got)
	}
}

func TestLevelJSON(t *testing.T) {
	type doc struct {
		L Level
		F FilesetLevel
	}
	in := doc{MustParseLevel("7200-05-05-2246"), MustParseFilesetLevel("7.2.5.0")}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"L":"7200-05-05-2246","F":"7.2.5.0"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"L":"junk"}`), &out); err == nil {
		t.Errorf("Unmarshal of junk level succeeded")
	}
}

func TestParseOslevelBase(t *testing.T) {
	if _, err := ParseOslevelBase([]byte("3.2.5.0\n")); err == nil {
		t.Errorf("version 3 accepted")
	}
	got, err := ParseOslevelBase([]byte("7.1.0.0\n"))
	if err != nil || got.VR() != "7.1" {
		t.Errorf("ParseOslevelBase = %v, %v", got, err)
	}
}

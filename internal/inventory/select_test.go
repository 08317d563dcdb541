package inventory

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSelect(t *testing.T) {
	inv, err := Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		s       Selector
		want    []string
		wantErr string
	}{
		{name: "all", s: Selector{}, want: []string{"nim01.prod.example.com", "lpar1.prod.example.com", "lpar2", "lpar3", "nim02", "web1", "web2"}},
		{name: "clients", s: Selector{Role: RoleClient}, want: []string{"lpar1.prod.example.com", "lpar2", "lpar3", "web1", "web2"}},
		{name: "masters", s: Selector{Role: RoleMaster}, want: []string{"nim01.prod.example.com", "nim02"}},
		{name: "names and globs", s: Selector{Names: SplitList("lpar2, web*,")}, want: []string{"lpar2", "web1", "web2"}},
		{name: "glob with class", s: Selector{Names: []string{"lpar[13]*"}}, want: []string{"lpar1.prod.example.com", "lpar3"}},
		{name: "group", s: Selector{Groups: []string{"prod"}}, want: []string{"lpar1.prod.example.com", "lpar2", "lpar3"}},
		{name: "master group", s: Selector{Groups: []string{"dc1"}}, want: []string{"nim01.prod.example.com"}},
		{name: "groups are or-ed", s: Selector{Groups: []string{"edge", "prod"}}, want: []string{"lpar1.prod.example.com", "lpar2", "lpar3", "web2"}},
		{name: "fields are and-ed", s: Selector{Groups: []string{"web"}, Names: []string{"*2"}}, want: []string{"web2"}},
		{name: "tag key=value", s: Selector{Tags: []string{"app=sap"}}, want: []string{"lpar1.prod.example.com"}},
		{name: "tag key", s: Selector{Tags: []string{"app"}}, want: []string{"lpar1.prod.example.com", "web2"}},
		{name: "wave by name", s: Selector{Waves: []string{"canary"}}, want: []string{"lpar1.prod.example.com"}},
		{name: "wave by number", s: Selector{Waves: []string{"2", "3"}}, want: []string{"lpar2", "lpar3"}},
		{name: "clients of master", s: Selector{Masters: []string{"nim0*"}, Groups: []string{"web"}}, want: []string{"web1", "web2"}},
		{name: "exclusive fields give nothing", s: Selector{Groups: []string{"web"}, Waves: []string{"canary"}}, want: nil},
		{name: "unknown name", s: Selector{Names: []string{"lpar9", "db*"}}, wantErr: "unknown host \"lpar9\"\nno host matches \"db*\""},
		{name: "unknown group, tag, wave, master", s: Selector{Groups: []string{"qa"}, Tags: []string{"app=db2"}, Waves: []string{"late"}, Masters: []string{"nim9"}},
			wantErr: "unknown master \"nim9\"\nno host is in group \"qa\"\nno host has tag \"app=db2\"\nunknown wave \"late\""},
		{name: "client is not a master", s: Selector{Masters: []string{"lpar2"}}, wantErr: "unknown master \"lpar2\""},
		{name: "bad pattern", s: Selector{Names: []string{"lpar["}}, wantErr: "bad host pattern \"lpar[\": syntax error in pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, err := inv.Select(tt.s)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Fatalf("got error %q, want %q", gotErr, tt.wantErr)
			}
			var got []string
			for _, h := range hs {
				got = append(got, h.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("selected (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitList(t *testing.T) {
	if diff := cmp.Diff([]string{"a", "b*", "c"}, SplitList(" a,b*,, c ,")); diff != "" {
		t.Error(diff)
	}
	if got := SplitList(""); got != nil {
		t.Errorf("SplitList(\"\") = %q, want nil", got)
	}
}

func TestLookups(t *testing.T) {
	inv, err := Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if h := inv.Host("lpar2"); h == nil || h.Master.Name != "nim01.prod.example.com" {
		t.Errorf("Host(lpar2) = %+v", h)
	}
	if inv.Host("nope") != nil {
		t.Error("Host(nope) != nil")
	}
	if n := len(inv.Masters()); n != 2 {
		t.Errorf("%d masters, want 2", n)
	}
	if n := len(inv.Clients()); n != 5 {
		t.Errorf("%d clients, want 5", n)
	}
	if w := inv.Wave("1"); w == nil || w.Name != "canary" || !w.Canary {
		t.Errorf("Wave(1) = %+v", w)
	}
	if inv.Wave("") != nil || inv.Wave("9") != nil {
		t.Error("Wave of a bad reference is not nil")
	}
	h := inv.Host("lpar1.prod.example.com")
	w := h.Window
	if !w.Contains(w.Start) || w.Contains(w.End) || w.Contains(w.Start.Add(-1)) {
		t.Error("Window.Contains: want [start, end)")
	}
	if RoleMaster.String() != "master" || RoleClient.String() != "client" || Role(0).String() != "unknown" {
		t.Error("Role.String")
	}
}

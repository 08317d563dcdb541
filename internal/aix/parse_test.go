package aix

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrorFormat(t *testing.T) {
	_, err := ParseLspv([]byte("hdisk0 00fa00d6b552f41b rootvg active\nhdisk1 none None\ngarbage\n"))
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v (%T), want *ParseError", err, err)
	}
	want := &ParseError{Cmd: "lspv", Line: 3, Text: "garbage", Msg: "want at least 3 fields, got 1"}
	if diff := cmp.Diff(want, pe); diff != "" {
		t.Errorf("ParseError (-want +got):\n%s", diff)
	}
	if got, want := err.Error(), `lspv: line 3: want at least 3 fields, got 1: "garbage"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&ParseError{Cmd: "df", Msg: "empty output"}).Error(), "df: empty output"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&ParseError{Cmd: "df", Line: 2, Msg: "x"}).Error(), "df: line 2: x"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestErrorTextTruncated(t *testing.T) {
	long := strings.Repeat("x", 1000)
	_, err := ParseLspv([]byte(long))
	var pe *ParseError
	if !errors.As(err, &pe) || len(pe.Text) > maxErrText+3 {
		t.Errorf("text not truncated: %v", err)
	}
}

func TestMaxInput(t *testing.T) {
	big := bytes.Repeat([]byte("rootvg\n"), MaxInput/7+1)
	_, err := ParseLsvgList(big)
	if err == nil || !strings.Contains(err.Error(), "input too large") {
		t.Errorf("ParseLsvgList(%d bytes) error = %v, want input too large", len(big), err)
	}
}

func TestCRLFAndTrailingBlanks(t *testing.T) {
	got, err := ParseLspv([]byte("hdisk0          00fa00d6b552f41b                    rootvg          active   \r\n\r\nhdisk1          none                                None\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := PVs{
		{Name: "hdisk0", PVID: "00fa00d6b552f41b", HasPVID: true, VG: "rootvg", State: "active"},
		{Name: "hdisk1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseLspv (-want +got):\n%s", diff)
	}
}

func TestMessageIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"no ids here 1234-567", nil},
		{"0516-320 /usr/sbin/getlvodm: Physical volume hdisk1 is not assigned to", []string{"0516-320"}},
		{"0516-1396 : The physical volume hdisk1, was not found", []string{"0516-1396"}},
		{`0042-001 nim: processing error encountered on "master":
    0042-207 m_showres: Unable to allocate the spot_72V_2114 resource to master.`, []string{"0042-001", "0042-207"}},
		{"ls: 0653-341 The file /bos_inst does not exist.", []string{"0653-341"}},
		{"sysck: 3001-038 The name mail is not a known group; 3004-687 User", []string{"3001-038", "3004-687"}},
		{"0505-187 then 0505-187 again", []string{"0505-187", "0505-187"}},
		{"10516-320 and 0516-13960 and 0516-32", nil},
		{"emgr 0645-065 is not in the list", nil},
		{"multibos: 0565-035 Error setting up standby BOS.", []string{"0565-035"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, MessageIDs([]byte(tt.in))); diff != "" {
			t.Errorf("MessageIDs(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

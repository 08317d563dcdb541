package names

import (
	"strings"
	"testing"
)

// hostile values every validator must reject.
var hostile = []string{
	"lpar1; rm -rf /",
	"hdisk1 $(reboot)",
	"`id`",
	"a\nb",
	"-rf",
	"$(id)",
	"a|b",
	"a&b",
	"a>b",
	"a'b",
	`a"b`,
	"a\\b",
	"a b",
	"a\tb",
	"a\x00b",
	"*",
	"a?",
	"~root",
	"${IFS}",
	"",
}

func TestHostileRejected(t *testing.T) {
	validators := map[string]func(string) error{
		"Host": Host, "Address": Address, "NIMName": NIMName, "SPOT": SPOT,
		"LPPSource": LPPSource, "Disk": Disk, "VG": VG, "LV": LV, "Path": Path,
		"User": User, "Label": Label, "CheckLevel": CheckLevel,
	}
	for name, v := range validators {
		for _, s := range hostile {
			if err := v(s); err == nil {
				t.Errorf("%s(%q) = nil, want an error", name, s)
			}
		}
	}
}

func TestValidators(t *testing.T) {
	tests := []struct {
		name    string
		fn      func(string) error
		in      string
		wantErr string // "" means valid
	}{
		{"host short", Host, "lpar1", ""},
		{"host fqdn", Host, "lpar1.prod.example.com", ""},
		{"host digits", Host, "10.1.2.3", ""},
		{"host leading digit", Host, "1lpar", ""},
		{"host uppercase", Host, "LPAR-01", ""},
		{"host empty", Host, "", `invalid host name "": must not be empty`},
		{"host semicolon", Host, "lpar1; rm -rf /", `invalid host name "lpar1; rm -rf /": character ';' at offset 5 is not allowed (letters, digits, '-', '.')`},
		{"host newline", Host, "a\nb", `invalid host name "a\nb": character '\n' at offset 1 is not allowed (letters, digits, '-', '.')`},
		{"host dash", Host, "-rf", `invalid host name "-rf": label "-rf" starts or ends with '-'`},
		{"host trailing dash", Host, "lpar-.x", `invalid host name "lpar-.x": label "lpar-" starts or ends with '-'`},
		{"host trailing dot", Host, "lpar1.", `invalid host name "lpar1.": has an empty label (leading, trailing or double dot)`},
		{"host double dot", Host, "a..b", `invalid host name "a..b": has an empty label (leading, trailing or double dot)`},
		{"host underscore", Host, "lpar_1", `invalid host name "lpar_1": character '_' at offset 4 is not allowed (letters, digits, '-', '.')`},
		{"host label 63", Host, strings.Repeat("a", 63), ""},
		{"host label 64", Host, strings.Repeat("a", 64), `invalid host name "` + strings.Repeat("a", 64) + `": label "` + strings.Repeat("a", 64) + `" is longer than 63 characters`},
		{"host 253", Host, strings.Repeat(strings.Repeat("a", 62)+".", 4) + "a", ""},
		{"host 254", Host, strings.Repeat(strings.Repeat("a", 62)+".", 4) + "aa", `invalid host name "` + strings.Repeat("a", 62) + ".a" + `...": is 254 characters long, at most 253 are allowed`},
		{"host unicode", Host, "lpär", `invalid host name "lpär": character 'ä' at offset 2 is not allowed (letters, digits, '-', '.')`},

		{"address ipv4", Address, "192.0.2.10", ""},
		{"address ipv6", Address, "2001:db8::1", ""},
		{"address host", Address, "nim01.example.com", ""},
		{"address zone", Address, "fe80::1%eth0", `invalid address "fe80::1%eth0": is neither a host name nor an IP address`},
		{"address brackets", Address, "[::1]", `invalid address "[::1]": is neither a host name nor an IP address`},
		{"address hostile", Address, "nim01;id", `invalid address "nim01;id": character ';' at offset 5 is not allowed (letters, digits, '-', '.')`},

		{"nim plain", NIMName, "lpar1", ""},
		{"nim underscore dash bang", NIMName, "spot_7300-03!x", ""},
		{"nim 39", NIMName, strings.Repeat("a", 39), ""},
		{"nim 40", NIMName, strings.Repeat("a", 40), `invalid NIM object name "` + strings.Repeat("a", 40) + `": is 40 characters long, at most 39 are allowed`},
		{"nim dot", NIMName, "lpar1.example.com", `invalid NIM object name "lpar1.example.com": character '.' at offset 5 is not allowed (letters, digits, '_', '-', '!')`},
		{"nim dash", NIMName, "-rf", `invalid NIM object name "-rf": must not start with '-'`},
		{"nim backtick", NIMName, "`id`", "invalid NIM object name \"`id`\": character '`' at offset 0 is not allowed (letters, digits, '_', '-', '!')"},
		{"spot", SPOT, "spot 1", `invalid SPOT name "spot 1": character ' ' at offset 4 is not allowed (letters, digits, '_', '-', '!')`},
		{"lpp_source", LPPSource, "", `invalid lpp_source name "": must not be empty`},

		{"disk", Disk, "hdisk0", ""},
		{"disk big", Disk, "hdisk1234", ""},
		{"disk power", Disk, "hdiskpower12", ""},
		{"disk hostile", Disk, "hdisk1 $(reboot)", `invalid disk name "hdisk1 $(reboot)": is 16 characters long, at most 15 are allowed`},
		{"disk hostile short", Disk, "hdisk1;id", `invalid disk name "hdisk1;id": must be hdisk<N> or hdiskpower<N>`},
		{"disk no number", Disk, "hdisk", `invalid disk name "hdisk": must be hdisk<N> or hdiskpower<N>`},
		{"disk no power number", Disk, "hdiskpower", `invalid disk name "hdiskpower": must be hdisk<N> or hdiskpower<N>`},
		{"disk leading zero", Disk, "hdisk01", `invalid disk name "hdisk01": disk number has a leading zero`},
		{"disk other", Disk, "sda", `invalid disk name "sda": must be hdisk<N> or hdiskpower<N>`},
		{"disk dev path", Disk, "/dev/hdisk1", `invalid disk name "/dev/hdisk1": must be hdisk<N> or hdiskpower<N>`},
		{"disk dash", Disk, "-rf", `invalid disk name "-rf": must be hdisk<N> or hdiskpower<N>`},

		{"vg", VG, "rootvg", ""},
		{"vg dotted", VG, "nimadm.vg_01-a", ""},
		{"vg 15", VG, "abcdefghijklmno", ""},
		{"vg 16", VG, "abcdefghijklmnop", `invalid volume group name "abcdefghijklmnop": is 16 characters long, at most 15 are allowed`},
		{"vg dash", VG, "-vg", `invalid volume group name "-vg": must not start with '-'`},
		{"vg dots", VG, "..", `invalid volume group name "..": must not consist of dots only`},
		{"vg slash", VG, "a/b", `invalid volume group name "a/b": character '/' at offset 1 is not allowed (letters, digits, '_', '-', '.')`},
		{"lv", LV, "hd5", ""},
		{"lv long", LV, "alt_hd11_toolong", `invalid logical volume name "alt_hd11_toolong": is 16 characters long, at most 15 are allowed`},

		{"path", Path, "/home/ops/.ssh/id_ed25519", ""},
		{"path root", Path, "/", ""},
		{"path relative", Path, "id_rsa", `invalid path "id_rsa": must be absolute (start with '/')`},
		{"path tilde", Path, "~/.ssh/id_rsa", `invalid path "~/.ssh/id_rsa": must be absolute (start with '/')`},
		{"path space", Path, "/a b", `invalid path "/a b": character ' ' at offset 2 is not allowed (letters, digits and _ . / + , : @ % = -)`},
		{"path newline", Path, "/a\nb", `invalid path "/a\nb": character '\n' at offset 2 is not allowed (letters, digits and _ . / + , : @ % = -)`},
		{"path nul", Path, "/a\x00b", `invalid path "/a\x00b": character '\x00' at offset 2 is not allowed (letters, digits and _ . / + , : @ % = -)`},
		{"path dollar", Path, "/tmp/$(reboot)", `invalid path "/tmp/$(reboot)": character '$' at offset 5 is not allowed (letters, digits and _ . / + , : @ % = -)`},
		{"path dotdot", Path, "/var/../etc/passwd", `invalid path "/var/../etc/passwd": must not contain a '..' element`},
		{"path long", Path, "/" + strings.Repeat("a", 1023), `invalid path "/` + strings.Repeat("a", 63) + `...": is 1024 characters long, at most 1023 are allowed`},

		{"user", User, "root", ""},
		{"user dotted", User, "svc.nim-fleet_1", ""},
		{"user dash", User, "-oProxyCommand=id", `invalid user name "-oProxyCommand=id": character '=' at offset 14 is not allowed (letters, digits, '_', '-', '.')`},
		{"user dash2", User, "-l", `invalid user name "-l": must not start with '-'`},
		{"user dot", User, ".x", `invalid user name ".x": must not start with '.'`},
		{"user at", User, "a@b", `invalid user name "a@b": character '@' at offset 1 is not allowed (letters, digits, '_', '-', '.')`},

		{"label", Label, "prod", ""},
		{"label dotted", Label, "dc1.row-2_a", ""},
		{"label dash", Label, "-x", `invalid label "-x": must start with a letter or digit`},
		{"label 64", Label, strings.Repeat("x", 64), `invalid label "` + strings.Repeat("x", 64) + `": is 64 characters long, at most 63 are allowed`},
		{"label star", Label, "web*", `invalid label "web*": character '*' at offset 3 is not allowed (letters, digits, '_', '-', '.')`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fn(tt.in)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("got error %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    Level
		wantErr string
	}{
		{in: "7300-03-01-2446", want: Level{7, 3, 3, 1, 2446, FormBuild}},
		{in: "7200-05-05-2246", want: Level{7, 2, 5, 5, 2246, FormBuild}},
		{in: "7300-02-00-0000", want: Level{7, 3, 2, 0, 0, FormBuild}},
		{in: "7100-01-01", want: Level{7, 1, 1, 1, -1, FormSP}},
		{in: "6100-09", want: Level{6, 1, 9, -1, -1, FormTL}},
		{in: "7.3", want: Level{7, 3, -1, -1, -1, FormVR}},
		{in: "5.3", want: Level{5, 3, -1, -1, -1, FormVR}},
		{in: "", wantErr: `invalid AIX level "": must not be empty`},
		{in: "7300", wantErr: `invalid AIX level "7300": ` + levelWant},
		{in: "7300-3-1", wantErr: `invalid AIX level "7300-3-1": ` + levelWant},
		{in: "7310-03-01", wantErr: `invalid AIX level "7310-03-01": "7310" is not a version and release (want VR00, e.g. 7300)`},
		{in: "0300-03", wantErr: `invalid AIX level "0300-03": "0300" is not a version and release (want VR00, e.g. 7300)`},
		{in: "7300-03-01-2446-1", wantErr: `invalid AIX level "7300-03-01-2446-1": ` + levelWant},
		{in: "7.3.0.0", wantErr: `invalid AIX level "7.3.0.0": ` + levelWant},
		{in: "0.3", wantErr: `invalid AIX level "0.3": ` + levelWant},
		{in: "7300-03-01-2446;id", wantErr: `invalid AIX level "7300-03-01-2446;id": ` + levelWant},
		{in: "7300-0a-01", wantErr: `invalid AIX level "7300-0a-01": ` + levelWant},
		{in: "７300-03", wantErr: `invalid AIX level "７300-03": ` + levelWant},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLevel(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("got error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
	l, _ := ParseLevel("7300-03-01-2446")
	if l.VR() != "7.3" {
		t.Errorf("VR() = %q, want 7.3", l.VR())
	}
}

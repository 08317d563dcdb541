package facts

import "testing"

func TestParseShowresFilesets(t *testing.T) {
	out := `  Fileset Name                Level                     I/U Q Content
  ====================================================================
  bos.alt_disk_install.rte    7.1.1.15                   I  N usr,root
  # Alternate Disk Installation Runtime

  bos.mp64                    7.1.1.15                   I  N usr,root
  bos.mp64                    7.1.1.0                    I  N usr,root
  xlC.rte                     13.1.3.3                   I  N usr,root
`
	got, err := parseShowresFilesets([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"bos.alt_disk_install.rte": "7.1.1.15", "bos.mp64": "7.1.1.15", "xlC.rte": "13.1.3.3"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if _, err := parseShowresFilesets([]byte("0042-001 nim: processing error\n")); err == nil {
		t.Error("output without rows: want an error")
	}
}

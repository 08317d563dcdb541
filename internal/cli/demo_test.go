package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDemo runs the README's first command in-process: it must succeed on
// a fresh machine and tell the seed case's story.
func TestDemo(t *testing.T) {
	var out, errb bytes.Buffer
	err := Run(context.Background(), []string{"demo", "--time-scale", "1e9", "--dir", t.TempDir()}, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("demo: %v\nstderr:\n%s\nstdout:\n%s", err, errb.String(), out.String())
	}
	for _, want := range []string{
		"alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.",
		"DIAG-0001 [high confidence]",
		"/bos_inst moved to /bos_inst.nimfleet.",
		"Executing nimadm phase 12.",
		"hdisk1 blv=hd5",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}

package sshrun

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
)

// TestAlgorithms: the host key algorithms offered to a host are those of
// its keys on record, so a host with several keys presents a checkable one.
func TestAlgorithms(t *testing.T) {
	pub := func(k any) string {
		p, err := ssh.NewPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return string(ssh.MarshalAuthorizedKey(p))
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	file := filepath.Join(t.TempDir(), "known_hosts")
	data := "lpar1 " + pub(&rsaKey.PublicKey) +
		"[10.0.0.2]:2222 " + pub(&ecKey.PublicKey) +
		"[10.0.0.2]:2222 " + pub(edPub) +
		"lpar3 " + pub(edPub)
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	k := &hostKeys{files: []string{file}}
	tests := []struct {
		addr string
		want []string
	}{
		{"lpar1:22", []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}},
		{"10.0.0.2:2222", []string{ssh.KeyAlgoECDSA256, ssh.KeyAlgoED25519}},
		{"lpar3:22", []string{ssh.KeyAlgoED25519}},
		{"unknown:22", nil},
		{"10.0.0.2:22", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, k.algorithms(tt.addr)); diff != "" {
			t.Errorf("algorithms(%s) (-want +got):\n%s", tt.addr, diff)
		}
	}
}

func TestAppendLineAddsMissingNewline(t *testing.T) {
	file := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(file, []byte("a x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := appendLine(file, "b y\n"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(file); string(got) != "a x\nb y\n" {
		t.Errorf("got %q", got)
	}
}

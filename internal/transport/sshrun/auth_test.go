package sshrun_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nimfleet/nimfleet/internal/sim/simssh"
	"github.com/nimfleet/nimfleet/internal/transport"
	"github.com/nimfleet/nimfleet/internal/transport/sshrun"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// encryptedUserKey writes the lab's user key as an OpenSSH key file that
// claims to be passphrase-protected. The private part is garbage: it is
// never decrypted, and forging it avoids bcrypt's deliberate slowness.
func encryptedUserKey(t *testing.T, l *testLab) string {
	t.Helper()
	block, _ := pem.Decode(mustRead(t, l.keyFile))
	const magic = "openssh-key-v1\x00"
	var w struct {
		CipherName   string
		KdfName      string
		KdfOpts      string
		NumKeys      uint32
		PubKey       []byte
		PrivKeyBlock []byte
	}
	if err := ssh.Unmarshal(block.Bytes[len(magic):], &w); err != nil {
		t.Fatal(err)
	}
	w.CipherName, w.KdfName = "aes256-ctr", "bcrypt"
	w.KdfOpts = string(ssh.Marshal(struct {
		Salt   string
		Rounds uint32
	}{"0123456789abcdef", 16}))
	block.Bytes = append([]byte(magic), ssh.Marshal(w)...)
	path := filepath.Join(l.dir, "id_encrypted")
	writeFile(t, path, pem.EncodeToMemory(block))
	var pm *ssh.PassphraseMissingError
	if _, err := ssh.ParsePrivateKey(mustRead(t, path)); !errors.As(err, &pm) || pm.PublicKey == nil {
		t.Fatalf("forged key: got %v, want a PassphraseMissingError with the public key", err)
	}
	return path
}

// startAgent serves an ssh-agent holding keys on a unix socket.
func startAgent(t *testing.T, keys ...any) string {
	t.Helper()
	kr := agent.NewKeyring()
	for _, k := range keys {
		if err := kr.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("unix sockets unavailable: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				agent.ServeAgent(kr, c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return sock
}

func TestAuth(t *testing.T) {
	l := newLab(t, simssh.Options{}, "lpar1")
	otherKey := filepath.Join(l.dir, "id_other")
	_, otherPEM := simssh.UserKey("another lab")
	writeFile(t, otherKey, otherPEM)
	encrypted := encryptedUserKey(t, l)
	raw, _ := ssh.ParseRawPrivateKey(mustRead(t, l.keyFile))
	userKey := raw.(*ed25519.PrivateKey)

	tests := []struct {
		name     string
		files    []string
		agent    bool
		faults   simssh.Faults
		wantErr  bool
		wantText []string
	}{
		{name: "key file", files: []string{l.keyFile}},
		{name: "second key works", files: []string{otherKey, l.keyFile}},
		{name: "wrong key", files: []string{otherKey}, wantErr: true,
			wantText: []string{"root@", "refused every key", "offered " + otherKey + " (SHA256:"}},
		{name: "RejectAuth", files: []string{l.keyFile}, faults: simssh.Faults{RejectAuth: true}, wantErr: true},
		{name: "missing file", files: []string{filepath.Join(l.dir, "nope")}, wantErr: true,
			wantText: []string{"no key to offer", "nope: no such file"}},
		{name: "passphrase without agent", files: []string{encrypted}, wantErr: true,
			wantText: []string{encrypted + " is passphrase-protected and not in ssh-agent"}},
		{name: "passphrase key in agent", files: []string{encrypted}, agent: true},
		{name: "agent only", agent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l.srv.SetFaults("lpar1", tt.faults)
			cfg := l.config()
			cfg.IdentityFiles = tt.files
			if tt.files == nil {
				cfg.Hosts = map[string]sshrun.HostConfig{"lpar1": {Address: l.hosts["lpar1"].Address, IdentityFiles: []string{filepath.Join(l.dir, "absent")}}}
			}
			if tt.agent {
				cfg.AgentSocket = startAgent(t, *userKey)
			}
			r := newRunner(t, cfg)
			_, err := r.Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"})
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, transport.ErrAuth) || transport.IsTransient(err) {
				t.Fatalf("got %v, want a permanent ErrAuth", err)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestKeyTypes: ed25519, ECDSA and RSA identity files, in the OpenSSH,
// PKCS#8 and legacy PEM encodings.
func TestKeyTypes(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	openssh := func(k any) []byte {
		b, err := ssh.MarshalPrivateKey(k, "test")
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(b)
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	ecDER, _ := x509.MarshalECPrivateKey(ecKey)
	tests := []struct {
		name string
		key  any
		pem  []byte
	}{
		{"ed25519 openssh", edKey, openssh(edKey)},
		{"ecdsa openssh", ecKey, openssh(ecKey)},
		{"ecdsa sec1", ecKey, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER})},
		{"rsa openssh", rsaKey, openssh(rsaKey)},
		{"rsa pkcs1", rsaKey, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})},
		{"rsa pkcs8", rsaKey, pkcs8(rsaKey)},
	}
	var authorized []ssh.PublicKey
	for _, tt := range tests {
		s, err := ssh.NewSignerFromKey(tt.key)
		if err != nil {
			t.Fatal(err)
		}
		authorized = append(authorized, s.PublicKey())
	}
	l := newLab(t, simssh.Options{AuthorizedKeys: authorized}, "lpar1")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(l.dir, fmt.Sprintf("key%d", i))
			writeFile(t, file, tt.pem)
			cfg := l.config()
			cfg.IdentityFiles = []string{file}
			if _, err := newRunner(t, cfg).Run(t.Context(), transport.Command{Host: "lpar1", Line: "true"}); err != nil {
				t.Error(err)
			}
		})
	}
}

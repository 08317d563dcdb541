package simssh

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/pem"

	"golang.org/x/crypto/ssh"
)

// Key derivation labels. Changing one changes every lab key, so they are
// versioned rather than edited.
const (
	hostKeyLabel = "nimfleet lab host key v1"
	userKeyLabel = "nimfleet lab user key v1"
)

// seedKey derives an ed25519 private key from a label, the lab seed and a
// name: the key seed is SHA-256(label NUL seed NUL name).
func seedKey(label, seed, name string) ed25519.PrivateKey {
	h := sha256.New()
	h.Write([]byte(label))
	h.Write([]byte{0})
	h.Write([]byte(seed))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return ed25519.NewKeyFromSeed(h.Sum(nil))
}

// HostKey returns the ed25519 host key of the simulated host named host in
// the lab whose seed is seed. The same (seed, host) always gives the same
// key, so a lab's known_hosts file can be written before the lab starts and
// stays valid across restarts.
func HostKey(seed, host string) ssh.Signer {
	s, err := ssh.NewSignerFromKey(seedKey(hostKeyLabel, seed, host))
	if err != nil {
		panic("simssh: ed25519 signer: " + err.Error()) // cannot happen
	}
	return s
}

// UserKey returns the lab's client key pair for seed: a signer for Go
// clients and the same private key as an unencrypted OpenSSH private key
// file ("-----BEGIN OPENSSH PRIVATE KEY-----"), ready to be written as
// id_ed25519 for the product or the system ssh client.
//
// Both are deterministic: the PEM bytes are identical for identical seeds
// (unlike [ssh.MarshalPrivateKey], which draws random check bytes), so lab
// fixtures can be compared byte for byte.
//
// A server whose [Options.AuthorizedKeys] is nil accepts exactly this key.
func UserKey(seed string) (ssh.Signer, []byte) {
	priv := seedKey(userKeyLabel, seed, "")
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		panic("simssh: ed25519 signer: " + err.Error()) // cannot happen
	}
	return s, marshalEd25519(priv, "nimfleet-lab")
}

// marshalEd25519 encodes priv in the OpenSSH private key format
// (PROTOCOL.key), unencrypted. The check integers, random in OpenSSH, are
// taken from the key itself to keep the output deterministic.
func marshalEd25519(priv ed25519.PrivateKey, comment string) []byte {
	pub := priv.Public().(ed25519.PublicKey)
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		panic("simssh: ed25519 public key: " + err.Error()) // cannot happen
	}
	sum := sha256.Sum256(priv.Seed())
	check := binary.BigEndian.Uint32(sum[:4])

	inner := ssh.Marshal(struct {
		Check1  uint32
		Check2  uint32
		Keytype string
		Pub     []byte
		Priv    []byte
		Comment string
	}{check, check, ssh.KeyAlgoED25519, pub, priv, comment})
	// Pad to the cipher block size (8 for "none") with 1, 2, 3, ...
	for i := byte(1); len(inner)%8 != 0; i++ {
		inner = append(inner, i)
	}
	outer := ssh.Marshal(struct {
		CipherName   string
		KdfName      string
		KdfOpts      string
		NumKeys      uint32
		PubKey       []byte
		PrivKeyBlock []byte
	}{"none", "none", "", 1, sshPub.Marshal(), inner})
	blob := append([]byte("openssh-key-v1\x00"), outer...)
	return pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: blob})
}

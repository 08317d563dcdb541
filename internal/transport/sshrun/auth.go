package sshrun

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// keyring loads identity files (once each) and the agent's keys.
type keyring struct {
	agentSocket string // "" or "none": no agent

	mu    sync.Mutex
	files map[string]*identity
}

// identity is one loaded identity file.
type identity struct {
	signer ssh.Signer    // nil if the file could not be used
	pub    ssh.PublicKey // known even for an encrypted file, when its header has it
	err    error         // why signer is nil
}

var errPassphrase = errors.New("passphrase-protected")

func (k *keyring) load(path string) *identity {
	k.mu.Lock()
	defer k.mu.Unlock()
	if id := k.files[path]; id != nil {
		return id
	}
	id := &identity{}
	data, err := os.ReadFile(path)
	if err != nil {
		id.err = err
	} else if id.signer, err = ssh.ParsePrivateKey(data); err != nil {
		var pm *ssh.PassphraseMissingError
		if errors.As(err, &pm) {
			id.pub, id.err = pm.PublicKey, errPassphrase
		} else {
			id.err = fmt.Errorf("%s: %w", path, err)
		}
	}
	if k.files == nil {
		k.files = make(map[string]*identity)
	}
	k.files[path] = id
	return id
}

// login is the set of keys offered to one host.
type login struct {
	signers []ssh.Signer
	offered []string // what was offered, for messages
	notes   []string // keys that could not be offered, and why
	agent   net.Conn // open during the handshake
}

// close releases the agent connection.
func (l *login) close() {
	if l.agent != nil {
		l.agent.Close()
	}
}

// describe summarizes the offer for an authentication error.
func (l *login) describe() string {
	var b strings.Builder
	if len(l.offered) == 0 {
		b.WriteString("no key to offer")
	} else {
		b.WriteString("offered " + strings.Join(l.offered, ", "))
	}
	for _, n := range l.notes {
		b.WriteString("; " + n)
	}
	return b.String()
}

// login gathers the agent's keys and those of files.
func (k *keyring) login(files []string) *login {
	l := &login{}
	seen := map[string]bool{}
	add := func(s ssh.Signer) bool {
		blob := string(s.PublicKey().Marshal())
		if seen[blob] {
			return false
		}
		seen[blob] = true
		l.signers = append(l.signers, s)
		return true
	}
	if k.agentSocket != "" && k.agentSocket != "none" {
		conn, err := net.Dial("unix", k.agentSocket)
		if err != nil {
			l.notes = append(l.notes, fmt.Sprintf("ssh-agent at %s: %v", k.agentSocket, err))
		} else {
			l.agent = conn
			signers, err := agent.NewClient(conn).Signers()
			if err != nil {
				l.notes = append(l.notes, fmt.Sprintf("ssh-agent: %v", err))
			}
			n := 0
			for _, s := range signers {
				if add(s) {
					n++
				}
			}
			if n > 0 {
				l.offered = append(l.offered, fmt.Sprintf("ssh-agent (%d keys)", n))
			}
		}
	}
	for _, f := range files {
		id := k.load(f)
		switch {
		case id.signer != nil:
			if add(id.signer) {
				l.offered = append(l.offered, fmt.Sprintf("%s (%s)", f, ssh.FingerprintSHA256(id.signer.PublicKey())))
			}
		case errors.Is(id.err, errPassphrase):
			if id.pub != nil && seen[string(id.pub.Marshal())] {
				continue // the agent holds it
			}
			l.notes = append(l.notes, fmt.Sprintf("%s is passphrase-protected and not in ssh-agent (load it with ssh-add and set SSH_AUTH_SOCK)", f))
		default:
			l.notes = append(l.notes, fmt.Sprintf("identity file %v", id.err))
		}
	}
	return l
}

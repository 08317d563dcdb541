package sshrun

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nimfleet/nimfleet/internal/transport"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// HostKeyError is a failed host key verification. It wraps
// transport.ErrHostKey; its message says what to do about it.
type HostKeyError struct {
	// Addr is the name looked up in known_hosts, as OpenSSH writes it
	// ("lpar1", "[127.0.0.1]:2222").
	Addr string
	// Key is the key the host presented.
	Key ssh.PublicKey
	// Known lists the keys on record for Addr. Empty means the host is
	// unknown; otherwise Key matches none of them (the key changed).
	Known []knownhosts.KnownKey
	// Revoked, if not nil, is the @revoked line that matches Key.
	Revoked *knownhosts.KnownKey
	// File is the known_hosts file to update (the first one configured).
	File string
}

func (e *HostKeyError) Error() string {
	fp := e.Key.Type() + " " + ssh.FingerprintSHA256(e.Key)
	switch {
	case e.Revoked != nil:
		return fmt.Sprintf("%v: %s key of %s is revoked (@revoked at %s:%d)",
			transport.ErrHostKey, fp, e.Addr, e.Revoked.Filename, e.Revoked.Line)
	case len(e.Known) == 0:
		return fmt.Sprintf("%v: %s is not in %s (it presented %s); check the fingerprint with the host's administrator, then add the key to %s (ssh-keyscan%s) or run again with --accept-new",
			transport.ErrHostKey, e.Addr, e.File, fp, e.File, keyscanArgs(e.Addr))
	default:
		k := e.Known[0]
		return fmt.Sprintf("%v: %s presented %s, which does not match the key at %s:%d (%s %s); this may be an attack, or the host was reinstalled: if it was, remove that line (ssh-keygen -R %s -f %s) and verify the new key",
			transport.ErrHostKey, e.Addr, fp, k.Filename, k.Line, k.Key.Type(), ssh.FingerprintSHA256(k.Key), shellQuote(e.Addr), k.Filename)
	}
}

// Unwrap returns transport.ErrHostKey.
func (e *HostKeyError) Unwrap() error { return transport.ErrHostKey }

// keyscanArgs renders the ssh-keyscan arguments for a known_hosts address.
func keyscanArgs(addr string) string {
	if strings.HasPrefix(addr, "[") {
		if host, port, err := net.SplitHostPort(addr); err == nil {
			return " -p " + port + " " + host
		}
	}
	return " " + addr
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if strings.ContainsAny(s, "[]*?'\" \t$\\;&|<>()") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// hostKeys checks host keys against known_hosts files and, with acceptNew,
// records unknown ones. It rereads the files when they change on disk.
type hostKeys struct {
	files     []string
	acceptNew bool
	hash      bool
	logf      func(string, ...any)

	mu       sync.Mutex // guards the fields below and serializes appends
	cb       ssh.HostKeyCallback
	stamp    []fileStamp
	recorded map[string]bool // addresses this process appended
}

type fileStamp struct {
	size  int64
	mtime time.Time
	ok    bool
}

func stamps(files []string) []fileStamp {
	st := make([]fileStamp, len(files))
	for i, f := range files {
		if fi, err := os.Stat(f); err == nil {
			st[i] = fileStamp{size: fi.Size(), mtime: fi.ModTime(), ok: true}
		}
	}
	return st
}

// callback returns the current known_hosts callback, reloading the files
// if they changed.
func (k *hostKeys) callback() (ssh.HostKeyCallback, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.callbackLocked()
}

func (k *hostKeys) callbackLocked() (ssh.HostKeyCallback, error) {
	st := stamps(k.files)
	if k.cb != nil && equalStamps(st, k.stamp) {
		return k.cb, nil
	}
	var existing []string
	for i, f := range k.files {
		if st[i].ok {
			existing = append(existing, f)
		}
	}
	cb, err := knownhosts.New(existing...)
	if err != nil {
		return nil, err
	}
	k.cb, k.stamp = cb, st
	return cb, nil
}

func equalStamps(a, b []fileStamp) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ok != b[i].ok || a[i].size != b[i].size || !a[i].mtime.Equal(b[i].mtime) {
			return false
		}
	}
	return true
}

// probeKey is a key no known_hosts file holds; checking it reveals which
// keys are on record for an address.
var probeKey = func() ssh.PublicKey {
	pk, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())
	if err != nil {
		panic(err)
	}
	return pk
}()

// algorithms returns the host key algorithms to negotiate with addr: those
// of the keys on record, so that a host with several keys presents one we
// can check (as OpenSSH does). Nil means the defaults (unknown host).
func (k *hostKeys) algorithms(addr string) []string {
	cb, err := k.callback()
	if err != nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if err := cb(addr, zeroAddr, probeKey); !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	for _, w := range ke.Want {
		t := w.Key.Type()
		var add []string
		switch t {
		case ssh.KeyAlgoRSA:
			add = []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
		default:
			add = []string{t}
		}
		for _, a := range add {
			if !seen[a] {
				seen[a] = true
				algos = append(algos, a)
			}
		}
	}
	return algos
}

var zeroAddr = &net.TCPAddr{IP: net.IPv4zero}

// verify checks key for addr (host:port).
func (k *hostKeys) verify(addr string, remote net.Addr, key ssh.PublicKey) error {
	cb, err := k.callback()
	if err != nil {
		return fmt.Errorf("%w: reading known_hosts: %v", transport.ErrHostKey, err)
	}
	return k.classify(addr, key, cb(addr, remote, key), k.acceptNew)
}

// classify turns a knownhosts error into a HostKeyError; for an unknown
// host with mayRecord it records the key instead.
func (k *hostKeys) classify(addr string, key ssh.PublicKey, err error, mayRecord bool) error {
	if err == nil {
		return nil
	}
	hke := &HostKeyError{Addr: knownhosts.Normalize(addr), Key: key, File: k.files[0]}
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case errors.As(err, &re):
		hke.Revoked = &re.Revoked
		return hke
	case errors.As(err, &ke) && len(ke.Want) == 0:
		if mayRecord {
			return k.record(addr, key)
		}
		return hke
	case errors.As(err, &ke):
		hke.Known = ke.Want
		return hke
	default:
		return fmt.Errorf("%w: %s: %v", transport.ErrHostKey, hke.Addr, err)
	}
}

// fileLocks serializes appends to one known_hosts file across the runners
// of this process (keyed by absolute path). Other processes are not
// locked out; an append is a single write, so they cannot tear a line.
var fileLocks sync.Map // string -> *sync.Mutex

func lockFile(file string) func() {
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	m, _ := fileLocks.LoadOrStore(file, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// record appends addr's key to the first known_hosts file, unless the
// files (reread under the lock) already know addr.
func (k *hostKeys) record(addr string, key ssh.PublicKey) error {
	defer lockFile(k.files[0])()
	k.mu.Lock()
	defer k.mu.Unlock()
	norm := knownhosts.Normalize(addr)
	k.cb = nil // reread: another runner may have recorded addr
	cb, err := k.callbackLocked()
	if err != nil {
		return fmt.Errorf("%w: reading known_hosts: %v", transport.ErrHostKey, err)
	}
	err = cb(addr, zeroAddr, key)
	var ke *knownhosts.KeyError
	if err == nil {
		return nil // recorded meanwhile, by us or another process
	}
	if !errors.As(err, &ke) || len(ke.Want) != 0 || k.recorded[norm] {
		// Known now with another key: never overwrite.
		return k.classify(addr, key, err, false)
	}
	name := norm
	if k.hash {
		name = knownhosts.HashHostname(norm)
	}
	line := name + " " + string(ssh.MarshalAuthorizedKey(key))
	file := k.files[0]
	if err := appendLine(file, line); err != nil {
		return fmt.Errorf("%w: %s is unknown and recording it failed: %v", transport.ErrHostKey, norm, err)
	}
	if k.recorded == nil {
		k.recorded = make(map[string]bool)
	}
	k.recorded[norm] = true
	k.cb = nil // reload on next use
	if k.logf != nil {
		k.logf("added %s key %s of %s to %s", key.Type(), ssh.FingerprintSHA256(key), norm, file)
	}
	return nil
}

// appendLine appends line to file in one write, creating the file (0600)
// and its directory (0700) if needed, and starting on a fresh line if the
// file does not end with one.
func appendLine(file, line string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			line = "\n" + line
		} else if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, fs.ErrInvalid) {
			f.Close()
			return err
		}
	}
	if _, err := f.Write([]byte(line)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

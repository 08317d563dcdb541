package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The lock: one writer per journal, across processes and within one.
//
// Across processes the writer holds an fcntl write lock (F_SETLK, whole
// file) on a companion file, PATH.lock. The kernel drops the lock when the
// process dies, kill -9 included, so a crashed controller never leaves a
// stale lock behind; the file itself stays (removing lock files races with
// the next opener) and only describes the last holder for error messages.
//
// fcntl locks belong to the process, not to the file descriptor: a second
// open in the same process would succeed, and closing any descriptor of
// PATH.lock would drop the lock. So within a process a table of held
// journals refuses a second writer, and nothing but the lock itself ever
// opens PATH.lock. (bbolt uses flock(2) on Linux and fcntl on AIX, and so
// differs between the two on exactly this point; we use fcntl everywhere so
// that Linux tests exercise AIX semantics.)

var (
	heldMu sync.Mutex
	held   = map[string]bool{}
)

// lockPath returns the lock file of a journal and the key of the
// in-process table.
func lockPath(path string) (lockFile, key string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", err
	}
	dir, base := filepath.Split(abs)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	key = filepath.Join(dir, base)
	return key + ".lock", key, nil
}

// fileLock is a held journal lock.
type fileLock struct {
	key string
	f   *os.File
}

// acquire takes the lock of the journal at path, waiting up to timeout.
func acquire(path, holder string, timeout time.Duration) (*fileLock, error) {
	lf, key, err := lockPath(path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: lock: %w", path, err)
	}
	heldMu.Lock()
	if held[key] {
		heldMu.Unlock()
		return nil, &LockedError{Path: path, Holder: "this process"}
	}
	held[key] = true
	heldMu.Unlock()
	l, err := acquireFile(path, lf, holder, timeout)
	if err != nil {
		heldMu.Lock()
		delete(held, key)
		heldMu.Unlock()
		return nil, err
	}
	l.key = key
	return l, nil
}

func (l *fileLock) release() error {
	err := releaseFile(l.f)
	heldMu.Lock()
	delete(held, l.key)
	heldMu.Unlock()
	return err
}

func defaultHolder(now time.Time) string {
	host, _ := os.Hostname()
	if host == "" {
		host = "unknown host"
	}
	return fmt.Sprintf("pid %d on %s since %s", os.Getpid(), host, now.UTC().Format(time.RFC3339))
}

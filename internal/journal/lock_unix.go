//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package journal

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// lockRetry is how often a waiting Open retries a held lock.
const lockRetry = 50 * time.Millisecond

func acquireFile(path, lf, holder string, timeout time.Duration) (*fileLock, error) {
	f, err := os.OpenFile(lf, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal %s: lock: %w", path, err)
	}
	deadline := time.Now().Add(timeout)
	for {
		lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
		err = unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EACCES) {
			f.Close()
			return nil, fmt.Errorf("journal %s: lock %s: %w", path, lf, err)
		}
		if timeout <= 0 || time.Now().After(deadline) {
			buf := make([]byte, 256)
			n, _ := f.ReadAt(buf, 0)
			f.Close()
			return nil, &LockedError{Path: path, Holder: strings.TrimSpace(string(buf[:n]))}
		}
		time.Sleep(lockRetry)
	}
	// Record who holds the lock, for the next opener's error message.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(holder+"\n"), 0)
	}
	return &fileLock{f: f}, nil
}

func releaseFile(f *os.File) error {
	lk := unix.Flock_t{Type: unix.F_UNLCK, Whence: io.SeekStart}
	err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

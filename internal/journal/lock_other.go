//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris)

package journal

import (
	"fmt"
	"os"
	"time"
)

// On platforms without fcntl locks only the in-process table guards the
// journal; nimfleet ships for AIX and Linux, where the kernel lock applies.
func acquireFile(path, lf, holder string, timeout time.Duration) (*fileLock, error) {
	f, err := os.OpenFile(lf, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal %s: lock: %w", path, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(holder+"\n"), 0)
	return &fileLock{f: f}, nil
}

func releaseFile(f *os.File) error { return f.Close() }

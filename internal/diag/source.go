package diag

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// LogSource lists and opens named logs. The CLI builds Inputs from one:
// local files and directories ([FileSource]), standard input
// ([ReaderSource]), and later the logs of a client and its NIM master
// fetched over the transport layer.
//
// Implementations must be safe for sequential use; Diagnose opens one log
// at a time and closes it before opening the next.
type LogSource interface {
	// List returns the names of the logs, in a stable order. A source that
	// cannot enumerate (a missing directory, an unreachable host) returns
	// an error naming what failed.
	List(ctx context.Context) ([]string, error)
	// Open returns the named log. The caller closes it. Names come from
	// List.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
}

// Inputs turns every log of src into an Input.
func Inputs(ctx context.Context, src LogSource) ([]Input, error) {
	names, err := src.List(ctx)
	if err != nil {
		return nil, err
	}
	ins := make([]Input, len(names))
	for i, n := range names {
		ins[i] = Input{Name: n, Open: func(ctx context.Context) (io.ReadCloser, error) { return src.Open(ctx, n) }}
	}
	return ins, nil
}

// FileSource reads local files. Paths may name files or directories;
// directories are walked (in lexical order, symbolic links to directories
// are not followed) and every regular file in them is a log, whatever its
// name: the content decides what it is.
type FileSource struct {
	Paths []string
}

// List implements LogSource.
func (f FileSource) List(ctx context.Context) ([]string, error) {
	var names []string
	for _, p := range f.Paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			names = append(names, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if d.Type().IsRegular() {
				names = append(names, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", p, err)
		}
	}
	return names, nil
}

// Open implements LogSource.
func (f FileSource) Open(_ context.Context, name string) (io.ReadCloser, error) {
	return os.Open(name)
}

// ReaderSource is a single log read from a stream such as standard input.
// It can be opened once.
type ReaderSource struct {
	Name string // shown in evidence; "-" for stdin
	R    io.Reader

	mu     sync.Mutex
	opened bool
}

// List implements LogSource.
func (r *ReaderSource) List(context.Context) ([]string, error) { return []string{r.Name}, nil }

// Open implements LogSource.
func (r *ReaderSource) Open(_ context.Context, name string) (io.ReadCloser, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name != r.Name {
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
	if r.opened {
		return nil, fmt.Errorf("open %s: %w", name, errAlreadyRead)
	}
	r.opened = true
	return io.NopCloser(r.R), nil
}

var errAlreadyRead = errors.New("stream already read")

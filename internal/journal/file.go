package journal

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// File is the journal on disk: an append-only file of JSON lines, fsync'd
// after every record, with a companion lock file for the single writer.
// See the package documentation.
type File struct {
	path     string
	readOnly bool

	mu     sync.Mutex
	f      *os.File // open for appending; nil when read-only
	lock   *fileLock
	size   int64 // bytes of complete, valid lines
	b      *book
	broken error
	closed bool
}

var _ Journal = (*File)(nil)

// Open opens the journal at path: for writing (taking its lock) unless
// o.ReadOnly. A writer drops a torn last record (left by a crash during an
// Append) before it appends. Errors: [IsLocked] when another writer holds
// the journal; fs.ErrNotExist when the file is missing and o.Create is
// not set; [ErrCorrupt] and [ErrVersion] when the file cannot be replayed.
func Open(path string, o Options) (*File, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	j := &File{path: path, readOnly: o.ReadOnly, b: newBook()}
	if o.ReadOnly {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
		defer f.Close()
		valid, err := j.replay(f)
		if err != nil {
			return nil, err
		}
		j.size = valid
		return j, nil
	}

	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !o.Create {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	holder := o.Holder
	if holder == "" {
		holder = defaultHolder(now())
	}
	lock, err := acquire(path, holder, o.LockTimeout)
	if err != nil {
		return nil, err
	}
	j.lock = lock
	if err := j.openWriter(o.Create, now()); err != nil {
		lock.release()
		return nil, err
	}
	return j, nil
}

// openWriter opens (or creates) the file under the lock, replays it and
// truncates a torn tail.
func (j *File) openWriter(create bool, now time.Time) error {
	flags := os.O_RDWR | os.O_APPEND
	if create {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(j.path, flags, 0o600)
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	fail := func(err error) error {
		f.Close()
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return fail(fmt.Errorf("journal %s: %w", j.path, err))
	}
	valid, err := j.replay(io.NewSectionReader(f, 0, fi.Size()))
	if err != nil {
		return fail(err)
	}
	if valid == 0 {
		// New file, or a crash before the header was complete.
		if err := f.Truncate(0); err != nil {
			return fail(fmt.Errorf("journal %s: %w", j.path, err))
		}
		if _, err := f.Write(encodeHeader(now)); err != nil {
			return fail(fmt.Errorf("journal %s: write header: %w", j.path, err))
		}
		if err := f.Sync(); err != nil {
			return fail(fmt.Errorf("journal %s: sync: %w", j.path, err))
		}
		if err := syncDir(filepath.Dir(j.path)); err != nil {
			return fail(fmt.Errorf("journal %s: sync directory: %w", j.path, err))
		}
		fi, err = f.Stat()
		if err != nil {
			return fail(fmt.Errorf("journal %s: %w", j.path, err))
		}
		valid = fi.Size()
	} else if valid < fi.Size() {
		// Drop the torn last record.
		if err := f.Truncate(valid); err != nil {
			return fail(fmt.Errorf("journal %s: drop torn record: %w", j.path, err))
		}
		if err := f.Sync(); err != nil {
			return fail(fmt.Errorf("journal %s: sync: %w", j.path, err))
		}
	}
	j.f, j.size = f, valid
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// replay folds every complete record of r into j.b and returns the number
// of bytes they span (0 when not even the header is complete).
func (j *File) replay(r io.Reader) (int64, error) {
	var valid int64
	n := 0
	err := scanLines(r, func(line []byte, end int64) error {
		n++
		if n == 1 {
			if _, err := decodeHeader(line); err != nil {
				return err
			}
			valid = end
			return nil
		}
		e, err := decodeRecord(line)
		if err != nil {
			return err
		}
		if err := j.b.check(&e); err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		j.b.apply(&e)
		valid = end
		return nil
	})
	if err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return 0, fmt.Errorf("journal %s: line %d: %w", j.path, le.line, le.err)
		}
		return 0, fmt.Errorf("journal %s: %w", j.path, err)
	}
	return valid, nil
}

type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

// scanLines calls fn for every complete ("\n"-terminated) line of r, with
// the line (without its newline) and the offset just past it. A final
// piece without a newline is a torn record and is skipped.
func scanLines(r io.Reader, fn func(line []byte, end int64) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var off int64
	var long []byte
	n := 0
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			if len(long) > maxLine {
				return &lineError{n + 1, fmt.Errorf("%w: line longer than %d bytes", ErrCorrupt, maxLine)}
			}
			continue
		}
		if err == io.EOF {
			return nil // torn tail (or nothing) after the last newline
		}
		if err != nil {
			return err
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		n++
		off += int64(len(line))
		if ferr := fn(bytes.TrimSuffix(line, []byte("\n")), off); ferr != nil {
			return &lineError{n, ferr}
		}
	}
}

// Append implements [Journal].
func (j *File) Append(ctx context.Context, e Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("journal append: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.closed:
		return ErrClosed
	case j.readOnly:
		return ErrReadOnly
	case j.broken != nil:
		return fmt.Errorf("%w: %v", ErrBroken, j.broken)
	}
	e, err := j.b.prepare(e)
	if err != nil {
		return err
	}
	line, err := encodeRecord(&e)
	if err != nil {
		return fmt.Errorf("journal append %s: %w: %v", e.Kind, ErrInvalid, err)
	}
	if n, err := j.f.Write(line); err != nil || n != len(line) {
		if err == nil {
			err = io.ErrShortWrite
		}
		j.broken = err
		return fmt.Errorf("journal %s: append: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		j.broken = err
		return fmt.Errorf("journal %s: sync: %w", j.path, err)
	}
	j.b.apply(&e)
	j.size += int64(len(line))
	return nil
}

// Run implements [Journal].
func (j *File) Run(id string) (Run, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return Run{}, ErrClosed
	}
	return j.b.run(id)
}

// Runs implements [Journal].
func (j *File) Runs() ([]Run, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	return j.b.runList(), nil
}

// Host implements [Journal].
func (j *File) Host(name string) (HostState, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return HostState{}, ErrClosed
	}
	return j.b.host(name)
}

// Hosts implements [Journal].
func (j *File) Hosts() ([]HostState, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	return j.b.hostList(), nil
}

// LastSeq implements [Journal].
func (j *File) LastSeq() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.b.seq
}

// Events implements [Journal]. It reads the file (a separate read-only
// descriptor of the journal, never of its lock file).
func (j *File) Events(host string) iter.Seq2[Event, error] {
	return j.iterate(func(e *Event) bool { return e.Host == host })
}

// All implements [Journal].
func (j *File) All() iter.Seq2[Event, error] {
	return j.iterate(func(*Event) bool { return true })
}

func (j *File) iterate(keep func(*Event) bool) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		j.mu.Lock()
		closed, size, last := j.closed, j.size, j.b.seq
		j.mu.Unlock()
		if closed {
			yield(Event{}, ErrClosed)
			return
		}
		f, err := os.Open(j.path)
		if err != nil {
			yield(Event{}, fmt.Errorf("journal %s: %w", j.path, err))
			return
		}
		defer f.Close()
		n := 0
		stop := errors.New("stop")
		err = scanLines(io.NewSectionReader(f, 0, size), func(line []byte, _ int64) error {
			n++
			if n == 1 {
				return nil // header
			}
			e, err := decodeRecord(line)
			if err != nil {
				return err
			}
			if e.Seq > last {
				return stop
			}
			if keep(&e) && !yield(e, nil) {
				return stop
			}
			return nil
		})
		if err != nil && !errors.Is(err, stop) {
			yield(Event{}, fmt.Errorf("journal %s: %w", j.path, err))
		}
	}
}

// Path returns the journal's file name.
func (j *File) Path() string { return j.path }

// Close implements [Journal]. It releases the lock.
func (j *File) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	var err error
	if j.f != nil {
		err = j.f.Close()
	}
	if j.lock != nil {
		if lerr := j.lock.release(); err == nil {
			err = lerr
		}
	}
	if err != nil {
		return fmt.Errorf("journal %s: close: %w", j.path, err)
	}
	return nil
}

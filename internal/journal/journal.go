package journal

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"
)

// Journal is the durable record of a fleet migration. See the package
// documentation for the model.
//
// Implementations are safe for concurrent use by multiple goroutines;
// Appends are serialised, and a read sees every Append that returned
// before it started.
type Journal interface {
	// Append validates e against the journal's state, assigns e.Seq, and
	// records it. When Append returns nil the event is durable: it is on
	// stable storage (fsync'd) and survives a crash or kill -9 of the
	// process. An event that fails validation returns an error wrapping
	// [ErrInvalid] and changes nothing; the journal stays usable. Any
	// other error (a failed write or fsync) leaves the event's fate
	// unknown — it may or may not be found after a reopen — and breaks
	// the journal: every later Append fails with [ErrBroken]. Close and
	// reopen it. Append on a read-only journal fails with [ErrReadOnly].
	// A cancelled ctx is checked before writing, never in the middle.
	Append(ctx context.Context, e Event) error
	// Run returns a run by ID, or an error wrapping [ErrNotFound].
	Run(id string) (Run, error)
	// Runs returns every run, oldest first.
	Runs() ([]Run, error)
	// Host returns the derived state of a host, or an error wrapping
	// [ErrNotFound] if the journal has no event for it.
	Host(name string) (HostState, error)
	// Hosts returns the state of every host with at least one event,
	// sorted by name.
	Hosts() ([]HostState, error)
	// Events yields the events of one host in order; host "" yields the
	// run-level events. The sequence covers the events appended before
	// the call. An error (reading the file) is yielded once, last.
	Events(host string) iter.Seq2[Event, error]
	// All yields every event in order, with the same rules as Events.
	All() iter.Seq2[Event, error]
	// LastSeq returns the Seq of the last event, 0 for an empty journal.
	LastSeq() uint64
	// Close releases the journal (and its lock). Further calls fail with
	// [ErrClosed]. Close is idempotent.
	Close() error
}

// Error classes. Errors returned by journals wrap one of these; test with
// errors.Is or the predicates.
var (
	// ErrLocked: another live process (or another Journal in this
	// process) holds the journal open for writing.
	ErrLocked = errors.New("journal is locked")
	// ErrInvalid: the event was refused (bad fields or a transition the
	// state machine does not allow). Nothing was written.
	ErrInvalid = errors.New("invalid event")
	// ErrNotFound: no such host or run.
	ErrNotFound = errors.New("not found")
	// ErrBroken: an earlier write failed; the journal must be reopened.
	ErrBroken = errors.New("journal broken by an earlier write error")
	// ErrReadOnly: Append on a journal opened read-only.
	ErrReadOnly = errors.New("journal opened read-only")
	// ErrClosed: the journal was closed.
	ErrClosed = errors.New("journal closed")
	// ErrCorrupt: the file is not a journal, or a record before the end
	// cannot be read. (A torn last record, the trace of a crash during an
	// Append, is not corruption: it is ignored, and dropped when the
	// journal is next opened for writing.)
	ErrCorrupt = errors.New("journal corrupt")
	// ErrVersion: the file was written by a newer nimfleet.
	ErrVersion = errors.New("journal format too new")
)

// IsLocked reports whether err says that the journal is held by another
// writer. The CLI maps it to exit status 11.
func IsLocked(err error) bool { return errors.Is(err, ErrLocked) }

// LockedError is the error of opening a journal another writer holds.
// It wraps [ErrLocked].
type LockedError struct {
	Path string
	// Holder describes the holder as it recorded itself in the lock file
	// ("pid 4242 on nim1 since 2026-03-01T10:00:00Z"); empty if unknown.
	Holder string
}

func (e *LockedError) Error() string {
	if e.Holder == "" {
		return fmt.Sprintf("journal %s: locked by another process", e.Path)
	}
	return fmt.Sprintf("journal %s: locked by %s", e.Path, e.Holder)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// HostEvents collects the events of host (see [Journal.Events]) into a
// slice.
func HostEvents(j Journal, host string) ([]Event, error) {
	var out []Event
	for e, err := range j.Events(host) {
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Active returns the hosts whose nimadm may be running (starting or
// running), the ones a resumed controller must re-attach to.
func Active(j Journal) ([]HostState, error) {
	hs, err := j.Hosts()
	if err != nil {
		return nil, err
	}
	var out []HostState
	for _, h := range hs {
		if h.State.Active() {
			out = append(out, h)
		}
	}
	return out, nil
}

// OpenRuns returns the runs that have not ended.
func OpenRuns(j Journal) ([]Run, error) {
	rs, err := j.Runs()
	if err != nil {
		return nil, err
	}
	var out []Run
	for _, r := range rs {
		if r.Open() {
			out = append(out, r)
		}
	}
	return out, nil
}

// Options tune [Open].
type Options struct {
	// Create makes Open create the file when it does not exist. Without
	// it a missing file is an error wrapping fs.ErrNotExist.
	Create bool
	// ReadOnly opens the journal for reading while another process may be
	// writing it: no lock is taken, the file is never modified, Append
	// fails with ErrReadOnly. The journal is a snapshot as of Open.
	ReadOnly bool
	// LockTimeout is how long Open waits for a lock held by another
	// writer. Zero fails at once with an error for which [IsLocked] is
	// true.
	LockTimeout time.Duration
	// Holder describes this process in the lock file, for the error
	// another opener gets ("pid N on HOST since T" by default).
	Holder string
	// Now stamps the file header and the lock; nil means time.Now.
	Now func() time.Time
}

package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// AuditVersion is the version of [AuditRecord] written by this code.
const AuditVersion = 1

// AuditRecord is one line of the audit log: one remote command, or one
// attempt of it when the retry decorator runs it again. It never holds the
// command's output, only its size.
type AuditRecord struct {
	// V is the record version, [AuditVersion].
	V int `json:"v"`
	// Time is when the command started, in UTC (RFC 3339 with nanoseconds
	// in JSON).
	Time time.Time `json:"time"`
	// Host is the inventory name of the host the command was addressed to.
	Host string `json:"host"`
	// Transport names the runner below the decorators ("ssh", "local",
	// "lab"), as given when the stack was built.
	Transport string `json:"transport"`
	// Line is the command line, after the optional redaction.
	Line    string `json:"line"`
	Mutates bool   `json:"mutates"`
	// DryRun marks a state-changing command that the dry-run decorator did
	// not execute.
	DryRun bool `json:"dry_run,omitempty"`
	// ExitCode is nil when the command did not complete (an error, or dry
	// run).
	ExitCode *int `json:"exit_code"`
	// Error is the error class ([ErrorClass]) when Run failed, else empty.
	Error       string `json:"error,omitempty"`
	DurationMS  int64  `json:"duration_ms"`
	StdoutBytes int    `json:"stdout_bytes"`
	StderrBytes int    `json:"stderr_bytes"`
}

// ErrorClass returns a short, stable name for the class of err, for logs
// and reports: "" for nil, then "dry_run", "unreachable", "auth",
// "host_key", "conn_lost", "timeout", "output_too_large", "unknown_host",
// "canceled", "deadline_exceeded", or "other". It never includes the error
// text, which may quote command output.
func ErrorClass(err error) string {
	classes := []struct {
		err  error
		name string
	}{
		{ErrDryRun, "dry_run"},
		{ErrUnreachable, "unreachable"},
		{ErrAuth, "auth"},
		{ErrHostKey, "host_key"},
		{ErrConnLost, "conn_lost"},
		{ErrTimeout, "timeout"},
		{ErrOutputTooLarge, "output_too_large"},
		{ErrUnknownHost, "unknown_host"},
		{context.Canceled, "canceled"},
		{context.DeadlineExceeded, "deadline_exceeded"},
	}
	if err == nil {
		return ""
	}
	for _, c := range classes {
		if errors.Is(err, c.err) {
			return c.name
		}
	}
	return "other"
}

// AuditLog writes audit records as JSON lines. It is safe for concurrent
// use. Each record is encoded first and handed to the writer in a single
// Write call, under a lock, so records never interleave; on a file opened
// with [OpenAuditLog] that is one write(2), so a controller that is killed
// loses at most the record being written, and [ReadAudit] skips such a torn
// final line. Records already written survive the process; call Sync to
// make them survive an operating system crash too.
type AuditLog struct {
	mu  sync.Mutex
	w   io.Writer
	f   *os.File // set by OpenAuditLog
	err error    // first write error
}

// NewAuditLog returns a log that writes to w. w should not buffer (wrap it
// in nothing that delays writes), or a crash loses the buffered records.
func NewAuditLog(w io.Writer) *AuditLog { return &AuditLog{w: w} }

// OpenAuditLog opens (creating it with mode 0600 if needed) the file at
// path for appending.
func OpenAuditLog(path string) (*AuditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	return &AuditLog{w: f, f: f}, nil
}

// Write appends one record. After the first failed write every later
// Write fails with the same error.
func (l *AuditLog) Write(rec AuditRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("audit log: encode record: %w", err)
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	if _, err := l.w.Write(b); err != nil {
		l.err = fmt.Errorf("audit log: write: %w", err)
		return l.err
	}
	return nil
}

// Err returns the first write error, or nil.
func (l *AuditLog) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Sync flushes the file to stable storage. It does nothing for a log made
// with [NewAuditLog].
func (l *AuditLog) Sync() error {
	if l.f == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log: sync: %w", err)
	}
	return nil
}

// Close syncs and closes a file opened with [OpenAuditLog]. It does nothing
// for a log made with [NewAuditLog]. It returns the first write error, if
// any, so a caller that checks Close learns about lost records.
func (l *AuditLog) Close() error {
	if l.f == nil {
		return l.Err()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	serr := l.f.Sync()
	cerr := l.f.Close()
	l.f = nil
	switch {
	case l.err != nil:
		return l.err
	case serr != nil:
		return fmt.Errorf("audit log: sync: %w", serr)
	case cerr != nil:
		return fmt.Errorf("audit log: close: %w", cerr)
	}
	return nil
}

// AuditOptions configures [Audit].
type AuditOptions struct {
	// Transport is recorded in every record (see AuditRecord.Transport).
	Transport string
	// TransportOf, when set, names the transport per host and takes
	// precedence over Transport (a router reaches hosts differently).
	TransportOf func(host string) string
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// Redact, if not nil, rewrites each command line before it is
	// recorded. nimfleet's own commands carry no secrets; this hook exists
	// for site-specific scripts that might.
	Redact func(line string) string
}

// Audit returns a Runner that records every command run through next in
// log, one record per call, written after next returns. Commands stopped
// by the dry-run decorator are recorded with dry_run set.
//
// Once the log has failed to write, Audit refuses to run commands with
// Mutates == true (nothing changes a host without a trace) and returns an
// error wrapping the write error; read-only commands still run. A write
// error for a command that has already run is not returned by Run (the
// command's own result matters more); it is kept by the log, see
// [AuditLog.Err].
func Audit(next Runner, log *AuditLog, o AuditOptions) Runner {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &auditor{next: next, log: log, o: o}
}

type auditor struct {
	next Runner
	log  *AuditLog
	o    AuditOptions
}

func (a *auditor) Run(ctx context.Context, c Command) (Result, error) {
	if c.Mutates {
		if err := a.log.Err(); err != nil {
			return Result{}, fmt.Errorf("refusing to run a state-changing command: %w", err)
		}
	}
	start := a.o.Now()
	res, err := a.next.Run(ctx, c)
	end := a.o.Now()

	line := c.Line
	if a.o.Redact != nil {
		line = a.o.Redact(line)
	}
	rec := AuditRecord{
		V:           AuditVersion,
		Time:        start.UTC(),
		Host:        c.Host,
		Transport:   a.transport(c.Host),
		Line:        line,
		Mutates:     c.Mutates,
		DurationMS:  end.Sub(start).Milliseconds(),
		StdoutBytes: len(res.Stdout),
		StderrBytes: len(res.Stderr),
	}
	switch {
	case err == nil:
		code := res.ExitCode
		rec.ExitCode = &code
	case errors.Is(err, ErrDryRun):
		rec.DryRun = true
	default:
		rec.Error = ErrorClass(err)
	}
	_ = a.log.Write(rec) // kept in a.log.Err(); see Audit
	return res, err
}

// ReadAudit reads the records of an audit log. Unknown fields are ignored
// (later versions may add fields); a record of another version is an error.
// A final line without a
// newline that does not parse is taken to be a record torn by a crash and
// skipped; any other line that does not parse is an error naming its line
// number.
func ReadAudit(r io.Reader) ([]AuditRecord, error) {
	br := bufio.NewReader(r)
	var recs []AuditRecord
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return recs, fmt.Errorf("read audit log: %w", err)
		}
		complete := err == nil
		if len(bytes.TrimSpace(line)) > 0 {
			var rec AuditRecord
			if derr := json.Unmarshal(line, &rec); derr != nil {
				if !complete {
					return recs, nil // torn final line
				}
				return recs, fmt.Errorf("audit log: line %d: %w", n, derr)
			}
			if rec.V != AuditVersion {
				return recs, fmt.Errorf("audit log: line %d: unsupported record version %d", n, rec.V)
			}
			recs = append(recs, rec)
		}
		if !complete {
			return recs, nil
		}
	}
}

func (a *auditor) transport(host string) string {
	if a.o.TransportOf != nil {
		return a.o.TransportOf(host)
	}
	return a.o.Transport
}

// Package journal is the durable record of a fleet migration: every state
// change and nimadm event of every host, appended as it happens, fsync'd
// before the call returns, so that `migrate resume`, `status` and `report`
// can rebuild exactly where a fleet stands after a crash, a kill -9 or a
// Ctrl-C.
//
// # Model
//
// A journal holds the events of one fleet migration. Events are
// append-only and numbered from 1 without gaps ([Event.Seq]). Each names
// the run it belongs to; runs are opened by a [KindRunStarted] event that
// carries a [RunInfo] (ID, start time, inventory path and SHA-256, a
// plan/policy snapshot as opaque JSON, the controller, the nimfleet
// version), taken over by [KindRunResumed] and closed by [KindRunEnded].
//
// Host events drive a per-host state machine ([State], [CanTransition]):
//
//	planned → starting → running → succeeded → [rebooting →] verifying → verified
//	                             ↘ failed → retrying → starting ...
//	                                      ↘ fixing → planned ...
//
// plus excluded (with a reason), stopped and rolled_back. A host in
// starting or running may have a live nimadm ([State.Active]); resume
// re-attaches to it and never starts it again. Around the state changes,
// a nimadm attempt is recorded step by step: [KindAttempt] (attempt
// number, master, remote log path — written before the launch, so a crash
// right after it still knows where to look), [KindLaunched] (the remote
// pid), [KindPhase] (phase n started at t), [KindOffset] (log bytes read
// so far, the point a resumed follower continues from) and [KindExit]
// (exit status and verdict). [KindDiagnosis] stores a failure diagnosis:
// the rule ID, the signature the scheduler compares, and the report as
// opaque JSON. [KindFix] records a remediation; [KindNote] free text.
//
// State is derived, never stored: [HostState] and [Run] are a fold of the
// events (one function, shared by every implementation, run on Append
// and on replay). An event is validated against the state before it is
// written — unknown kinds, unused fields, forbidden transitions, a phase
// that does not advance, a second attempt while the first has no recorded
// exit are refused with [ErrInvalid], and nothing is written — so a
// journal on disk always replays. The events of a host, in order, are its
// timeline ([Journal.Events]).
//
// # Implementations
//
// [File] is the journal on disk; [Mem] keeps it in memory with the same
// validation and fold (tests, dry runs); [FailWritesForTest] wraps either
// so that writes fail, for callers' error paths. One test suite runs
// against all three.
//
// # File format
//
// The file is JSON lines: a header line
//
//	{"nimfleet_journal":1,"created":"2026-03-01T10:00:00Z"}
//
// then one record per line, each carrying its format version:
//
//	{"v":1,"seq":7,"t":"2026-03-01T10:04:10Z","kind":"phase","run":"r1","host":"lpar1","phase":3}
//
// [FormatVersion] is the version this package writes. A reader decodes
// each record with the decoder of its version, so old journals keep
// replaying after an upgrade, and refuses a newer version with
// [ErrVersion] instead of guessing. Within a version, fields may be added
// (old readers ignore them) but never change meaning; a change of meaning
// is a new version with a decoder for the old one. testdata/v1.journal is
// a journal written by format 1 (regenerated with -update only while
// FormatVersion is 1); every later version must still open and replay it
// to testdata/v1.state.json.
//
// # Durability
//
// Append writes the record with a single write(2) on an O_APPEND
// descriptor and fsyncs the file before returning; creating a journal
// fsyncs its directory too. So an acknowledged event survives kill -9 and
// power loss. A crash during an Append leaves at most one torn record at
// the end — a line without its newline — which readers ignore and the next
// writer truncates; a record before the end that cannot be decoded, or a
// gap in the sequence, is corruption ([ErrCorrupt]) and is reported with
// its line number, never repaired silently. If a write or fsync fails,
// the event's fate is unknown, so the journal refuses further Appends
// ([ErrBroken]) until it is reopened and replayed (the fsync-failure
// lesson of databases: never retry an fsync and assume the data is safe).
// The kill -9 test re-executes the test binary, appends in a loop, kills
// it at random points and checks that each time the journal opens and
// holds a gap-free prefix that includes every acknowledged event.
//
// # One writer
//
// [Open] takes an fcntl write lock on PATH.lock (see lock.go): a second
// controller for the same journal — in another process or this one —
// fails at once with a [LockedError] ([IsLocked]; the CLI exits 11) that
// names the holder, or waits up to [Options.LockTimeout]. The kernel
// releases the lock when its process dies, kill -9 included, so there are
// no stale locks to clean up. Readers ([Options.ReadOnly]) take no lock
// and may read while a migration appends: they see a consistent prefix.
//
// # Why not bbolt
//
// go.etcd.io/bbolt was the obvious candidate (ACID, fsync on commit, a
// file lock, pure Go, and it builds for aix/ppc64). It was rejected for
// two properties that matter here:
//
//   - Its file is native-endian (bbolt README, "Caveats & Limitations":
//     "you cannot copy a Bolt file from a little endian machine to a big
//     endian machine"). AIX on POWER is big-endian; nimfleet runs on the
//     NIM master or on a Linux workstation, and a journal must move between
//     them (report on a laptop, resume from the master). A testdata journal
//     generated on amd64 would not even open in the test run on AIX.
//   - Its lock is the data file's lock, and read-only opens take a shared
//     lock (README, "Read-Only Mode"): `nimfleet status` could not read the
//     journal while `migrate` runs, and a reader would block the writer.
//
// The workload needs none of what bbolt adds — a few thousand small
// records per run, written once, read by replay — and JSON lines keep the
// journal portable, greppable and readable with standard tools in an
// incident, which is also what STYLE.md §9 asks for. What bbolt would have
// given for free is implemented and tested here: atomic records (one
// newline-terminated write; torn tails dropped), fsync per record, and a
// kernel lock that dies with its process.
package journal

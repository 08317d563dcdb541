package nimadm

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// What the Tracker recognises in nimadm's output (nimadm.md §3, §5;
// transcripts.md §1). [C] marks formats seen verbatim in a public capture.
var (
	// bannerRule is the line above and below "Executing nimadm phase N.":
	// "+", 77 "-", "+" [C].
	bannerRule = "+" + strings.Repeat("-", 77) + "+"
	// phaseRE is the banner text [C].
	phaseRE = regexp.MustCompile(`^Executing nimadm phase ([0-9]{1,2})\.$`)
	// msgIDRE finds AIX message IDs (0505-187, 0516-1201, 0301-150).
	msgIDRE = regexp.MustCompile(`\b([0-9]{4}-[0-9]{3,4})\b`)
	// fatalRE is nimadm's own error line before its cleanup [C:
	// "0505-187 nimadm: Error cloning altinst_rootvg on client."].
	fatalRE = regexp.MustCompile(`^(0505-[0-9]{3}) nimadm: Error`)
)

const (
	clientCmdPrefix = "Client alt_disk_install command: "                 // [C]
	bootlistPrefix  = "Bootlist is set to the boot disk: "                // [C]
	cleanupMaster   = "Cleaning up alt_disk_migration on the NIM master." // [C]
	// maxLine bounds a line kept for parsing; longer lines are cut.
	maxLine = 64 << 10
)

// EventKind says what a tracker [Event] reports.
type EventKind string

// Event kinds.
const (
	// EventPhase: the banner of phase Phase was seen at At.
	EventPhase EventKind = "phase"
	// EventClientCommand: a "Client alt_disk_install command:" line; Text
	// is the command.
	EventClientCommand EventKind = "client_command"
	// EventMessage: a line with an AIX message ID (ID) other than the SRC
	// start-up messages (0513-xxx).
	EventMessage EventKind = "message"
	// EventFatal: nimadm's own error line ("0505-187 nimadm: Error ..."),
	// after which it cleans up and fails.
	EventFatal EventKind = "fatal"
	// EventCleanup: nimadm started cleaning up on the master (at the end
	// of phase 12, or after an error).
	EventCleanup EventKind = "cleanup"
	// EventBootlist: a "Bootlist is set to the boot disk:" line; Text is
	// the disk and BLV ("hdisk1 blv=hd5").
	EventBootlist EventKind = "bootlist"
)

// Event is something the Tracker recognised in the log.
type Event struct {
	Kind  EventKind
	At    time.Time
	Phase int    // EventPhase: the phase; otherwise the phase it happened in
	ID    string // message ID (EventMessage, EventFatal)
	Text  string // the line, or the part after a known prefix
	// Offset is the log offset just past the line.
	Offset int64
}

// Message is a line with an AIX message ID.
type Message struct {
	ID, Line string
	Phase    int
}

// TrackerOptions configure a Tracker.
type TrackerOptions struct {
	// Started is when the run started (for the start-up phase's ETA and
	// as the first progress time).
	Started time.Time
	// ProgressDeadline is how long the run may print nothing before
	// Stalled reports it; the tracker stretches it to twice the model's
	// estimate of the current phase when that is longer. 0 disables stall
	// detection.
	ProgressDeadline time.Duration
	// Model and Workload drive the ETA and the per-phase stall allowance.
	Model    Model
	Workload Workload
	// Resume continues a run tracked before (by another process): the
	// offset to continue from (a line boundary), the phases already seen.
	Resume *TrackerState
}

// TrackerState is what a follower must persist to resume a run's tracking
// elsewhere: the log offset it processed (always at a line boundary) and
// the phases seen.
type TrackerState struct {
	Offset int64
	Phases []PhaseStart
}

// Tracker follows nimadm's output incrementally. Chunks may split lines
// anywhere; the tracker processes complete lines and keeps the rest. It
// is not safe for concurrent use; time is passed in, never read.
type Tracker struct {
	o            TrackerOptions
	partial      []byte
	offset       int64 // bytes processed as complete lines
	pending      int64 // bytes of the unfinished line (partial may be cut)
	read         int64 // bytes received
	phases       []PhaseStart
	prevRule     bool
	firstLine    bool // the next line is the first after a resume
	lastProgress time.Time
	clientCmd    string
	messages     []Message
	fatal        *Message
	bootlist     string
	cleanup      bool
}

// NewTracker returns a tracker at the start of a run, or at o.Resume.
func NewTracker(o TrackerOptions) *Tracker {
	t := &Tracker{o: o, lastProgress: o.Started}
	if r := o.Resume; r != nil {
		t.offset, t.read = r.Offset, r.Offset
		t.phases = append([]PhaseStart(nil), r.Phases...)
		t.firstLine = r.Offset > 0
	}
	return t
}

// Feed processes a chunk of output received at now and returns the events
// of the complete lines it finished.
func (t *Tracker) Feed(now time.Time, chunk []byte) []Event {
	if len(chunk) == 0 {
		return nil
	}
	t.read += int64(len(chunk))
	t.lastProgress = now
	var evs []Event
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			if len(t.partial) < maxLine {
				t.partial = append(t.partial, chunk[:min(len(chunk), maxLine-len(t.partial))]...)
			}
			t.pending += int64(len(chunk))
			break
		}
		n := i + 1
		var line []byte
		if len(t.partial) > 0 {
			if len(t.partial) < maxLine {
				t.partial = append(t.partial, chunk[:min(i, maxLine-len(t.partial))]...)
			}
			line = t.partial
		} else {
			line = chunk[:min(i, maxLine)]
		}
		t.offset += t.pending + int64(n)
		t.pending = 0
		evs = t.line(now, string(bytes.TrimSuffix(line, []byte("\r"))), evs)
		t.partial = t.partial[:0]
		chunk = chunk[n:]
	}
	return evs
}

// Flush processes a last line without a newline (at the end of a finished
// run) and returns its events.
func (t *Tracker) Flush(now time.Time) []Event {
	if t.pending == 0 {
		return nil
	}
	line := string(t.partial)
	t.offset += t.pending
	t.pending, t.partial = 0, t.partial[:0]
	return t.line(now, line, nil)
}

func (t *Tracker) line(now time.Time, s string, evs []Event) []Event {
	first := t.firstLine
	t.firstLine = false
	rule := s == bannerRule
	defer func() { t.prevRule = rule }()
	ev := func(k EventKind, id, text string) {
		evs = append(evs, Event{Kind: k, At: now, Phase: t.Phase(), ID: id, Text: text, Offset: t.offset})
	}
	if m := matchPhase(s); m != nil && (t.prevRule || first) {
		n, _ := strconv.Atoi(m[1])
		if n >= 1 && n <= Phases && n > t.Phase() {
			t.phases = append(t.phases, PhaseStart{Phase: n, At: now})
			ev(EventPhase, "", s)
		}
		return evs
	}
	switch {
	case strings.HasPrefix(s, clientCmdPrefix):
		t.clientCmd = strings.TrimPrefix(s, clientCmdPrefix)
		ev(EventClientCommand, "", t.clientCmd)
	case strings.HasPrefix(s, bootlistPrefix):
		t.bootlist = strings.TrimPrefix(s, bootlistPrefix)
		ev(EventBootlist, "", t.bootlist)
	case s == cleanupMaster:
		t.cleanup = true
		ev(EventCleanup, "", s)
	}
	id := messageID(s)
	if id == "" {
		return evs
	}
	if m := fatalRE.FindStringSubmatch(s); m != nil {
		msg := Message{ID: m[1], Line: s, Phase: t.Phase()}
		t.messages = append(t.messages, msg)
		if t.fatal == nil {
			t.fatal = &msg
		}
		ev(EventFatal, m[1], s)
		return evs
	}
	if !strings.HasPrefix(id, "0513-") {
		t.messages = append(t.messages, Message{ID: id, Line: s, Phase: t.Phase()})
		ev(EventMessage, id, s)
	}
	return evs
}

func matchPhase(s string) []string {
	if !strings.HasPrefix(s, "Executing nimadm phase ") {
		return nil
	}
	return phaseRE.FindStringSubmatch(s)
}

// messageID returns the first AIX message ID of s (msgIDRE), "" if none.
// A dash between digits is rare in other lines, so most lines are
// rejected without the regexp.
func messageID(s string) string {
	for i := 4; i+3 < len(s); i++ {
		if s[i] == '-' && isDigit(s[i-1]) && isDigit(s[i+1]) {
			if m := msgIDRE.FindStringSubmatch(s); m != nil {
				return m[1]
			}
			return ""
		}
	}
	return ""
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// Phase returns the last phase whose banner was seen, 0 before phase 1.
func (t *Tracker) Phase() int {
	if len(t.phases) == 0 {
		return 0
	}
	return t.phases[len(t.phases)-1].Phase
}

// Phases returns the phases seen, in order.
func (t *Tracker) Phases() []PhaseStart { return append([]PhaseStart(nil), t.phases...) }

// Offset returns the log offset processed, at a line boundary: the point
// to resume from.
func (t *Tracker) Offset() int64 { return t.offset }

// ReadOffset returns the bytes received, including an unfinished line:
// the point to read on from.
func (t *Tracker) ReadOffset() int64 { return t.read }

// State returns what to persist to resume tracking elsewhere.
func (t *Tracker) State() TrackerState {
	return TrackerState{Offset: t.offset, Phases: t.Phases()}
}

// ClientCommand returns the last "Client alt_disk_install command:".
func (t *Tracker) ClientCommand() string { return t.clientCmd }

// Messages returns the lines with message IDs, in order.
func (t *Tracker) Messages() []Message { return append([]Message(nil), t.messages...) }

// Fatal returns nimadm's own error line, nil if none was seen.
func (t *Tracker) Fatal() *Message {
	if t.fatal == nil {
		return nil
	}
	m := *t.fatal
	return &m
}

// Signature identifies the failure for the scheduler: the first 0505-xxx
// message ID seen (the root cause comes before nimadm's own 0505-187),
// else the first other message ID, else "".
func (t *Tracker) Signature() string {
	for _, m := range t.messages {
		if strings.HasPrefix(m.ID, "0505-") {
			return m.ID
		}
	}
	if len(t.messages) > 0 {
		return t.messages[0].ID
	}
	return ""
}

// Bootlist returns the disk of the last "Bootlist is set" line ("hdisk1
// blv=hd5"); after a failure it is the original disk.
func (t *Tracker) Bootlist() string { return t.bootlist }

// Completed reports whether the log shows a complete migration: phase 12
// reached and no nimadm error. The exit status stays authoritative.
func (t *Tracker) Completed() bool { return t.Phase() == Phases && t.fatal == nil }

// StallAfter returns how long the current phase may go without output.
func (t *Tracker) StallAfter() time.Duration {
	if t.o.ProgressDeadline <= 0 {
		return 0
	}
	return max(t.o.ProgressDeadline, 2*t.o.Model.Phase(t.Phase(), t.o.Workload))
}

// Stalled reports whether the run has printed nothing for longer than
// StallAfter, and for how long it has been silent.
func (t *Tracker) Stalled(now time.Time) (bool, time.Duration) {
	silent := now.Sub(t.lastProgress)
	d := t.StallAfter()
	return d > 0 && silent >= d, silent
}

// LastProgress returns when output last arrived.
func (t *Tracker) LastProgress() time.Time { return t.lastProgress }

// ETA returns the expected time left, from the model: what remains of the
// current phase plus the phases after it.
func (t *Tracker) ETA(now time.Time) time.Duration {
	since := t.o.Started
	if n := len(t.phases); n > 0 {
		since = t.phases[n-1].At
	}
	return t.o.Model.Remaining(t.o.Workload, t.Phase(), now.Sub(since))
}

// Progress is a snapshot for status displays.
type Progress struct {
	// Phase of Phases (12); 0 before the first banner.
	Phase, Of int
	// ETA is the expected time left; Silent how long since output came.
	ETA, Silent time.Duration
	Stalled     bool
	// Signature is the failure signature so far ("" when clean).
	Signature string
}

// Progress returns the tracker's state at now.
func (t *Tracker) Progress(now time.Time) Progress {
	stalled, silent := t.Stalled(now)
	return Progress{Phase: t.Phase(), Of: Phases, ETA: t.ETA(now), Silent: silent, Stalled: stalled, Signature: t.Signature()}
}

package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// The file format (see the package documentation, "File format"):
//
//	{"nimfleet_journal":1,"created":"2026-03-01T10:00:00Z"}
//	{"v":1,"seq":1,"t":"2026-03-01T10:00:00Z","kind":"run_started","run":"r1",...}
//	{"v":1,"seq":2,"t":"...","kind":"state","run":"r1","host":"lpar1","to":"planned"}
//
// One JSON object per line, each line ending in "\n". The header names the
// format version the file was created with; every record carries the
// version it was written with ("v"). A reader decodes each record with the
// decoder of its version and refuses versions newer than FormatVersion.
// Field names and meanings never change within a version: a change of
// meaning gets a new version and a decoder from the old one (see
// decodeRecord), and testdata keeps a journal of every past version.

// FormatVersion is the version of the records this package writes.
const FormatVersion = 1

// maxLine bounds one encoded record (Data and Plan are each at most 1 MiB,
// escaping can grow them).
const maxLine = 8 << 20

type header struct {
	Journal int       `json:"nimfleet_journal"`
	Created time.Time `json:"created"`
}

// recordV1 is the on-disk shape of an event, format version 1.
type recordV1 struct {
	V         int             `json:"v"`
	Seq       uint64          `json:"seq"`
	Time      time.Time       `json:"t"`
	Kind      Kind            `json:"kind"`
	Run       string          `json:"run"`
	Host      string          `json:"host,omitempty"`
	To        State           `json:"to,omitempty"`
	Reason    string          `json:"reason,omitempty"`
	Attempt   int             `json:"attempt,omitempty"`
	Master    string          `json:"master,omitempty"`
	Log       string          `json:"log,omitempty"`
	PID       int             `json:"pid,omitempty"`
	Phase     int             `json:"phase,omitempty"`
	Offset    int64           `json:"offset,omitempty"`
	Exit      *int            `json:"exit,omitempty"`
	Outcome   string          `json:"outcome,omitempty"`
	Rule      string          `json:"rule,omitempty"`
	Signature string          `json:"sig,omitempty"`
	Fix       string          `json:"fix,omitempty"`
	Detail    string          `json:"detail,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
	RunInfo   *runInfoV1      `json:"run_info,omitempty"`
}

type runInfoV1 struct {
	ID            string          `json:"id"`
	Started       time.Time       `json:"started"`
	Inventory     string          `json:"inventory,omitempty"`
	InventoryHash string          `json:"inventory_sha256,omitempty"`
	Plan          json.RawMessage `json:"plan,omitempty"`
	Controller    string          `json:"controller,omitempty"`
	Version       string          `json:"version,omitempty"`
}

// encodeRecord returns the line for e, newline included.
func encodeRecord(e *Event) ([]byte, error) {
	r := recordV1{
		V: FormatVersion, Seq: e.Seq, Time: e.Time, Kind: e.Kind, Run: e.Run, Host: e.Host,
		To: e.To, Reason: e.Reason, Attempt: e.Attempt, Master: e.Master, Log: e.Log, PID: e.PID,
		Phase: e.Phase, Offset: e.Offset, Exit: e.Exit, Outcome: e.Outcome, Rule: e.Rule,
		Signature: e.Signature, Fix: e.Fix, Detail: e.Detail, Data: e.Data,
	}
	if ri := e.RunInfo; ri != nil {
		r.RunInfo = &runInfoV1{ID: ri.ID, Started: ri.Started, Inventory: ri.Inventory, InventoryHash: ri.InventoryHash,
			Plan: ri.Plan, Controller: ri.Controller, Version: ri.Version}
	}
	b, err := json.Marshal(&r)
	if err != nil {
		return nil, err
	}
	if len(b)+1 > maxLine {
		return nil, fmt.Errorf("record of %d bytes exceeds %d", len(b)+1, maxLine)
	}
	return append(b, '\n'), nil
}

// decodeRecord decodes one line (without its newline). Every record is
// decoded as the current version first (one pass in the common case),
// then dispatched on its "v".
func decodeRecord(line []byte) (Event, error) {
	var r recordV1
	err := json.Unmarshal(line, &r)
	if err == nil && r.V == 1 {
		return r.event(), nil
	}
	var probe struct {
		V *int `json:"v"`
	}
	if perr := json.Unmarshal(line, &probe); perr != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrCorrupt, perr)
	}
	switch {
	case probe.V == nil:
		return Event{}, fmt.Errorf("%w: record has no version", ErrCorrupt)
	case *probe.V > FormatVersion:
		return Event{}, fmt.Errorf("%w: record version %d, this nimfleet reads up to %d", ErrVersion, *probe.V, FormatVersion)
	case err != nil:
		return Event{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return Event{}, fmt.Errorf("%w: record version %d", ErrCorrupt, *probe.V)
}

func (r *recordV1) event() Event {
	e := Event{
		Seq: r.Seq, Time: r.Time, Kind: r.Kind, Run: r.Run, Host: r.Host,
		To: r.To, Reason: r.Reason, Attempt: r.Attempt, Master: r.Master, Log: r.Log, PID: r.PID,
		Phase: r.Phase, Offset: r.Offset, Exit: r.Exit, Outcome: r.Outcome, Rule: r.Rule,
		Signature: r.Signature, Fix: r.Fix, Detail: r.Detail, Data: r.Data,
	}
	if ri := r.RunInfo; ri != nil {
		e.RunInfo = &RunInfo{ID: ri.ID, Started: ri.Started, Inventory: ri.Inventory, InventoryHash: ri.InventoryHash,
			Plan: ri.Plan, Controller: ri.Controller, Version: ri.Version}
	}
	return e
}

func encodeHeader(created time.Time) []byte {
	b, _ := json.Marshal(header{Journal: FormatVersion, Created: created.UTC()})
	return append(b, '\n')
}

func decodeHeader(line []byte) (header, error) {
	var h header
	if err := json.Unmarshal(line, &h); err != nil || h.Journal == 0 {
		return h, fmt.Errorf("%w: first line is not a nimfleet journal header", ErrCorrupt)
	}
	if h.Journal > FormatVersion {
		return h, fmt.Errorf("%w: created by format %d, this nimfleet reads up to %d", ErrVersion, h.Journal, FormatVersion)
	}
	return h, nil
}

// normalize puts e in the form both implementations store: times in UTC
// without a monotonic reading, JSON compacted.
func normalize(e *Event) error {
	e.Time = e.Time.UTC().Round(0)
	var err error
	if e.Data, err = compact(e.Data); err != nil {
		return fmt.Errorf("data: %v", err)
	}
	if e.RunInfo != nil {
		e.RunInfo.Started = e.RunInfo.Started.UTC().Round(0)
		if e.RunInfo.Plan, err = compact(e.RunInfo.Plan); err != nil {
			return fmt.Errorf("run plan: %v", err)
		}
	}
	return nil
}

func compact(r json.RawMessage) (json.RawMessage, error) {
	if len(r) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, r); err != nil {
		return nil, fmt.Errorf("not valid JSON")
	}
	return buf.Bytes(), nil
}

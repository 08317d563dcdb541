package migrate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/diag"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/nimadm"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// diagnoseAndFail diagnoses a failed attempt from its log (and, where the
// client answers, `lsvg -l rootvg` and `ls -ld /bos_inst`, which tell
// apart causes that print the same message), journals the diagnosis and
// fails the host.
func (w *worker) diagnoseAndFail(ctx context.Context, n int, log []byte, out nimadm.Outcome) error {
	// The run has ended: finish recording it even when the controller is
	// being stopped (every command has its own timeout).
	ctx = context.WithoutCancel(ctx)
	rule, title, sig, data, summary := w.diagnose(ctx, n, log, out)
	if err := w.m.record(journal.Event{Kind: journal.KindDiagnosis, Host: w.name(), Rule: rule, Signature: sig, Data: data, Detail: clip(summary)}); err != nil {
		return err
	}
	return w.m.setState(w.name(), journal.StateFailed, failReason(string(out.Result), out.Phase, rule, title))
}

// extraTimeout bounds the read-only commands run on the client for a
// diagnosis.
const extraTimeout = 30 * time.Second

func (w *worker) diagnose(ctx context.Context, n int, log []byte, out nimadm.Outcome) (rule, title, sig string, data json.RawMessage, summary string) {
	m := w.m
	inputs := []diag.Input{}
	if len(log) > 0 {
		inputs = append(inputs, diag.ReaderInput(fmt.Sprintf("%s:nimadm attempt %d", w.h.Master.Name, n), bytes.NewReader(log)))
	}
	for _, line := range []string{"LC_ALL=C /usr/sbin/lsvg -l rootvg", "LC_ALL=C /usr/bin/ls -ld /bos_inst"} {
		res, err := m.o.Runner.Run(ctx, transport.Command{Host: w.name(), Line: line, Timeout: min(extraTimeout, m.o.CommandTimeout)})
		if err != nil {
			continue
		}
		b := append(append([]byte{}, res.Stdout...), res.Stderr...)
		inputs = append(inputs, diag.ReaderInput(w.name()+":"+strings.TrimPrefix(line, "LC_ALL=C "), bytes.NewReader(b)))
	}
	var rep *diag.Report
	if len(log) > 0 {
		var err error
		rep, err = m.diag.Diagnose(ctx, inputs...)
		if err != nil {
			rep = nil
		}
	}
	if rep != nil && rep.Status == diag.StatusFailure && len(rep.Diagnoses) > 0 {
		d := rep.Diagnoses[0]
		rule, title, sig = d.Rule, d.Title, d.Rule
		summary = d.Title
		if fix, why := FixForRule(d.Rule); fix != "" {
			summary += "; fix: " + fix
		} else {
			summary += "; no automatic fix: " + why
		}
	} else {
		sig = out.Signature
		if sig == "" && rep != nil {
			for _, id := range rep.MessageIDs {
				if strings.HasPrefix(id.ID, "0505-") {
					sig = id.ID
					break
				}
			}
		}
		if sig == "" {
			sig = string(out.Result)
		}
		summary = "no rule explains the failure"
		if rep != nil {
			summary = rep.Summary
		}
		if len(log) == 0 {
			summary = "the nimadm log could not be read"
		}
	}
	if rep != nil {
		data = reportJSON(rep)
	}
	return rule, title, sig, data, summary
}

// maxReport keeps a diagnosis report under the journal's limit for Data.
const maxReport = 512 << 10

// reportJSON returns the report as JSON, cut down to its diagnoses'
// essentials when it is too large for the journal.
func reportJSON(rep *diag.Report) json.RawMessage {
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err == nil && b.Len() <= maxReport {
		return json.RawMessage(bytes.TrimSpace(b.Bytes()))
	}
	type brief struct {
		Rule, Title, Cause string
		Fix                []string
	}
	short := struct {
		SchemaVersion int     `json:"schema_version"`
		Status        string  `json:"status"`
		Summary       string  `json:"summary"`
		Truncated     bool    `json:"truncated"`
		Diagnoses     []brief `json:"diagnoses"`
	}{rep.SchemaVersion, string(rep.Status), rep.Summary, true, nil}
	for i, d := range rep.Diagnoses {
		if i == 3 {
			break
		}
		short.Diagnoses = append(short.Diagnoses, brief{d.Rule, d.Title, d.Cause, d.Fix.Commands})
	}
	out, _ := json.Marshal(short)
	return out
}

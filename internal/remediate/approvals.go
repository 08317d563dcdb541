package remediate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nimfleet/nimfleet/internal/names"
)

// An approvals file lets the destructive actions (see [Destructive]) run
// on named hosts. Like leapp's answer file it records a human decision,
// per host, with who took it and why:
//
//	approvals:
//	  - host: lpar042
//	    action: FIX-OLDROOTVG
//	    approved_by: jdoe
//	    reason: CHG0012345, rollback window closed
//	    expires: 2025-12-31        # optional: valid through that day (UTC)
//	  - {host: lpar043, action: FIX-EFIX, labels: [IJ20785s2a], approved_by: jdoe, reason: tcpdump fix superseded by 7.3}
//
// Decoding is strict: unknown keys, missing fields, placeholders left in
// (<name>), unknown or non-destructive actions and duplicates are errors
// naming file:line, all reported at once.

// Approval is one entry of an approvals file.
type Approval struct {
	Host   string `json:"host"`
	Action string `json:"action"`
	// Labels are the efix labels a FIX-EFIX approval covers; the action
	// removes only labels listed here.
	Labels     []string `json:"labels,omitempty"`
	ApprovedBy string   `json:"approved_by"`
	Reason     string   `json:"reason"`
	// Expires is the end of the approval's validity; zero means none.
	Expires time.Time `json:"-"`
	// ExpiresText is Expires as written.
	ExpiresText string `json:"expires,omitempty"`
	File        string `json:"file"`
	Line        int    `json:"line"`
}

// Where returns "file:line".
func (a *Approval) Where() string { return fmt.Sprintf("%s:%d", a.File, a.Line) }

// Approvals is a parsed approvals file. It records which entries matched
// an action, so that unused ones can be reported. The zero value (and
// nil) approves nothing.
type Approvals struct {
	File string
	List []*Approval

	mu   sync.Mutex
	used map[*Approval]bool
}

// ApprovalError is one problem in an approvals file.
type ApprovalError struct {
	File string
	Line int
	Msg  string
}

func (e *ApprovalError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// LoadApprovals reads and parses the approvals file at path.
func LoadApprovals(path string) (*Approvals, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("approvals: %w", err)
	}
	return ParseApprovals(path, data)
}

// ParseApprovals decodes an approvals file strictly; file names it in
// errors. Every problem is reported (errors.Join of *ApprovalError).
func ParseApprovals(file string, data []byte) (*Approvals, error) {
	p := &approvalParser{file: file}
	out := &Approvals{File: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return out, nil // an empty file approves nothing
		}
		return nil, &ApprovalError{File: file, Msg: err.Error()}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &ApprovalError{File: file, Line: extra.Line, Msg: "only one YAML document is allowed"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root.Line, "want a mapping with the key approvals")
		return nil, p.err()
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "approvals":
			if list != nil {
				p.errorf(k.Line, "duplicate key approvals")
				continue
			}
			list = v
		default:
			p.errorf(k.Line, "unknown key %q (want approvals)", k.Value)
		}
	}
	if list != nil && !(list.Kind == yaml.ScalarNode && list.Tag == "!!null") {
		if list.Kind != yaml.SequenceNode {
			p.errorf(list.Line, "approvals: want a list")
		} else {
			first := map[string]int{}
			for _, item := range list.Content {
				a := p.approval(item)
				if a == nil {
					continue
				}
				key := a.Host + "\x00" + a.Action
				if l, dup := first[key]; dup {
					p.errorf(a.Line, "second approval of %s for %s (the first is at line %d)", a.Action, a.Host, l)
					continue
				}
				first[key] = a.Line
				out.List = append(out.List, a)
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

type approvalParser struct {
	file string
	errs []error
}

func (p *approvalParser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &ApprovalError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (p *approvalParser) err() error { return errors.Join(p.errs...) }

// text returns a scalar's value, or reports what is wrong with it.
func (p *approvalParser) text(key string, v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.errorf(v.Line, "%s: want a single value", key)
		return "", false
	}
	s := strings.TrimSpace(v.Value)
	if s == "" {
		p.errorf(v.Line, "%s: must not be empty", key)
		return "", false
	}
	if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		p.errorf(v.Line, "%s: replace the placeholder %s", key, s)
		return "", false
	}
	return s, true
}

func (p *approvalParser) approval(n *yaml.Node) *Approval {
	if n.Kind != yaml.MappingNode {
		p.errorf(n.Line, "approval: want a mapping with host, action, approved_by and reason")
		return nil
	}
	a := &Approval{File: p.file, Line: n.Line}
	seen := map[string]bool{}
	ok := true
	var labelsLine int
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			p.errorf(k.Line, "duplicate key %s", k.Value)
			ok = false
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "host":
			s, good := p.text("host", v)
			if good {
				if strings.ContainsAny(s, `*?[\`) {
					p.errorf(v.Line, "host: approvals are per host; name one host, not the pattern %q", s)
					good = false
				} else if err := names.Host(s); err != nil {
					p.errorf(v.Line, "host: %v", err)
					good = false
				}
			}
			a.Host, ok = s, ok && good
		case "action":
			s, good := p.text("action", v)
			if good {
				act, known := Lookup(strings.ToUpper(s))
				switch {
				case !known:
					p.errorf(v.Line, "action: unknown action %q (approvals exist for %s)", s, strings.Join(destructiveIDs(), ", "))
					good = false
				case !isDestructive(act):
					p.errorf(v.Line, "action: %s runs without approval; only %s need one", act.ID(), strings.Join(destructiveIDs(), ", "))
					good = false
				default:
					s = act.ID()
				}
			}
			a.Action, ok = s, ok && good
		case "labels":
			labelsLine = v.Line
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				p.errorf(v.Line, "labels: want a list of efix labels")
				ok = false
				continue
			}
			for _, l := range v.Content {
				s, good := p.text("labels", l)
				if good {
					if err := names.Label(s); err != nil {
						p.errorf(l.Line, "labels: %v", err)
						good = false
					}
				}
				ok = ok && good
				a.Labels = append(a.Labels, s)
			}
		case "approved_by":
			s, good := p.text("approved_by", v)
			a.ApprovedBy, ok = s, ok && good
		case "reason":
			s, good := p.text("reason", v)
			a.Reason, ok = s, ok && good
		case "expires":
			s, good := p.text("expires", v)
			if good {
				t, err := parseExpiry(s)
				if err != nil {
					p.errorf(v.Line, "expires: %v", err)
					good = false
				}
				a.Expires, a.ExpiresText = t, s
			}
			ok = ok && good
		default:
			p.errorf(k.Line, "unknown key %q (want host, action, labels, approved_by, reason, expires)", k.Value)
			ok = false
		}
	}
	for _, req := range []string{"host", "action", "approved_by", "reason"} {
		if !seen[req] {
			p.errorf(n.Line, "approval: missing %s", req)
			ok = false
		}
	}
	if a.Action == FixEfix.ID() && !seen["labels"] {
		p.errorf(n.Line, "approval: FIX-EFIX needs labels: the efix labels it may remove")
		ok = false
	}
	if seen["labels"] && a.Action != "" && a.Action != FixEfix.ID() {
		p.errorf(labelsLine, "labels: only FIX-EFIX approvals take labels")
		ok = false
	}
	if !ok {
		return nil
	}
	sort.Strings(a.Labels)
	return a
}

// parseExpiry reads a date (valid through that day, UTC) or an RFC 3339
// time.
func parseExpiry(s string) (time.Time, error) {
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return d.Add(24 * time.Hour), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("want a date YYYY-MM-DD or an RFC 3339 time, got %q", s)
}

func isDestructive(a Action) bool { _, ok := a.(Destructive); return ok }

func destructiveIDs() []string {
	var out []string
	for _, a := range all {
		if isDestructive(a) {
			out = append(out, a.ID())
		}
	}
	return out
}

// Match returns the approval for action on host that covers subjects
// and has not expired at now, and records it as used. Without one it
// returns nil and why.
func (as *Approvals) Match(host, action string, subjects []string, now time.Time) (*Approval, string) {
	if as == nil {
		return nil, "no approvals file given (--approvals)"
	}
	for _, a := range as.List {
		if a.Host != host || a.Action != action {
			continue
		}
		if !a.Expires.IsZero() && !now.Before(a.Expires) {
			return nil, fmt.Sprintf("the approval at %s expired (%s)", a.Where(), a.ExpiresText)
		}
		var missing []string
		for _, s := range subjects {
			if !contains(a.Labels, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Sprintf("the approval at %s does not name %s", a.Where(), strings.Join(missing, " "))
		}
		as.mu.Lock()
		if as.used == nil {
			as.used = map[*Approval]bool{}
		}
		as.used[a] = true
		as.mu.Unlock()
		return a, ""
	}
	return nil, "no approval for " + host + " in " + as.File
}

// Unused returns the approvals that matched no action, in file order.
func (as *Approvals) Unused() []*Approval {
	if as == nil {
		return nil
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	var out []*Approval
	for _, a := range as.List {
		if !as.used[a] {
			out = append(out, a)
		}
	}
	return out
}

// ApprovalLine returns the approvals-file entry that would approve action
// on host, with placeholders for the human parts (decoding rejects them
// until they are replaced).
func ApprovalLine(host, action string, subjects []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- {host: %s, action: %s, ", host, action)
	if len(subjects) > 0 {
		fmt.Fprintf(&b, "labels: [%s], ", strings.Join(subjects, ", "))
	}
	b.WriteString("approved_by: <name>, reason: <why>}")
	return b.String()
}

package check

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// Waiver accepts a known finding: for the hosts matching Hosts, a fail or
// unknown result of Check becomes waived.
type Waiver struct {
	// Hosts are globs (path.Match syntax) matched against inventory names.
	Hosts []string `json:"hosts"`
	// Check is the canonical check ID (an alias in the file is resolved).
	Check string `json:"check"`
	// Reason is required: why the finding is acceptable.
	Reason string `json:"reason"`
	// Expires is the last day the waiver applies, YYYY-MM-DD (UTC), or "".
	Expires string `json:"expires,omitempty"`
	// File and Line say where the waiver is written.
	File string `json:"file"`
	Line int    `json:"line"`

	expiry time.Time // the day after Expires, 00:00 UTC; zero: never
}

// Where returns "file:line".
func (w *Waiver) Where() string { return fmt.Sprintf("%s:%d", w.File, w.Line) }

// Expired reports whether the waiver's last day is before now's day (UTC).
func (w *Waiver) Expired(now time.Time) bool {
	return !w.expiry.IsZero() && !now.UTC().Before(w.expiry)
}

// Matches reports whether host matches one of the waiver's globs.
func (w *Waiver) Matches(host string) bool {
	for _, p := range w.Hosts {
		if ok, _ := path.Match(p, host); ok {
			return true
		}
	}
	return false
}

// Waivers is a parsed waiver file.
type Waivers struct {
	File string
	List []*Waiver
}

// WaiverError is one problem in a waiver file.
type WaiverError struct {
	File string
	Line int // 0 when the problem has no single line
	Msg  string
}

func (e *WaiverError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// MaxWaiverFile is the largest waiver file accepted.
const MaxWaiverFile = 4 << 20

// LoadWaivers reads and parses a waiver file; see [ParseWaivers].
func LoadWaivers(file string, canonical func(id string) (string, bool)) (*Waivers, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("load waivers: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxWaiverFile+1))
	if err != nil {
		return nil, fmt.Errorf("load waivers: %w", err)
	}
	return ParseWaivers(file, data, canonical)
}

var (
	waiverTopKeys  = []string{"version", "waivers"}
	waiverKeys     = []string{"hosts", "check", "reason", "expires"}
	yamlLineRE     = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	waiverDateForm = "2006-01-02"
)

// ParseWaivers parses a waiver file strictly: unknown keys, missing or
// empty reasons, malformed globs, unknown check IDs (canonical resolves an
// ID or alias; nil accepts any well-formed ID) and bad dates are errors.
// Every problem is reported, each as "name:line: message", joined.
func ParseWaivers(name string, data []byte, canonical func(id string) (string, bool)) (ws *Waivers, err error) {
	defer func() {
		// The YAML library is third-party code fed with user input.
		if p := recover(); p != nil {
			ws, err = nil, &WaiverError{File: name, Msg: fmt.Sprintf("cannot parse YAML: %v", p)}
		}
	}()
	if len(data) > MaxWaiverFile {
		return nil, &WaiverError{File: name, Msg: fmt.Sprintf("file is larger than %d bytes", MaxWaiverFile)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return &Waivers{File: name}, nil // an empty file waives nothing
		}
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &WaiverError{File: name, Line: line, Msg: "yaml: " + m[2]}
		}
		return nil, &WaiverError{File: name, Msg: err.Error()}
	}
	p := &waiverParser{file: name, canonical: canonical}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	ws = &Waivers{File: name}
	for _, kv := range p.mapping(root, "the waiver file", waiverTopKeys) {
		switch kv.key {
		case "version":
			if kv.val.Kind != yaml.ScalarNode || kv.val.Value != "1" {
				p.errorf(kv.val, "version: want 1")
			}
		case "waivers":
			if kv.val.Kind != yaml.SequenceNode {
				p.errorf(kv.val, "waivers: want a list")
				continue
			}
			for _, item := range kv.val.Content {
				if w := p.waiver(item); w != nil {
					ws.List = append(ws.List, w)
				}
			}
		}
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		out := make([]error, len(p.errs))
		for i, e := range p.errs {
			out[i] = e
		}
		return nil, errors.Join(out...)
	}
	return ws, nil
}

type waiverParser struct {
	file      string
	canonical func(string) (string, bool)
	errs      []*WaiverError
}

func (p *waiverParser) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &WaiverError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

type keyVal struct {
	key     string
	keyNode *yaml.Node
	val     *yaml.Node
}

// mapping returns the pairs of a mapping node, reporting unknown and
// duplicate keys.
func (p *waiverParser) mapping(n *yaml.Node, what string, allowed []string) []keyVal {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping", what)
		return nil
	}
	seen := map[string]bool{}
	var out []keyVal
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := false
		for _, a := range allowed {
			ok = ok || a == k.Value
		}
		switch {
		case !ok:
			p.errorf(k, "unknown key %q in %s (want %s)", k.Value, what, strings.Join(allowed, ", "))
		case seen[k.Value]:
			p.errorf(k, "duplicate key %q in %s", k.Value, what)
		default:
			seen[k.Value] = true
			out = append(out, keyVal{key: k.Value, keyNode: k, val: v})
		}
	}
	return out
}

func (p *waiverParser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, "%s: want a string", what)
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

func (p *waiverParser) waiver(n *yaml.Node) *Waiver {
	w := &Waiver{File: p.file, Line: n.Line}
	nerr := len(p.errs)
	has := map[string]bool{}
	for _, kv := range p.mapping(n, "a waiver", waiverKeys) {
		has[kv.key] = true
		switch kv.key {
		case "hosts":
			var globs []*yaml.Node
			switch kv.val.Kind {
			case yaml.ScalarNode:
				globs = []*yaml.Node{kv.val}
			case yaml.SequenceNode:
				globs = kv.val.Content
				if len(globs) == 0 {
					p.errorf(kv.val, "hosts: want at least one host name or glob")
				}
			default:
				p.errorf(kv.val, "hosts: want a host glob or a list of them")
			}
			for _, g := range globs {
				s, ok := p.str(g, "hosts")
				if !ok {
					continue
				}
				if _, err := path.Match(s, ""); err != nil || s == "" {
					p.errorf(g, "hosts: bad glob %q", s)
					continue
				}
				w.Hosts = append(w.Hosts, s)
			}
		case "check":
			s, ok := p.str(kv.val, "check")
			if !ok {
				continue
			}
			if !ValidID(s) {
				p.errorf(kv.val, "check: %q is not a check ID (want PRE- and four digits)", s)
				continue
			}
			if p.canonical != nil {
				c, ok := p.canonical(s)
				if !ok {
					p.errorf(kv.val, "check: unknown check %s (see 'nimfleet check explain')", s)
					continue
				}
				s = c
			}
			w.Check = s
		case "reason":
			if s, ok := p.str(kv.val, "reason"); ok {
				if s == "" {
					p.errorf(kv.val, "reason: must not be empty")
				}
				w.Reason = s
			}
		case "expires":
			s, ok := p.str(kv.val, "expires")
			if !ok {
				continue
			}
			d, err := time.Parse(waiverDateForm, s)
			if err != nil {
				p.errorf(kv.val, "expires: want a date YYYY-MM-DD, got %q", s)
				continue
			}
			w.Expires, w.expiry = s, d.AddDate(0, 0, 1)
		}
	}
	if n.Kind == yaml.MappingNode {
		for _, k := range []string{"hosts", "check", "reason"} {
			if !has[k] {
				p.errorf(n, "waiver: missing %s", k)
			}
		}
	}
	if len(p.errs) > nerr {
		return nil
	}
	return w
}

// WaiverRun applies waivers during one run and records which were used.
// It is safe for concurrent use.
type WaiverRun struct {
	ws   *Waivers
	now  time.Time
	mu   sync.Mutex
	used map[*Waiver]int
}

// Start begins a run at time now (expiry is judged against it). A nil
// *Waivers gives a run that waives nothing.
func (ws *Waivers) Start(now time.Time) *WaiverRun {
	return &WaiverRun{ws: ws, now: now, used: map[*Waiver]int{}}
}

// Apply waives r on host when r is a fail or an unknown and a waiver that
// has not expired matches; it reports whether it did.
func (wr *WaiverRun) Apply(host string, r *Result) bool {
	if wr == nil || wr.ws == nil || (r.Status != Fail && r.Status != Unknown) {
		return false
	}
	for _, w := range wr.ws.List {
		if w.Check != r.ID || w.Expired(wr.now) || !w.Matches(host) {
			continue
		}
		wr.mu.Lock()
		wr.used[w]++
		wr.mu.Unlock()
		r.WaivedStatus, r.Status = r.Status, Waived
		r.Waiver = w
		r.Reason = "waived (" + w.Where() + "): " + w.Reason
		return true
	}
	return false
}

// Used returns how many results each waiver waived (waivers that waived
// nothing are absent).
func (wr *WaiverRun) Used(w *Waiver) int {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	return wr.used[w]
}

// Unmatched returns the waivers that have not expired and waived nothing,
// in file order.
func (wr *WaiverRun) Unmatched() []*Waiver {
	if wr == nil || wr.ws == nil {
		return nil
	}
	var out []*Waiver
	for _, w := range wr.ws.List {
		if !w.Expired(wr.now) && wr.Used(w) == 0 {
			out = append(out, w)
		}
	}
	return out
}

// Expired returns the waivers whose last day has passed, in file order.
func (wr *WaiverRun) Expired() []*Waiver {
	if wr == nil || wr.ws == nil {
		return nil
	}
	var out []*Waiver
	for _, w := range wr.ws.List {
		if w.Expired(wr.now) {
			out = append(out, w)
		}
	}
	return out
}

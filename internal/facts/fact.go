package facts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Source is the evidence behind a fact: the probe that produced it and what
// the probe printed.
type Source struct {
	Probe   string `json:"probe"`
	Command string `json:"command"`
	Exit    int    `json:"exit"`
	// Output is the probe's merged stdout and stderr.
	Output []byte `json:"-"`
}

// Lines returns the probe's output lines that contain any of subs (all
// lines when subs is empty), at most max of them (0 means 20).
func (s *Source) Lines(max int, subs ...string) []string {
	if s == nil {
		return nil
	}
	if max <= 0 {
		max = 20
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(s.Output), "\n"), "\n") {
		if l == "" && len(subs) > 0 {
			continue
		}
		keep := len(subs) == 0
		for _, sub := range subs {
			if strings.Contains(l, sub) {
				keep = true
				break
			}
		}
		if keep {
			out = append(out, l)
			if len(out) == max {
				break
			}
		}
	}
	return out
}

// Fact is one typed fact about a host. A fact is either known, with its
// Value, or unknown, with the Reason; never a guess.
type Fact[T any] struct {
	Value  T
	Known  bool
	Reason string
	Src    *Source
}

// Get returns the value and whether it is known.
func (f Fact[T]) Get() (T, bool) { return f.Value, f.Known }

// MarshalJSON writes {"value": ...} for a known fact and
// {"unknown": "reason"} for an unknown one.
func (f Fact[T]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if f.Known {
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.WriteString(`{"value":`)
		b.Write(v)
	} else {
		r, _ := json.Marshal(f.Reason)
		b.WriteString(`{"unknown":`)
		b.Write(r)
	}
	if f.Src != nil {
		p, _ := json.Marshal(f.Src.Command)
		b.WriteString(`,"command":`)
		b.Write(p)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func known[T any](v T, src *Source) Fact[T] { return Fact[T]{Value: v, Known: true, Src: src} }

func unknown[T any](src *Source, format string, args ...any) Fact[T] {
	return Fact[T]{Reason: fmt.Sprintf(format, args...), Src: src}
}

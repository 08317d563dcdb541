package shell

import (
	"strconv"
	"strings"
)

// Word expansion: parameters are substituted, then the results of unquoted
// substitutions are split into fields on blanks (IFS is fixed at space, tab
// and newline). There is no globbing: an unquoted *, ? or [ produced by a
// substitution is refused, since ksh would expand it against the file system.

const ifs = " \t\n"

const errWordTooLong = "a word expands to more than 1 MiB"

// param returns the value of a parameter: a variable, $0..$9, $?, $!, $$
// or $#. Unset parameters are empty.
func (s *session) param(name string) string {
	switch name {
	case "?":
		return strconv.Itoa(s.status)
	case "!":
		return s.lastBg
	case "$":
		return strconv.Itoa(s.pid)
	case "#":
		return strconv.Itoa(len(s.params) - 1)
	}
	if c := name[0]; c >= '0' && c <= '9' {
		if i := int(c - '0'); i < len(s.params) {
			return s.params[i]
		}
		return ""
	}
	return s.lookupVar(name)
}

// expandFields expands w as a command argument. It returns no field for a
// word that is only unquoted substitutions of empty values, and a message
// when the lab refuses the result.
func (s *session) expandFields(w *word) ([]string, string) {
	var (
		fields []string
		cur    strings.Builder
		have   bool // cur is a field, even if empty ("" or '')
		size   int
	)
	flush := func() {
		if have {
			fields = append(fields, cur.String())
		}
		cur.Reset()
		have = false
	}
	for _, p := range w.parts {
		v := p.text
		if p.kind == partParam {
			v = s.param(p.text)
		}
		if size += len(v); size > maxWord {
			return nil, errWordTooLong
		}
		if p.kind != partParam || p.quoted {
			cur.WriteString(v)
			have = true
			continue
		}
		if strings.ContainsAny(v, "*?[") {
			return nil, "globbing is not supported (the value of $" + p.text + " has *, ? or [)"
		}
		if v == "" {
			continue
		}
		if strings.ContainsRune(ifs, rune(v[0])) {
			flush()
		}
		for i, f := range strings.FieldsFunc(v, isIFS) {
			if i > 0 {
				flush()
			}
			cur.WriteString(f)
			have = true
		}
		if strings.ContainsRune(ifs, rune(v[len(v)-1])) {
			flush()
		}
	}
	flush()
	return fields, ""
}

func isIFS(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }

// expandString expands w without field splitting, as ksh does for
// assignments and redirection targets. ksh globs a redirection target
// (target true), so an unquoted substitution there must not yield *, ? or [.
func (s *session) expandString(w *word, target bool) (string, string) {
	var b strings.Builder
	for _, p := range w.parts {
		v := p.text
		if p.kind == partParam {
			v = s.param(p.text)
			if target && !p.quoted && strings.ContainsAny(v, "*?[") {
				return "", "globbing is not supported (the value of $" + p.text + " has *, ? or [)"
			}
		}
		if b.Len()+len(v) > maxWord {
			return "", errWordTooLong
		}
		b.WriteString(v)
	}
	return b.String(), ""
}

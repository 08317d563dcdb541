package shell

import (
	"fmt"
	"strings"
)

// maxNesting bounds how deeply commands may nest (subshells, groups).
const maxNesting = 50

// ParseError tells why a script, or the rest of it from Line on, cannot run.
type ParseError struct {
	// Line is the line of the script (counting from 1) where the problem was
	// found.
	Line int
	// Unsupported is set when the script uses a construct outside the lab's
	// ksh subset (it may be valid ksh). Otherwise the script is not valid ksh
	// and Msg is the text of ksh's syntax error.
	Unsupported bool
	// Msg describes the problem, without the line number.
	Msg string

	// Syntax errors only: the line ksh names in "at line N" (for an
	// unmatched quote or bracket, the line it was opened on).
	atLine int
}

// Error returns the line number and Msg.
func (e *ParseError) Error() string {
	if e.Unsupported {
		return fmt.Sprintf("line %d: not supported by the lab shell: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: syntax error: %s", e.Line, e.Msg)
}

func unsupported(line int, msg string) *ParseError {
	return &ParseError{Line: line, Unsupported: true, Msg: msg}
}

// unexpected is ksh's "`TOKEN' unexpected" syntax error.
func unexpected(line int, tok string) *ParseError {
	return &ParseError{Line: line, atLine: line, Msg: "`" + tok + "' is not expected"}
}

// unmatched is ksh's "`TOKEN' unmatched" syntax error for a quote or bracket
// opened on atLine and still open at the end of the script (line).
func unmatched(line, atLine int, tok string) *ParseError {
	return &ParseError{Line: line, atLine: atLine, Msg: "`" + tok + "' is not matched"}
}

// Check parses script as [Run] would and reports the first syntax error or
// unsupported construct, or nil. Constructs that are only detected while the
// script runs (a glob character inside a variable's value, a nested
// "sh -c" string) are not checked.
func Check(script string) error {
	if len(script) > MaxScriptSize {
		return unsupported(1, errTooLong)
	}
	if _, err := parseScript(script); err != nil {
		return err
	}
	return nil
}

// parser is a recursive-descent parser over the lexer's tokens.
type parser struct {
	lx      *lexer
	tok     token // the current token
	prevEnd int   // end offset of the previous token
	opens   []opener
	depth   int
}

// opener is an open "(" or "{" waiting for its closer.
type opener struct {
	tok  string
	line int
}

// parseScript parses src into lines. On a syntax error it returns the lines
// before the one in error, as ksh would have run them; on an unsupported
// construct the caller runs nothing.
func parseScript(src string) ([]*list, *ParseError) {
	p := &parser{lx: newLexer(src)}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var lines []*list
	for {
		if err := p.skipNewlines(); err != nil {
			return lines, err
		}
		if p.tok.kind == tEOF {
			return lines, nil
		}
		l, err := p.line()
		if err != nil {
			return lines, err
		}
		lines = append(lines, l)
	}
}

func (p *parser) advance() *ParseError {
	p.prevEnd = p.tok.end
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) skipNewlines() *ParseError {
	for p.tok.kind == tNewline {
		if err := p.advance(); err != nil {
			return err
		}
	}
	return nil
}

// unexpected reports the current token as a syntax error; at the end of the
// script an open bracket is reported as unmatched instead.
func (p *parser) unexpected() *ParseError {
	if p.tok.kind == tEOF {
		if n := len(p.opens); n > 0 {
			o := p.opens[n-1]
			return unmatched(p.tok.line, o.line, o.tok)
		}
		return unexpected(p.tok.line, "end of file") // [U] ksh88's name for EOF
	}
	return unexpected(p.tok.line, p.tok.text)
}

// line parses one top-level line: and-or lists separated by ";" or "&",
// ended by a newline or the end of the script.
func (p *parser) line() (*list, *ParseError) {
	l := &list{}
	for {
		ao, err := p.andOr()
		if err != nil {
			return nil, err
		}
		item := listItem{andOr: ao}
		switch p.tok.kind {
		case tSemi, tAmp:
			item.bg = p.tok.kind == tAmp
			l.items = append(l.items, item)
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.tok.kind == tNewline || p.tok.kind == tEOF {
				return l, nil
			}
		case tNewline, tEOF:
			l.items = append(l.items, item)
			return l, nil
		default:
			return nil, p.unexpected()
		}
	}
}

// atCloser reports whether the current token closes a "(" or "{" group.
func (p *parser) atCloser(closer string) bool {
	if closer == ")" {
		return p.tok.kind == tRParen
	}
	if p.tok.kind != tWord {
		return false
	}
	s, ok := p.tok.word.literal()
	return ok && s == closer
}

// compoundList parses the body of "( ... )" or "{ ... }" up to the closer,
// which it leaves as the current token.
func (p *parser) compoundList(closer string) (*list, *ParseError) {
	l := &list{}
	if err := p.skipNewlines(); err != nil {
		return nil, err
	}
	for {
		if p.atCloser(closer) {
			if len(l.items) == 0 {
				return nil, p.unexpected()
			}
			return l, nil
		}
		ao, err := p.andOr()
		if err != nil {
			return nil, err
		}
		item := listItem{andOr: ao}
		switch p.tok.kind {
		case tSemi, tAmp, tNewline:
			item.bg = p.tok.kind == tAmp
			if err := p.advance(); err != nil {
				return nil, err
			}
			if err := p.skipNewlines(); err != nil {
				return nil, err
			}
		default:
			if !p.atCloser(closer) {
				return nil, p.unexpected()
			}
		}
		l.items = append(l.items, item)
	}
}

func (p *parser) andOr() (*andOr, *ParseError) {
	pl, err := p.pipeline()
	if err != nil {
		return nil, err
	}
	ao := &andOr{first: pl}
	for p.tok.kind == tAndIf || p.tok.kind == tOrIf {
		and := p.tok.kind == tAndIf
		if err := p.advance(); err != nil {
			return nil, err
		}
		if err := p.skipNewlines(); err != nil {
			return nil, err
		}
		pl, err := p.pipeline()
		if err != nil {
			return nil, err
		}
		ao.rest = append(ao.rest, andOrPart{and: and, p: pl})
	}
	return ao, nil
}

func (p *parser) pipeline() (*pipeline, *ParseError) {
	pl := &pipeline{}
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		pl.cmds = append(pl.cmds, c)
		if p.tok.kind != tPipe {
			return pl, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if err := p.skipNewlines(); err != nil {
			return nil, err
		}
	}
}

// reserved holds the ksh88 reserved words (plus "!" and "[[") that the lab
// does not support; "{" and "}" are handled by the parser.
var reserved = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "fi": true,
	"case": true, "esac": true, "for": true, "while": true, "until": true,
	"do": true, "done": true, "function": true, "select": true, "time": true,
	"[[": true, "]]": true, "!": true,
}

func (p *parser) command() (command, *ParseError) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, unsupported(p.tok.line, "commands are nested too deeply")
	}
	switch p.tok.kind {
	case tLParen:
		if p.tok.double {
			return nil, unsupported(p.tok.line, "arithmetic commands ((...)) are not supported")
		}
		line := p.tok.line
		body, err := p.bracketed("(", ")")
		if err != nil {
			return nil, err
		}
		redirs, err := p.trailingRedirs()
		if err != nil {
			return nil, err
		}
		return &subshell{body: body, redirs: redirs, line: line}, nil
	case tWord:
		s, ok := p.tok.word.literal()
		switch {
		case ok && s == "{":
			line := p.tok.line
			body, err := p.bracketed("{", "}")
			if err != nil {
				return nil, err
			}
			redirs, err := p.trailingRedirs()
			if err != nil {
				return nil, err
			}
			return &group{body: body, redirs: redirs, line: line}, nil
		case ok && s == "}":
			return nil, p.unexpected()
		case ok && reserved[s]:
			return nil, unsupported(p.tok.line, "the ksh keyword `"+s+"' is not supported (no if, case, for, while, until, select, functions, time, ! or [[ ]])")
		}
		return p.simple()
	case tRedir:
		return p.simple()
	}
	return nil, p.unexpected()
}

// bracketed parses "open list closer" starting at the opener.
func (p *parser) bracketed(open, closer string) (*list, *ParseError) {
	p.opens = append(p.opens, opener{tok: open, line: p.tok.line})
	if err := p.advance(); err != nil {
		return nil, err
	}
	body, err := p.compoundList(closer)
	if err != nil {
		return nil, err
	}
	p.opens = p.opens[:len(p.opens)-1]
	if err := p.advance(); err != nil {
		return nil, err
	}
	return body, nil
}

// trailingRedirs parses the redirections after ")" or "}"; a word there is
// a syntax error.
func (p *parser) trailingRedirs() ([]redir, *ParseError) {
	var rs []redir
	for p.tok.kind == tRedir {
		r, err := p.redirect()
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	if p.tok.kind == tWord || p.tok.kind == tLParen {
		return nil, p.unexpected()
	}
	return rs, nil
}

// redirect parses a redirection operator and its target.
func (p *parser) redirect() (redir, *ParseError) {
	t := p.tok
	if err := p.advance(); err != nil {
		return redir{}, err
	}
	if p.tok.kind != tWord {
		return redir{}, p.unexpected()
	}
	w := p.tok.word
	if err := p.advance(); err != nil {
		return redir{}, err
	}
	r := redir{fd: t.fd, target: w}
	switch t.op {
	case ">":
		r.op = redirOut
	case ">>":
		r.op = redirAppend
	case "<":
		r.op = redirIn
	case ">&", "<&":
		r.op, r.target = redirDup, nil
		s, ok := w.literal()
		switch {
		case ok && len(s) == 1 && s[0] >= '0' && s[0] <= '2':
			r.from = int(s[0] - '0')
		case ok && s == "-":
			return redir{}, unsupported(t.line, "closing a descriptor ("+t.text+"-) is not supported")
		default:
			return redir{}, unsupported(t.line, "the redirection "+t.text+w.src+" is not supported (only [n]>&m and [n]<&m with n, m in 0, 1, 2)")
		}
	}
	if r.fd < 0 {
		r.fd = 1
		if t.op[0] == '<' {
			r.fd = 0
		}
	}
	return r, nil
}

// simple parses a simple command: assignments, words and redirections.
func (p *parser) simple() (command, *ParseError) {
	sc := &simpleCmd{line: p.tok.line}
	start := p.tok.pos
loop:
	for {
		switch p.tok.kind {
		case tRedir:
			r, err := p.redirect()
			if err != nil {
				return nil, err
			}
			sc.redirs = append(sc.redirs, r)
		case tWord:
			w := p.tok.word
			if len(sc.words) == 0 {
				if a, ok := splitAssign(w); ok {
					sc.assigns = append(sc.assigns, a)
					if err := p.advance(); err != nil {
						return nil, err
					}
					continue
				}
			}
			sc.words = append(sc.words, w)
			if err := p.advance(); err != nil {
				return nil, err
			}
		default:
			break loop
		}
	}
	sc.src = p.lx.src[start:p.prevEnd]
	if p.tok.kind == tLParen {
		if len(sc.words) == 1 && len(sc.assigns) == 0 && len(sc.redirs) == 0 && p.lx.nextNonBlank() == ')' {
			return nil, unsupported(p.tok.line, "function definitions are not supported")
		}
		return nil, p.unexpected()
	}
	if err := checkSimple(sc); err != nil {
		return nil, err
	}
	return sc, nil
}

// splitAssign splits a "NAME=value" word; the name must be unquoted.
func splitAssign(w *word) (assign, bool) {
	prefix := w.litPrefix()
	i := strings.IndexByte(prefix, '=')
	if i <= 0 || !isName(prefix[:i]) {
		return assign{}, false
	}
	v := &word{src: w.src[i+1:]}
	v.parts = append(v.parts, w.parts...)
	if rest := prefix[i+1:]; rest != "" {
		v.parts[0] = part{kind: partLit, text: rest}
	} else {
		v.parts = v.parts[1:]
	}
	return assign{name: prefix[:i], value: v}, true
}

// checkSimple rejects, before anything runs, the constructs of a simple
// command that ksh would treat differently from the lab.
func checkSimple(sc *simpleCmd) *ParseError {
	bad := func(msg string) *ParseError { return unsupported(sc.line, msg+": "+sc.src) }
	if len(sc.words) > 0 {
		if name, ok := sc.words[0].staticText(); ok {
			if msg := rejectedName(name); msg != "" {
				return unsupported(sc.line, msg)
			}
		}
	}
	targets := append([]*word(nil), sc.words...)
	for _, r := range sc.redirs {
		if r.target != nil {
			targets = append(targets, r.target)
		}
	}
	for _, w := range targets {
		for _, pt := range w.parts {
			if pt.kind == partLit && strings.ContainsAny(pt.text, "*?[") {
				return bad("globbing is not supported")
			}
		}
		if strings.HasPrefix(w.litPrefix(), "~") {
			return bad("tilde expansion is not supported")
		}
	}
	values := make([]assign, 0, len(sc.assigns))
	values = append(values, sc.assigns...)
	if len(sc.words) > 0 {
		if name, _ := sc.words[0].staticText(); name == "export" {
			for _, w := range sc.words[1:] { // export NAME=~ expands the tilde
				if a, ok := splitAssign(w); ok {
					values = append(values, a)
				}
			}
		}
	}
	for _, a := range values {
		if strings.HasPrefix(a.value.litPrefix(), "~") {
			return bad("tilde expansion is not supported")
		}
		for _, pt := range a.value.parts {
			if pt.kind == partLit && strings.Contains(pt.text, ":~") {
				return bad("tilde expansion is not supported")
			}
		}
	}
	for _, a := range sc.assigns {
		if a.name == "IFS" {
			return bad("setting IFS is not supported")
		}
	}
	return nil
}

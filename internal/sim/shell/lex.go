package shell

import "strings"

// The lexer splits a script into tokens the way ksh88 does: words (with
// their quoting kept as parts), operators, redirections and newlines.
// Constructs outside the lab subset are reported here as soon as they are
// seen (backquotes, $( ), here-documents, co-processes, &>).

type tokKind int

const (
	tEOF     tokKind = iota
	tWord            // a word; tok.word holds its parts
	tNewline         // "\n"
	tSemi            // ";"
	tDSemi           // ";;"
	tAmp             // "&"
	tAndIf           // "&&"
	tPipe            // "|"
	tOrIf            // "||"
	tLParen          // "("
	tRParen          // ")"
	tRedir           // ">", ">>", "<", ">&", "<&", with an optional fd
)

// token is one lexical token. text is its source form for messages.
type token struct {
	kind tokKind
	text string
	line int // line the token starts on
	pos  int // byte offset of the token in the script
	end  int // byte offset just after the token
	word *word
	// tRedir: the descriptor (-1 when none was typed) and the operator.
	fd int
	op string
	// tLParen: a second "(" follows at once ("((" starts ksh arithmetic).
	double bool
}

// lexer reads tokens from src on demand; line counts newlines seen so far.
type lexer struct {
	src  string
	pos  int
	line int
}

func newLexer(src string) *lexer { return &lexer{src: src, line: 1} }

func (lx *lexer) peekByte(off int) byte {
	if lx.pos+off < len(lx.src) {
		return lx.src[lx.pos+off]
	}
	return 0
}

func (lx *lexer) atEOF() bool { return lx.pos >= len(lx.src) }

// skipBlanks skips spaces, tabs, backslash-newline continuations and a
// comment that starts at a token boundary.
func (lx *lexer) skipBlanks() {
	for !lx.atEOF() {
		switch c := lx.src[lx.pos]; {
		case c == ' ' || c == '\t':
			lx.pos++
		case c == '\\' && lx.peekByte(1) == '\n':
			lx.pos += 2
			lx.line++
		case c == '#':
			for !lx.atEOF() && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
		default:
			return
		}
	}
}

// nextNonBlank reports the byte after blanks without consuming anything.
func (lx *lexer) nextNonBlank() byte {
	save, saveLine := lx.pos, lx.line
	lx.skipBlanks()
	c := lx.peekByte(0)
	lx.pos, lx.line = save, saveLine
	return c
}

// isMeta reports whether c ends an unquoted word.
func isMeta(c byte) bool {
	switch c {
	case ' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>':
		return true
	}
	return false
}

// next returns the next token.
func (lx *lexer) next() (token, *ParseError) {
	lx.skipBlanks()
	t := token{line: lx.line, pos: lx.pos, fd: -1}
	if lx.atEOF() {
		t.kind, t.end = tEOF, lx.pos
		return t, nil
	}
	c := lx.src[lx.pos]
	two := lx.peekByte(1)
	op := func(k tokKind, n int) (token, *ParseError) {
		t.kind = k
		t.text = lx.src[lx.pos : lx.pos+n]
		lx.pos += n
		t.end = lx.pos
		return t, nil
	}
	switch c {
	case '\n':
		t.kind, t.text = tNewline, "newline"
		lx.pos++
		lx.line++
		t.end = lx.pos
		return t, nil
	case ';':
		if two == ';' {
			return op(tDSemi, 2)
		}
		return op(tSemi, 1)
	case '&':
		if two == '&' {
			return op(tAndIf, 2)
		}
		if two == '>' {
			return t, unsupported(lx.line, "&> is not supported (ksh88 reads \"cmd &> f\" as \"cmd &\" then \"> f\"); use \"> f 2>&1\"")
		}
		return op(tAmp, 1)
	case '|':
		if two == '|' {
			return op(tOrIf, 2)
		}
		if two == '&' {
			return t, unsupported(lx.line, "co-processes (|&) are not supported")
		}
		return op(tPipe, 1)
	case '(':
		t.double = two == '('
		return op(tLParen, 1)
	case ')':
		return op(tRParen, 1)
	case '<', '>':
		return lx.redirection(t)
	}
	return lx.word(t)
}

// redirection reads a redirection operator at lx.pos; t.fd is already set
// when a descriptor digit preceded it.
func (lx *lexer) redirection(t token) (token, *ParseError) {
	rest := lx.src[lx.pos:]
	var op string
	switch {
	case strings.HasPrefix(rest, "<<"):
		return t, unsupported(lx.line, "here-documents (<<) are not supported")
	case strings.HasPrefix(rest, "<>"):
		return t, unsupported(lx.line, "the <> redirection is not supported")
	case strings.HasPrefix(rest, ">|"):
		return t, unsupported(lx.line, "the >| redirection is not supported")
	case strings.HasPrefix(rest, ">>"), strings.HasPrefix(rest, ">&"), strings.HasPrefix(rest, "<&"):
		op = rest[:2]
	default:
		op = rest[:1]
	}
	lx.pos += len(op)
	t.kind = tRedir
	t.op = op
	t.text = lx.src[t.pos:lx.pos]
	t.end = lx.pos
	return t, nil
}

// word reads a word starting at lx.pos. A word of digits directly followed
// by "<" or ">" is a descriptor number and yields a redirection token.
func (lx *lexer) word(t token) (token, *ParseError) {
	b := &wordBuilder{}
	startLine := lx.line
	for !lx.atEOF() {
		c := lx.src[lx.pos]
		if isMeta(c) {
			break
		}
		switch c {
		case '\\':
			switch {
			case lx.peekByte(1) == '\n':
				lx.pos += 2
				lx.line++
			case lx.pos+1 >= len(lx.src):
				b.lit(partLit, "\\")
				lx.pos++
			default:
				b.lit(partQuoted, lx.src[lx.pos+1:lx.pos+2])
				lx.pos += 2
			}
		case '\'':
			end := strings.IndexByte(lx.src[lx.pos+1:], '\'')
			if end < 0 {
				return t, unmatched(lx.endLine(), lx.line, "'")
			}
			s := lx.src[lx.pos+1 : lx.pos+1+end]
			b.lit(partQuoted, s)
			lx.line += strings.Count(s, "\n")
			lx.pos += end + 2
		case '"':
			if err := lx.doubleQuoted(b); err != nil {
				return t, err
			}
		case '`':
			return t, unsupported(lx.line, "command substitution (`...`) is not supported")
		case '$':
			if err := lx.dollar(b, false); err != nil {
				return t, err
			}
		default:
			n := lx.pos + 1
			for n < len(lx.src) && !isMeta(lx.src[n]) && !strings.ContainsRune("\\'\"`$", rune(lx.src[n])) {
				n++
			}
			b.lit(partLit, lx.src[lx.pos:n])
			lx.pos = n
		}
	}
	b.flush()
	w := &b.w
	t.end = lx.pos
	t.text = lx.src[t.pos:t.end]
	w.src = t.text
	if c := lx.peekByte(0); (c == '<' || c == '>') && isDigits(w) {
		if s, _ := w.literal(); len(s) != 1 || s[0] > '2' {
			return t, unsupported(startLine, "file descriptor "+t.text+" is not supported (only 0, 1 and 2)")
		}
		t.fd = int(t.text[0] - '0')
		return lx.redirection(t)
	}
	t.kind = tWord
	t.word = w
	return t, nil
}

// endLine is the line number at the end of the script, where an unmatched
// quote is noticed.
func (lx *lexer) endLine() int {
	return lx.line + strings.Count(lx.src[lx.pos:], "\n")
}

func isDigits(w *word) bool {
	s, ok := w.literal()
	if !ok || s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// wordBuilder collects a word's parts, merging adjacent literal text of
// the same kind without quadratic copying.
type wordBuilder struct {
	w    word
	kind int
	buf  strings.Builder
	open bool // buf holds a part of kind, possibly empty
}

// lit appends literal text of kind (partLit or partQuoted). An empty
// quoted text still makes a part: "" is an empty word, not no word.
func (b *wordBuilder) lit(kind int, text string) {
	if b.open && b.kind != kind {
		b.flush()
	}
	b.kind, b.open = kind, true
	b.buf.WriteString(text)
}

// param appends a parameter expansion.
func (b *wordBuilder) param(name string, quoted bool) {
	b.flush()
	b.w.parts = append(b.w.parts, part{kind: partParam, text: name, quoted: quoted})
}

func (b *wordBuilder) flush() {
	if b.open {
		b.w.parts = append(b.w.parts, part{kind: b.kind, text: b.buf.String()})
		b.buf.Reset()
		b.open = false
	}
}

// doubleQuoted reads "..." at lx.pos into b. Inside, a backslash quotes
// only $ ` " \ and newline; other backslashes stay.
func (lx *lexer) doubleQuoted(b *wordBuilder) *ParseError {
	openLine := lx.line
	lx.pos++
	b.lit(partQuoted, "")
	for {
		if lx.atEOF() {
			return unmatched(lx.line, openLine, `"`)
		}
		c := lx.src[lx.pos]
		switch c {
		case '"':
			lx.pos++
			return nil
		case '\\':
			switch n := lx.peekByte(1); n {
			case '$', '`', '"', '\\':
				b.lit(partQuoted, string(n))
				lx.pos += 2
			case '\n':
				lx.pos += 2
				lx.line++
			default:
				b.lit(partQuoted, "\\")
				lx.pos++
			}
		case '`':
			return unsupported(lx.line, "command substitution (`...`) is not supported")
		case '$':
			if err := lx.dollar(b, true); err != nil {
				return err
			}
		default:
			if c == '\n' {
				lx.line++
			}
			b.lit(partQuoted, lx.src[lx.pos:lx.pos+1])
			lx.pos++
		}
	}
}

// dollar reads a parameter expansion at lx.pos (which holds "$") into b.
// A "$" that starts no expansion is literal, as in ksh88.
func (lx *lexer) dollar(b *wordBuilder, quoted bool) *ParseError {
	lit := partLit
	if quoted {
		lit = partQuoted
	}
	c := lx.peekByte(1)
	param := func(name string, n int) *ParseError {
		b.param(name, quoted)
		lx.pos += n
		return nil
	}
	switch {
	case c == '(':
		if lx.peekByte(2) == '(' {
			return unsupported(lx.line, "arithmetic expansion $((...)) is not supported")
		}
		return unsupported(lx.line, "command substitution $(...) is not supported")
	case c == '{':
		end := strings.IndexByte(lx.src[lx.pos:], '}')
		if end < 0 {
			return unsupported(lx.line, "unterminated ${")
		}
		inner := lx.src[lx.pos+2 : lx.pos+end]
		if !simpleParam(inner) {
			return unsupported(lx.line, "parameter expansion ${"+inner+"} is not supported (only ${NAME}, ${0}..${9}, ${?}, ${!}, ${$}, ${#})")
		}
		return param(inner, end+1)
	case c == '*' || c == '@' || c == '-' || c == '_' && !isNameByte(lx.peekByte(2)):
		return unsupported(lx.line, "the parameter $"+string(c)+" is not supported")
	case c == '?' || c == '!' || c == '$' || c == '#' || c >= '0' && c <= '9':
		return param(string(c), 2)
	case isNameStart(c):
		n := 2
		for isNameByte(lx.peekByte(n)) {
			n++
		}
		return param(lx.src[lx.pos+1:lx.pos+n], n)
	}
	b.lit(lit, "$")
	lx.pos++
	return nil
}

// simpleParam reports whether s may appear inside ${...} in the subset.
func simpleParam(s string) bool {
	switch {
	case len(s) == 1 && strings.ContainsAny(s, "?!$#0123456789"):
		return true
	case s == "_":
		return false
	}
	return isName(s)
}

func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNameByte(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

// isName reports whether s is a valid variable name.
func isName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

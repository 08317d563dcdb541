package diag

// The hot path. Most log lines contain no message ID and none of the
// literals the rules look for, so every line goes through two cheap scans
// before any regular expression runs:
//
//   - scanIDs finds message IDs (0505-218) with bytes.IndexByte on '-';
//   - an Aho-Corasick automaton, case-folded over ASCII, finds every literal
//     that some rule's regular expression requires (extracted from the
//     regexp/syntax tree by requiredLiterals), plus the segmenter's markers
//     and the error keywords.
//
// A condition's regular expression runs only on lines where its message ID
// or one of its required literals occurs. The prefilter may let through
// lines that then fail the regex (folding, literal elsewhere in the line);
// it never drops a line the regex would match.

import (
	"bytes"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// minLiteral is the shortest literal worth prefiltering on; shorter ones
// occur on too many lines to help.
const minLiteral = 3

// requiredLiterals returns lower-case ASCII strings such that every match
// of the expression contains at least one of them (ignoring ASCII case), or
// nil when no such set of useful literals exists.
func requiredLiterals(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	set := reqLits(re.Simplify())
	if len(set) == 0 {
		return nil
	}
	return set
}

func reqLits(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return literalPiece(re)
	case syntax.OpCapture:
		return reqLits(re.Sub[0])
	case syntax.OpPlus:
		return reqLits(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reqLits(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		// Adjacent literals form a longer literal; then pick the factor
		// with the best worst-case literal.
		var best []string
		var run []rune
		var runFold bool
		flush := func() {
			if len(run) == 0 {
				return
			}
			lit := &syntax.Regexp{Op: syntax.OpLiteral, Rune: run}
			if runFold {
				lit.Flags = syntax.FoldCase
			}
			best = better(best, literalPiece(lit))
			run = nil
		}
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				fold := sub.Flags&syntax.FoldCase != 0
				if len(run) > 0 && fold != runFold {
					flush()
				}
				runFold = fold
				run = append(run, sub.Rune...)
				continue
			}
			flush()
			best = better(best, reqLits(sub))
		}
		flush()
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			s := reqLits(sub)
			if s == nil {
				return nil
			}
			all = append(all, s...)
		}
		return dedupe(all)
	}
	return nil
}

// literalPiece turns a literal into a prefilter string. Case-folded
// literals lose the letters k and s, which also fold to non-ASCII runes
// (U+212A KELVIN SIGN, U+017F LONG S) that the ASCII automaton would miss;
// the longest remaining piece is used.
func literalPiece(re *syntax.Regexp) []string {
	s := string(re.Rune)
	if !isASCII(s) {
		// Keep the longest ASCII run; non-ASCII bytes are matched exactly
		// by the automaton only if unfolded, so drop them.
		s = longestPiece(s, func(r rune) bool { return r >= utf8.RuneSelf })
	}
	if re.Flags&syntax.FoldCase != 0 {
		s = longestPiece(s, func(r rune) bool { return r == 'k' || r == 'K' || r == 's' || r == 'S' })
	}
	if len(s) < minLiteral {
		return nil
	}
	return []string{strings.ToLower(s)}
}

func longestPiece(s string, cut func(rune) bool) string {
	best, cur := "", strings.Builder{}
	for _, r := range s {
		if cut(r) {
			if cur.Len() > len(best) {
				best = cur.String()
			}
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	if cur.Len() > len(best) {
		best = cur.String()
	}
	return best
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// better picks the more selective literal set: the one whose shortest
// literal is longer; on a tie, the one with fewer literals.
func better(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	ma, mb := minLen(a), minLen(b)
	if mb > ma || (mb == ma && len(b) < len(a)) {
		return b
	}
	return a
}

func minLen(ss []string) int {
	m := -1
	for _, s := range ss {
		if m < 0 || len(s) < m {
			m = len(s)
		}
	}
	return m
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// acMatcher is an Aho-Corasick automaton with a dense transition table over
// byte classes. Input bytes are folded: upper-case ASCII letters share the
// class of their lower-case letter.
type acMatcher struct {
	class [256]uint16
	nc    int32 // number of classes
	// next maps state*nc+class to the next state, encoded as
	// (state*nc)<<1 | 1 if that state has outputs.
	next []int32
	out  [][]int32 // by state
}

func buildAC(pats []string) *acMatcher {
	m := &acMatcher{}
	// Byte classes: class 0 for bytes in no pattern.
	m.nc = 1
	for _, p := range pats {
		for i := 0; i < len(p); i++ {
			b := p[i]
			if m.class[b] == 0 {
				m.class[b] = uint16(m.nc)
				m.nc++
			}
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		m.class[b] = m.class[b+'a'-'A']
	}
	// Trie.
	type node struct {
		child map[uint16]int32
		out   []int32
	}
	nodes := []node{{child: map[uint16]int32{}}}
	for pi, p := range pats {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := m.class[p[i]]
			n, ok := nodes[s].child[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{child: map[uint16]int32{}})
				nodes[s].child[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, int32(pi))
	}
	// BFS: failure links and the complete transition function, first with
	// plain state numbers, then encoded.
	nc := m.nc
	trans := make([]int32, int32(len(nodes))*nc)
	m.out = make([][]int32, len(nodes))
	fail := make([]int32, len(nodes))
	queue := []int32{}
	for c := int32(0); c < nc; c++ {
		if n, ok := nodes[0].child[uint16(c)]; ok {
			trans[c] = n
			queue = append(queue, n)
		}
	}
	m.out[0] = nodes[0].out
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.out[s] = append(append([]int32(nil), nodes[s].out...), m.out[fail[s]]...)
		for c := int32(0); c < nc; c++ {
			if n, ok := nodes[s].child[uint16(c)]; ok {
				if s != 0 {
					fail[n] = trans[fail[s]*nc+c]
				}
				trans[s*nc+c] = n
				queue = append(queue, n)
			} else if s != 0 {
				trans[s*nc+c] = trans[fail[s]*nc+c]
			}
		}
	}
	for i := range m.out {
		if len(m.out[i]) == 0 {
			m.out[i] = nil
		}
	}
	m.next = make([]int32, len(trans))
	for i, t := range trans {
		v := (t * nc) << 1
		if m.out[t] != nil {
			v |= 1
		}
		m.next[i] = v
	}
	return m
}

// scan appends to dst the index of every pattern occurring in b (a pattern
// may be reported more than once) and returns dst.
func (m *acMatcher) scan(b []byte, dst []int32) []int32 {
	next, class := m.next, &m.class
	v := int32(0)
	for _, c := range b {
		v = next[v>>1+int32(class[c])]
		if v&1 != 0 {
			dst = append(dst, m.out[(v>>1)/m.nc]...)
		}
	}
	return dst
}

// idSpan is the position of a message ID in a line.
type idSpan struct{ start, end int }

// scanIDs appends the message IDs in b: four digits whose value is a known
// prefix, '-', three or four digits, with word boundaries on both sides
// (the regex \b(0042|...)-[0-9]{3,4}\b without running a regex).
func scanIDs(b []byte, prefix *[10000]bool, dst []idSpan) []idSpan {
	for i := 4; i < len(b); {
		j := bytes.IndexByte(b[i:], '-')
		if j < 0 {
			break
		}
		p := i + j
		i = p + 1
		d0, d1, d2, d3 := b[p-4], b[p-3], b[p-2], b[p-1]
		if !isDigit(d0) || !isDigit(d1) || !isDigit(d2) || !isDigit(d3) {
			continue
		}
		if p >= 5 && isWordByte(b[p-5]) {
			continue
		}
		n := 0
		for p+1+n < len(b) && n < 5 && isDigit(b[p+1+n]) {
			n++
		}
		if n < 3 || n > 4 {
			continue
		}
		end := p + 1 + n
		if end < len(b) && isWordByte(b[end]) {
			continue
		}
		v := int(d0-'0')*1000 + int(d1-'0')*100 + int(d2-'0')*10 + int(d3-'0')
		if !prefix[v] {
			continue
		}
		dst = append(dst, idSpan{p - 4, end})
		i = end
	}
	return dst
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

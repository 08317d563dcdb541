package diag

// Streaming scan of one input. Memory is bounded by the rule set, not by
// the input: lines are read through a fixed buffer (longer lines are cut),
// only the current run's state is kept (plus the runs selected for the
// report), context comes from a small ring of recent lines, and the lists
// the report shows (error lines, message IDs) are capped.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

const (
	maxLine      = 64 << 10 // longer lines are cut here; the rest is skipped
	maxText      = 512      // evidence and context lines are clipped here
	sniffSize    = 8 << 10  // binary detection looks at this much
	ctxBefore    = 2        // context lines before evidence
	ctxAfter     = 2        // and after
	ringSize     = 4        // >= ctxBefore
	maxErrLines  = 200      // error lines kept per run
	maxIDs       = 256      // distinct message IDs counted per run
	maxEvidence  = 12       // evidence items per diagnosis
	cancelStride = 1 << 13  // lines between context checks
)

// hit is a condition's matching line.
type hit struct {
	ok    bool
	input string
	line  int
	text  string
	caps  []capture
}

type capture struct{ name, value string }

type ctxLine struct {
	line int
	text string
}

// instance is one occurrence of a rule's trigger line, waiting for its
// "within" window to close.
type instance struct {
	input        string
	line         int
	text         string
	caps         []capture
	phase        int
	altPhase     int
	phaseUnknown bool
	cmd          string
	before       []ctxLine
	after        []ctxLine
	afterWant    int
	closeAt      int
	near         uint64
	nearHits     []hit
}

type ruleRun struct {
	open   []*instance
	anchor *instance
	count  int
}

type errLine struct {
	line  int
	text  string
	conds []int32
}

type idCount struct {
	id    string
	count int
	line  int
}

// candidate is a rule that matched a run, before scope-inputs conditions
// and confidence adjustments are applied at the end.
type candidate struct {
	rule   *compiledRule
	anchor *instance
	count  int
	hits   map[int32]hit
}

// runResult is what is kept of a run for the report.
type runResult struct {
	input      string
	inputIdx   int
	index      int
	of         int
	start, end int
	started    string
	kinds      kindMask
	phase      int // current nimadm phase
	maxPhase   int
	altPhase   int
	lastCmd    ctxLine
	facts      factSet
	ids        []*idCount
	idIdx      map[string]*idCount
	idOverflow int
	errLines   []errLine
	errTotal   int
	plain      int // stored error lines that matched no condition
	// plainDropped counts error lines that matched no condition and were
	// not stored: they are unexplained whatever matches.
	plainDropped int
	cands        []candidate
	mbStatus     string // multibos "Return Status": "success", "failure" or ""
	hasStart     bool   // began at a run-start marker
}

// diagState is the state of one Diagnose call.
type diagState struct {
	e          *Engine
	opts       Options
	inputFirst []hit // scope-inputs conditions: first hit anywhere
	facts      factSet
	inputs     []InputSummary
	runs       []*runResult
}

func newDiagState(e *Engine, opts Options) *diagState {
	return &diagState{e: e, opts: opts, inputFirst: make([]hit, len(e.conds))}
}

type ringEntry struct {
	line int
	buf  []byte
}

type scanner struct {
	st   *diagState
	e    *Engine
	name string

	lineNo   int
	run      *runResult
	runCount int
	kept     []*runResult
	last     *runResult

	first   []hit     // run-scope conditions: first hit in this run
	lastHit []hit     // within conditions: latest hit in this run
	rr      []ruleRun // per rule
	ring    [ringSize]ringEntry
	ringN   int
	pending []*instance // waiting for after-context
	nOpen   int
	minOpen int // smallest closeAt of open instances

	dateLine   ctxLine // last date line seen, for the next "cmd:" run
	dateAge    int     // non-blank lines since
	promptCmd  ctxLine // last shell-prompt command
	promptAge  int
	stanza     ctxLine // last "name:" line (lsnim -l)
	bannerLine int     // last +---+ line

	// scratch, reused for every line
	ids      []idSpan
	pats     []int32
	cands    []int32
	stamp    []uint32
	gen      uint32
	hitConds []int32
	nulBuf   []byte
}

func (st *diagState) scanInput(ctx context.Context, name string, r io.Reader) error {
	e := st.e
	sum := InputSummary{Name: name}
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		readerPool.Put(br)
	}()
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if why := binaryReason(head); why != "" {
		sum.Skipped = why
		st.inputs = append(st.inputs, sum)
		return nil
	}
	s := &scanner{
		st:      st,
		e:       e,
		name:    name,
		first:   make([]hit, len(e.conds)),
		lastHit: make([]hit, len(e.conds)),
		rr:      make([]ruleRun, len(e.rules)),
		stamp:   make([]uint32, len(e.conds)),
	}
	for i := range s.ring {
		s.ring[i].buf = make([]byte, 0, maxText)
	}
	s.newRun(false)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			sum.Bytes += int64(len(line))
			// The slice points into the reader's buffer: use it before
			// reading on.
			s.line(line)
			if errors.Is(err, bufio.ErrBufferFull) {
				sum.LongLines++
				n, skipErr := skipRest(br)
				sum.Bytes += n
				if skipErr != nil && !errors.Is(skipErr, io.EOF) {
					return fmt.Errorf("read %s: %w", name, skipErr)
				}
				err = skipErr
			}
			if s.lineNo%cancelStride == 0 {
				if cerr := ctx.Err(); cerr != nil {
					return cerr
				}
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			return fmt.Errorf("read %s: %w", name, err)
		}
	}
	s.endRun()
	if s.last != nil {
		s.kept = append(s.kept, s.last)
	}
	for _, rr := range s.kept {
		rr.of = s.runCount
		rr.inputIdx = len(st.inputs)
	}
	sum.Lines = s.lineNo
	sum.Runs = s.runCount
	if s.lineNo == 0 {
		s.kept = nil
		sum.Runs = 0
	}
	if st.opts.Run > s.runCount && s.lineNo > 0 {
		sum.Note = fmt.Sprintf("run %d asked for, but the input has %d", st.opts.Run, s.runCount)
	}
	st.inputs = append(st.inputs, sum)
	st.runs = append(st.runs, s.kept...)
	return nil
}

// readerPool recycles the 64 KiB line buffers between inputs and calls.
var readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, maxLine) }}

// skipRest discards the rest of an over-long line.
func skipRest(br *bufio.Reader) (int64, error) {
	var n int64
	for {
		b, err := br.ReadSlice('\n')
		n += int64(len(b))
		if !errors.Is(err, bufio.ErrBufferFull) {
			return n, err
		}
	}
}

// binaryReason says why content is not a text log, or "" if it is one.
// NUL bytes alone do not make a file binary: alog files and logs of a
// crashed system carry NUL padding; the scanner drops NULs.
func binaryReason(head []byte) string {
	if len(head) == 0 {
		return ""
	}
	var nonNUL, ctrl, high int
	for _, c := range head {
		switch {
		case c == 0:
			continue
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != '\b' && c != 0x1b, c == 0x7f:
			ctrl++
		case c >= 0x80:
			high++
		}
		nonNUL++
	}
	if nonNUL == 0 {
		return ""
	}
	if ctrl*50 > nonNUL {
		return fmt.Sprintf("binary data (%d control bytes in the first %d)", ctrl, len(head))
	}
	if high*10 > nonNUL*3 && !utf8.Valid(trimPartialRune(head)) {
		return fmt.Sprintf("binary data (%d non-ASCII bytes in the first %d, not UTF-8)", high, len(head))
	}
	return ""
}

func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && i < len(b); i++ {
		if utf8.RuneStart(b[len(b)-1-i]) {
			if !utf8.FullRune(b[len(b)-1-i:]) {
				return b[:len(b)-1-i]
			}
			break
		}
	}
	return b
}

// newRun starts a run. hasStart says it begins at a run-start marker.
func (s *scanner) newRun(hasStart bool) {
	s.runCount++
	s.run = &runResult{
		input:    s.name,
		index:    s.runCount,
		start:    s.lineNo + 1,
		idIdx:    map[string]*idCount{},
		hasStart: hasStart,
	}
	clear(s.first)
	clear(s.lastHit)
	for i := range s.rr {
		s.rr[i] = ruleRun{}
	}
	s.pending = s.pending[:0]
	s.nOpen = 0
}

// startRun handles a run-start marker on the current line; the new run
// begins at line at (the current line, or an earlier line that belongs to
// it such as the date line of an alt_disk_inst.log record). Lines before the
// first marker of an input belong to the first run.
func (s *scanner) startRun(k Kind, at int) {
	r := s.run
	if !r.hasStart {
		r.hasStart = true
		r.kinds |= kindBit(k)
		return
	}
	at = max(at, r.start+1)
	cur := s.lineNo
	s.lineNo = at - 1
	s.endRun()
	s.newRun(true)
	s.lineNo = cur
	s.run.kinds |= kindBit(k)
}

// endRun closes the current run: pending trigger windows are closed, the
// matched rules are collected, and the run is kept if selected.
func (s *scanner) endRun() {
	r := s.run
	r.end = s.lineNo
	s.closeInstances(true)
	for i, cr := range s.e.rules {
		rr := &s.rr[i]
		if rr.anchor == nil || cr.Informational {
			continue
		}
		if cr.sources != 0 && r.kinds&cr.sources == 0 {
			continue
		}
		hits := map[int32]hit{}
		ok := true
		for _, ci := range cr.runConds {
			c := s.e.conds[ci]
			h := s.first[ci]
			switch c.role {
			case roleWith:
				ok = ok && h.ok
			case roleWithout:
				ok = ok && !h.ok
			}
			if h.ok {
				hits[ci] = h
			}
		}
		if !ok {
			continue
		}
		for slot, ci := range cr.near {
			if rr.anchor.near&(1<<slot) != 0 {
				hits[ci] = rr.anchor.nearHits[slot]
			}
		}
		r.cands = append(r.cands, candidate{rule: cr, anchor: rr.anchor, count: rr.count, hits: hits})
	}
	s.st.facts.merge(&r.facts)
	switch {
	case s.st.opts.AllRuns:
		s.kept = append(s.kept, r)
	case s.st.opts.Run > 0:
		if r.index == s.st.opts.Run {
			s.kept = append(s.kept, r)
		}
	default:
		s.last = r
	}
}

// line processes one input line (with its newline, if any).
func (s *scanner) line(raw []byte) {
	s.lineNo++
	t := raw
	if n := len(t); n > 0 && t[n-1] == '\n' {
		t = t[:n-1]
	}
	if n := len(t); n > 0 && t[n-1] == '\r' {
		t = t[:n-1]
	}
	if bytes.IndexByte(t, 0) >= 0 {
		s.nulBuf = s.nulBuf[:0]
		for _, c := range t {
			if c != 0 {
				s.nulBuf = append(s.nulBuf, c)
			}
		}
		t = s.nulBuf
	}
	if s.nOpen > 0 && s.lineNo > s.minOpen {
		s.closeInstances(false)
	}
	if len(t) == 79 && isBanner(t) {
		s.bannerLine = s.lineNo
		s.push(t)
		return
	}
	e := s.e
	s.pats = e.ac.scan(t, s.pats[:0])
	prompt := false
	for _, p := range s.pats {
		if e.pats[p].marker == mkPrompt {
			prompt = true
			break
		}
	}
	if s.prefixMarkers(t, prompt) {
		s.push(t)
		return
	}
	r := s.run
	if len(bytes.TrimSpace(t)) > 0 {
		s.dateAge++
		s.promptAge++
	}
	s.feedAfter(t)

	s.gen++
	if s.gen == 0 { // wrapped: reset stamps
		clear(s.stamp)
		s.gen = 1
	}
	cands := s.cands[:0]
	s.ids = scanIDs(t, &e.prefixes, s.ids[:0])
	for _, sp := range s.ids {
		id := t[sp.start:sp.end]
		s.countID(id)
		v := int(id[0]-'0')*1000 + int(id[1]-'0')*100 + int(id[2]-'0')*10 + int(id[3]-'0')
		if k := idPrefixKind(v); k != "" {
			r.kinds |= kindBit(k)
		}
		for _, ci := range e.idIndex[string(id)] {
			if s.stamp[ci] != s.gen {
				s.stamp[ci] = s.gen
				cands = append(cands, ci)
			}
		}
	}
	keyword := false
	for _, p := range s.pats {
		pi := &e.pats[p]
		if pi.keyword && !keyword {
			keyword = hasKeyword(t)
		}
		if pi.marker != mkNone && pi.marker != mkPrompt {
			r.kinds |= kindBit(markerKind[pi.marker])
		}
		for _, ci := range pi.conds {
			if s.stamp[ci] != s.gen {
				s.stamp[ci] = s.gen
				cands = append(cands, ci)
			}
		}
	}
	for _, ci := range e.always {
		if s.stamp[ci] != s.gen {
			s.stamp[ci] = s.gen
			cands = append(cands, ci)
		}
	}
	s.cands = cands

	info := false
	hits := s.hitConds[:0]
	for _, ci := range cands {
		c := e.conds[ci]
		if c.re != nil && !c.re.Match(t) {
			continue
		}
		if c.not != nil && c.not.Match(t) {
			continue
		}
		if c.info {
			info = true
			continue
		}
		hits = append(hits, ci)
		s.onHit(c, t)
	}
	s.hitConds = hits
	if (len(s.ids) > 0 || keyword) && !info {
		r.errTotal++
		switch {
		case len(hits) == 0 && r.plain >= maxUnexplained:
			// No condition matched the line, so no diagnosis can explain
			// it: count it, but only the first few are listed anyway.
			r.plainDropped++
		case len(r.errLines) < maxErrLines:
			if len(hits) == 0 {
				r.plain++
			}
			r.errLines = append(r.errLines, errLine{line: s.lineNo, text: clip(t), conds: append([]int32(nil), hits...)})
		}
	}
	s.push(t)
}

func hasKeyword(t []byte) bool {
	for _, k := range errorKeywords {
		if bytes.Contains(t, []byte(k)) {
			return true
		}
	}
	return false
}

func (s *scanner) countID(id []byte) {
	r := s.run
	if c, ok := r.idIdx[string(id)]; ok {
		c.count++
		return
	}
	if len(r.ids) >= maxIDs {
		r.idOverflow++
		return
	}
	c := &idCount{id: string(id), count: 1, line: s.lineNo}
	r.idIdx[c.id] = c
	r.ids = append(r.ids, c)
}

// onHit records a condition's match on the current line.
func (s *scanner) onHit(c *compiledCond, t []byte) {
	h := hit{ok: true, input: s.name, line: s.lineNo, text: clip(t)}
	if c.hasCaps {
		h.caps = captures(c, t)
	}
	switch {
	case c.role == roleTrigger:
		s.trigger(s.e.rules[c.rule], h)
	case c.role == roleExplains:
	case c.scope == ScopeInputs:
		if !s.st.inputFirst[c.idx].ok {
			s.st.inputFirst[c.idx] = h
		}
	case c.within > 0:
		s.lastHit[c.idx] = h
		rr := &s.rr[c.rule]
		for _, inst := range rr.open {
			if s.lineNo-inst.line <= c.within && inst.near&(1<<c.slot) == 0 {
				inst.near |= 1 << c.slot
				inst.nearHits[c.slot] = h
			}
		}
	default:
		if !s.first[c.idx].ok {
			s.first[c.idx] = h
		}
	}
}

func captures(c *compiledCond, t []byte) []capture {
	m := c.re.FindSubmatch(t)
	if m == nil {
		return nil
	}
	var caps []capture
	for i, name := range c.re.SubexpNames() {
		if i == 0 || name == "" || m[i] == nil {
			continue
		}
		caps = append(caps, capture{name, clip(m[i])})
	}
	return caps
}

// phaseFits checks the rule's phase constraint against the current line.
func (s *scanner) phaseFits(cr *compiledRule) (unknown, ok bool) {
	if cr.phases == 0 && cr.altPhases == 0 {
		return false, true
	}
	r := s.run
	if cr.phases != 0 && r.phase > 0 {
		return false, cr.phases&(1<<r.phase) != 0
	}
	if cr.altPhases != 0 && r.altPhase > 0 {
		return false, cr.altPhases&(1<<r.altPhase) != 0
	}
	if cr.Match.RequirePhase {
		return true, false
	}
	return true, true
}

// trigger records an occurrence of a rule's trigger line.
func (s *scanner) trigger(cr *compiledRule, h hit) {
	rr := &s.rr[cr.idx]
	rr.count++
	if rr.anchor != nil {
		return
	}
	unknown, ok := s.phaseFits(cr)
	if !ok {
		return
	}
	r := s.run
	if cr.command != nil && (r.lastCmd.text == "" || !cr.command.MatchString(r.lastCmd.text)) {
		return
	}
	inst := &instance{
		input:        s.name,
		line:         s.lineNo,
		text:         h.text,
		caps:         h.caps,
		phase:        r.phase,
		altPhase:     r.altPhase,
		phaseUnknown: unknown,
		cmd:          r.lastCmd.text,
		before:       s.recent(ctxBefore),
		afterWant:    ctxAfter,
	}
	s.pending = append(s.pending, inst)
	if len(cr.near) == 0 {
		rr.anchor = inst
		return
	}
	inst.nearHits = make([]hit, len(cr.near))
	for slot, ci := range cr.near {
		c := s.e.conds[ci]
		if lh := s.lastHit[ci]; lh.ok && s.lineNo-lh.line <= c.within {
			inst.near |= 1 << slot
			inst.nearHits[slot] = lh
		}
	}
	inst.closeAt = s.lineNo + cr.maxWithin
	rr.open = append(rr.open, inst)
	if s.nOpen == 0 || inst.closeAt < s.minOpen {
		s.minOpen = inst.closeAt
	}
	s.nOpen++
}

// closeInstances closes trigger windows that have passed (all of them when
// force is set) and picks each rule's anchor: the first occurrence whose
// within conditions hold.
func (s *scanner) closeInstances(force bool) {
	if s.nOpen == 0 {
		return
	}
	s.nOpen, s.minOpen = 0, 0
	for i := range s.rr {
		rr := &s.rr[i]
		if len(rr.open) == 0 {
			continue
		}
		cr := s.e.rules[i]
		keep := rr.open[:0]
		for _, inst := range rr.open {
			if !force && s.lineNo <= inst.closeAt {
				keep = append(keep, inst)
				if s.nOpen == 0 || inst.closeAt < s.minOpen {
					s.minOpen = inst.closeAt
				}
				s.nOpen++
				continue
			}
			if rr.anchor == nil && s.nearOK(cr, inst) {
				rr.anchor = inst
			}
		}
		clear(rr.open[len(keep):])
		rr.open = keep
		if rr.anchor != nil && len(rr.open) > 0 {
			// Later occurrences cannot become the anchor any more.
			s.nOpen -= len(rr.open)
			clear(rr.open)
			rr.open = rr.open[:0]
		}
	}
	if s.nOpen < 0 {
		s.nOpen = 0
	}
}

func (s *scanner) nearOK(cr *compiledRule, inst *instance) bool {
	for slot, ci := range cr.near {
		got := inst.near&(1<<slot) != 0
		switch s.e.conds[ci].role {
		case roleWith:
			if !got {
				return false
			}
		case roleWithout:
			if got {
				return false
			}
		}
	}
	return true
}

// feedAfter gives the current line to instances still collecting their
// after-context.
func (s *scanner) feedAfter(t []byte) {
	if len(s.pending) == 0 {
		return
	}
	keep := s.pending[:0]
	for _, inst := range s.pending {
		inst.after = append(inst.after, ctxLine{s.lineNo, clip(t)})
		inst.afterWant--
		if inst.afterWant > 0 {
			keep = append(keep, inst)
		}
	}
	clear(s.pending[len(keep):])
	s.pending = keep
}

func (s *scanner) push(t []byte) {
	e := &s.ring[s.ringN%ringSize]
	e.line = s.lineNo
	if len(t) > maxText {
		t = t[:maxText]
	}
	e.buf = append(e.buf[:0], t...)
	s.ringN++
}

// recent returns up to n lines before the current one.
func (s *scanner) recent(n int) []ctxLine {
	var out []ctxLine
	for i := n; i >= 1; i-- {
		if s.ringN-i < 0 {
			continue
		}
		e := &s.ring[(s.ringN-i)%ringSize]
		if e.line < s.run.start || e.line >= s.lineNo {
			continue
		}
		out = append(out, ctxLine{e.line, clip(e.buf)})
	}
	return out
}

// clip copies a line for keeping: at most maxText bytes, cut at a rune
// boundary, with invalid UTF-8 and control characters replaced.
func clip(t []byte) string {
	cut := false
	if len(t) > maxText {
		t = t[:maxText]
		for len(t) > 0 && !utf8.RuneStart(t[len(t)-1]) {
			t = t[:len(t)-1]
		}
		if len(t) > 0 {
			t = t[:len(t)-1]
		}
		cut = true
	}
	s := strings.Map(func(r rune) rune {
		if r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(string(t), "\uFFFD"))
	if cut {
		s += " …"
	}
	return s
}

// prefixMarkers handles segmenter markers recognised by their start, and a
// shell-prompt command when the automaton saw a prompt-like "# ", "$ " or
// "> ". It reports whether the line needs no further work (a nimadm phase
// banner).
func (s *scanner) prefixMarkers(t []byte, prompt bool) bool {
	if len(t) == 0 {
		return false
	}
	r := s.run
	// lsnim -l stanza: "name:" then "   class          = machines".
	if t[len(t)-1] == ':' && len(t) < 80 && bytes.IndexAny(t, " \t") < 0 {
		s.stanza = ctxLine{s.lineNo, string(t[:len(t)-1])}
	} else if t[0] == ' ' && s.stanza.line == s.lineNo-1 && s.stanza.line > 0 {
		lt := bytes.TrimLeft(t, " ")
		if hasPrefix(lt, "class") && bytes.HasSuffix(lt, []byte("= machines")) {
			r.kinds |= kindBit(KindNIM)
			r.facts.set(factClient, s.stanza.text)
		}
	}
	switch t[0] {
	case 'E':
		if n, ok := phaseBanner(t); ok {
			s.nimadmPhase(n)
			return true
		}
	case 'c':
		if hasPrefix(t, "cmd: ") {
			date := s.dateLine
			at := s.lineNo
			fresh := s.dateAge <= 1 && date.line > 0
			if fresh {
				at = date.line
			}
			s.startRun(KindAltDisk, at)
			if fresh {
				s.run.started = date.text
			}
			s.setCommand(t[len("cmd: "):])
		}
	case 'C':
		switch {
		case hasPrefix(t, "Client alt_disk_install command: "):
			r.kinds |= kindBit(KindNimadm) | kindBit(KindAltDisk)
			s.setCommand(t[len("Client alt_disk_install command: "):])
		case hasPrefix(t, "Cleaning up alt_disk_migration on client "):
			r.kinds |= kindBit(KindNimadm)
			r.facts.set(factClient, wordAfter(t, "Cleaning up alt_disk_migration on client "))
		case hasPrefix(t, "Cleaning up alt_disk_migration"):
			r.kinds |= kindBit(KindNimadm)
		case hasPrefix(t, "Calling mkszfile"), hasPrefix(t, "Checking disk sizes."),
			hasPrefix(t, "Creating cloned rootvg"), hasPrefix(t, "Creating logical volume alt_"):
			s.altDiskClone()
		case hasPrefix(t, "Changing logical volume names in volume group descriptor area"):
			r.kinds |= kindBit(KindAltDisk)
		}
	case 'I':
		switch {
		case hasPrefix(t, "Initializing multibos methods"):
			p := s.promptCmd
			fresh := s.promptAge <= 2 && p.line > 0 && strings.Contains(p.text, "multibos")
			at := s.lineNo
			if fresh {
				at = p.line
			}
			s.startRun(KindMultibos, at)
			if fresh {
				s.run.lastCmd = p
			}
		case hasPrefix(t, "Initializing NIM client "):
			r.kinds |= kindBit(KindNimadm)
			r.facts.set(factClient, wordAfter(t, "Initializing NIM client "))
		case hasPrefix(t, "Initializing log: "):
			if i := bytes.Index(t, []byte("/alt_mig/")); i >= 0 {
				name := t[i+len("/alt_mig/"):]
				if j := bytes.Index(name, []byte("_alt_mig.log")); j > 0 {
					r.kinds |= kindBit(KindNimadm)
					r.facts.set(factClient, string(name[:j]))
				}
			}
		}
	case 'R':
		switch {
		case hasPrefix(t, "Return Status = SUCCESS"):
			r.kinds |= kindBit(KindMultibos)
			r.mbStatus = "success"
		case hasPrefix(t, "Return Status: FAILURE"), hasPrefix(t, "Return Status = FAILURE"):
			r.kinds |= kindBit(KindMultibos)
			r.mbStatus = "failure"
		case hasPrefix(t, "Restoring mksysb image"):
			s.altDiskClone()
		}
	case '#':
		if n, ok := altPhaseLine(t); ok {
			r.kinds |= kindBit(KindAltDisk)
			r.altPhase = n
			return false
		}
	case 'm':
		if hasPrefix(t, "multibos:") {
			r.kinds |= kindBit(KindMultibos)
		}
	case 'a':
		if hasPrefix(t, "alt_disk_copy:") || hasPrefix(t, "alt_disk_install:") || hasPrefix(t, "alt_disk_mksysb:") {
			r.kinds |= kindBit(KindAltDisk)
		}
	case 'f':
		if hasPrefix(t, "forced unmount of /alt_inst") {
			r.kinds |= kindBit(KindAltDisk)
		}
	case 'B':
		if hasPrefix(t, "Bootlist is set to the boot disk:") {
			r.kinds |= kindBit(KindAltDisk)
		}
	case 'V':
		if hasPrefix(t, "Verifying altinst_rootvg") {
			r.kinds |= kindBit(KindAltDisk)
		}
	case 'A':
		if hasPrefix(t, "Active boot logical volume is") || hasPrefix(t, "ATTENTION: firmware recovery string") {
			r.kinds |= kindBit(KindMultibos)
		}
	}
	if len(t) >= 24 && t[0] >= 'F' && t[0] <= 'W' && isDateLine(t) {
		s.dateLine = ctxLine{s.lineNo, clip(t)}
		s.dateAge = 0
		return false
	}
	if prompt {
		if cmd, k, ok := promptCommand(t); ok {
			r = s.run
			if k == KindNimadm && r.maxPhase > 0 {
				s.startRun(KindNimadm, s.lineNo)
				r = s.run
			}
			r.kinds |= kindBit(k)
			s.promptCmd = ctxLine{s.lineNo, clip([]byte(cmd))}
			s.promptAge = 0
			s.setCommand([]byte(cmd))
		}
	}
	return false
}

// altDiskClone notes alt_disk clone progress (alt_disk phase 1) when no
// phase is known yet.
func (s *scanner) altDiskClone() {
	r := s.run
	r.kinds |= kindBit(KindAltDisk)
	if r.altPhase == 0 {
		r.altPhase = 1
	}
}

func (s *scanner) nimadmPhase(n int) {
	r := s.run
	if r.maxPhase > 0 && n < r.phase {
		at := s.lineNo
		if s.bannerLine == s.lineNo-1 {
			at = s.bannerLine
		}
		s.startRun(KindNimadm, at)
		r = s.run
	}
	if !r.hasStart {
		r.hasStart = true
	}
	r.kinds |= kindBit(KindNimadm)
	r.phase = n
	r.maxPhase = max(r.maxPhase, n)
	r.altPhase = 0 // the client's alt_disk phase belongs to one nimadm phase
}

func (s *scanner) setCommand(cmd []byte) {
	r := s.run
	text := clip(bytes.TrimSpace(cmd))
	r.lastCmd = ctxLine{s.lineNo, text}
	if p := commandFacts(text, &r.facts); p > 0 {
		r.altPhase = p
	}
}

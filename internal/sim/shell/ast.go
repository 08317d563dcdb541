package shell

// The syntax tree of a parsed script. The parser builds it; exec.go walks it.
// A script is a sequence of lines (top-level lists ended by a newline), which
// is the unit ksh reads and runs one at a time.

// list is "a; b & c": and-or lists separated by ";", "&" or newlines.
type list struct {
	items []listItem
}

// listItem is one and-or list of a list; bg is set when it ended with "&".
type listItem struct {
	andOr *andOr
	bg    bool
}

// andOr is "p1 && p2 || p3", evaluated left to right.
type andOr struct {
	first *pipeline
	rest  []andOrPart
}

// andOrPart is one "&& p" or "|| p" of an and-or list.
type andOrPart struct {
	and bool // "&&" when true, "||" when false
	p   *pipeline
}

// pipeline is "c1 | c2 | c3"; its status is the last command's.
type pipeline struct {
	cmds []command
}

// command is a simpleCmd, a subshell or a group.
type command interface {
	isCommand()
}

// simpleCmd is "NAME=v ... word ... with redirections anywhere".
type simpleCmd struct {
	assigns []assign
	words   []*word
	redirs  []redir
	line    int    // line of the first token, for error prefixes
	src     string // the command's source text, for lab messages
}

// subshell is "( list ) redirections"; variables set inside do not leak.
type subshell struct {
	body   *list
	redirs []redir
	line   int
}

// group is "{ list; } redirections", run in the current session.
type group struct {
	body   *list
	redirs []redir
	line   int
}

func (*simpleCmd) isCommand() {}
func (*subshell) isCommand()  {}
func (*group) isCommand()     {}

// assign is "NAME=value" before a command name.
type assign struct {
	name  string
	value *word // may have no parts: "X=" assigns the empty string
}

// Redirection operators after parsing.
const (
	redirOut    = iota // [n]>file
	redirAppend        // [n]>>file
	redirIn            // [n]<file
	redirDup           // [n]>&m or [n]<&m
)

// redir is one redirection. For redirDup, from is the descriptor copied.
type redir struct {
	fd     int
	op     int
	target *word // file redirections only
	from   int   // redirDup only
}

// word is one shell word: a sequence of parts that expand and join.
type word struct {
	parts []part
	src   string // source text as typed
}

// Kinds of word parts.
const (
	partLit    = iota // unquoted literal text (subject to the glob check)
	partQuoted        // quoted literal text: '...', \c, literal text in "..."
	partParam         // $NAME, ${NAME}, $1, $?, ...
)

// part is a piece of a word. For partParam, text is the parameter name
// ("HOME", "1", "?", ...) and quoted tells whether it was inside "...".
type part struct {
	kind   int
	text   string
	quoted bool
}

// litPrefix returns the unquoted literal text that starts w, if any.
func (w *word) litPrefix() string {
	if len(w.parts) > 0 && w.parts[0].kind == partLit {
		return w.parts[0].text
	}
	return ""
}

// literal returns w's text when w is a single unquoted literal, as reserved
// words and "{" "}" must be.
func (w *word) literal() (string, bool) {
	if len(w.parts) == 1 && w.parts[0].kind == partLit {
		return w.parts[0].text, true
	}
	return "", false
}

// staticText returns w's value when it has no parameter parts (quoting
// removed), for checks done before anything runs.
func (w *word) staticText() (string, bool) {
	s := ""
	for _, p := range w.parts {
		if p.kind == partParam {
			return "", false
		}
		s += p.text
	}
	return s, true
}

package facts

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// markerTag starts every marker line of the collection script. The version
// digit changes when the script layout changes incompatibly.
const markerTag = "@@NF1"

// Probe is one read-only command of the collection script.
type Probe struct {
	// ID names the probe's output section ("oslevel_s", "lsvg_l_rootvg").
	ID string
	// Line is the ksh command line, built from validated tokens.
	Line string
}

// Script is a read-only batch of probes run in one remote session.
type Script struct {
	// Role is "client" or "master"; it is recorded in the header so saved
	// output can be parsed offline.
	Role  string
	Host  string
	Nonce string
	Probe []Probe
}

// NewNonce returns a random marker nonce. Output of a probe can never fake a
// marker because it cannot know the nonce in advance.
func NewNonce() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// Text renders the script as valid ksh inside the lab's shell subset: every
// probe's stderr is merged into its section (the parsers classify AIX
// messages by content), and its exit status follows on the end marker.
func (s *Script) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# nimfleet read-only fact collection (%s %s)\n", s.Role, s.Host)
	b.WriteString("# It changes nothing on the host. Save its whole output and give it to\n")
	b.WriteString("# 'nimfleet facts --from FILE'.\n")
	b.WriteString("LANG=C; LC_ALL=C; export LANG LC_ALL\n")
	fmt.Fprintf(&b, "echo '%s %s start %s %s'\n", markerTag, s.Nonce, s.Role, s.Host)
	for _, p := range s.Probe {
		fmt.Fprintf(&b, "echo '%s %s begin %s'\n", markerTag, s.Nonce, p.ID)
		fmt.Fprintf(&b, "%s 2>&1\n", p.Line)
		fmt.Fprintf(&b, "echo \"%s %s end %s $?\"\n", markerTag, s.Nonce, p.ID)
	}
	fmt.Fprintf(&b, "echo '%s %s done'\n", markerTag, s.Nonce)
	return b.String()
}

// Section is the output of one probe as split from the session's stdout.
type Section struct {
	ID string
	// Output is what the probe printed (stdout and stderr merged).
	Output []byte
	// Exit is the probe's exit status; -1 when the section did not complete.
	Exit int
	// Complete is false when the session ended (timeout, dropped connection,
	// truncated file) before the probe's end marker.
	Complete bool
	// Line is the 1-based line of the begin marker in the session output.
	Line int
}

// Output is the split output of one collection session.
type Output struct {
	Role, Host, Nonce string
	Sections          map[string]*Section
	// Order lists section IDs in the order they appeared.
	Order []string
	// Done is true when the script's final marker was seen.
	Done bool
}

// maxLine bounds one output line; longer lines are cut (parsers then see the
// cut line and fail on it rather than the splitter running out of memory).
const maxLine = 1 << 20

// Split cuts session output into sections. nonce may be empty when parsing
// saved output (--from): it is then taken from the start marker. Split never
// fails on odd probe output; it fails only when no start marker is found.
func Split(r io.Reader, nonce string) (*Output, error) {
	out := &Output{Sections: map[string]*Section{}, Nonce: nonce}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	sc.Split(scanLinesCut)
	var cur *Section
	var buf bytes.Buffer
	started := false
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		line = strings.TrimSuffix(line, "\r")
		idx := strings.Index(line, markerTag+" ")
		if idx < 0 || (started && !strings.Contains(line, markerTag+" "+out.Nonce+" ")) {
			if cur != nil {
				buf.WriteString(line)
				buf.WriteByte('\n')
			}
			continue
		}
		// A marker may follow output that did not end in a newline.
		prefix, marker := line[:idx], line[idx:]
		f := strings.Fields(marker)
		if !started {
			if len(f) >= 5 && f[2] == "start" && (out.Nonce == "" || f[1] == out.Nonce) {
				started = true
				out.Nonce, out.Role, out.Host = f[1], f[3], f[4]
			}
			continue
		}
		if len(f) < 3 {
			continue
		}
		switch f[2] {
		case "begin":
			if len(f) < 4 {
				continue
			}
			cur = &Section{ID: f[3], Exit: -1, Line: lineNo}
			buf.Reset()
			if _, dup := out.Sections[cur.ID]; !dup {
				out.Order = append(out.Order, cur.ID)
			}
			out.Sections[cur.ID] = cur
		case "end":
			if cur == nil || len(f) < 5 || f[3] != cur.ID {
				continue
			}
			if prefix != "" {
				buf.WriteString(prefix)
			}
			rc, err := strconv.Atoi(f[4])
			if err != nil {
				rc = -1
			}
			cur.Output = append([]byte(nil), buf.Bytes()...)
			cur.Exit, cur.Complete = rc, err == nil
			cur = nil
		case "done":
			out.Done = true
		}
	}
	if cur != nil {
		cur.Output = append([]byte(nil), buf.Bytes()...)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("split collection output: %w", err)
	}
	if !started {
		return out, fmt.Errorf("split collection output: no %s start marker found (is this the output of 'nimfleet facts --script'?)", markerTag)
	}
	return out, nil
}

// scanLinesCut is bufio.ScanLines that cuts over-long lines instead of
// failing with bufio.ErrTooLong.
func scanLinesCut(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if len(data) >= maxLine-1 {
		return len(data), data, nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

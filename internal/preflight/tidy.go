package preflight

import (
	"strconv"
	"strings"
)

// maxReason bounds a reason or an error quoted in a report.
const maxReason = 400

// tidy shortens transport errors for reports: they quote the whole
// command line, and the fact-collection script is a hundred lines. Each
// quoted command longer than a line is cut to its first line; the text is
// then capped at maxReason bytes.
func tidy(s string) string {
	if !strings.Contains(s, `run "`) && len(s) <= maxReason {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, `run "`)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i+4])
		s = s[i+4:]
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			continue
		}
		s = s[len(q):]
		cmd, err := strconv.Unquote(q)
		if err != nil || (len(cmd) <= 80 && !strings.Contains(cmd, "\n")) {
			b.WriteString(q)
			continue
		}
		first, _, _ := strings.Cut(cmd, "\n")
		if len(first) > 80 {
			first = first[:80]
		}
		b.WriteString(strconv.Quote(first + " ..."))
		s = strings.TrimPrefix(s, "...")
	}
	out := b.String()
	if len(out) > maxReason {
		out = out[:maxReason] + " ..."
	}
	return out
}

package cmdline

import (
	"errors"
	"fmt"
	"strings"
)

// splitWords is the reference POSIX word splitter the tests check quoting
// against. It accepts exactly the literal words a POSIX shell would build
// without any expansion or operator: blanks separate words; '...' quotes
// anything but '; a backslash quotes the next character; every other
// unquoted character must be one Quote leaves unquoted. Anything else
// (operators, $, backquotes, globs, ~, #, newlines) is an error, so a line
// this function accepts cannot make a shell do more than run one simple
// command with these words.
func splitWords(line string) ([]string, error) {
	var (
		words  []string
		cur    strings.Builder
		inWord bool
	)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '\\':
			if i+1 >= len(line) || line[i+1] == '\n' {
				return nil, errors.New("backslash at end of line or before newline")
			}
			cur.WriteByte(line[i+1])
			i++
			inWord = true
		case safe(c):
			cur.WriteByte(c)
			inWord = true
		default:
			return nil, fmt.Errorf("unquoted %q at offset %d", c, i)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

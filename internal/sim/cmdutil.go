package sim

// Helpers shared by the simulated commands.
//
// Rules every command file follows:
//   - output formats are marked [C] when they reproduce a capture in the
//     domain notes (commands.md, errors.md, multibos.md, transcripts.md)
//     and [U] when they are the lab's best effort;
//   - a command locks its host only to read or change the model, never
//     while writing to a stream, sleeping or touching another host;
//   - unknown flags print AIX's getopt message and the command's usage on
//     stderr and exit 1 (exit 2 where AIX is known to use it) [U].

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

type opt struct {
	c   byte
	arg string
}

type opts []opt

func (o opts) has(c byte) bool {
	for _, x := range o {
		if x.c == c {
			return true
		}
	}
	return false
}

func (o opts) get(c byte) string {
	v := ""
	for _, x := range o {
		if x.c == c {
			v = x.arg
		}
	}
	return v
}

func (o opts) all(c byte) []string {
	var v []string
	for _, x := range o {
		if x.c == c {
			v = append(v, x.arg)
		}
	}
	return v
}

// getopt parses POSIX-style options: spec lists the letters, a letter
// followed by ':' takes an argument. Parsing stops at the first operand or
// "--". The error text is AIX's libc getopt message [U: exact wording].
func getopt(args []string, spec string) (opts, []string, error) {
	var o opts
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			k := strings.IndexByte(spec, c)
			if k < 0 || c == ':' {
				return nil, nil, fmt.Errorf("Not a recognized flag: %c", c)
			}
			if k+1 < len(spec) && spec[k+1] == ':' {
				if j+1 < len(a) {
					o = append(o, opt{c, a[j+1:]})
				} else if i+1 < len(args) {
					i++
					o = append(o, opt{c, args[i]})
				} else {
					return nil, nil, fmt.Errorf("Flag requires a parameter: %c", c)
				}
				break
			}
			o = append(o, opt{c, ""})
		}
	}
	return o, args[i:], nil
}

// usage prints a getopt error (if any) and the usage text, returning 1.
func usage(inv *shell.Invocation, err error, text string) int {
	name := path.Base(inv.Args[0])
	if err != nil {
		fmt.Fprintf(inv.Stderr, "%s: %v\n", name, err)
	}
	io.WriteString(inv.Stderr, text)
	return 1
}

func out(inv *shell.Invocation, format string, a ...any) {
	fmt.Fprintf(inv.Stdout, format, a...)
}

func errf(inv *shell.Invocation, format string, a ...any) {
	fmt.Fprintf(inv.Stderr, format, a...)
}

func lines(w io.Writer, ls ...string) {
	for _, l := range ls {
		io.WriteString(w, l+"\n")
	}
}

// absPath resolves p against the session's directory.
func absPath(inv *shell.Invocation, p string) string {
	if strings.HasPrefix(p, "/") {
		return cleanPath(p)
	}
	dir := inv.Dir
	if dir == "" {
		dir = "/"
	}
	return cleanPath(path.Join(dir, p))
}

// padRight pads s with spaces to width w (no truncation).
func padRight(s string, w int) string {
	if len(s) >= w {
		return s
	}
	return s + strings.Repeat(" ", w-len(s))
}

func ceilDiv(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	return (a + b - 1) / b
}

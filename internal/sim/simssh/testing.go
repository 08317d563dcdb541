package simssh

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// ToyBackend is a minimal [Backend] for tests of the SSH layer itself
// (this package, the product's SSH runner and its conformance run), where
// the lab's AIX model would only get in the way. It is not a shell: a line
// is split on ";" into simple commands, and each command into blank
// separated words, without quoting or expansion. It knows:
//
//	echo WORD...      print the words and a newline; with the word "1>&2"
//	                  anywhere, print to stderr instead
//	exit N            stop here with status N
//	true, false       status 0, 1
//	cat               copy stdin to stdout
//	hang              block until cancelled (the client gives up)
//	bigout N          print exactly N bytes (lines of 63 letters and "\n")
//
// Any other command prints "ksh: NAME:  not found." on stderr and sets
// status 127, as AIX's ksh does. The status of a line is that of its last
// command. Every host is up unless [ToyBackend.SetUp] says otherwise.
// The zero value is ready to use.
type ToyBackend struct {
	mu   sync.Mutex
	down map[string]bool
}

// SetUp marks host up (accepting connections) or down.
func (b *ToyBackend) SetUp(host string, up bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down == nil {
		b.down = make(map[string]bool)
	}
	b.down[host] = !up
}

// Up implements [Backend].
func (b *ToyBackend) Up(host string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.down[host]
}

// Exec implements [Backend].
func (b *ToyBackend) Exec(ctx context.Context, host, line string, stdin io.Reader, stdout, stderr io.Writer) int {
	status := 0
	for _, cmd := range strings.Split(line, ";") {
		words := strings.Fields(cmd)
		if len(words) == 0 {
			continue
		}
		if ctx.Err() != nil {
			return 137
		}
		switch words[0] {
		case "echo":
			w := stdout
			var args []string
			for _, a := range words[1:] {
				if a == "1>&2" {
					w = stderr
					continue
				}
				args = append(args, a)
			}
			io.WriteString(w, strings.Join(args, " ")+"\n")
			status = 0
		case "exit":
			n := 0
			if len(words) > 1 {
				n, _ = strconv.Atoi(words[1])
			}
			return n & 0xff
		case "true":
			status = 0
		case "false":
			status = 1
		case "cat":
			io.Copy(stdout, stdin)
			status = 0
		case "hang":
			<-ctx.Done()
			return 137
		case "bigout":
			n := 0
			if len(words) > 1 {
				n, _ = strconv.Atoi(words[1])
			}
			status = bigout(ctx, stdout, n)
		default:
			fmt.Fprintf(stderr, "ksh: %s:  not found.\n", words[0])
			status = 127
		}
	}
	return status
}

// bigout writes exactly n bytes of lines of 63 letters and a newline.
func bigout(ctx context.Context, w io.Writer, n int) int {
	const line = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-\n"
	chunk := []byte(strings.Repeat(line, 512)) // 32 KiB
	for n > 0 {
		if ctx.Err() != nil {
			return 137
		}
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return 141 // SIGPIPE
		}
		n -= k
	}
	return 0
}

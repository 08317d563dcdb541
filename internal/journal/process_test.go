package journal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The tests in this file re-execute the test binary as a child process
// (TestMain dispatches on childEnv) to test what only another process can
// show: the kernel lock and kill -9.

const (
	childEnv     = "NIMFLEET_JOURNAL_CHILD"
	childPathEnv = "NIMFLEET_JOURNAL_PATH"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "append":
		os.Exit(childAppend(os.Getenv(childPathEnv)))
	case "hold":
		os.Exit(childHold(os.Getenv(childPathEnv)))
	default:
		fmt.Fprintln(os.Stderr, "unknown child mode")
		os.Exit(2)
	}
}

// childAppend appends notes in a loop, printing "ack SEQ" after each
// Append returns, until it is killed (or gives up after 20000 appends).
func childAppend(path string) int {
	j, err := Open(path, Options{Create: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	if j.LastSeq() == 0 {
		if err := j.Append(ctx, Event{Kind: KindRunStarted, Run: "kill", Time: time.Now(), RunInfo: &RunInfo{ID: "kill"}}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(os.Stdout, "ack 1\n")
	}
	for range 20000 {
		seq := j.LastSeq() + 1
		e := Event{Kind: KindNote, Run: "kill", Host: "h" + strconv.Itoa(int(seq%7)), Time: time.Now(), Detail: "i=" + strconv.FormatUint(seq, 10)}
		if err := j.Append(ctx, e); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(os.Stdout, "ack %d\n", seq)
	}
	return 0
}

// childHold opens the journal, prints "locked", and waits for stdin to
// close (it is killed first).
func childHold(path string) int {
	j, err := Open(path, Options{Create: true, Holder: fmt.Sprintf("pid %d on testhost", os.Getpid())})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintln(os.Stdout, "locked")
	io.Copy(io.Discard, os.Stdin)
	j.Close()
	return 0
}

func startChild(t *testing.T, mode, path string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childPathEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, bufio.NewScanner(out), in
}

// TestKill9 kills an appending process at random points, a dozen times,
// and checks after each kill that the journal opens cleanly and holds a
// gap-free prefix of the appended events that includes the last one
// acknowledged.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	p := filepath.Join(t.TempDir(), "kill.journal")
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	const rounds = 12
	var lastAck uint64
	for round := range rounds {
		cmd, acks, _ := startChild(t, "append", p)
		// Kill after a random number of acknowledgements; 0 kills the
		// child while it starts up or opens the journal.
		want := rng.IntN(80)
		if round == 0 {
			want = 1 // the run_started event must exist for later rounds
		}
		for range want {
			if !acks.Scan() {
				t.Fatalf("round %d: child ended early: %v", round, acks.Err())
			}
			f := strings.Fields(acks.Text())
			n, err := strconv.ParseUint(f[1], 10, 64)
			if len(f) != 2 || f[0] != "ack" || err != nil {
				t.Fatalf("round %d: bad ack %q", round, acks.Text())
			}
			if n <= lastAck {
				t.Fatalf("round %d: ack %d after ack %d", round, n, lastAck)
			}
			lastAck = n
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()

		// The lock died with the process: a writer opens at once, drops a
		// torn record if the kill left one, and replays a gap-free prefix.
		j, err := Open(p, Options{})
		if err != nil {
			t.Fatalf("round %d (after %d acks): open: %v", round, want, err)
		}
		last := j.LastSeq()
		if last < lastAck {
			t.Fatalf("round %d: journal ends at seq %d, but seq %d was acknowledged", round, last, lastAck)
		}
		var n uint64
		for e, err := range j.All() {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			n++
			if e.Seq != n {
				t.Fatalf("round %d: event %d has seq %d", round, n, e.Seq)
			}
			if n > 1 && e.Detail != "i="+strconv.FormatUint(n, 10) {
				t.Fatalf("round %d: event %d: got detail %q", round, n, e.Detail)
			}
		}
		if n != last {
			t.Fatalf("round %d: iterated %d events, LastSeq %d", round, n, last)
		}
		t.Logf("round %d: killed after %d acks; journal holds %d events (last ack %d)", round, want, last, lastAck)
		lastAck = last // the next child continues after everything on disk
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLockHeldByAnotherProcess: a second opener fails fast with IsLocked
// and the holder's description; once the holder is killed, the lock is
// free without any cleanup.
func TestLockHeldByAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	p := filepath.Join(t.TempDir(), "held.journal")
	cmd, out, _ := startChild(t, "hold", p)
	if !out.Scan() || out.Text() != "locked" {
		t.Fatalf("child: got %q, %v", out.Text(), out.Err())
	}
	start := time.Now()
	_, err := Open(p, Options{})
	if !IsLocked(err) {
		t.Fatalf("got %v, want IsLocked", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("locked open took %v, want fail-fast", d)
	}
	if want := fmt.Sprintf("locked by pid %d on testhost", cmd.Process.Pid); !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to contain %q", err, want)
	}
	// Readers are never blocked by the writer's lock.
	if _, err := Open(p, Options{ReadOnly: true}); err != nil {
		t.Errorf("reader: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	j, err := Open(p, Options{})
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	j.Close()
}

package nimadm

// The command lines of this file are built from validated tokens with
// package cmdline (every value through a validator, every word quoted);
// the only hand-written shell text is fixed syntax (redirections, ";",
// "&", "$?", "$!"). Every line stays inside the lab's ksh subset (no
// command substitution, no if, no globbing); the tests check each with
// shell.Check and /bin/sh -n.

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
)

// Paths of the AIX commands used here.
const (
	NimadmPath = "/usr/sbin/nimadm"
	nohupPath  = "/usr/bin/nohup"
	shPath     = "/usr/bin/sh"
	mkdirPath  = "/usr/bin/mkdir"
	tailPath   = "/usr/bin/tail"
	catPath    = "/usr/bin/cat"
	killPath   = "/usr/bin/kill"
	psPath     = "/usr/bin/ps"
)

// DefaultDir is the directory on the master where nimfleet keeps the log,
// exit status and pid of each detached nimadm.
const DefaultDir = "/var/adm/ras/nimfleet"

// Command returns the nimadm command line that migrates client h, in the
// shape of IBM's Ansible role (nimadm.md §1):
//
//	/usr/sbin/nimadm -c lpar1 -l lpp73 -s spot73 -j nimadmvg -Y -d hdisk1
//	/usr/sbin/nimadm -c lpar2 -l lpp73 -s spot73 -Y -d 'hdisk1 hdisk2'
//
// -j only when the client has a cache VG; several disks are one quoted
// word (IBM writes -d "hdisk1 hdisk2"; the shell reads both the same). It
// reports every invalid setting at once.
func Command(h *inventory.Host) (string, error) {
	args, err := migrationArgs(h)
	if err != nil {
		return "", err
	}
	return cmdline.Build(NimadmPath, args...), nil
}

func migrationArgs(h *inventory.Host) ([]cmdline.Arg, error) {
	if h == nil {
		return nil, errors.New("nimadm command: no host")
	}
	var errs []error
	add := func(what string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	if h.Role != inventory.RoleClient {
		errs = append(errs, fmt.Errorf("not a NIM client (role %s)", h.Role))
	}
	client, err := cmdline.NIM(h.NIMName)
	add("nim name", err)
	lpp, err := cmdline.NIM(h.LPPSource)
	add("lpp_source", err)
	spot, err := cmdline.NIM(h.SPOT)
	add("spot", err)
	disks, err := cmdline.Disks(h.Disks)
	add("disks", err)
	args := []cmdline.Arg{"-c", client, "-l", lpp, "-s", spot}
	if h.CacheVG != "" {
		vg, err := cmdline.VG(h.CacheVG)
		add("cache vg", err)
		args = append(args, "-j", vg)
	}
	args = append(args, "-Y", "-d", disks)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("nimadm command for %s: %w", h.Name, err)
	}
	return args, nil
}

// CleanupCommand returns "nimadm -C -c CLIENT -s SPOT", which cleans up
// an interrupted migration on the master and the client (nimadm.md §5).
func CleanupCommand(h *inventory.Host) (string, error) {
	client, err := cmdline.NIM(h.NIMName)
	if err != nil {
		return "", fmt.Errorf("nimadm cleanup for %s: nim name: %w", h.Name, err)
	}
	spot, err := cmdline.NIM(h.SPOT)
	if err != nil {
		return "", fmt.Errorf("nimadm cleanup for %s: spot: %w", h.Name, err)
	}
	return cmdline.Build(NimadmPath, "-C", "-c", client, "-s", spot), nil
}

// Files are the paths on the master of one detached nimadm run: its
// combined output (Log), its exit status written when it ends (RC) and
// the pid of the detached shell (PID).
type Files struct {
	Dir, Log, RC, PID string
}

// FilesFor returns the files of attempt (1-based) of run runID for
// client h under dir (DefaultDir when empty):
// DIR/<client>.<runid>.<attempt>.log, .rc and .pid.
func FilesFor(h *inventory.Host, dir, runID string, attempt int) (Files, error) {
	if dir == "" {
		dir = DefaultDir
	}
	if err := validRunID(runID); err != nil {
		return Files{}, err
	}
	if attempt < 1 {
		return Files{}, fmt.Errorf("nimadm files: attempt %d: want 1 or more", attempt)
	}
	base := strings.TrimSuffix(dir, "/") + "/" + h.Name + "." + runID + "." + strconv.Itoa(attempt)
	f := Files{Dir: dir, Log: base + ".log", RC: base + ".rc", PID: base + ".pid"}
	for _, p := range []string{f.Dir, f.Log, f.RC, f.PID} {
		if _, err := cmdline.Path(p); err != nil {
			return Files{}, fmt.Errorf("nimadm files for %s: %w", h.Name, err)
		}
	}
	return f, nil
}

func validRunID(id string) error {
	if id == "" || len(id) > 64 || id[0] == '-' {
		return fmt.Errorf("run id %q: want 1 to 64 letters, digits, '-', '_', '.', not starting with '-'", id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("run id %q: byte %q not allowed", id, c)
		}
	}
	return nil
}

// StartLine returns the one command line that, run on the master, starts
// the migration of h detached from the session and prints its pid:
//
//	/usr/bin/mkdir -p DIR || exit 1; /usr/bin/nohup /usr/bin/sh -c 'LC_ALL=C /usr/sbin/nimadm ... > LOG 2>&1; echo $? > RC' < /dev/null > /dev/null 2>&1 & echo $! > PID; echo $!
//
// nohup and the background job keep nimadm running when the SSH session
// drops or the controller dies; the shell writes nimadm's exit status to
// RC when it ends, so a follower that comes back later still learns it.
// All three standard streams are redirected so that sshd does not hold
// the channel open for the job. LC_ALL=C keeps nimadm's messages in
// English for the [Tracker].
func StartLine(h *inventory.Host, f Files) (string, error) {
	cmd, err := Command(h)
	if err != nil {
		return "", err
	}
	inner := "LC_ALL=C " + cmd + " > " + cmdline.Quote(f.Log) + " 2>&1; echo $? > " + cmdline.Quote(f.RC)
	return cmdline.Build(mkdirPath, "-p", cmdline.Arg(f.Dir)) + " || exit 1; " +
		cmdline.Build(nohupPath, shPath, "-c", cmdline.Arg(inner)) +
		" < /dev/null > /dev/null 2>&1 & echo $! > " + cmdline.Quote(f.PID) + "; echo $!", nil
}

// ParsePID reads the pid StartLine prints (the last line of its output).
func ParsePID(stdout []byte) (int, error) {
	f := strings.Fields(string(stdout))
	if len(f) == 0 {
		return 0, errors.New("start nimadm: no pid printed")
	}
	pid, err := strconv.Atoi(f[len(f)-1])
	if err != nil || pid < 2 {
		return 0, fmt.Errorf("start nimadm: want a pid, got %q", f[len(f)-1])
	}
	return pid, nil
}

// TailLine returns the command that prints LOG from byte offset on
// (offset is the number of bytes already read; AIX tail -c +N is 1-based).
func TailLine(log string, offset int64) string {
	return cmdline.Build(tailPath, "-c", cmdline.Arg("+"+strconv.FormatInt(offset+1, 10)), cmdline.Arg(log))
}

// CatLine returns the command that prints a file (the RC or PID file, or
// the whole log).
func CatLine(path string) string { return cmdline.Build(catPath, cmdline.Arg(path)) }

// AliveLine returns the command that exits 0 when pid exists.
func AliveLine(pid int) string { return cmdline.Build(killPath, "-0", cmdline.Int(pid)) }

// KillLine returns the command that sends SIGTERM to pids.
func KillLine(pids ...int) string {
	args := make([]cmdline.Arg, len(pids))
	for i, p := range pids {
		args[i] = cmdline.Int(p)
	}
	return cmdline.Build(killPath, args...)
}

// PsLine lists the master's processes (`ps -ef`, parsed by aix.ParsePs).
const PsLine = "LC_ALL=C " + psPath + " -ef"

// Poll markers.
const (
	markAlive = "@@nimfleet alive="
	markLog   = "@@nimfleet log\n"
)

// PollLine returns the one read-only command that reports, in order,
// whether pid is alive, the RC file if it exists, and the log from offset:
//
//	/usr/bin/kill -0 PID > /dev/null 2>&1; echo "@@nimfleet alive=$?"; /usr/bin/cat RC 2> /dev/null; echo '@@nimfleet log'; /usr/bin/tail -c +N LOG 2> /dev/null
//
// The order matters: the shell writes RC after nimadm's last output and
// before it exits, so "dead and no RC" means the run vanished (killed, or
// the master rebooted), and a log read after RC is complete.
//
// A pid of 0 (unknown: the launch was cut off before the pid file was
// written, and the run had ended when the controller looked) polls as not
// alive, so the run is judged by its exit-status file alone.
func PollLine(f Files, pid int, offset int64) string {
	alive := AliveLine(pid)
	if pid <= 0 {
		alive = "false"
	}
	return alive + ` > /dev/null 2>&1; echo "` + markAlive + `$?"; ` +
		CatLine(f.RC) + " 2> /dev/null; echo '" + strings.TrimSuffix(markLog, "\n") + "'; " +
		TailLine(f.Log, offset) + " 2> /dev/null"
}

// PollResult is the parsed output of PollLine.
type PollResult struct {
	Alive bool
	// Exited is true when the RC file holds an exit status; ExitCode is
	// that status.
	Exited   bool
	ExitCode int
	// Log is the log from the requested offset on.
	Log []byte
}

// ParsePoll parses the output of PollLine.
func ParsePoll(out []byte) (PollResult, error) {
	var r PollResult
	if !bytes.HasPrefix(out, []byte(markAlive)) {
		return r, fmt.Errorf("poll nimadm: output does not start with %q", markAlive)
	}
	rest := out[len(markAlive):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return r, errors.New("poll nimadm: truncated output")
	}
	st, err := strconv.Atoi(string(rest[:nl]))
	if err != nil {
		return r, fmt.Errorf("poll nimadm: bad alive status %q", rest[:nl])
	}
	r.Alive = st == 0
	rest = rest[nl+1:]
	i := bytes.Index(rest, []byte(markLog))
	if i < 0 {
		return r, errors.New("poll nimadm: no log marker")
	}
	if rc := strings.TrimSpace(string(rest[:i])); rc != "" {
		n, err := strconv.Atoi(rc)
		if err != nil {
			return r, fmt.Errorf("poll nimadm: bad exit status %q in the rc file", rc)
		}
		r.Exited, r.ExitCode = true, n
	}
	r.Log = rest[i+len(markLog):]
	return r, nil
}

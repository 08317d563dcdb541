package remediate

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/nimfleet/nimfleet/internal/aix"
	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/facts"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// firstLine returns the first non-empty line of the first output that
// has one, cut to 200 bytes, or "(no output)".
func firstLine(outs ...[]byte) string {
	for _, b := range outs {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				if len(l) > 200 {
					l = l[:200] + "..."
				}
				return l
			}
		}
	}
	return "(no output)"
}

// get returns a fact's value, or "" and why it is unknown, naming it what.
func get[T any](f facts.Fact[T], what string) (T, string) {
	if !f.Known {
		var zero T
		r := f.Reason
		if r == "" {
			r = "not gathered"
		}
		return zero, what + " unknown: " + tidy(r)
	}
	return f.Value, ""
}

// quotedRun matches the `run "LINE"` a transport error quotes.
var quotedRun = regexp.MustCompile(`run "((?:[^"\\]|\\.)*)"`)

// tidy shortens an error that quotes a whole fact-collection script.
func tidy(s string) string {
	return quotedRun.ReplaceAllStringFunc(s, func(m string) string {
		if len(m) > 120 {
			return "run the fact collection script"
		}
		return m
	})
}

// bootedBLV returns the BLV the client booted from (bootinfo -v), or ""
// when unknown.
func bootedBLV(c *facts.Client) string {
	v, _ := c.BootBLV.Get()
	return v
}

// clientFacts returns the client facts of t or why there are none.
func clientFacts(t *Target) (*facts.Client, string) {
	if t.Client == nil {
		return nil, "facts of " + t.Host.Name + " not gathered"
	}
	return t.Client, ""
}

// Process names whose presence means the rootvg or its boot image is
// being worked on.
var (
	lvmBusyCommands  = []string{"multibos", "alt_disk_copy", "alt_disk_install", "alt_disk_mksysb", "alt_rootvg_op", "nimadm", "bosboot", "mkszfile"}
	efixBusyCommands = []string{"emgr", "installp", "geninstall", "epkg", "nimadm", "alt_disk_copy"}
)

// busy returns the processes with a command word whose base name is one of
// names: the command itself or a script run by a shell ("/usr/bin/ksh
// /usr/sbin/alt_disk_copy ..."). Matching whole words keeps
// "bos.alt_disk_install.rte" from counting as alt_disk_install.
func busy(ps aix.Processes, names ...string) aix.Processes {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out aix.Processes
	for _, p := range ps {
		for _, w := range strings.Fields(p.Cmd) {
			if want[path.Base(w)] {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// describe renders processes for a reason: "pid 123 (nimadm -c lpar1 ...)".
func describe(ps aix.Processes) string {
	var s []string
	for i, p := range ps {
		if i == 3 {
			s = append(s, fmt.Sprintf("and %d more", len(ps)-3))
			break
		}
		cmd := p.Cmd
		if len(cmd) > 80 {
			cmd = cmd[:80] + "..."
		}
		s = append(s, fmt.Sprintf("pid %d (%s)", p.PID, cmd))
	}
	return strings.Join(s, ", ")
}

// nimWorkFor returns the processes on a NIM master that work on the
// client named nimName: nimadm runs for it (or whose client cannot be
// read, as ps may cut long command lines), and nim, nimclient or NIM
// method (m_*) commands naming it. c_rsh is not counted: nimfleet itself
// reaches clients with it.
func nimWorkFor(ps aix.Processes, nimName string) aix.Processes {
	var out aix.Processes
	for _, p := range ps {
		words := strings.Fields(p.Cmd)
		for i, w := range words {
			base := path.Base(w)
			if base == "nimadm" {
				client, found := "", false
				for j := i + 1; j < len(words); j++ {
					if words[j] == "-c" && j+1 < len(words) {
						client, found = words[j+1], true
					} else if strings.HasPrefix(words[j], "-c") && len(words[j]) > 2 && !strings.HasPrefix(words[j], "--") {
						client, found = words[j][2:], true
					}
				}
				if !found || client == nimName {
					out = append(out, p)
				}
				break
			}
			if base == "nim" || base == "nimclient" || strings.HasPrefix(base, "m_") {
				if hasWord(words[i+1:], nimName) {
					out = append(out, p)
				}
				break
			}
		}
	}
	return out
}

func hasWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// underBosInst reports whether p is /bos_inst or below it.
func underBosInst(p string) bool { return p == bosInst || strings.HasPrefix(p, bosInst+"/") }

// mountsUnder returns the mounts whose mount point, or mounted object,
// is dir or below it (multibos.md §6 condition 2 checks both columns).
func mountsUnder(ms aix.Mounts, dir string) aix.Mounts {
	var out aix.Mounts
	for _, m := range ms {
		if m.MountPoint == dir || strings.HasPrefix(m.MountPoint, dir+"/") || m.Device == dir || strings.HasPrefix(m.Device, dir+"/") {
			out = append(out, m)
		}
	}
	return out
}

// standbyLVs returns the rootvg LVs that belong to a multibos standby:
// the LVs mounted (per /etc/filesystems) under /bos_inst, and the
// second BLV when both hd5 and bos_hd5 exist.
func standbyLVs(lvs aix.LVList, booted string) []aix.LV {
	out := lvs.StandbyLVs()
	if lvs.HasStandbyBOS() {
		for _, n := range []string{"hd5", "bos_hd5"} {
			if n != booted {
				lv, _ := lvs.Get(n)
				out = append(out, lv)
			}
		}
	}
	return out
}

func lvNames(lvs []aix.LV) string {
	n := make([]string, len(lvs))
	for i, lv := range lvs {
		n[i] = lv.Name
	}
	return strings.Join(n, " ")
}

// pvsOf returns the sorted names of the disks of vg in lspv.
func pvsOf(pvs aix.PVs, vg string) []string {
	var out []string
	for _, p := range pvs.InVG(vg) {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

// lsfsStanza runs "lsfs MOUNTPOINT" (read-only) and reports whether
// /etc/filesystems has a stanza for it. lsfs exits non-zero with "No
// record matching" when there is none [U wording].
func lsfsStanza(ctx context.Context, env *Env, host, mountPoint string) (bool, error) {
	mp, err := cmdline.Path(mountPoint)
	if err != nil {
		return false, err
	}
	c := transport.Command{Host: host, Line: cmdline.Build("/usr/sbin/lsfs", mp)}
	res, err := env.Run(ctx, c)
	if err != nil {
		return false, fmt.Errorf("run %q: %w", c.Line, err)
	}
	out := string(res.Stdout) + string(res.Stderr)
	switch {
	case res.ExitCode == 0 && strings.Contains(out, mountPoint):
		return true, nil
	case res.ExitCode != 0 && strings.Contains(out, "No record matching"):
		return false, nil
	}
	return false, fmt.Errorf("%s: unexpected result (exit %d): %s", c.Line, res.ExitCode, firstLine(res.Stderr, res.Stdout))
}

// lsLong runs "ls -ld PATH" (read-only): the file's description, or a
// zero FileInfo and exists false when there is no such file.
func lsLong(ctx context.Context, env *Env, host, p string) (fi aix.FileInfo, exists bool, err error) {
	a, err := cmdline.Path(p)
	if err != nil {
		return aix.FileInfo{}, false, err
	}
	c := transport.Command{Host: host, Line: cmdline.Build("/usr/bin/ls", "-ld", a)}
	res, err := env.Run(ctx, c)
	if err != nil {
		return aix.FileInfo{}, false, fmt.Errorf("run %q: %w", c.Line, err)
	}
	if res.ExitCode != 0 {
		if aix.LsNotExist(append(res.Stderr, res.Stdout...)) {
			return aix.FileInfo{}, false, nil
		}
		return aix.FileInfo{}, false, fmt.Errorf("%s: exit %d: %s", c.Line, res.ExitCode, firstLine(res.Stderr, res.Stdout))
	}
	fi, err = aix.ParseLsLd(res.Stdout)
	if err != nil {
		return aix.FileInfo{}, false, err
	}
	return fi, true, nil
}

// mutating returns commands marked as state-changing, built from lines
// for host.
func mutating(host string, lines ...string) []transport.Command {
	out := make([]transport.Command, len(lines))
	for i, l := range lines {
		out[i] = transport.Command{Host: host, Line: l, Mutates: true}
	}
	return out
}

// joinReasons joins the verified conditions of a passing Check.
func joinReasons(rs ...string) string { return strings.Join(rs, "; ") }

package sim

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func init() {
	register(cmdTest, false, "/usr/bin/[")
	register(cmdLs, false, "/usr/bin/ls")
	register(cmdCat, false, "/usr/bin/cat")
	register(cmdTail, false, "/usr/bin/tail")
	register(cmdRm, false, "/usr/bin/rm")
	register(cmdRmdir, false, "/usr/bin/rmdir")
	register(cmdMv, false, "/usr/bin/mv")
	register(cmdMkdir, false, "/usr/bin/mkdir")
	register(cmdLn, false, "/usr/bin/ln")
	register(cmdTouch, false, "/usr/bin/touch")
	register(cmdDf, false, "/usr/bin/df")
	register(cmdMount, false, "/usr/sbin/mount")
	register(cmdUmount, false, "/usr/sbin/umount")
	register(cmdLsfs, false, "/usr/sbin/lsfs")
	register(cmdGrep, false, "/usr/bin/grep")
	register(cmdHead, false, "/usr/bin/head")
}

// devExists reports whether a /dev path names a device of the host:
// hdiskN, rhdiskN, and /dev/ipldevice when it is linked (E34/E35).
func (h *host) devExists(p string) bool {
	name := strings.TrimPrefix(p, "/dev/")
	switch {
	case name == "ipldevice":
		return h.os().ipldevOK
	case strings.HasPrefix(name, "rhdisk"):
		return h.disk(name[1:]) != nil
	case strings.HasPrefix(name, "hd") || strings.HasPrefix(name, "fslv") || strings.HasPrefix(name, "lv"):
		for _, v := range h.vgs {
			if v.active && v.lv(name) != nil {
				return true
			}
		}
		return h.disk(name) != nil
	}
	return h.disk(name) != nil
}

// lsTime formats an ls -l date: "Mon DD HH:MM" within six months, else
// "Mon DD  YYYY" [C layout: commands.md §18].
func lsTime(t, now time.Time) string {
	if now.Sub(t) < 180*24*time.Hour && t.Sub(now) < time.Hour {
		return t.Format("Jan _2 15:04")
	}
	return t.Format("Jan _2  2006")
}

// lsLong is one ls -l line [C layout: mode, %4d links, owner and group
// padded to 8, size right-aligned to column 44, date, name].
func lsLong(mode string, links int, size string, t, now time.Time, name string) string {
	return fmt.Sprintf("%s %4d %-8s %-8s %10s %s %s\n", mode, links, "root", "system", size, lsTime(t, now), name)
}

func cmdLs(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "ldAa1FRt")
	if err != nil {
		return usage(inv, err, "Usage: ls [-1ACFHLNRabcdefgiklmnopqrstuxEU] [File...]\n") // [U]
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	long, dirOnly, all := o.has('l'), o.has('d'), o.has('A') || o.has('a')
	h.mu.Lock()
	now := h.now()
	fs := h.os().files
	var b strings.Builder
	var errs []string
	for _, a := range args {
		p := absPath(inv, a)
		if strings.HasPrefix(p, "/dev/") && p != "/dev" {
			if !h.devExists(p) {
				errs = append(errs, fmt.Sprintf("ls: 0653-341 The file %s does not exist.\n", a))
				continue
			}
			if long {
				d := h.disk(strings.TrimPrefix(strings.TrimPrefix(p, "/dev/r"), "/dev/"))
				minor := 0
				if d != nil {
					minor = splitNum(d.name).n
				}
				mode, links := "brw-------", 1
				if strings.HasPrefix(p, "/dev/r") || p == "/dev/ipldevice" {
					mode = "crw-------"
				}
				if p == "/dev/ipldevice" {
					links = 2
					minor = splitNum(h.bootDisk()).n
				}
				b.WriteString(lsLong(mode, links, fmt.Sprintf("20, %2d", minor), h.bootTime, now, a)) // [U] device numbers
			} else {
				b.WriteString(a + "\n")
			}
			continue
		}
		n := fs.get(p)
		if n == nil {
			// [U] exact text (commands.md §18), rc 2.
			errs = append(errs, fmt.Sprintf("ls: 0653-341 The file %s does not exist.\n", a))
			continue
		}
		if !n.dir || dirOnly {
			if long {
				size, links := fmt.Sprint(len(n.data)), 1
				if n.dir {
					size, links = "256", 2+countDirs(fs, p)
				}
				b.WriteString(lsLong(n.mode, links, size, n.mtime, now, a))
			} else {
				b.WriteString(a + "\n")
			}
			continue
		}
		kids := fs.children(p)
		if len(args) > 1 {
			b.WriteString(a + ":\n")
		}
		if long {
			fmt.Fprintf(&b, "total %d\n", len(kids)*8)
		}
		for _, k := range kids {
			if strings.HasPrefix(k, ".") && !all {
				continue
			}
			if long {
				c := fs.get(path.Join(p, k))
				size, links := fmt.Sprint(len(c.data)), 1
				if c.dir {
					size, links = "256", 2+countDirs(fs, path.Join(p, k))
				}
				b.WriteString(lsLong(c.mode, links, size, c.mtime, now, k))
			} else {
				b.WriteString(k + "\n")
			}
		}
	}
	h.mu.Unlock()
	out(inv, "%s", b.String())
	for _, e := range errs {
		errf(inv, "%s", e)
	}
	if len(errs) > 0 {
		return 2
	}
	return 0
}

func countDirs(fs *vfs, p string) int {
	n := 0
	for _, k := range fs.children(p) {
		if fs.isDir(path.Join(p, k)) {
			n++
		}
	}
	return n
}

func cmdCat(ctx context.Context, h *host, inv *shell.Invocation) int {
	args := inv.Args[1:]
	if len(args) == 0 {
		io.Copy(inv.Stdout, inv.Stdin)
		return 0
	}
	rc := 0
	for _, a := range args {
		if a == "-" {
			io.Copy(inv.Stdout, inv.Stdin)
			continue
		}
		h.mu.Lock()
		n := h.os().files.get(absPath(inv, a))
		var data []byte
		if n != nil && !n.dir {
			data = append(data, n.data...)
		}
		h.mu.Unlock()
		if n == nil || n.dir {
			errf(inv, "cat: 0652-050 Cannot open %s.\n", a) // [U]
			rc = 2
			continue
		}
		inv.Stdout.Write(data)
	}
	return rc
}

// cmdTail supports `tail -c +N FILE` (bytes from offset N, 1-based, the
// form followers use to read a growing log), `tail -c N`, `tail -n N`
// and `tail -N`. -f is not simulated.
func cmdTail(ctx context.Context, h *host, inv *shell.Invocation) int {
	args := inv.Args[1:]
	mode, spec := "n", "10"
	switch {
	case len(args) >= 2 && (args[0] == "-c" || args[0] == "-n"):
		mode, spec, args = args[0][1:], args[1], args[2:]
	case len(args) >= 1 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 && strings.Trim(args[0][1:], "0123456789") == "":
		spec, args = args[0][1:], args[1:]
	case len(args) >= 1 && strings.HasPrefix(args[0], "+") && strings.Trim(args[0][1:], "0123456789") == "":
		spec, args = args[0], args[1:]
	case len(args) >= 1 && strings.HasPrefix(args[0], "-"):
		return usage(inv, nil, "Usage: tail [-f] [-c Number | -n Number | -m Number | -b Number | -k Number] [File]\n") // [U]
	}
	fromStart := strings.HasPrefix(spec, "+")
	n, err := strconv.Atoi(strings.TrimPrefix(spec, "+"))
	if err != nil || len(args) > 1 {
		return usage(inv, nil, "Usage: tail [-f] [-c Number | -n Number | -m Number | -b Number | -k Number] [File]\n")
	}
	var data []byte
	if len(args) == 0 {
		data, _ = io.ReadAll(inv.Stdin)
	} else {
		h.mu.Lock()
		nd := h.os().files.get(absPath(inv, args[0]))
		if nd != nil && !nd.dir {
			data = append(data, nd.data...)
		}
		h.mu.Unlock()
		if nd == nil || nd.dir {
			errf(inv, "tail: 0652-050 Cannot open %s.\n", args[0]) // [U]
			return 2
		}
	}
	if mode == "c" {
		switch {
		case fromStart:
			if n < 1 {
				n = 1
			}
			if n-1 >= len(data) {
				return 0
			}
			inv.Stdout.Write(data[n-1:])
		case n < len(data):
			inv.Stdout.Write(data[len(data)-n:])
		default:
			inv.Stdout.Write(data)
		}
		return 0
	}
	ls := strings.SplitAfter(string(data), "\n")
	if len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	switch {
	case fromStart:
		if n < 1 {
			n = 1
		}
		if n-1 < len(ls) {
			ls = ls[n-1:]
		} else {
			ls = nil
		}
	case n < len(ls):
		ls = ls[len(ls)-n:]
	}
	io.WriteString(inv.Stdout, strings.Join(ls, ""))
	return 0
}

// mountedAt reports whether p is the mount point of a mounted file system.
func (h *host) mountedAt(p string) bool {
	for _, v := range h.vgs {
		for _, l := range v.lvs {
			if l.mounted && l.mount == p {
				return true
			}
		}
	}
	return false
}

func (h *host) mountedBelow(p string) bool {
	for _, v := range h.vgs {
		for _, l := range v.lvs {
			if l.mounted && (l.mount == p || strings.HasPrefix(l.mount, p+"/") || p == "/") {
				return true
			}
		}
	}
	return false
}

func cmdRm(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "rRfie")
	if err != nil || len(args) == 0 {
		return usage(inv, err, "Usage: rm [-firRe] [--] File...\n") // [U]
	}
	recursive, force := o.has('r') || o.has('R'), o.has('f')
	rc := 0
	h.mu.Lock()
	fs := h.os().files
	var msgs []string
	for _, a := range args {
		p := absPath(inv, a)
		n := fs.get(p)
		switch {
		case n == nil:
			if !force {
				msgs = append(msgs, fmt.Sprintf("rm: %s: A file or directory in the path name does not exist.\n", a)) // [U]
				rc = 2
			}
		case p == "/":
			msgs = append(msgs, "rm: 0653-603 Cannot remove directory /.\n")
			rc = 2
		case n.dir && !recursive:
			msgs = append(msgs, fmt.Sprintf("rm: 0653-603 Cannot remove directory %s.\n", a)) // [U]
			rc = 2
		case h.mountedBelow(p):
			msgs = append(msgs, fmt.Sprintf("rm: 0653-609 Cannot remove %s.\nThe requested resource is busy.\n", a)) // [U]
			rc = 2
		default:
			fs.removeAll(p)
		}
	}
	h.mu.Unlock()
	for _, m := range msgs {
		errf(inv, "%s", m)
	}
	return rc
}

func cmdRmdir(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "p")
	if err != nil || len(args) == 0 {
		return usage(inv, err, "Usage: rmdir [-p] Directory...\n") // [U]
	}
	rc := 0
	h.mu.Lock()
	fs := h.os().files
	var msgs []string
	for _, a := range args {
		p := absPath(inv, a)
		n := fs.get(p)
		switch {
		case n == nil:
			msgs = append(msgs, fmt.Sprintf("rmdir: 0653-610 Directory %s does not exist.\n", a)) // [U]
			rc = 2
		case !n.dir:
			msgs = append(msgs, fmt.Sprintf("rmdir: 0653-612 %s is not a directory.\n", a)) // [U]
			rc = 2
		case len(fs.children(p)) > 0:
			msgs = append(msgs, fmt.Sprintf("rmdir: 0653-611 Directory %s is not empty.\n", a)) // [U]
			rc = 2
		case h.mountedAt(p):
			msgs = append(msgs, fmt.Sprintf("rmdir: 0653-609 Cannot remove %s.\nThe requested resource is busy.\n", a)) // [U]
			rc = 2
		default:
			fs.removeAll(p)
		}
	}
	h.mu.Unlock()
	for _, m := range msgs {
		errf(inv, "%s", m)
	}
	return rc
}

func cmdMv(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "fiE:")
	if err != nil || len(args) != 2 {
		return usage(inv, err, "Usage: mv [-I] [ -d ] [-i | -f] [-E{force|ignore|warn}] [--] src target\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	fs := h.os().files
	from, to := absPath(inv, args[0]), absPath(inv, args[1])
	if fs.get(from) == nil {
		errf(inv, "mv: 0653-401 Cannot rename %s to %s:\n\t A file or directory in the path name does not exist.\n", args[0], args[1]) // [U]
		return 2
	}
	if h.mountedBelow(from) {
		errf(inv, "mv: 0653-401 Cannot rename %s to %s:\n\t The requested resource is busy.\n", args[0], args[1]) // [U]
		return 2
	}
	if fs.isDir(to) {
		to = path.Join(to, path.Base(from))
	}
	if !fs.isDir(path.Dir(to)) {
		errf(inv, "mv: 0653-401 Cannot rename %s to %s:\n\t A file or directory in the path name does not exist.\n", args[0], args[1])
		return 2
	}
	fs.removeAll(to)
	fs.rename(from, to)
	return 0
}

func cmdMkdir(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "pm:")
	if err != nil || len(args) == 0 {
		return usage(inv, err, "Usage: mkdir [-p] [-m mode] Directory...\n") // [U]
	}
	rc := 0
	h.mu.Lock()
	fs := h.os().files
	now := h.now()
	var msgs []string
	for _, a := range args {
		p := absPath(inv, a)
		if o.has('p') {
			if n := fs.get(p); n != nil && !n.dir {
				msgs = append(msgs, fmt.Sprintf("mkdir: 0653-358 Cannot create %s.\n%s: Do not specify an existing file.\n", a, a))
				rc = 2
				continue
			}
			fs.mkdirAll(p, now)
			continue
		}
		switch fs.mkdir(p, now) {
		case errExist:
			msgs = append(msgs, fmt.Sprintf("mkdir: 0653-358 Cannot create %s.\n%s: Do not specify an existing file.\n", a, a)) // [U]
			rc = 2
		case errNotExist:
			msgs = append(msgs, fmt.Sprintf("mkdir: 0653-357 Cannot access directory %s.\n%s: A file or directory in the path name does not exist.\n", path.Dir(a), path.Dir(a))) // [U]
			rc = 2
		}
	}
	h.mu.Unlock()
	for _, m := range msgs {
		errf(inv, "%s", m)
	}
	return rc
}

// cmdLn copies a file (the lab has no links), except that linking a raw
// boot disk onto /dev/ipldevice repairs it (E34's fix).
func cmdLn(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "fs")
	if err != nil || len(args) != 2 {
		return usage(inv, err, "Usage: ln [-f | -n] [-s] SourceFile [TargetFile]\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if args[1] == "/dev/ipldevice" {
		d := h.disk(strings.TrimPrefix(strings.TrimPrefix(args[0], "/dev/r"), "/dev/"))
		if d == nil || d.vg != h.rootvg() {
			errf(inv, "ln: %s: A file or directory in the path name does not exist.\n", args[0]) // [U]
			return 2
		}
		h.os().ipldevOK = true
		return 0
	}
	fs := h.os().files
	n := fs.get(absPath(inv, args[0]))
	if n == nil || n.dir {
		errf(inv, "ln: %s: A file or directory in the path name does not exist.\n", args[0])
		return 2
	}
	fs.writeFile(absPath(inv, args[1]), n.data, h.now())
	return 0
}

func cmdTouch(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "acm")
	if err != nil || len(args) == 0 {
		return usage(inv, err, "Usage: touch [-amc] [-r RefFile | -t Time] File...\n")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	fs := h.os().files
	for _, a := range args {
		p := absPath(inv, a)
		if n := fs.get(p); n != nil {
			n.mtime = h.now()
			continue
		}
		if !fs.isDir(path.Dir(p)) {
			errf(inv, "touch: 0652-046 Cannot create %s.\n", a) // [U]
			return 1
		}
		fs.writeFile(p, nil, h.now())
	}
	return 0
}

// mountRow is one mounted file system.
type mountRow struct {
	dev, mp, vfs string
	lv           *lv
	ppMB         int
	log          string
}

// mounts lists the mounted file systems in /etc/filesystems order:
// standard rootvg file systems, /proc, /opt, livedump, /aha (7.1 on
// [U]), then other rootvg file systems, then other volume groups.
func (h *host) mounts() []mountRow {
	type keyed struct {
		k int
		i int
		r mountRow
	}
	var rows []keyed
	i := 0
	root := h.rootvg()
	for _, v := range h.vgs {
		if !v.active {
			continue
		}
		log := "/dev/hd8"
		for _, l := range v.lvs {
			if l.typ == "jfs2log" || l.typ == "jfslog" {
				log = "/dev/" + l.name
				break
			}
		}
		for _, l := range v.lvs {
			if !l.isFS() || !l.mounted {
				continue
			}
			k := 20
			if v == root {
				k = mountOrder(l.mount)
				if k == 10 {
					k = 12
				}
			}
			rows = append(rows, keyed{k, i, mountRow{dev: "/dev/" + l.name, mp: l.mount, vfs: l.typ, lv: l, ppMB: v.ppMB, log: log}})
			i++
		}
	}
	rows = append(rows, keyed{6, 0, mountRow{dev: "/proc", mp: "/proc", vfs: "procfs"}})
	if h.os().level.vr() >= 71 {
		rows = append(rows, keyed{11, 0, mountRow{dev: "/ahafs", mp: "/aha", vfs: "ahafs"}})
	}
	sort.SliceStable(rows, func(a, b int) bool {
		if rows[a].k != rows[b].k {
			return rows[a].k < rows[b].k
		}
		return rows[a].i < rows[b].i
	})
	out := make([]mountRow, len(rows))
	for j, r := range rows {
		out[j] = r.r
	}
	return out
}

// cmdDf prints df in 512-byte blocks (default), -k, -m or -g [C layout:
// commands.md §14: name padded to 13; %Used rounds up].
func cmdDf(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "kmgiIsvPM")
	if err != nil {
		return usage(inv, err, "Usage: df [-P] | [-I|-M|-i|-t|-v] [-k|-m|-g] [-s] [FileSystem ...| File...]\n") // [U]
	}
	unit, header := "512", "Filesystem    512-blocks      Free %Used    Iused %Iused Mounted on"
	switch {
	case o.has('g'):
		unit, header = "g", "Filesystem    GB blocks      Free %Used    Iused %Iused Mounted on"
	case o.has('m'):
		unit, header = "m", "Filesystem    MB blocks      Free %Used    Iused %Iused Mounted on"
	case o.has('k'):
		unit, header = "k", "Filesystem    1024-blocks      Free %Used    Iused %Iused Mounted on"
	}
	h.mu.Lock()
	all := h.mounts()
	var rows []mountRow
	var bad []string
	if len(args) == 0 {
		rows = all
	} else {
		for _, a := range args {
			p := absPath(inv, a)
			if h.os().files.get(p) == nil && p != "/proc" && p != "/aha" {
				bad = append(bad, a)
				continue
			}
			best := -1
			for i, r := range all {
				if p == r.mp || strings.HasPrefix(p, strings.TrimSuffix(r.mp, "/")+"/") {
					if best < 0 || len(r.mp) > len(all[best].mp) {
						best = i
					}
				}
			}
			if best >= 0 {
				rows = append(rows, all[best])
			}
		}
	}
	sizeW := map[string]int{"512": 10, "k": 11, "m": 9, "g": 9}[unit]
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, r := range rows {
		if r.lv == nil {
			iused, ipct := "-", "-"
			if r.vfs == "ahafs" {
				iused, ipct = "35", "1%"
			}
			fmt.Fprintf(&b, "%-13s %*s %9s %4s %8s %6s %s\n", r.dev, sizeW, "-", "-", "-", iused, ipct, r.mp)
			continue
		}
		size := r.lv.sizeBlocks(r.ppMB)
		used := r.lv.fs.usedBlocks
		if used > size {
			used = size
		}
		free := size - used
		pct := int(ceilDiv(used*100, size))
		if used > 0 && pct == 0 {
			pct = 1
		}
		switch unit {
		case "512":
			fmt.Fprintf(&b, "%-13s %10d %9d %4d%% %8d %5d%% %s\n", r.dev, size, free, pct, r.lv.fs.iused, r.lv.fs.iusedPct, r.mp)
		case "k":
			fmt.Fprintf(&b, "%-13s %11d %9d %4d%% %8d %5d%% %s\n", r.dev, size/2, free/2, pct, r.lv.fs.iused, r.lv.fs.iusedPct, r.mp)
		case "m":
			fmt.Fprintf(&b, "%-13s %9.2f %9.2f %4d%% %8d %5d%% %s\n", r.dev, float64(size)/2048, float64(free)/2048, pct, r.lv.fs.iused, r.lv.fs.iusedPct, r.mp)
		case "g":
			fmt.Fprintf(&b, "%-13s %9.2f %9.2f %4d%% %8d %5d%% %s\n", r.dev, float64(size)/2097152, float64(free)/2097152, pct, r.lv.fs.iused, r.lv.fs.iusedPct, r.mp)
		}
	}
	h.mu.Unlock()
	out(inv, "%s", b.String())
	for _, a := range bad {
		errf(inv, "df: %s: A file or directory in the path name does not exist.\n", a) // [U]
	}
	if len(bad) > 0 {
		return 1
	}
	return 0
}

// cmdMount lists mounts [C layout: IBM sample_mount_output1, trailing
// spaces kept] or mounts a defined, unmounted file system.
func cmdMount(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "av:o:")
	if err != nil {
		return usage(inv, err, "Usage: mount [-fipr] [-n node] [-o options] [-t type] [-{v|V} vfstype] [-a|all|[[node:]device] [directory]]\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(args) == 0 {
		var b strings.Builder
		b.WriteString("  node       mounted        mounted over    vfs       date        options      \n")
		b.WriteString("-------- ---------------  ---------------  ------ ------------ --------------- \n")
		date := h.bootTime.Format("Jan 02 15:04")
		for _, r := range h.mounts() {
			opts := "rw"
			if r.lv != nil {
				opts = "rw,log=" + r.log
			}
			fmt.Fprintf(&b, "%-8s %-16s %-16s %-6s %-12s %-15s \n", "", r.dev, r.mp, r.vfs, date, opts)
		}
		out(inv, "%s", b.String())
		return 0
	}
	target := absPath(inv, args[len(args)-1])
	for _, v := range h.vgs {
		for _, l := range v.lvs {
			if l.isFS() && (l.mount == target || "/dev/"+l.name == args[0]) {
				if !v.active {
					errf(inv, "mount: 0506-324 Cannot mount /dev/%s on %s: There is an input or output error.\n", l.name, l.mount) // [U]
					return 1
				}
				if l.mounted {
					errf(inv, "mount: 0506-324 Cannot mount /dev/%s on %s: The requested resource is busy.\n", l.name, l.mount) // [U]
					return 1
				}
				h.os().files.mkdirAll(l.mount, h.now())
				l.mounted, l.open = true, true
				return 0
			}
		}
	}
	errf(inv, "mount: %s is not a known file system\n", args[len(args)-1]) // [U]
	return 1
}

func cmdUmount(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "f")
	if err != nil || len(args) != 1 {
		return usage(inv, err, "Usage: umount [-f] [-a] [all|allr|Device|Directory|File|FileSystem|-n Node|-t Type]\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	target := absPath(inv, args[0])
	for _, v := range h.vgs {
		for _, l := range v.lvs {
			if l.mounted && (l.mount == target || "/dev/"+l.name == args[0]) {
				if v == h.rootvg() && mountOrder(l.mount) <= 3 {
					errf(inv, "umount: 0506-349 Cannot unmount /dev/%s: The requested resource is busy.\n", l.name) // [U]
					return 1
				}
				l.mounted, l.open = false, false
				return 0
			}
		}
	}
	errf(inv, "umount: Could not find anything to unmount\n") // [U]
	return 1
}

// cmdLsfs lists /etc/filesystems stanzas [U layout]. Standby multibos file
// systems (/bos_inst*) have stanzas; the /alt_inst ones of a sleeping
// altinst_rootvg do not.
func cmdLsfs(ctx context.Context, h *host, inv *shell.Invocation) int {
	_, args, err := getopt(inv.Args[1:], "cqal")
	if err != nil {
		return usage(inv, err, "Usage: lsfs [-q] [-c | -l] [-a | -v VfsType | -u MountGroup| [FileSystem...]]\n") // [U]
	}
	h.mu.Lock()
	type st struct {
		name, mp, vfs, size, auto string
	}
	var all []st
	for _, v := range h.vgs {
		if v.os != nil && v.name != "rootvg" {
			continue
		}
		for _, l := range v.lvs {
			if !l.isFS() {
				continue
			}
			auto := "yes"
			if strings.HasPrefix(l.mount, "/bos_inst") || l.noauto() {
				auto = "no"
			}
			all = append(all, st{"/dev/" + l.name, l.mount, l.typ, strconv.FormatInt(l.sizeBlocks(v.ppMB), 10), auto})
		}
	}
	all = append(all, st{"/proc", "/proc", "procfs", "--", "yes"})
	h.mu.Unlock()
	var rows []st
	var missing []string
	if len(args) == 0 {
		rows = all
	} else {
		for _, a := range args {
			found := false
			for _, s := range all {
				if s.mp == a || s.name == a {
					rows, found = append(rows, s), true
				}
			}
			if !found {
				missing = append(missing, a)
			}
		}
	}
	if len(rows) > 0 {
		out(inv, "Name            Nodename   Mount Pt               VFS   Size    Options    Auto Accounting\n")
		for _, s := range rows {
			out(inv, "%-15s %-10s %-22s %-5s %-7s %-10s %-4s %s\n", s.name, "--", s.mp, s.vfs, s.size, "rw", s.auto, "no")
		}
	}
	for _, m := range missing {
		errf(inv, "lsfs: No record matching '%s' was found in /etc/filesystems.\n", m) // [U]
	}
	if len(missing) > 0 {
		return 1
	}
	return 0
}

// cmdGrep is a small grep: -v -i -c -q -w -E -F -l, patterns in Go's RE2
// syntax (basic and extended regular expressions mostly coincide for the
// patterns nimfleet sends), input from files or stdin.
func cmdGrep(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "viqcwEFlhe:")
	if err != nil || (len(args) == 0 && !o.has('e')) {
		return usage(inv, err, "Usage: grep [-E|-F] [-c|-l|-q] [-insvxbhwyu] [-p[parasep]] -e pattern_list...\n\t[-f pattern_file...] [file...]\n") // [U]
	}
	pat := o.get('e')
	if !o.has('e') {
		pat, args = args[0], args[1:]
	}
	if o.has('F') {
		pat = regexp.QuoteMeta(pat)
	} else if !o.has('E') {
		pat = strings.NewReplacer(`\|`, `|`, `\(`, `(`, `\)`, `)`, `\{`, `{`, `\}`, `}`).Replace(pat)
	}
	if o.has('w') {
		pat = `\b(?:` + pat + `)\b`
	}
	if o.has('i') {
		pat = "(?i)" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		errf(inv, "grep: 0652-033 Cannot find the pattern %q.\n", pat) // [U]
		return 2
	}
	type src struct {
		name string
		r    io.Reader
	}
	var srcs []src
	rc := 1
	if len(args) == 0 {
		srcs = append(srcs, src{"", inv.Stdin})
	}
	for _, a := range args {
		h.mu.Lock()
		n := h.os().files.get(absPath(inv, a))
		var data string
		if n != nil && !n.dir {
			data = string(n.data)
		}
		h.mu.Unlock()
		if n == nil || n.dir {
			errf(inv, "grep: can't open %s\n", a) // [U]
			rc = 2
			continue
		}
		srcs = append(srcs, src{a, strings.NewReader(data)})
	}
	matched := false
	for _, s := range srcs {
		sc := bufio.NewScanner(s.r)
		sc.Buffer(make([]byte, 64*1024), 16<<20)
		count := 0
		for sc.Scan() {
			line := sc.Text()
			if re.MatchString(line) != o.has('v') {
				count++
				matched = true
				if o.has('q') {
					return 0
				}
				if !o.has('c') && !o.has('l') {
					if len(args) > 1 && !o.has('h') {
						out(inv, "%s:%s\n", s.name, line)
					} else {
						out(inv, "%s\n", line)
					}
				}
			}
		}
		if o.has('c') {
			if len(args) > 1 {
				out(inv, "%s:%d\n", s.name, count)
			} else {
				out(inv, "%d\n", count)
			}
		}
		if o.has('l') && count > 0 {
			out(inv, "%s\n", s.name)
		}
	}
	if matched && rc != 2 {
		return 0
	}
	return rc
}

// cmdHead prints the first lines (-n N, -N; default 10) of a file or stdin.
func cmdHead(ctx context.Context, h *host, inv *shell.Invocation) int {
	args := inv.Args[1:]
	n := 10
	switch {
	case len(args) >= 2 && args[0] == "-n":
		v, err := strconv.Atoi(args[1])
		if err != nil {
			return usage(inv, nil, "Usage: head [-c Number | -n Number | -Number] [File ...]\n")
		}
		n, args = v, args[2:]
	case len(args) >= 1 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1:
		v, err := strconv.Atoi(args[0][1:])
		if err != nil {
			return usage(inv, nil, "Usage: head [-c Number | -n Number | -Number] [File ...]\n")
		}
		n, args = v, args[1:]
	}
	var data string
	if len(args) == 0 {
		b, _ := io.ReadAll(inv.Stdin)
		data = string(b)
	} else {
		h.mu.Lock()
		nd := h.os().files.get(absPath(inv, args[0]))
		if nd != nil && !nd.dir {
			data = string(nd.data)
		}
		h.mu.Unlock()
		if nd == nil || nd.dir {
			errf(inv, "head: 0652-050 Cannot open %s.\n", args[0]) // [U]
			return 2
		}
	}
	ls := strings.SplitAfter(data, "\n")
	if len(ls) > n {
		ls = ls[:n]
	}
	io.WriteString(inv.Stdout, strings.Join(ls, ""))
	return 0
}

package sim

import (
	"path"
	"sort"
	"strings"
	"time"
)

// vfs is the small virtual file system of one OS image: the directories
// and files that matter for migrations (/bos_inst, /etc/niminfo,
// /etc/ssh/sshd_config, the alt_disk and nimadm logs) and whatever
// redirections create. It is not a POSIX file system: no permissions are
// enforced, no hard links, no sparse files. The host's mutex guards it.
type vfs struct {
	nodes map[string]*node
}

type node struct {
	dir   bool
	data  []byte
	mode  string // ls -l mode string
	owner string
	group string
	mtime time.Time
}

func newVFS(t time.Time) *vfs {
	v := &vfs{nodes: map[string]*node{}}
	v.nodes["/"] = &node{dir: true, mode: "drwxr-xr-x", owner: "root", group: "system", mtime: t}
	return v
}

func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return path.Clean(p)
}

func (v *vfs) get(p string) *node { return v.nodes[cleanPath(p)] }

func (v *vfs) isDir(p string) bool {
	n := v.get(p)
	return n != nil && n.dir
}

// mkdirAll creates p and its parents.
func (v *vfs) mkdirAll(p string, t time.Time) {
	p = cleanPath(p)
	if n := v.nodes[p]; n != nil {
		return
	}
	if p != "/" {
		v.mkdirAll(path.Dir(p), t)
	}
	v.nodes[p] = &node{dir: true, mode: "drwxr-xr-x", owner: "root", group: "system", mtime: t}
}

// mkdir creates one directory; its parent must exist.
func (v *vfs) mkdir(p string, t time.Time) error {
	p = cleanPath(p)
	if v.nodes[p] != nil {
		return errExist
	}
	if !v.isDir(path.Dir(p)) {
		return errNotExist
	}
	v.nodes[p] = &node{dir: true, mode: "drwxr-xr-x", owner: "root", group: "system", mtime: t}
	return nil
}

// writeFile creates or replaces a file, creating parent directories.
func (v *vfs) writeFile(p string, data []byte, t time.Time) {
	p = cleanPath(p)
	v.mkdirAll(path.Dir(p), t)
	v.nodes[p] = &node{data: append([]byte(nil), data...), mode: "-rw-r--r--", owner: "root", group: "system", mtime: t}
}

// appendFile appends to a file, creating it (and its parents) if needed.
func (v *vfs) appendFile(p string, data []byte, t time.Time) {
	p = cleanPath(p)
	n := v.nodes[p]
	if n == nil || n.dir {
		v.writeFile(p, data, t)
		return
	}
	n.data = append(n.data, data...)
	n.mtime = t
}

func (v *vfs) children(p string) []string {
	p = cleanPath(p)
	prefix := p + "/"
	if p == "/" {
		prefix = "/"
	}
	var out []string
	for k := range v.nodes {
		if k != p && strings.HasPrefix(k, prefix) && !strings.Contains(k[len(prefix):], "/") {
			out = append(out, k[len(prefix):])
		}
	}
	sort.Strings(out)
	return out
}

// removeAll removes p and everything below it.
func (v *vfs) removeAll(p string) {
	p = cleanPath(p)
	if p == "/" {
		return
	}
	for k := range v.nodes {
		if k == p || strings.HasPrefix(k, p+"/") {
			delete(v.nodes, k)
		}
	}
}

// rename moves a file or a directory tree.
func (v *vfs) rename(from, to string) {
	from, to = cleanPath(from), cleanPath(to)
	moved := map[string]*node{}
	for k, n := range v.nodes {
		if k == from || strings.HasPrefix(k, from+"/") {
			moved[to+k[len(from):]] = n
			delete(v.nodes, k)
		}
	}
	for k, n := range moved {
		v.nodes[k] = n
	}
}

func (v *vfs) clone() *vfs {
	c := &vfs{nodes: make(map[string]*node, len(v.nodes))}
	for k, n := range v.nodes {
		cp := *n
		cp.data = append([]byte(nil), n.data...)
		c.nodes[k] = &cp
	}
	return c
}

func (v *vfs) paths() []string {
	out := make([]string, 0, len(v.nodes))
	for k := range v.nodes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

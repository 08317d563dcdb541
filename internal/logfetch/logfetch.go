// Package logfetch fetches the logs of a nimadm migration from a client and
// its NIM master, for the diagnosis engine: the master's
// /var/adm/ras/alt_mig/<client>_alt_mig.log, the client's
// /var/adm/ras/alt_disk_inst.log, the client's NIM object (lsnim -l), and
// the logs of the nimadm runs nimfleet started (under RunLogDir). Every
// command is read-only and goes through the given runner, so it is audited.
package logfetch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/transport"
)

// RunLogDir is where nimfleet keeps the output of the nimadm runs it
// starts on a master (see internal/nimadm).
const RunLogDir = "/var/adm/ras/nimfleet"

// maxLog caps one fetched log.
const maxLog = 256 << 20

// Source is a diag.LogSource over a client and its master.
type Source struct {
	Runner transport.Runner
	Client *inventory.Host
	// Notes say which logs were missing or unreadable.
	Notes []string

	logs  map[string][]byte
	names []string
}

// List fetches every log it can and returns their names
// ("<host>:<path or command>").
func (s *Source) List(ctx context.Context) ([]string, error) {
	c := s.Client
	if c == nil || c.Master == nil {
		return nil, fmt.Errorf("fetch logs: not a NIM client of the inventory")
	}
	s.logs = map[string][]byte{}
	nim, err := cmdline.NIM(c.NIMName)
	if err != nil {
		return nil, err
	}
	m := c.Master.Name
	s.fetch(ctx, m, "/var/adm/ras/alt_mig/"+c.NIMName+"_alt_mig.log", cmdline.Build("/usr/bin/cat", cmdline.Cat("/var/adm/ras/alt_mig/", nim, "_alt_mig.log")))
	s.fetch(ctx, c.Name, "/var/adm/ras/alt_disk_inst.log", cmdline.Build("/usr/bin/cat", "/var/adm/ras/alt_disk_inst.log"))
	s.fetch(ctx, m, "lsnim -l "+c.NIMName, cmdline.Build("/usr/sbin/lsnim", "-l", nim))
	// nimfleet's own run logs for this client: <client>.<run>.<attempt>.log
	res, err := s.Runner.Run(ctx, transport.Command{Host: m, Line: cmdline.Build("/usr/bin/ls", RunLogDir)})
	if err == nil && res.ExitCode == 0 {
		var runs []string
		for _, f := range strings.Fields(string(res.Stdout)) {
			if strings.HasPrefix(f, c.NIMName+".") && strings.HasSuffix(f, ".log") {
				runs = append(runs, f)
			}
		}
		sort.Strings(runs)
		if len(runs) > 3 {
			runs = runs[len(runs)-3:] // the latest attempts tell the story
		}
		for _, f := range runs {
			p, err := cmdline.Path(RunLogDir + "/" + f)
			if err != nil {
				continue
			}
			s.fetch(ctx, m, RunLogDir+"/"+f, cmdline.Build("/usr/bin/cat", p))
		}
	}
	if len(s.names) == 0 {
		return nil, fmt.Errorf("fetch logs of %s: none could be read (%s)", c.Name, strings.Join(s.Notes, "; "))
	}
	return append([]string(nil), s.names...), nil
}

func (s *Source) fetch(ctx context.Context, host, what, line string) {
	name := host + ":" + what
	res, err := s.Runner.Run(ctx, transport.Command{Host: host, Line: line, MaxOutput: maxLog})
	switch {
	case err != nil:
		s.Notes = append(s.Notes, fmt.Sprintf("%s: %v", name, err))
	case res.ExitCode != 0:
		s.Notes = append(s.Notes, fmt.Sprintf("%s: exit %d: %s", name, res.ExitCode, strings.TrimSpace(string(res.Stderr))))
	default:
		s.logs[name] = res.Stdout
		s.names = append(s.names, name)
	}
}

// Open returns a fetched log.
func (s *Source) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	b, ok := s.logs[name]
	if !ok {
		return nil, fmt.Errorf("fetch logs: %s was not fetched", name)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

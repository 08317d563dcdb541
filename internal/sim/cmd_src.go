package sim

import (
	"context"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func init() {
	register(cmdLssrc, false, "/usr/bin/lssrc")
	register(cmdStartsrc, false, "/usr/bin/startsrc")
	register(cmdStopsrc, false, "/usr/bin/stopsrc")
}

// lssrcRow is one lssrc line [C: commands.md §22 — subsystem at 1, group
// at 18, PID at 35, status at 48; inoperative subsystems have no PID].
func lssrcRow(s *subsystem) string {
	pid, st := "", "inoperative"
	if s.active {
		pid, st = fmt.Sprint(s.pid), "active"
	}
	return fmt.Sprintf(" %-16s %-16s %-12s %s\n", s.name, s.group, pid, st)
}

const lssrcHeader = "Subsystem         Group            PID          Status\n"

func cmdLssrc(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "s:g:alS")
	if err != nil || len(args) > 0 || !(o.has('s') || o.has('g') || o.has('a')) {
		return usage(inv, err, "Usage: lssrc [-h host] -a\n       lssrc [-h host] -g group\n       lssrc [-h host] [-l] -s subsystem\n       lssrc [-h host] [-l] -p pid\n") // [U]
	}
	h.mu.Lock()
	var rows []string
	switch {
	case o.has('s'):
		s := h.subsystem(o.get('s'))
		if s == nil {
			h.mu.Unlock()
			errf(inv, "0513-085 The %s Subsystem is not on file.\n", o.get('s')) // [U]
			return 1
		}
		rows = append(rows, lssrcRow(s))
	case o.has('g'):
		for _, s := range h.subsys {
			if s.group == o.get('g') {
				rows = append(rows, lssrcRow(s))
			}
		}
		if len(rows) == 0 {
			h.mu.Unlock()
			errf(inv, "0513-086 The %s Group is not on file.\n", o.get('g')) // [U]
			return 1
		}
	default:
		for _, s := range h.subsys {
			rows = append(rows, lssrcRow(s))
		}
	}
	h.mu.Unlock()
	out(inv, "%s%s", lssrcHeader, strings.Join(rows, ""))
	return 0
}

func cmdStartsrc(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "s:g:a:e:")
	if err != nil || len(args) > 0 || !(o.has('s') || o.has('g')) {
		return usage(inv, err, "Usage: startsrc [-h host] [-e Environment] [-a Arguments] {-s subsystem | -g group}\n") // [U]
	}
	h.mu.Lock()
	var targets []*subsystem
	if o.has('s') {
		if s := h.subsystem(o.get('s')); s != nil {
			targets = append(targets, s)
		}
	} else {
		for _, s := range h.subsys {
			if s.group == o.get('g') {
				targets = append(targets, s)
			}
		}
	}
	if len(targets) == 0 {
		h.mu.Unlock()
		name := o.get('s')
		if name == "" {
			errf(inv, "0513-086 The %s Group is not on file.\n", o.get('g')) // [U]
		} else {
			errf(inv, "0513-085 The %s Subsystem is not on file.\n", name) // [U]
		}
		return 1
	}
	var msgs []string
	rc := 0
	for _, s := range targets {
		if s.active {
			// [C] JVB start-up lines: the second sentence on its own line.
			msgs = append(msgs, fmt.Sprintf("0513-029 The %s Subsystem is already active.\nMultiple instances are not supported.\n", s.name))
			rc = 1
			continue
		}
		pid := h.procs.newPID()
		msgs = append(msgs, fmt.Sprintf("0513-059 The %s Subsystem has been started. Subsystem PID is %d.\n", s.name, pid)) // [C]
		s.active, s.pid = true, pid
		if s.name == "sshd" {
			if _, fatal := h.os().sshdConfigProblems(); fatal {
				s.active, s.pid = false, 0 // sshd exits at once (E45)
			}
		}
	}
	h.mu.Unlock()
	for _, m := range msgs {
		out(inv, "%s", m)
	}
	return rc
}

func cmdStopsrc(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "s:g:fc")
	if err != nil || len(args) > 0 || !(o.has('s') || o.has('g')) {
		return usage(inv, err, "Usage: stopsrc [-h host] [-f | -c] {-a | -g group | -p pid | -s subsystem}\n") // [U]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	name := o.get('s')
	var targets []*subsystem
	if name != "" {
		if s := h.subsystem(name); s != nil {
			targets = append(targets, s)
		}
	} else {
		for _, s := range h.subsys {
			if s.group == o.get('g') {
				targets = append(targets, s)
			}
		}
	}
	if len(targets) == 0 {
		errf(inv, "0513-085 The %s Subsystem is not on file.\n", name) // [U]
		return 1
	}
	rc := 0
	for _, s := range targets {
		if !s.active {
			errf(inv, "0513-004 The Subsystem or Group, %s, is currently inoperative.\n", s.name) // [U]
			rc = 1
			continue
		}
		s.active, s.pid = false, 0
		out(inv, "0513-044 The %s Subsystem was requested to stop.\n", s.name) // [U]
	}
	return rc
}

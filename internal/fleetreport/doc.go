// Package fleetreport reports a fleet migration from its journal: how many
// hosts were planned, succeeded, verified, failed, excluded, stopped or are
// still running, per master; each host's nimadm attempts phase by phase;
// the failures grouped by signature with their diagnosis; the fixes
// applied; and, from the audit log, the remote commands.
//
// [Build] computes one model, [Report], from a journal (package journal:
// its runs, the hosts' derived states, and one pass over the events for
// what the derived state does not keep), optionally an audit log and an
// inventory. Three formatters read it: [Text] (the terminal summary),
// [JSON] and [HTML] (one self-contained page). The numbers of the three
// are the model's; no formatter computes a count of its own.
//
// # Definitions
//
// Every host the journal names is in exactly one status ([Status]), from
// its final journal state: verified; migrated (succeeded, rebooting,
// verifying: nimadm succeeded, the verification has not finished);
// failed; stopped; excluded; rolled_back; running (starting, running,
// fixing, retrying); pending (planned). "Succeeded" counts verified and
// migrated hosts; "planned" counts hosts that were in state planned at
// some point (a host excluded by the plan never was).
//
// The duration spans the first run's start to the last run's end (to the
// report's time while a run is open). The makespan spans the first nimadm
// attempt's start to the moment the last host with an attempt reached its
// current state (the report's time for hosts still running). A phase
// starts at its banner and ends at the next banner, or at the attempt's
// exit; spans still open are measured up to the report's time, or to the
// end of their run if it ended without closing them.
//
// A failure is an attempt that ended with an outcome other than
// "succeeded", or a change to state failed outside an attempt (while
// verifying, fixing, ...). Failures are grouped by the diagnosis
// signature (a rule ID such as DIAG-0001, or the first message ID), by
// "outcome:OUTCOME" for failed attempts without a diagnosis, and by
// "state:STATE" for the others. A group's diagnosis comes from the first
// diagnosis report stored in the journal for it (the JSON of a
// diag.Report, or of one diag.Diagnosis), or, when none was stored, from
// the built-in rule of that ID.
//
// The audit section covers the records between the first run's start and
// the last run's end (open-ended while a run is open); records outside
// are counted and left out. It lists every command when the window holds
// at most [Options.ListAllUpTo] records (default [DefaultListAllUpTo]),
// else only the state-changing ones, the read-only ones counted per host
// and per program. [ReadAuditLog] streams a log of any size.
//
// # JSON schema (schema_version 1)
//
// Keys are stable: keys may be added, never renamed or given another
// meaning. Times are RFC 3339 in UTC; a time that is not known yet (an
// open run's end) is null. Durations are whole seconds (*_seconds,
// "seconds") or milliseconds (*_ms). Lists are [], never null.
//
//	schema_version   1
//	generated_at     the report's time
//	journal          the journal file ("" in memory); events: its number of events
//	inventory        the inventory file, or ""
//	audit_log        the audit log, or ""
//	runs[]           {id, started, ended, outcome, open, resumed[], controller,
//	                 version, inventory, inventory_sha256, notes[],
//	                 plan: {hosts, waves, excluded, policy} or null}
//	summary          {started, ended, duration_seconds, open, makespan_seconds,
//	                 hosts, planned, succeeded, verified, failed, stopped,
//	                 excluded, rolled_back, running, pending, attempts,
//	                 retried, succeeded_after_retry,
//	                 states: {STATE: hosts} for every journal state,
//	                 excluded_reasons[], stopped_reasons[]: {reason, hosts[]},
//	                 not_in_journal[]: inventory clients the journal never names}
//	masters[]        {name ("" for hosts without a known master), slots, hosts,
//	                 succeeded, verified, failed, stopped, excluded,
//	                 rolled_back, running, pending, attempts, started, ended,
//	                 makespan_seconds, busy_seconds, peak_parallel}
//	hosts[]          {name, master, wave, state, status, reason, since, run,
//	                 succeeded_attempt (0: none), nimadm_seconds, rule,
//	                 signature, fixes, notes[],
//	                 states[]: {state, at, reason},
//	                 attempts[]: {n, run, master, log, pid, started, ended,
//	                   seconds, outcome ("" while running), exit, detail,
//	                   last_phase, rule, signature,
//	                   phases[]: {n, started, ended, seconds}},
//	                 commands: {host, commands, mutating, read_only, failed,
//	                   duration_ms} or null without an audit log}
//	failures[]       {key, signature, rule, title, cause,
//	                 fix: {text, commands[]}, check, confidence,
//	                 evidence[]: {input, line, text, role},
//	                 source ("report", "rules" or "none"),
//	                 hits[]: {host, run, at, attempt, phase, outcome, exit,
//	                   reason, final_state, resolved},
//	                 hosts_hit, resolved}
//	fixes[]          {host, action, run, at, detail, title, status, before,
//	                 after, commands[]: {host, line, exit, dry_run, error},
//	                 undo[], after_attempt, follows_signature}
//	audit            null without an audit log, else {records, outside,
//	                 mutating, read_only, failed, dry_run, first, last,
//	                 transports[], read_only_programs[]: {name, count},
//	                 hosts[]: {host, commands, mutating, read_only, failed,
//	                   duration_ms},
//	                 listed ("all" or "mutating"),
//	                 commands[]: {time, host, transport, line, mutates,
//	                   dry_run, exit, error, duration_ms}}
//	warnings[]       problems met while reading (an undecodable plan
//	                 snapshot, inventory clients missing from the journal)
//
// Hosts are in natural order of their names (lpar2 before lpar10);
// failures by the number of hosts hit, most first; fixes and commands by
// time.
//
// # HTML
//
// The page has inline CSS and inline SVG bars, loads nothing, and is
// complete without JavaScript (a short script adds a filter box). Key
// numbers carry stable ids: n-hosts, n-planned, n-succeeded, n-verified,
// n-failed, n-stopped, n-excluded, n-rolled-back, n-running, n-pending,
// n-attempts, n-retried, n-succeeded-after-retry, n-events, n-duration and
// n-makespan (with data-seconds), and, with an audit log, a-records,
// a-mutating, a-read-only, a-failed, a-dry-run, a-outside, a-listed.
// Host rows are <tr id="h-HOST" data-host data-status data-state
// data-master data-attempts data-succeeded-attempt>; master rows
// <tr data-master> with cells <td data-k="hosts"> and so on; timeline rows
// <tr data-host data-attempt data-outcome> with one SVG rectangle of class
// pN per phase; failure groups <section id="f-KEY" data-key
// data-hosts-hit data-resolved data-hits>; fix rows <tr data-host
// data-action>; audit command rows <tr data-mutates>. Tests read them back
// from the DOM Chromium renders (browser_test.go).
//
// # Size
//
// For 5,000 hosts on 20 masters (166,000 journal events; 381,000 audit
// records, the follower polling every minute) the page is 14.5 MB and the
// JSON 24 MB. Opening the journal, streaming the audit log, building the
// model and writing both take 2.7 to 4 s on two shared cores
// (BenchmarkReport5000): opening the journal 0.4 s, the model 0.4 s plus
// 1.3 s to decode the audit log (spread over the cores), the page 0.3 s,
// the JSON 0.5 s (BenchmarkStages5000).
package fleetreport

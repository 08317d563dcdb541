// Package diag names the root cause of a failed nimadm migration,
// alt_disk_copy, multibos operation or NIM operation from its logs, with the
// evidence, the fix and the preflight check that would have caught it - and
// says "unknown" rather than guess.
//
// The migration orchestrator calls it on every failed run:
//
//	eng, err := diag.New(diag.Builtin()...)
//	rep, err := eng.Diagnose(ctx, diag.ReaderInput("lpar1_alt_mig.log", r))
//	if rep.Status == diag.StatusFailure { ... rep.Diagnoses[0] ... }
//
// `nimfleet diagnose` is a thin command line over the same calls.
//
// # Inputs
//
// What an input is, is decided by its content, never by its name: nimadm
// console output or the master's /var/adm/ras/alt_mig/<client>_alt_mig.log
// (phase banners), the client's /var/adm/ras/alt_disk_inst.log (a date line
// and "cmd: ..." open each appended run), multibos output or op.alog
// ("Initializing multibos methods ..." to "Return Status"), installp,
// bosboot and NIM output. Several inputs are diagnosed together: a rule can
// require a line from another file (scope "inputs"), and the same cause
// found in the master's and the client's log is one diagnosis with evidence
// from both. [LogSource] abstracts where logs come from; [FileSource] reads
// files and directories, [ReaderSource] a stream such as stdin.
//
// # Runs
//
// A run is one operation in a log: an alt_disk_inst.log record, a multibos
// operation, a nimadm run (a new one starts when the phase number goes
// down, or at a "# nimadm" prompt line after phases were seen). Lines before
// the first run marker belong to the first run. By default the last run of
// each input is diagnosed; [Options] selects another run or all of them.
//
// # Streaming and limits
//
// Each input is read once, line by line, through a 64 KiB buffer: longer
// lines are cut (and counted), so a 10 MB line costs 64 KiB. Only the
// current run's state is kept, context comes from a ring of recent lines,
// and the lists in the report are capped, so memory does not depend on the
// input size. An input whose first 8 KiB look binary is skipped and noted;
// NUL bytes alone (alog padding) are dropped, not treated as binary.
//
// Most lines contain no message ID and none of the literals the rules look
// for; a message-ID scan and an Aho-Corasick automaton over the literals
// required by the rules' regular expressions select the few lines on which
// regular expressions run.
//
// # Rules
//
// The built-in rules are YAML files in rules/, embedded in the binary;
// users add their own in the same format ([LoadRules]). A file is a mapping:
//
//	rules:
//	  - id: DIAG-0001            # permanent: DIAG- and four digits
//	    title: one line
//	    errors: [E01]            # errors.md entries, or "multibos.md §5.5"
//	    check: PRE-0301          # preflight check that would have caught it, or none
//	    confidence: high         # low, medium, high
//	    informational: false     # true: matching lines are harmless, no diagnosis
//	    fallback: false          # true: reported only if no other rule matched the run
//	    cause: text with {placeholders}
//	    fix: {text: ..., commands: [...]}
//	    verify: {text: ..., commands: [...]}   # optional: confirm / tell apart
//	    links: [...]
//	    match:
//	      sources: [nimadm, altdisk]   # kinds the run must contain; empty = any
//	      phases: [11]                 # nimadm phases of the trigger line
//	      altdisk_phases: [3]          # alt_disk phases of the trigger line
//	      require_phase: false         # unknown phase: no match (true) or confidence lowered (false)
//	      command: 'regex'             # on the command running at the trigger line
//	      trigger: CONDITION           # the line that names the failure
//	      with: [CONDITION...]         # all must hold
//	      without: [CONDITION...]      # none may hold
//	      optional: [CONDITION...]     # shown and used for placeholders when present
//	      explains: [CONDITION...]     # consequence lines: not reported as unexplained
//	      adjust:                      # first entry that holds sets the confidence
//	        - {confidence: low, when: [CONDITION...], unless: [CONDITION...], note: text}
//	not_covered:                       # errors.md entries without a rule, and why
//	  - {errors: [E03], reason: text}
//
// A CONDITION matches one line: {id: 0505-218 (or a list), regex: 'RE2 with
// (?P<name>captures)', not: 'RE2', within: N, scope: run|inputs}. within N:
// at most N lines before or after the trigger line (same run); scope inputs:
// any line of any input. Placeholders {name} in cause, fix and verify are
// filled from captures, then from facts found in the logs (client, disk,
// version, cache_vg, spot, lpp_source), then from [Options].Facts; an
// unknown value is shown as <name>. Loading reports every problem with
// file:line: unknown keys, bad regular expressions, duplicate IDs, missing
// fields, unknown placeholders.
//
// # Verdicts
//
// A run is a failure when a rule matched; unknown when error lines
// (message-ID lines other than informational ones, and lines containing
// error, ERROR, failed, FAILED, failure or FAILURE) remain unexplained, when
// multibos reported FAILURE, or when a nimadm log ends before phase 12
// without an error; otherwise no failure was found. Diagnoses are ranked by
// confidence, then by specificity (the number of constraints the rule
// checked), then by position.
//
// # JSON report (schema_version 1)
//
// [Report.WriteJSON] writes the [Report] with these keys. New keys may be
// added; the meaning of a key never changes.
//
//	schema_version   1
//	status           "failure" | "unknown" | "clean"
//	summary          one line
//	inputs[]         {name, bytes, lines, runs, long_lines?, skipped?, note?}
//	runs[]           {input, run, of, kind, kinds[], start_line, end_line,
//	                  started?, status, last_phase, last_altdisk_phase,
//	                  last_command?{input, line, text},
//	                  message_ids[]{id, count, input, line},
//	                  diagnoses[] (rule IDs),
//	                  unexplained[]{input, line, text} (first 20),
//	                  unexplained_total, notes[]?}
//	diagnoses[]      best first: {rule, title, confidence, errors[], check,
//	                  cause, fix{text, commands[]}, verify?{text, commands[]},
//	                  links[]?, phase, altdisk_phase, command?, captures?{},
//	                  evidence[]{input, line, text, role, context[]?{line, text}},
//	                  occurrences, runs[]{input, run}, notes[]?}
//	message_ids[]    {id, count, input, line} over all diagnosed runs
//
// Phases are 0 when unknown. Evidence role is "trigger", "with", "optional"
// or "adjust". Evidence and context text is cut at 512 bytes, with invalid
// UTF-8 and control characters replaced.
package diag

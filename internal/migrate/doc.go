// Package migrate is the fleet migration orchestrator: it joins the
// preflight checks (package preflight), the fixes (remediate), the
// scheduler (sched), the detached nimadm runs (nimadm), the diagnosis
// engine (diag) and the journal (journal) into one controller that
// migrates a fleet of NIM clients, survives its own crash, and says what
// happened to every client. `nimfleet migrate plan|run|resume`, `status`
// and `rollback` are thin command lines over it.
//
//	m, err := migrate.New(migrate.Options{Inventory: inv, Runner: fleet.Runner, Journal: j, Policy: sched.DefaultPolicy(), AutoFix: true})
//	res, err := m.Run(ctx)      // or m.Resume(ctx) after a crash
//
// # Plan
//
// [NewPlan] gathers, in one read-only round trip per host, the facts the
// plan needs (rootvg used sizes, the cache VGs' free space and partition
// size, levels) and runs the preflight checks at the same time. Each
// selected client gets an [Action]: migrate; fix-first (every blocker has
// a safe FIX- action and auto-fix is on); or exclude, with the reason
// (blocked, unreachable, migrated before, too big for its master's cache
// VG). The migrating clients are scheduled (sched.NewPlan): waves (canary
// first), master slots, each run's cache reservation (its file systems
// rounded to the cache VG's partitions plus the migration's growth), the
// expected duration from nimadm's duration model. The [Plan] marshals to
// JSON and is the run's plan snapshot in the journal.
//
// # Run
//
// [Orchestrator.Run] records the run and its plan, gives every client its
// first state (planned or excluded), applies the fix-first fixes (fresh
// facts, the precondition re-checked, audited) and checks them with the
// preflight again, then loops: it starts what the scheduler allows, one
// goroutine per client, and feeds each client's end back to the scheduler
// (failures count against the budget and may pause the rollout). The run
// ends when nothing is left (completed), when the budget is exhausted
// (halted: the clients not started are stopped), when a new failure
// signature or a failed canary paused the rollout with nothing running
// (paused: the run stays open for resume), or when the context is
// cancelled (interrupted: running nimadm processes go on; the run stays
// open).
//
// # One client
//
// A client's driver reads its state from the journal before every step and
// records the next state after it, so that [Orchestrator.Resume] continues
// any client exactly where a dead controller left it. The states and the
// journal events of a client, in order:
//
//	planned          state planned ("planned in wave N"; fix-first:
//	                 fixing, fix events, planned again, or excluded)
//	starting         state starting; attempt (number, master, log path on
//	                 the master) BEFORE the launch; nimadm started detached
//	                 (nimadm.StartLine); launched (pid) right after
//	running          state running; phase events as the banners appear in
//	                 the log, each with the log offset after it (offset);
//	                 the log is followed by offset (nimadm.Job.Wait)
//	ended            exit (outcome, exit status, last phase); the log kept
//	                 in LogDir/<host>.<attempt>.log
//	  succeeded      state succeeded; the clone checked (altinst_rootvg on
//	                 the target disk, bootlist on it); then verifying and
//	                 verified, or with Reboot: rebooting (shutdown -Fr,
//	                 wait until it runs from the new disk), verifying (level,
//	                 lppchk -v, old_rootvg, sshd) and verified; a check that
//	                 fails ends in failed with the reason
//	  failed         diagnosis (rule ID, signature, the diag report as JSON);
//	                 state failed. With a safe fix for the rule
//	                 ([FixForRule]), auto-fix, a run left and the fix not yet
//	                 tried: fixing, fix events, the client checked clean (no
//	                 nimadm running, no altinst_rootvg left, else nimadm -C),
//	                 planned, and a second attempt. Otherwise failed is final.
//	  stalled        no output for the progress deadline (stretched for long
//	                 phases) or past the host deadline: a note, SIGTERM,
//	                 wait for the end, nimadm -C, exit "stalled" or
//	                 "overdue", diagnosis, failed
//
// A resumed driver (or one whose launch command was cut off) that finds
// an attempt without a pid reads the pid file on the master, then looks
// for the client's nimadm in ps -ef, then for its exit-status file (a run
// that has ended is recorded as launched with its pid unknown and judged
// by that file and its log), and records the attempt as "not_launched"
// (and starts another) only when none exists. A launch refused on the
// transport with nothing running is tried again, up to 5 times in a row. An attempt with a pid is
// re-attached at its journaled offset; one that ended meanwhile is
// collected from its exit-status file. nimadm.Start refuses while any
// nimadm for the client runs. So a client is never migrated twice and
// never left untracked: if a master stops answering for longer than the
// host deadline, the client stays "running" in the journal, the run stays
// open (incomplete), and resume takes it over once the master is back.
//
// # Time
//
// The controller's time is a [Clock]: the wall clock in production; in
// tests a fake clock its own waits advance (the lab runs 1e9 times faster
// than real time) or the lab's own clock (benchmarks); [ScaledClock] for
// a controller in another process than the lab.
//
// # Rollback
//
// [Rollback] returns a migrated client to its old rootvg, before the
// reboot (remove the clone, bootlist back) or after it (bootlist to
// old_rootvg's disk, reboot, check the old level), on fresh facts, refused
// outside the expected states, through the audited (and, for a plan, dry
// run) runner, journaled as a run of its own.
package migrate

// Package nimadm runs NIM alternate disk migrations: it builds the nimadm
// command line for a client, starts it detached on the NIM master, follows
// its log phase by phase, detects stalls, and reports the outcome. It has
// no scheduling (package sched decides who starts) and no persistence
// (package journal records what happens); the orchestrator joins the three.
//
// # Command lines
//
// [Command] builds `/usr/sbin/nimadm -c CLIENT -l LPP -s SPOT [-j VG] -Y -d
// DISKS` from a client's inventory entry, in the shape of IBM's Ansible
// role, from validated tokens (package cmdline). [StartLine] wraps it so
// that it survives the SSH session and the controller:
//
//	/usr/bin/mkdir -p /var/adm/ras/nimfleet || exit 1; /usr/bin/nohup /usr/bin/sh -c 'LC_ALL=C /usr/sbin/nimadm -c lpar1 -l lpp73 -s spot73 -j nimadmvg -Y -d hdisk1 > /var/adm/ras/nimfleet/lpar1.r1.1.log 2>&1; echo $? > /var/adm/ras/nimfleet/lpar1.r1.1.rc' < /dev/null > /dev/null 2>&1 & echo $! > /var/adm/ras/nimfleet/lpar1.r1.1.pid; echo $!
//
// Each run of each attempt has its own log, exit-status (.rc) and pid
// files ([FilesFor]). The probes are read-only one-liners: [PollLine]
// (liveness with kill -0, the .rc file, and the log from a byte offset with
// AIX `tail -c +N` — all in one round trip), [CatLine], [AliveLine],
// [PsLine]; the state-changing ones are [KillLine] and [CleanupCommand]
// (`nimadm -C -c CLIENT -s SPOT`). Every line stays inside the lab's
// ksh subset (no command substitution, no if), which the tests check.
//
// # Tracking
//
// A [Tracker] parses nimadm's output incrementally, whatever the chunk
// boundaries: the phase banners ("Executing nimadm phase N." after a
// 79-character +---+ rule), the last "Client alt_disk_install command:",
// AIX message IDs (0505-xxx and friends), nimadm's own fatal line
// ("0505-187 nimadm: Error ..."), the cleanup and the final bootlist line.
// It reports the current phase, an ETA from a per-phase duration [Model]
// (nimadm.md §7 as calibrated in the lab, refined by a [Learner] from the
// fleet's finished runs), and a stall when no output arrived for the
// progress deadline (stretched to twice the model's estimate of a long
// phase such as phase 6). Its offset is always at a line boundary, so a
// follower that resumes from a journaled offset re-reads at most one
// partial line and never reports a phase twice.
//
// # Following a run
//
// [Start] refuses when a nimadm for the client is alive on the master
// (ps -ef, whoever started it: [ErrBusy]), launches the detached run and
// returns a [Job]. [Attach] re-creates the Job from a [Handle] (master,
// files, pid, tracker state) kept in the journal, after a controller
// crash; [RecoverPID] reads the pid file if the crash came before the pid
// was journaled. [Job.Poll] polls once; [Job.Wait] polls at an injected
// interval with an injected sleep until the run ends ([Succeeded],
// [Failed], [Lost]) or must be stopped ([Stalled], [Overdue]); it fetches
// the full log for diagnosis. [Job.Kill] and [Cleanup] stop and clean up.
// Nothing here starts goroutines.
//
// # Not handled here
//
// Two controllers with different journals that both target one client can
// still race between the ps check and the launch (milliseconds); the
// journal's lock prevents it for one fleet. Real AIX `ps -ef` may cut long
// command lines; -c is the first flag of our command, so it survives.
package nimadm

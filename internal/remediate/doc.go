// Package remediate repairs what makes a nimadm migration fail, where that
// is safe: guarded, reversible where possible, idempotent, and dry-run by
// default (`nimfleet fix` runs it through the dry-run decorator unless
// --apply is given).
//
// # Actions
//
// An [Action] answers three questions separately (STYLE §7):
//
//   - Needed: is the finding present? From the facts of package facts
//     only. The answer is yes, no, or unknown (facts missing: never a
//     guess). Each action maps to preflight check IDs (docs/check-ids.md),
//     so that `fix` can later take check results instead.
//   - Check: may I act here? Re-checked on facts gathered again just
//     before acting (a fresh, read-only round trip), plus read-only
//     commands where the facts say too little (lsfs, ls -ld). A refusal
//     carries its reason.
//   - Apply: run the commands, each a transport.Command with Mutates set,
//     through the fleet's Runner: the audit log records every one, and
//     the dry-run decorator stops them and records them in the plan.
//
// Afterwards the engine gathers the facts again and asks Needed: the
// action is fixed only when the finding is gone. A second run finds
// nothing to do and sends no state-changing command.
//
// Actions that cannot be undone implement [Destructive] and run only with
// an approval for the host in an approvals file ([ParseApprovals]);
// without one the plan lists them as needing approval, with the line to
// add.
//
// # The actions
//
// In engine order ([All]; a host's actions run in this order):
//
//	ID             checks    errors.md  finding (Needed)                          undo
//	FIX-VARYON     PRE-0406  E11        cache VG (-j) defined but varied off      varyoffvg VG
//	FIX-NIMRESET   PRE-0105  E21        client Cstate not "ready for a NIM..."    none needed (bookkeeping)
//	FIX-NIMSH      PRE-0104  E20        connect=nimsh and nimsh not active        stopsrc -s nimsh
//	FIX-MOUNT      PRE-0313  E44        rootvg file system not mounted            umount MOUNTPOINT
//	FIX-MULTIBOS   PRE-0302  E02        multibos standby instance                 none (standby removed)
//	FIX-BOSINST    PRE-0301  E01        /bos_inst exists, no standby uses it      mv /bos_inst.nimfleet.STAMP /bos_inst
//	FIX-BOSBOOT    PRE-0303  E03        boot record level reads 0.0               none needed (boot image rebuilt)
//	FIX-ALTINST    PRE-0304  E04        altinst_rootvg exists                     none (clone definition removed)
//	FIX-OLDROOTVG  PRE-0305  E05        old_rootvg exists (approval)              none: the rollback path is gone
//	FIX-PVID       PRE-0402  E08        inventory target disk without PVID        chdev -l DISK -a pv=clear
//	FIX-EFIX       PRE-0309  E33        efixes lock filesets (approval)           none: re-apply the efix
//
// Preconditions (Check, on fresh facts) and commands:
//
//   - FIX-VARYON (master): the inventory's cache_vg is defined, varied
//     off, not a root VG; no varyonvg/varyoffvg/exportvg... running.
//     varyonvg VG.
//   - FIX-NIMRESET (client; runs on its master): no nimadm, nim or NIM
//     method (m_*) for the client runs on the master (ps -ef; a nimadm
//     whose -c cannot be read counts). nim -Fo reset C; nim -o deallocate
//     -a subclass=all C. The state before the reset is noted.
//   - FIX-NIMSH: the subsystem is defined and inoperative. startsrc -s
//     nimsh.
//   - FIX-MOUNT: the file system's LV is closed and has an
//     /etc/filesystems stanza (lsfs); /bos_inst* are never mounted. mount
//     MOUNTPOINT, parents first.
//   - FIX-MULTIBOS: rootvg not mirrored, no stale partitions; the booted
//     BLV (bootinfo -v) is hd5 or bos_hd5 and the standby is clearly the
//     other instance (other name family, closed, unmounted), while the
//     booted family holds /, /usr and /var open; no multibos or alt_disk
//     process. multibos -R. FIX-BOSINST follows (also under --only),
//     because multibos -R can leave /bos_inst behind.
//   - FIX-BOSINST (multibos.md §6): no hd5+bos_hd5 pair and no LV mounted
//     under /bos_inst; nothing mounted on or under /bos_inst (mount point
//     or mounted object); no /etc/filesystems stanza (lsfs /bos_inst
//     fails); the booted BLV is a boot LV of rootvg; no multibos or
//     alt_disk process; the new name is free. mv /bos_inst
//     /bos_inst.nimfleet.YYYYMMDD-HHMMSS (controller clock, UTC): renamed,
//     never removed; a non-empty directory is moved too and the report
//     says so. While a standby exists FIX-BOSINST is not needed: /bos_inst
//     is then the standby's mount point, not a leftover.
//   - FIX-BOSBOOT: /dev/ipldevice is a character device with the major
//     and minor numbers of /dev/r<boot disk> (ls -ld); no boot, multibos
//     or alt_disk process. bosboot -ad /dev/ipldevice. It does not insist
//     on a multibos layout: a 0.0 level is wrong on any system.
//   - FIX-ALTINST, FIX-OLDROOTVG: no nimadm or NIM operation for the
//     client on its master; the VG's disks are not the boot disk and not
//     in the bootlist (a fresh clone waiting for its reboot is left
//     alone); the VG is varied off; no alt_disk or multibos process on the
//     client. alt_rootvg_op -X VG, then chpv -C DISK per disk.
//     FIX-OLDROOTVG also needs an approval.
//   - FIX-PVID: the disk is not the boot disk and in no VG (lspv and
//     getlvodm agree). chdev -l DISK -a pv=yes.
//   - FIX-EFIX: no efix waits for a reboot; no emgr or installp runs; an
//     approval names every label. emgr -r -L LABEL per label.
//
// # Engine
//
// [Run] gathers the masters' facts, then works on the hosts concurrently
// (bounded), each host's actions in order. Per action: Needed on the
// facts at hand; if present, gather fresh facts, Needed again, Check,
// approval for destructive actions, Apply, gather again and confirm. A
// failure stops the host's remaining actions (reported as skipped); a
// refusal does not. The [Report] says per host and action what was found,
// verified, run (or would run), how to undo it, and what the post-check
// showed.
//
// Nothing here knows the lab: everything is decided from what AIX
// commands print, and the tests run the same code against the simulator.
package remediate

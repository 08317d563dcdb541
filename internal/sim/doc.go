// Package sim is the lab: a simulator of AIX NIM masters and their
// standalone clients that prints what real AIX prints and fails the way
// real nimadm fails. Every end-to-end test of nimfleet runs against it, and
// users rehearse fleet migrations on it. It never imports nimfleet's
// product packages (only internal/transport, for the Runner interface, and
// internal/sim/shell), so the product cannot lean on a quirk of the lab and
// the lab cannot borrow the product's parsers.
//
// # Config and runtime
//
// A [Config] is plain data: [MasterSpec] and [ClientSpec] describe each
// LPAR (level, disks, rootvg, volume groups, filesets, efixes, NIM
// objects...), named faults are applied on top, and each master carries the
// administrator's intent (SPOT, lpp_source, cache VG, target level; each
// client its target disk). Zero values are healthy defaults, so a client is
// a few lines. [New] validates a Config (reporting every problem at once)
// and builds the running [Lab]. Scenario files are YAML, decoded strictly
// ([ParseScenario]: unknown keys are errors with line numbers); the shipped
// ones live in testdata/scenarios and are embedded ([Scenarios],
// [LoadScenario]): "seed" is the field report behind the project,
// "healthy" a minimal clean lab, "fleet200" a generated fleet.
//
// Example:
//
//	time_scale: 3600
//	masters:
//	  - name: nim73
//	    level: 7300-03-01-2446
//	    disks: [{name: hdisk0, size_gb: 100}, {name: hdisk1, size_gb: 400}]
//	    vgs: [{name: nimadmvg, disks: [hdisk1]}]
//	    spots: [{name: spot73, level: 7300-03-01-2446}]
//	    lpp_sources: [{name: lpp73, level: 7300-03-01-2446}]
//	    intent: {spot: spot73, lpp_source: lpp73, cache_vg: nimadmvg, target_level: 7300-03-01-2446}
//	clients:
//	  - {name: aix01, master: nim73, level: 7200-05-07-2346}
//	  - name: aix02
//	    master: nim73
//	    level: 7200-05-05-2246
//	    rootvg: {used_gb: 25}
//	    faults: [bos_inst_leftover, efix_locks]
//
// [Generate] builds N clients over M masters from a seed (same seed, same
// fleet), and [Lab.Truth] reports what was injected.
//
// # Hosts and commands
//
// Each host is a typed, mutex-protected model: disks (size, PVID, VG,
// bootable, shared), volume groups and logical volumes (PP arithmetic,
// layout over disks, stale partitions, locks), the OS image that lives in
// each rootvg-like VG (level, filesets, efixes, groups, TCB, a small
// virtual file system with /bos_inst, /etc/niminfo, sshd_config and the
// logs), bootlist, SRC subsystems, a process table, and on masters the NIM
// database. Commands are handlers registered by name and full AIX path
// (lsvg, /usr/sbin/lsvg); the shell of package shell parses command lines
// and calls them. [Lab.Exec] runs a line as sshd would; [Lab.Runner] is the
// in-memory [transport.Runner]. Simulated commands: oslevel, lsvg, lspv,
// lslv, getlvodm, chpv, chdev, varyonvg, varyoffvg, bootinfo, bootlist,
// getconf, blvset, bosboot, lslpp, lppchk, instfix, emgr, df, mount,
// umount, lsfs, ls, cat, tail, head, grep, rm, rmdir, mv, mkdir, ln,
// touch, test, prtconf, uname, lsattr, hostname, date, lsgroup, tcbck,
// sshd -t, ps, kill, sleep, lssrc, startsrc, stopsrc, multibos (-s, -R,
// with -p -X -t), alt_rootvg_op -X, alt_disk_install -X, shutdown; on
// masters lsnim, nim (showres, reset, deallocate, change, reboot), c_rsh
// and nimadm.
//
// Output follows the captures in the domain notes (commands.md,
// errors.md, multibos.md, transcripts.md) byte for byte where they are
// real captures; code comments mark each format [C] (confirmed) or [U]
// (best effort). The golden tests in testdata/golden compare the lab with
// the captures themselves.
//
// # nimadm
//
// nimadm validates its flags, starts the master's NFS subsystems, checks
// eligibility, and runs the 12 phases with their banners, acting on the
// model: phase 1 creates altinst_rootvg on the target disk, phase 2 (-j)
// takes the client's rootvg used size plus growth from the cache VG, phase
// 5 grows /usr on the target, phase 10 releases the cache, phase 11 renames
// the clone, applies the new level, varies it off and sets the bootlist,
// phase 12 cleans up (and reboots with -r). Any failure prints its error,
// then nimadm's cleanup (errors.md E01's last five lines), removes the
// clone, releases the cache and resets the bootlist. The transcript goes to
// stdout and to /var/adm/ras/alt_mig/<client>_alt_mig.log; alt_disk
// records go to the client's /var/adm/ras/alt_disk_inst.log. Exit status:
// 0 success, 1 failure [U], 143 killed. While it runs the client's NIM
// Cstate is "alt_disk_install operation is being performed" [U].
//
// Refusals that no public source documents use synthetic, clearly [U]
// messages: 0505-150 (Cstate not ready), 0505-151 (master below target),
// 0505-152 (lpp_source/SPOT levels), 0505-153 (resources not local),
// 0505-154 (client at target), 0505-155 (unsupported path), 0505-156
// (processor), 0505-157 (TCB without -j), 0505-159 (memory), 0505-160
// (client unreachable), 0505-161 (cache VG), 0505-162 (-Y missing),
// 0505-117/120/121/122 (target disk missing, altinst_rootvg exists, disk
// not bootable, stale rootvg), 0505-188..191 (phases 2, 5, 6, 8). Tools
// must not key on them; the confirmed IDs (0505-126, 0505-158 prefix,
// 0505-187, 0505-218, 0516-404/822, 0516-1201, 0301-150, 0042-053,
// 0042-207, 3001-038, 0503-464, EFIX MANAGER LOCKS) are real.
//
// # Time
//
// Config.TimeScale is simulated seconds per real second (1 by default;
// tests use 1e9 or more, so no test sleeps). Lab time ([Lab.Now]) is Start
// plus real elapsed time times the scale. nimadm's duration model [U]:
// start-up 10 s; phase 1 60 s + 30 s/GB of rootvg used; phase 2 30 s;
// phase 3 30 s/GB with -j (60 s over NFS); phases 4 and 7 5 s; phase 5
// 300 s; phase 6 1800 s; phase 8 120 s; phase 9 60 s + 15 s/GB with -j
// (30 s over NFS); phases 10 and 12 30 s; phase 11 120 s. Phases 5 and 6
// take 20% longer over NFS, and phases 5-8 are multiplied by the master's
// load, running migrations / CPUCapacity, when above 1. A 20 GB rootvg
// takes about 68 minutes with -j. A reboot keeps the host down
// Config.BootSeconds (300).
//
// # Faults
//
// Faults are documented knobs ([Faults] lists them): named in a scenario,
// injected at run time with [Lab.SetFault], reported by [Lab.Truth] with
// their errors.md entry, the preflight checks (docs/check-ids.md) that
// should catch them, the nimadm phase they break, and whether a safe
// action fixes them. [Generate] draws one fault for a FaultRate share of
// clients (default 0.3; a tenth of those get a second one) with these
// weights, giving about these shares of all clients (before faults that do
// not apply to a host's levels are redrawn):
//
//	fault                      E    nimadm fails   weight share  checks
//	bos_inst_leftover          E01  11            12   3.3%  PRE-0301
//	multibos_standby           E02  11             5   1.4%  PRE-0302, PRE-0301
//	blv_level_zero             E03  none           2   0.5%  PRE-0303
//	altinst_rootvg_exists      E04  1              4   1.1%  PRE-0304
//	old_rootvg_exists          E05  none           4   1.1%  PRE-0305
//	target_disk_in_vg          E06  1              5   1.4%  PRE-0401
//	shared_disk                E07  none           2   0.5%  PRE-0405
//	target_disk_no_pvid        E08  none           4   1.1%  PRE-0402
//	target_disk_too_small      E09  1              5   1.4%  PRE-0404
//	target_disk_not_bootable   E10  1              2   0.5%  PRE-0403
//	rsh_broken                 E17  1              4   1.1%  PRE-0103
//	nim_client_missing         E18  start          2   0.5%  PRE-0101
//	niminfo_wrong_master       E19  1              2   0.5%  PRE-0102
//	nimsh_down                 E20  1              4   1.1%  PRE-0104, PRE-0103
//	cstate_not_ready           E21  start          4   1.1%  PRE-0105
//	client_at_target           E28  start          3   0.8%  PRE-0202
//	unsupported_path           E29  start          2   0.5%  PRE-0203
//	processor_too_old          E30  start          2   0.5%  PRE-0409
//	tcb_enabled                E31  start (no -j)  2   0.5%  PRE-0308
//	low_memory                 E32  start          2   0.5%  PRE-0408
//	efix_locks                 E33  6              5   1.4%  PRE-0309
//	efix_reboot_pending        E33  6              2   0.5%  PRE-0309
//	bad_ipldevice              E35  8              3   0.8%  PRE-0310
//	rootvg_locked              E36  1 (hangs)      2   0.5%  PRE-0306
//	stale_rootvg               E37  1              2   0.5%  PRE-0307
//	missing_groups             E38  6              3   0.8%  PRE-0311
//	lpp_incomplete             E39  after reboot   3   0.8%  PRE-0206
//	alt_prefix_objects         E43  none           2   0.5%  PRE-0312
//	unmounted_fs               E44  none           3   0.8%  PRE-0313
//	sshd_bad_config            E45  after reboot   3   0.8%  PRE-0315
//	app_running                E46  none           4   1.1%  PRE-0314
//	rootvg_full                E15  none           2   0.5%  PRE-0410
//	unreachable                -    transport      4   1.1%  -
//	nimadm_hang                -    6 (hangs)      0   knob  -
//
// Master faults (GenOptions.MasterFaultRate, default 0) affect every
// client of the master; their weights among faulty masters:
//
//	cache_vg_too_small         E12  2              3  18.8%  PRE-0407
//	cache_vg_missing           E11  start          1   6.2%  PRE-0406
//	cache_vg_varied_off        E11  start          2  12.5%  PRE-0406
//	spot_busy                  E22  none           2  12.5%  PRE-0208
//	master_below_target        E27  start          1   6.2%  PRE-0201
//	alt_disk_mismatch          E24  start          2  12.5%  PRE-0204
//	spot_missing_alt_disk      E25  start          1   6.2%  PRE-0204
//	lpp_spot_mismatch          E26  start          1   6.2%  PRE-0205
//	resources_not_local        E42  start          1   6.2%  PRE-0207
//	master_low_memory          E32  start          1   6.2%  PRE-0408
//	master_unreachable         -    transport      1   6.2%  -
//
// # Observation and test knobs
//
// [Lab.Snapshot] dumps a host's whole model deterministically (no times,
// no PIDs), so a test can diff a host before and after a fix.
// [Lab.SetDown], [Lab.SetUnreachable], [Lab.SetFault], [Lab.SetCommandHook],
// [Lab.SetLatency], [Lab.SetHang] and [Lab.SetPhaseHook] change the world
// at run time. [Lab.Up] says whether a host accepts SSH (false while it
// reboots, is off, or its sshd is down after E45); [Lab.Running] whether it
// is booted. SIM_TRACE=1 logs every command line and command to stderr.
//
// # Not simulated
//
// Real I/O, NFS, networking and name resolution (E40, E41) are not modelled:
// the cache and the clone are bookkeeping. nimadm's -W, -S, -M, -T, -O, -N,
// -U, -A modes, multibos -c/-m/-u/-S/-B, alt_disk_copy and alt_disk_mksysb
// run by hand, alt_rootvg_op -W/-S, wake-up of old VGs (E47), lslv -l/-m,
// lquerypv, installp, mirrorvg/syncvg, chfs/extendlv, user and group
// administration, /etc/filesystems and /etc/hosts as files, awk, and file
// permissions are not simulated. Concurrent VGs, hot spares, mirror pools
// and more than two rootvg disks are not modelled. Multibos standby
// instances share their active instance's OS image. See WISHLIST.md.
package sim

package sim

// Fault names. Each is a documented knob: a scenario lists it under
// `faults:`, [Lab.SetFault] applies it at run time, and [Lab.Truth] reports
// it with its errors.md entry and the preflight checks that should catch it.
const (
	// Client faults.
	FaultBosInstLeftover   = "bos_inst_leftover"        // E01: /bos_inst left after multibos -R
	FaultMultibosStandby   = "multibos_standby"         // E02: a standby BOS (bos_hd5) exists
	FaultBLVLevelZero      = "blv_level_zero"           // E03: blvset -g level prints 0.0
	FaultAltinstExists     = "altinst_rootvg_exists"    // E04: an altinst_rootvg on another disk
	FaultOldRootvgExists   = "old_rootvg_exists"        // E05: an old_rootvg on another disk
	FaultTargetInVG        = "target_disk_in_vg"        // E06: target disk belongs to datavg
	FaultSharedDisk        = "shared_disk"              // E07: target LUN also seen on another LPAR
	FaultNoPVID            = "target_disk_no_pvid"      // E08: target disk has no PVID
	FaultTargetTooSmall    = "target_disk_too_small"    // E09/E12: target smaller than rootvg used
	FaultNotBootable       = "target_disk_not_bootable" // E10: bootinfo -B prints 0
	FaultRshBroken         = "rsh_broken"               // E17: master cannot run commands on the client
	FaultNIMUndefined      = "nim_client_missing"       // E18: client not defined in NIM
	FaultNiminfoWrong      = "niminfo_wrong_master"     // E19: /etc/niminfo names another master
	FaultNimshDown         = "nimsh_down"               // E20: nimsh inoperative (connect=nimsh)
	FaultCstateNotReady    = "cstate_not_ready"         // E21: NIM Cstate left busy
	FaultClientAtTarget    = "client_at_target"         // E28: client already at the target level
	FaultUnsupportedPath   = "unsupported_path"         // E29: source level not supported for target
	FaultProcessorTooOld   = "processor_too_old"        // E30: POWER7 client, 7.3 target
	FaultTCBEnabled        = "tcb_enabled"              // E31: TCB on (fails without -j)
	FaultLowMemory         = "low_memory"               // E32: client below 4 GB
	FaultEfixLocks         = "efix_locks"               // E33: interim fix locks filesets
	FaultEfixRebootPending = "efix_reboot_pending"      // E33: an efix in state *Q*
	FaultBadIPLDevice      = "bad_ipldevice"            // E34/E35: /dev/ipldevice missing
	FaultRootvgLocked      = "rootvg_locked"            // E36: LVM commands block on rootvg
	FaultStaleRootvg       = "stale_rootvg"             // E37: stale partitions in rootvg
	FaultMissingGroups     = "missing_groups"           // E38: mail and printq groups removed
	FaultLPPIncomplete     = "lpp_incomplete"           // E39: a fileset the lpp_source lacks
	FaultAltPrefix         = "alt_prefix_objects"       // E43: user LV/FS named alt*
	FaultUnmountedFS       = "unmounted_fs"             // E44: a rootvg file system not mounted
	FaultSSHDConfig        = "sshd_bad_config"          // E45: sshd_config rejected by the new OpenSSH
	FaultAppRunning        = "app_running"              // E46: db2sysc and slapd running
	FaultRootvgFull        = "rootvg_full"              // E14/E15: under 256 MB free in rootvg
	FaultUnreachable       = "unreachable"              // transport: host does not answer
	FaultNimadmHang        = "nimadm_hang"              // lab knob: nimadm stops in phase 6 forever

	// Master faults.
	FaultCacheVGTooSmall   = "cache_vg_too_small"    // E12: cache VG has no room (-j)
	FaultCacheVGMissing    = "cache_vg_missing"      // E11: cache VG not defined
	FaultCacheVGVariedOff  = "cache_vg_varied_off"   // E11: cache VG varied off
	FaultSpotBusy          = "spot_busy"             // E22: showres on the SPOT fails 0042-207
	FaultMasterBelowTarget = "master_below_target"   // E27: master level below the target
	FaultAltDiskMismatch   = "alt_disk_mismatch"     // E24: bos.alt_disk_install.rte master != SPOT
	FaultSpotNoAltDisk     = "spot_missing_alt_disk" // E25: SPOT lacks bos.alt_disk_install.rte
	FaultLPPSpotMismatch   = "lpp_spot_mismatch"     // E26: lpp_source and SPOT at different levels
	FaultResourcesNotLocal = "resources_not_local"   // E42: resources served by another server
	FaultMasterLowMemory   = "master_low_memory"     // E32: master below 4 GB
	FaultMasterUnreachable = "master_unreachable"    // transport: master does not answer
)

// FaultInfo documents one fault: what it models and what should catch it.
type FaultInfo struct {
	// Name is the knob name used in scenarios.
	Name string `json:"fault"`
	// Role is "client" or "master".
	Role string `json:"role"`
	// Entry is the errors.md entry (E01 ...), empty for transport faults.
	Entry string `json:"errors_entry,omitempty"`
	// Checks are the preflight check IDs (docs/check-ids.md) that should
	// report the fault before a migration.
	Checks []string `json:"checks,omitempty"`
	// Phase is where nimadm fails because of it: "start", "1" ... "12",
	// "after-reboot", "transport", or "none" when nimadm does not fail.
	Phase string `json:"nimadm_phase"`
	// Fixable says whether a safe automatic action repairs it; Fix names it.
	Fixable bool   `json:"fixable"`
	Fix     string `json:"fix,omitempty"`
	// Weight is the relative frequency of the fault among faulty hosts in
	// [Generate]. Zero means the generator never injects it.
	Weight float64 `json:"-"`
	// Summary is a one-line description.
	Summary string `json:"summary"`
}

// faultTable is the lab's fault catalogue. Weights are the generator's
// relative frequencies; doc.go prints the resulting rates.
var faultTable = []FaultInfo{
	{FaultBosInstLeftover, "client", "E01", []string{"PRE-0301"}, "11", true, "rmdir /bos_inst (rm -r when safe)", 12, "leftover /bos_inst directory after multibos -R"},
	{FaultMultibosStandby, "client", "E02", []string{"PRE-0302", "PRE-0301"}, "11", true, "multibos -R, then check /bos_inst", 5, "multibos standby instance (bos_hd5) exists"},
	{FaultBLVLevelZero, "client", "E03", []string{"PRE-0303"}, "none", true, "bosboot -ad /dev/ipldevice", 2, "boot record level reads 0.0"},
	{FaultAltinstExists, "client", "E04", []string{"PRE-0304"}, "1", false, "", 4, "an altinst_rootvg already exists on another disk"},
	{FaultOldRootvgExists, "client", "E05", []string{"PRE-0305"}, "none", false, "", 4, "an old_rootvg exists on another disk"},
	{FaultTargetInVG, "client", "E06", []string{"PRE-0401"}, "1", false, "", 5, "target disk belongs to a volume group"},
	{FaultSharedDisk, "client", "E07", []string{"PRE-0405"}, "none", false, "", 2, "target LUN is mapped to another LPAR too"},
	{FaultNoPVID, "client", "E08", []string{"PRE-0402"}, "none", true, "chdev -l hdiskN -a pv=yes", 4, "target disk has no PVID"},
	{FaultTargetTooSmall, "client", "E09", []string{"PRE-0404"}, "1", false, "", 5, "target disk smaller than rootvg used size"},
	{FaultNotBootable, "client", "E10", []string{"PRE-0403"}, "1", false, "", 2, "target disk not bootable (added by DLPAR)"},
	{FaultRshBroken, "client", "E17", []string{"PRE-0103"}, "1", false, "", 4, "master cannot run remote commands on the client"},
	{FaultNIMUndefined, "client", "E18", []string{"PRE-0101"}, "start", false, "", 2, "client not defined in NIM"},
	{FaultNiminfoWrong, "client", "E19", []string{"PRE-0102"}, "1", false, "", 2, "/etc/niminfo names another master"},
	{FaultNimshDown, "client", "E20", []string{"PRE-0104", "PRE-0103"}, "1", true, "startsrc -s nimsh", 4, "nimsh inoperative on a connect=nimsh client"},
	{FaultCstateNotReady, "client", "E21", []string{"PRE-0105"}, "start", true, "nim -Fo reset CLIENT; nim -o deallocate -a subclass=all CLIENT", 4, "client NIM Cstate not ready"},
	{FaultClientAtTarget, "client", "E28", []string{"PRE-0202"}, "start", false, "", 3, "client already at the target level"},
	{FaultUnsupportedPath, "client", "E29", []string{"PRE-0203"}, "start", false, "", 2, "source level not supported for the target"},
	{FaultProcessorTooOld, "client", "E30", []string{"PRE-0409"}, "start", false, "", 2, "processor too old for the target (7.3 needs POWER8)"},
	{FaultTCBEnabled, "client", "E31", []string{"PRE-0308"}, "start", false, "", 2, "TCB enabled: nimadm refuses it without -j"},
	{FaultLowMemory, "client", "E32", []string{"PRE-0408"}, "start", false, "", 2, "client has less than 4 GB of memory"},
	{FaultEfixLocks, "client", "E33", []string{"PRE-0309"}, "6", true, "emgr -r -L LABEL", 5, "interim fix locks filesets"},
	{FaultEfixRebootPending, "client", "E33", []string{"PRE-0309"}, "6", false, "", 2, "interim fix waits for a reboot (*Q*)"},
	{FaultBadIPLDevice, "client", "E35", []string{"PRE-0310"}, "8", false, "", 3, "/dev/ipldevice missing"},
	{FaultRootvgLocked, "client", "E36", []string{"PRE-0306"}, "1", false, "", 2, "rootvg locked; LVM commands block"},
	{FaultStaleRootvg, "client", "E37", []string{"PRE-0307"}, "1", false, "", 2, "stale partitions in mirrored rootvg"},
	{FaultMissingGroups, "client", "E38", []string{"PRE-0311"}, "6", false, "", 3, "groups mail and printq removed"},
	{FaultLPPIncomplete, "client", "E39", []string{"PRE-0206"}, "after-reboot", false, "", 3, "a fileset the lpp_source does not carry"},
	{FaultAltPrefix, "client", "E43", []string{"PRE-0312"}, "none", false, "", 2, "user logical volume named with the alt prefix"},
	{FaultUnmountedFS, "client", "E44", []string{"PRE-0313"}, "none", true, "mount MOUNTPOINT", 3, "a rootvg file system is not mounted"},
	{FaultSSHDConfig, "client", "E45", []string{"PRE-0315"}, "after-reboot", false, "", 3, "sshd_config uses ciphers the new OpenSSH rejects"},
	{FaultAppRunning, "client", "E46", []string{"PRE-0314"}, "none", false, "", 4, "db2sysc and slapd are running"},
	{FaultRootvgFull, "client", "E15", []string{"PRE-0410"}, "none", false, "", 2, "rootvg has under 256 MB free"},
	{FaultUnreachable, "client", "", nil, "transport", false, "", 4, "host does not answer (powered off, network)"},
	{FaultNimadmHang, "client", "", nil, "6", false, "", 0, "nimadm stops in phase 6 and never ends"},

	{FaultCacheVGTooSmall, "master", "E12", []string{"PRE-0407"}, "2", false, "", 3, "cache VG has too few free PPs"},
	{FaultCacheVGMissing, "master", "E11", []string{"PRE-0406"}, "start", false, "", 1, "cache VG does not exist"},
	{FaultCacheVGVariedOff, "master", "E11", []string{"PRE-0406"}, "start", true, "varyonvg VG", 2, "cache VG varied off"},
	{FaultSpotBusy, "master", "E22", []string{"PRE-0208"}, "none", false, "", 2, "SPOT busy: showres fails 0042-207"},
	{FaultMasterBelowTarget, "master", "E27", []string{"PRE-0201"}, "start", false, "", 1, "master below the target level"},
	{FaultAltDiskMismatch, "master", "E24", []string{"PRE-0204"}, "start", false, "", 2, "bos.alt_disk_install.rte differs between master and SPOT"},
	{FaultSpotNoAltDisk, "master", "E25", []string{"PRE-0204"}, "start", false, "", 1, "SPOT lacks bos.alt_disk_install.rte"},
	{FaultLPPSpotMismatch, "master", "E26", []string{"PRE-0205"}, "start", false, "", 1, "lpp_source and SPOT at different levels"},
	{FaultResourcesNotLocal, "master", "E42", []string{"PRE-0207"}, "start", false, "", 1, "NIM resources served by another server"},
	{FaultMasterLowMemory, "master", "E32", []string{"PRE-0408"}, "start", false, "", 1, "master has less than 4 GB of memory"},
	{FaultMasterUnreachable, "master", "", nil, "transport", false, "", 1, "master does not answer"},
}

var (
	faultByName  = map[string]FaultInfo{}
	clientFaults = map[string]bool{}
	masterFaults = map[string]bool{}
)

func init() {
	for _, f := range faultTable {
		if _, dup := faultByName[f.Name]; dup {
			panic("sim: duplicate fault " + f.Name)
		}
		faultByName[f.Name] = f
		if f.Role == "client" {
			clientFaults[f.Name] = true
		} else {
			masterFaults[f.Name] = true
		}
	}
}

// Faults returns the fault catalogue in documentation order.
func Faults() []FaultInfo {
	out := make([]FaultInfo, len(faultTable))
	for i, f := range faultTable {
		f.Checks = append([]string(nil), f.Checks...)
		out[i] = f
	}
	return out
}

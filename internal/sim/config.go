package sim

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Config is the plain-data description of a lab: NIM masters, their
// standalone clients, their state, the faults injected on top, and what the
// administrator intends to do (SPOT, lpp_source, cache VG, target disk).
// [New] validates it and builds the running world. A Config is usually read
// from a scenario file ([ParseScenario]) or built by [Generate].
//
// Zero values mean "use the default" throughout; the defaults give a
// healthy host, so a client is a few lines (name, master, level).
type Config struct {
	// TimeScale is simulated seconds per real second. Zero means 1 (real
	// time); 3600 makes an hour of nimadm take one second; tests use 1e7
	// or more so whole migrations take milliseconds.
	TimeScale float64 `yaml:"time_scale,omitempty" json:"time_scale,omitempty"`
	// Start is the lab's wall clock at New, RFC 3339 or "2006-01-02T15:04:05".
	// Empty means 2024-03-04T09:00:00.
	Start string `yaml:"start,omitempty" json:"start,omitempty"`
	// BootSeconds is how long (simulated) a reboot keeps a host down.
	// Zero means 300.
	BootSeconds int `yaml:"boot_seconds,omitempty" json:"boot_seconds,omitempty"`
	// Seed records the generator seed of a generated fleet (informational).
	Seed int64 `yaml:"seed,omitempty" json:"seed,omitempty"`

	Masters []MasterSpec `yaml:"masters" json:"masters"`
	Clients []ClientSpec `yaml:"clients" json:"clients"`
}

// HostSpec holds what masters and clients share: the LPAR itself.
type HostSpec struct {
	// Name is the inventory name and, unless Hostname is set, the host name.
	Name string `yaml:"name" json:"name"`
	// Hostname is what `hostname` prints. Empty means Name.
	Hostname string `yaml:"hostname,omitempty" json:"hostname,omitempty"`
	// Level is the running AIX level as `oslevel -s` prints it; it must be
	// one of [KnownLevels].
	Level string `yaml:"level" json:"level"`
	// Processor is POWER5 ... POWER10. Empty means POWER8.
	Processor string `yaml:"processor,omitempty" json:"processor,omitempty"`
	// MemoryMB is the LPAR's memory. Zero means 16384.
	MemoryMB int `yaml:"memory_mb,omitempty" json:"memory_mb,omitempty"`
	// TZ is the time-zone label printed in dates (e.g. EETDT). Empty means UTC.
	TZ string `yaml:"tz,omitempty" json:"tz,omitempty"`
	// CPUID is the 12-character machine ID (`uname -m`, NIM cpuid). Empty
	// means one derived from the name.
	CPUID string `yaml:"cpuid,omitempty" json:"cpuid,omitempty"`
	// LPARNumber and LPARName are what `uname -L` prints. Zero/empty mean
	// derived values.
	LPARNumber int    `yaml:"lpar_number,omitempty" json:"lpar_number,omitempty"`
	LPARName   string `yaml:"lpar_name,omitempty" json:"lpar_name,omitempty"`
	// Disks are the LPAR's physical volumes. Empty means hdisk0 (rootvg,
	// 40 GB) and, on clients, hdisk1 (free, 40 GB, with a PVID).
	Disks []DiskSpec `yaml:"disks,omitempty" json:"disks,omitempty"`
	// RootVG describes rootvg. Zero means one disk (hdisk0), a default LV
	// layout and 30% of the disk used.
	RootVG RootVGSpec `yaml:"rootvg,omitempty" json:"rootvg,omitempty"`
	// VGs are further volume groups (data VGs, the master's cache VG).
	VGs []VGSpec `yaml:"vgs,omitempty" json:"vgs,omitempty"`
	// Filesets adds or overrides installed filesets.
	Filesets []FilesetSpec `yaml:"filesets,omitempty" json:"filesets,omitempty"`
	// Efixes are installed interim fixes.
	Efixes []EfixSpec `yaml:"efixes,omitempty" json:"efixes,omitempty"`
	// MissingGroups names standard groups (mail, printq, ...) that were
	// removed from the system.
	MissingGroups []string `yaml:"missing_groups,omitempty" json:"missing_groups,omitempty"`
	// TCB turns the Trusted Computing Base on.
	TCB bool `yaml:"tcb,omitempty" json:"tcb,omitempty"`
	// Processes are extra running programs (db2sysc, slapd, ...).
	Processes []string `yaml:"processes,omitempty" json:"processes,omitempty"`
	// Files are extra files and directories in the virtual file system.
	Files []FileSpec `yaml:"files,omitempty" json:"files,omitempty"`
	// Subsystems overrides SRC subsystem states: name -> "active" or
	// "inoperative". Subsystems not named keep their defaults.
	Subsystems map[string]string `yaml:"subsystems,omitempty" json:"subsystems,omitempty"`
	// BootPaths is the number of MPIO paths to each boot disk, which
	// `bootlist -m normal -o` prints one line each. Zero means 1.
	BootPaths int `yaml:"boot_paths,omitempty" json:"boot_paths,omitempty"`
	// Faults are named faults applied on top of the state above; see
	// [Faults] for the list.
	Faults []string `yaml:"faults,omitempty" json:"faults,omitempty"`
}

// MasterSpec describes a NIM master.
type MasterSpec struct {
	HostSpec `yaml:",inline" json:",inline"`
	// CPUCapacity is how many nimadm runs the master carries at full speed;
	// more concurrent runs slow phases 5-8 proportionally. Zero means 4.
	CPUCapacity int `yaml:"cpu_capacity,omitempty" json:"cpu_capacity,omitempty"`
	// Network is the NIM network object of the master. Empty means master_net.
	Network string `yaml:"network,omitempty" json:"network,omitempty"`
	// Spots and LPPSources are the NIM resources defined on the master.
	Spots      []SpotSpec      `yaml:"spots,omitempty" json:"spots,omitempty"`
	LPPSources []LPPSourceSpec `yaml:"lpp_sources,omitempty" json:"lpp_sources,omitempty"`
	// Intent is what the administrator means to run on this master.
	Intent MasterIntent `yaml:"intent,omitempty" json:"intent,omitempty"`
}

// MasterIntent is the migration the administrator plans on a master. An
// inventory can be written from it.
type MasterIntent struct {
	Spot        string `yaml:"spot,omitempty" json:"spot,omitempty"`
	LPPSource   string `yaml:"lpp_source,omitempty" json:"lpp_source,omitempty"`
	CacheVG     string `yaml:"cache_vg,omitempty" json:"cache_vg,omitempty"`
	TargetLevel string `yaml:"target_level,omitempty" json:"target_level,omitempty"`
}

// ClientSpec describes a NIM standalone client.
type ClientSpec struct {
	HostSpec `yaml:",inline" json:",inline"`
	// Master names the NIM master that serves this client.
	Master string `yaml:"master" json:"master"`
	// TargetDisk is the disk the administrator means to migrate to.
	// Empty means hdisk1.
	TargetDisk string `yaml:"target_disk,omitempty" json:"target_disk,omitempty"`
	// NIM is the client's NIM object on the master.
	NIM NIMClientSpec `yaml:"nim,omitempty" json:"nim,omitempty"`
	// MultibosLeavesBosInst makes `multibos -R` leave the /bos_inst
	// directory behind, as seen in the field (multibos.md §6).
	MultibosLeavesBosInst bool `yaml:"multibos_leaves_bos_inst,omitempty" json:"multibos_leaves_bos_inst,omitempty"`
}

// NIMClientSpec is the NIM standalone object of a client.
type NIMClientSpec struct {
	// Connect is "shell" (rsh) or "nimsh". Empty means nimsh on clients at
	// 6.1 TL8 / 7.1 TL2 or later, shell below.
	Connect string `yaml:"connect,omitempty" json:"connect,omitempty"`
	// Network is the NIM network of if1. Empty means the master's network.
	Network string `yaml:"network,omitempty" json:"network,omitempty"`
	// NetSettings, when set, adds a net_settings1 attribute ("auto auto").
	NetSettings string `yaml:"net_settings,omitempty" json:"net_settings,omitempty"`
	// Cstate, PrevState, CstateResult and Info preset the NIM state. Empty
	// Cstate means "ready for a NIM operation".
	Cstate       string `yaml:"cstate,omitempty" json:"cstate,omitempty"`
	PrevState    string `yaml:"prev_state,omitempty" json:"prev_state,omitempty"`
	CstateResult string `yaml:"cstate_result,omitempty" json:"cstate_result,omitempty"`
	Info         string `yaml:"info,omitempty" json:"info,omitempty"`
	Comments     string `yaml:"comments,omitempty" json:"comments,omitempty"`
	// Undefined leaves the client out of the master's NIM database.
	Undefined bool `yaml:"undefined,omitempty" json:"undefined,omitempty"`
}

// DiskSpec is one physical volume.
type DiskSpec struct {
	Name string `yaml:"name" json:"name"`
	// SizeMB or SizeGB gives the size (exactly one; zero both means 40 GB).
	SizeMB int `yaml:"size_mb,omitempty" json:"size_mb,omitempty"`
	SizeGB int `yaml:"size_gb,omitempty" json:"size_gb,omitempty"`
	// PVID is the 16-hex-digit PVID, "none" for no PVID, or empty for one
	// derived from the host and disk name.
	PVID string `yaml:"pvid,omitempty" json:"pvid,omitempty"`
	// NotBootable makes `bootinfo -B` print 0 (a DLPAR-added disk).
	NotBootable bool `yaml:"not_bootable,omitempty" json:"not_bootable,omitempty"`
	// Shared marks a LUN also mapped to another LPAR.
	Shared bool `yaml:"shared,omitempty" json:"shared,omitempty"`
	// Paths is the number of MPIO paths. Zero means BootPaths of the host.
	Paths int `yaml:"paths,omitempty" json:"paths,omitempty"`
}

// RootVGSpec describes rootvg.
type RootVGSpec struct {
	// Disks are rootvg's PVs. Empty means [hdisk0]; two disks mirror rootvg.
	Disks []string `yaml:"disks,omitempty" json:"disks,omitempty"`
	// PPSizeMB is the partition size. Zero means the smallest power of two
	// of at least 32 that keeps every disk under 1016 PPs.
	PPSizeMB int `yaml:"pp_size_mb,omitempty" json:"pp_size_mb,omitempty"`
	// UsedMB or UsedGB is the used size (USED PPs x PP size, per copy when
	// mirrored). Zero means 30% of the disk. Ignored when LVs is set.
	UsedMB int `yaml:"used_mb,omitempty" json:"used_mb,omitempty"`
	UsedGB int `yaml:"used_gb,omitempty" json:"used_gb,omitempty"`
	// Filesystems lists the mounted rootvg file systems by mount point. Empty
	// means the standard set of the AIX level. Ignored when LVs is set.
	Filesystems []string `yaml:"filesystems,omitempty" json:"filesystems,omitempty"`
	// LVs lists the logical volumes exactly (for reproducing a capture).
	LVs []LVSpec `yaml:"lvs,omitempty" json:"lvs,omitempty"`
	// ID is the VG identifier. Empty means one derived from the host.
	ID string `yaml:"id,omitempty" json:"id,omitempty"`
	// Type is "original" (default for rootvg) or "scalable".
	Type string `yaml:"type,omitempty" json:"type,omitempty"`
	// LTGKB is the LTG size printed by lsvg. Zero means 256.
	LTGKB int `yaml:"ltg_kb,omitempty" json:"ltg_kb,omitempty"`
}

// VGSpec is a non-root volume group.
type VGSpec struct {
	Name  string   `yaml:"name" json:"name"`
	Disks []string `yaml:"disks" json:"disks"`
	// PPSizeMB, ID, Type, LTGKB as in RootVGSpec; Type defaults to scalable.
	PPSizeMB int    `yaml:"pp_size_mb,omitempty" json:"pp_size_mb,omitempty"`
	ID       string `yaml:"id,omitempty" json:"id,omitempty"`
	Type     string `yaml:"type,omitempty" json:"type,omitempty"`
	LTGKB    int    `yaml:"ltg_kb,omitempty" json:"ltg_kb,omitempty"`
	// VariedOff leaves the VG varied off.
	VariedOff bool `yaml:"varied_off,omitempty" json:"varied_off,omitempty"`
	// NoAutoOn sets AUTO ON to no.
	NoAutoOn bool `yaml:"no_auto_on,omitempty" json:"no_auto_on,omitempty"`
	// LVs are the VG's logical volumes.
	LVs []LVSpec `yaml:"lvs,omitempty" json:"lvs,omitempty"`
}

// LVSpec is one logical volume.
type LVSpec struct {
	Name string `yaml:"name" json:"name"`
	// Type is boot, paging, jfs2log, jfslog, jfs2, jfs, sysdump or raw.
	Type string `yaml:"type" json:"type"`
	LPs  int    `yaml:"lps" json:"lps"`
	// Copies is 1 (default), 2 or 3.
	Copies int `yaml:"copies,omitempty" json:"copies,omitempty"`
	// Mount is the mount point of a file system LV (empty: N/A).
	Mount string `yaml:"mount,omitempty" json:"mount,omitempty"`
	// Closed forces LV STATE closed/... (boot LVs are always closed).
	Closed bool `yaml:"closed,omitempty" json:"closed,omitempty"`
	// Unmounted leaves a file system unmounted (and its LV closed).
	Unmounted bool `yaml:"unmounted,omitempty" json:"unmounted,omitempty"`
	// StalePPs marks that many partitions stale.
	StalePPs int `yaml:"stale_pps,omitempty" json:"stale_pps,omitempty"`
	// FreeBlocks (512-byte) and IUsed/IUsedPct set df's numbers. Zero means
	// derived values.
	FreeBlocks int64 `yaml:"free_blocks,omitempty" json:"free_blocks,omitempty"`
	IUsed      int   `yaml:"iused,omitempty" json:"iused,omitempty"`
	IUsedPct   int   `yaml:"iused_pct,omitempty" json:"iused_pct,omitempty"`
}

// SpotSpec is a NIM SPOT resource.
type SpotSpec struct {
	Name  string `yaml:"name" json:"name"`
	Level string `yaml:"level" json:"level"`
	// Location is the SPOT's /usr. Empty means /export/spot/<name>/usr.
	Location string `yaml:"location,omitempty" json:"location,omitempty"`
	// Server is "master" unless the resource lives elsewhere (E42).
	Server string `yaml:"server,omitempty" json:"server,omitempty"`
	// AltDiskLevel overrides the bos.alt_disk_install.rte level in the SPOT;
	// "none" means the fileset is missing (E25).
	AltDiskLevel string `yaml:"alt_disk_level,omitempty" json:"alt_disk_level,omitempty"`
	// Busy makes `nim -o showres` on the SPOT fail with 0042-207 (E22).
	Busy       bool `yaml:"busy,omitempty" json:"busy,omitempty"`
	AllocCount int  `yaml:"alloc_count,omitempty" json:"alloc_count,omitempty"`
}

// LPPSourceSpec is a NIM lpp_source resource.
type LPPSourceSpec struct {
	Name     string `yaml:"name" json:"name"`
	Level    string `yaml:"level" json:"level"`
	Location string `yaml:"location,omitempty" json:"location,omitempty"`
	Server   string `yaml:"server,omitempty" json:"server,omitempty"`
	Comments string `yaml:"comments,omitempty" json:"comments,omitempty"`
	// PrevState is shown as prev_state. Empty means "unavailable for use".
	PrevState  string `yaml:"prev_state,omitempty" json:"prev_state,omitempty"`
	AllocCount int    `yaml:"alloc_count,omitempty" json:"alloc_count,omitempty"`
	// NoSimages sets simages = no.
	NoSimages bool `yaml:"no_simages,omitempty" json:"no_simages,omitempty"`
}

// FilesetSpec is one installed fileset.
type FilesetSpec struct {
	Name  string `yaml:"name" json:"name"`
	Level string `yaml:"level" json:"level"`
	// Description is the lslpp description. Empty means a generic one.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Package is the lslpp -Lc package name. Empty means the first
	// dot-separated component of Name.
	Package string `yaml:"package,omitempty" json:"package,omitempty"`
	// Root puts the fileset in /etc/objrepos too.
	Root bool `yaml:"root,omitempty" json:"root,omitempty"`
	// NotInLPP marks a fileset the target lpp_source does not carry (E39).
	NotInLPP bool `yaml:"not_in_lpp,omitempty" json:"not_in_lpp,omitempty"`
}

// EfixSpec is one interim fix.
type EfixSpec struct {
	Label string `yaml:"label" json:"label"`
	// State is S (stable, default), Q (reboot required, shown *Q*), B, M, U.
	State string `yaml:"state,omitempty" json:"state,omitempty"`
	// Installed is "MM/DD/YY HH:MM:SS". Empty means a derived date.
	Installed string `yaml:"installed,omitempty" json:"installed,omitempty"`
	Abstract  string `yaml:"abstract,omitempty" json:"abstract,omitempty"`
	// Locks lists the filesets the fix locks (emgr -P, EFIXLOCKED).
	Locks []string `yaml:"locks,omitempty" json:"locks,omitempty"`
}

// FileSpec is a file or directory in the virtual file system.
type FileSpec struct {
	Path string `yaml:"path" json:"path"`
	// Dir makes a directory; otherwise Content is the file's content.
	Dir     bool   `yaml:"dir,omitempty" json:"dir,omitempty"`
	Content string `yaml:"content,omitempty" json:"content,omitempty"`
}

var processors = map[string]int{"POWER5": 5, "POWER6": 6, "POWER7": 7, "POWER8": 8, "POWER9": 9, "POWER10": 10}

var lvTypes = map[string]bool{"boot": true, "paging": true, "jfs2log": true, "jfslog": true, "jfs2": true, "jfs": true, "sysdump": true, "raw": true}

const (
	defaultDiskMB    = 40960
	defaultStart     = "2024-03-04T09:00:00"
	defaultBootSecs  = 300
	defaultCapacity  = 4
	defaultMemoryMB  = 16384
	defaultTarget    = "hdisk1"
	defaultNetwork   = "master_net"
	defaultProcessor = "POWER8"
)

func (d DiskSpec) sizeMB() int {
	switch {
	case d.SizeMB > 0:
		return d.SizeMB
	case d.SizeGB > 0:
		return d.SizeGB * 1024
	}
	return defaultDiskMB
}

func (r RootVGSpec) usedMB() int {
	if r.UsedMB > 0 {
		return r.UsedMB
	}
	return r.UsedGB * 1024
}

func (c Config) start() (time.Time, error) {
	s := c.Start
	if s == "" {
		s = defaultStart
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("start %q: want RFC 3339 or 2006-01-02T15:04:05", c.Start)
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if c.TimeScale < 0 {
		add("time_scale %v: must not be negative", c.TimeScale)
	}
	if _, err := c.start(); err != nil {
		errs = append(errs, err)
	}
	if c.BootSeconds < 0 {
		add("boot_seconds %d: must not be negative", c.BootSeconds)
	}
	if len(c.Masters) == 0 && len(c.Clients) == 0 {
		add("no hosts: a lab needs at least one master or client")
	}
	seen := map[string]string{}
	masters := map[string]*MasterSpec{}
	for i := range c.Masters {
		m := &c.Masters[i]
		what := fmt.Sprintf("master %q", m.Name)
		if m.Name == "" {
			what = fmt.Sprintf("master #%d", i+1)
		}
		errs = append(errs, validateHost(what, m.HostSpec, seen, "master", masterFaults)...)
		if m.Name != "" {
			masters[m.Name] = m
		}
		if m.CPUCapacity < 0 {
			add("%s: cpu_capacity %d: must not be negative", what, m.CPUCapacity)
		}
		res := map[string]bool{}
		for _, s := range m.Spots {
			if s.Name == "" {
				add("%s: spot without a name", what)
			} else if res[s.Name] {
				add("%s: duplicate NIM resource %q", what, s.Name)
			}
			res[s.Name] = true
			if _, ok := lookupLevel(s.Level); !ok {
				add("%s: spot %q: unknown AIX level %q", what, s.Name, s.Level)
			}
			if s.AltDiskLevel != "" && s.AltDiskLevel != "none" && !isFilesetLevel(s.AltDiskLevel) {
				add("%s: spot %q: alt_disk_level %q is not a fileset level", what, s.Name, s.AltDiskLevel)
			}
		}
		for _, s := range m.LPPSources {
			if s.Name == "" {
				add("%s: lpp_source without a name", what)
			} else if res[s.Name] {
				add("%s: duplicate NIM resource %q", what, s.Name)
			}
			res[s.Name] = true
			if _, ok := lookupLevel(s.Level); !ok {
				add("%s: lpp_source %q: unknown AIX level %q", what, s.Name, s.Level)
			}
		}
		in := m.Intent
		if in.Spot != "" && !hasSpot(m, in.Spot) {
			add("%s: intent: spot %q is not defined on the master", what, in.Spot)
		}
		if in.LPPSource != "" && !hasLPP(m, in.LPPSource) {
			add("%s: intent: lpp_source %q is not defined on the master", what, in.LPPSource)
		}
		if in.CacheVG != "" && !hasVG(m.HostSpec, in.CacheVG) && !hasFault(m.Faults, FaultCacheVGMissing) {
			add("%s: intent: cache VG %q is not defined on the master", what, in.CacheVG)
		}
		if in.TargetLevel != "" {
			if _, ok := lookupLevel(in.TargetLevel); !ok {
				add("%s: intent: unknown AIX level %q", what, in.TargetLevel)
			}
		}
	}
	for i := range c.Clients {
		cl := &c.Clients[i]
		what := fmt.Sprintf("client %q", cl.Name)
		if cl.Name == "" {
			what = fmt.Sprintf("client #%d", i+1)
		}
		errs = append(errs, validateHost(what, cl.HostSpec, seen, "client", clientFaults)...)
		if cl.Master == "" {
			add("%s: no master", what)
		} else if masters[cl.Master] == nil {
			add("%s: master %q does not exist", what, cl.Master)
		}
		td := cl.TargetDisk
		if td == "" {
			td = defaultTarget
		}
		if !hasDisk(cl.HostSpec, td, true) {
			add("%s: target disk %s does not exist", what, td)
		}
		switch cl.NIM.Connect {
		case "", "shell", "nimsh":
		default:
			add("%s: nim connect %q: want shell or nimsh", what, cl.NIM.Connect)
		}
	}
	return errors.Join(errs...)
}

func validateHost(what string, h HostSpec, seen map[string]string, role string, faults map[string]bool) []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(what+": "+format, a...)) }
	if h.Name != "" {
		if prev, ok := seen[h.Name]; ok {
			add("duplicate host name (also a %s)", prev)
		}
		seen[h.Name] = role
		if strings.ContainsAny(h.Name, " \t/:") {
			add("host name %q: must not contain spaces, slashes or colons", h.Name)
		}
	} else {
		errs = append(errs, fmt.Errorf("%s: no name", what))
	}
	if _, ok := lookupLevel(h.Level); !ok {
		if h.Level == "" {
			add("no AIX level")
		} else {
			add("unknown AIX level %q (known: %s)", h.Level, strings.Join(KnownLevels(), ", "))
		}
	}
	if h.Processor != "" && processors[h.Processor] == 0 {
		add("unknown processor %q (want POWER5 ... POWER10)", h.Processor)
	}
	if h.MemoryMB < 0 {
		add("memory_mb %d: must not be negative", h.MemoryMB)
	}
	if h.CPUID != "" && len(h.CPUID) != 12 {
		add("cpuid %q: want 12 characters", h.CPUID)
	}
	disks := map[string]bool{}
	for _, d := range h.Disks {
		if d.Name == "" {
			add("disk without a name")
			continue
		}
		if disks[d.Name] {
			add("duplicate disk %s", d.Name)
		}
		disks[d.Name] = true
		if d.SizeMB > 0 && d.SizeGB > 0 {
			add("disk %s: give size_mb or size_gb, not both", d.Name)
		}
		if d.SizeMB < 0 || d.SizeGB < 0 {
			add("disk %s: size must not be negative", d.Name)
		}
		if d.PVID != "" && d.PVID != "none" && !isHex(d.PVID, 16) {
			add("disk %s: pvid %q: want 16 hex digits or none", d.Name, d.PVID)
		}
	}
	owner := map[string]string{}
	claim := func(vg, d string) {
		if !hasDisk(h, d, role == "client") {
			add("volume group %s: disk %s does not exist", vg, d)
			return
		}
		if prev, ok := owner[d]; ok && prev != vg {
			add("disk %s is in two volume groups (%s and %s)", d, prev, vg)
		}
		owner[d] = vg
	}
	rd := h.RootVG.Disks
	if len(rd) == 0 {
		rd = []string{"hdisk0"}
	}
	for _, d := range rd {
		claim("rootvg", d)
	}
	if len(rd) > 2 {
		add("rootvg: at most two disks (a mirror) are modelled")
	}
	if h.RootVG.UsedMB > 0 && h.RootVG.UsedGB > 0 {
		add("rootvg: give used_mb or used_gb, not both")
	}
	if err := validateVGCommon("rootvg", h.RootVG.PPSizeMB, h.RootVG.ID, h.RootVG.Type, h.RootVG.LVs); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", what, err))
	}
	vgs := map[string]bool{"rootvg": true}
	for _, v := range h.VGs {
		if v.Name == "" {
			add("volume group without a name")
			continue
		}
		if vgs[v.Name] {
			add("duplicate volume group %s", v.Name)
		}
		vgs[v.Name] = true
		if len(v.Disks) == 0 {
			add("volume group %s: no disks", v.Name)
		}
		for _, d := range v.Disks {
			claim(v.Name, d)
		}
		if err := validateVGCommon(v.Name, v.PPSizeMB, v.ID, v.Type, v.LVs); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	for _, f := range h.Faults {
		if !faults[f] {
			if _, ok := faultByName[f]; ok {
				add("fault %q applies to %s hosts only", f, otherRole(role))
			} else {
				add("unknown fault %q", f)
			}
		}
	}
	for name, st := range h.Subsystems {
		if st != "active" && st != "inoperative" {
			add("subsystem %s: state %q: want active or inoperative", name, st)
		}
	}
	for _, f := range h.Filesets {
		if f.Name == "" || !isFilesetLevel(f.Level) {
			add("fileset %q: level %q is not a fileset level", f.Name, f.Level)
		}
	}
	for _, e := range h.Efixes {
		if e.Label == "" {
			add("efix without a label")
		}
		switch e.State {
		case "", "S", "Q", "B", "M", "U":
		default:
			add("efix %s: state %q: want S, Q, B, M or U", e.Label, e.State)
		}
	}
	for _, f := range h.Files {
		if !strings.HasPrefix(f.Path, "/") {
			add("file %q: path must be absolute", f.Path)
		}
	}
	return errs
}

func validateVGCommon(vg string, pp int, id, typ string, lvs []LVSpec) error {
	var errs []error
	if pp != 0 && (pp < 1 || pp&(pp-1) != 0 || pp > 1024) {
		errs = append(errs, fmt.Errorf("volume group %s: pp_size_mb %d: want a power of two up to 1024", vg, pp))
	}
	if id != "" && !isHex(id, 32) {
		errs = append(errs, fmt.Errorf("volume group %s: id %q: want 32 hex digits", vg, id))
	}
	switch typ {
	case "", "original", "scalable", "big":
	default:
		errs = append(errs, fmt.Errorf("volume group %s: type %q: want original, big or scalable", vg, typ))
	}
	names := map[string]bool{}
	for _, lv := range lvs {
		if lv.Name == "" || len(lv.Name) > 15 {
			errs = append(errs, fmt.Errorf("volume group %s: logical volume name %q: want 1 to 15 characters", vg, lv.Name))
		}
		if names[lv.Name] {
			errs = append(errs, fmt.Errorf("volume group %s: duplicate logical volume %s", vg, lv.Name))
		}
		names[lv.Name] = true
		if !lvTypes[lv.Type] {
			errs = append(errs, fmt.Errorf("volume group %s: logical volume %s: unknown type %q", vg, lv.Name, lv.Type))
		}
		if lv.LPs < 1 {
			errs = append(errs, fmt.Errorf("volume group %s: logical volume %s: lps must be at least 1", vg, lv.Name))
		}
		if lv.Copies < 0 || lv.Copies > 3 {
			errs = append(errs, fmt.Errorf("volume group %s: logical volume %s: copies %d: want 1 to 3", vg, lv.Name, lv.Copies))
		}
	}
	return errors.Join(errs...)
}

func otherRole(role string) string {
	if role == "client" {
		return "master"
	}
	return "client"
}

func hasSpot(m *MasterSpec, name string) bool {
	for _, s := range m.Spots {
		if s.Name == name {
			return true
		}
	}
	return false
}

func hasLPP(m *MasterSpec, name string) bool {
	for _, s := range m.LPPSources {
		if s.Name == name {
			return true
		}
	}
	return false
}

func hasVG(h HostSpec, name string) bool {
	for _, v := range h.VGs {
		if v.Name == name {
			return true
		}
	}
	return false
}

// hasDisk reports whether the host has the named disk, taking the default
// disk set into account when Disks is empty.
func hasDisk(h HostSpec, name string, client bool) bool {
	if len(h.Disks) == 0 {
		return name == "hdisk0" || (client && name == "hdisk1")
	}
	for _, d := range h.Disks {
		if d.Name == name {
			return true
		}
	}
	return false
}

func hasFault(list []string, f string) bool {
	for _, x := range list {
		if x == f {
			return true
		}
	}
	return false
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

func isFilesetLevel(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

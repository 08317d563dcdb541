package facts

import (
	"github.com/nimfleet/nimfleet/internal/aix"
)

// Disk holds the facts about one target disk named in the inventory.
type Disk struct {
	Name     string
	SizeMB   Fact[int]
	Bootable Fact[bool]
	// InVG is known true when getlvodm finds a volume group on the disk,
	// known false when it says the disk is in none.
	InVG Fact[bool]
}

// BosInst describes the /bos_inst directory, whose leftover after
// "multibos -R" makes nimadm fail in phase 11 (E01).
type BosInst struct {
	Exists bool
	Info   aix.FileInfo
	// Entries lists what "ls -A /bos_inst" printed (empty directory: none).
	Entries []string
}

// Client is everything nimfleet knows about one NIM client.
type Client struct {
	Host string
	// Session is the error that cut the collection short (timeout, dropped
	// connection), or nil; facts gathered before it are still valid.
	Session error `json:"-"`
	// SessionReason is Session as text, for reports.
	SessionReason string `json:",omitempty"`

	Hostname   Fact[string]
	OSLevel    Fact[aix.Level]
	BootDisk   Fact[string]
	BootBLV    Fact[string]
	BootList   Fact[aix.BootList]
	BosInst    Fact[BosInst]
	Mounts     Fact[aix.Mounts]
	Niminfo    Fact[aix.Niminfo]
	Nimsh      Fact[aix.Subsystems]
	Prtconf    Fact[aix.Prtconf]
	RealmemKB  Fact[int]
	Filesets   Fact[[]aix.LslppEntry]
	Efixes     Fact[[]aix.Efix]
	EfixLocks  Fact[[]aix.EfixLock]
	TCB        Fact[bool]
	Groups     Fact[aix.GroupCheck]
	BlvLevel   Fact[aix.BlvLevel]
	IPLDevice  Fact[aix.FileInfo]
	Processes  Fact[aix.Processes]
	SshdConfig Fact[string]
	DF         Fact[aix.DF]
	Disks      map[string]*Disk
	PVs        Fact[aix.PVs]
	VGs        Fact[[]string]
	VGsOnline  Fact[[]string]
	Rootvg     Fact[aix.VGInfo]
	RootvgLVs  Fact[aix.LVList]
	RootvgMap  Fact[aix.PartitionMap]
	RootvgLock Fact[bool]
	// ProbeErrors maps each probe whose facts are unknown to the reason.
	ProbeErrors map[string]string `json:",omitempty"`
}

// Master is everything nimfleet knows about one NIM master.
type Master struct {
	Host          string
	Session       error  `json:"-"`
	SessionReason string `json:",omitempty"`

	Hostname  Fact[string]
	OSLevel   Fact[aix.Level]
	RealmemKB Fact[int]
	// AltDiskLevel is the master's own bos.alt_disk_install.rte level.
	AltDiskLevel Fact[aix.FilesetLevel]
	Nimsh        Fact[aix.Subsystems]
	EtcHosts     Fact[string]
	Processes    Fact[aix.Processes]
	// Clients are the standalone objects NIM knows, by name.
	Clients Fact[map[string]aix.NIMObject]
	// Resources holds "lsnim -l" of each SPOT and lpp_source in the plan; a
	// known zero NIMObject (empty Name) means NIM has no such object.
	Resources map[string]Fact[aix.NIMObject]
	// SpotFilesets holds the filesets installed in each SPOT.
	SpotFilesets map[string]Fact[[]aix.LslppEntry]
	// LppLevel holds the bos.mp64 level of each lpp_source.
	LppLevel map[string]Fact[aix.FilesetLevel]
	// LppFilesets holds the filesets each lpp_source offers, fileset name
	// to level, read from the same showres output as LppLevel.
	LppFilesets map[string]Fact[map[string]string]
	VGs         Fact[[]string]
	VGsOnline   Fact[[]string]
	CacheVGs    map[string]Fact[aix.VGInfo]
	// ProbeErrors maps each probe whose facts are unknown to the reason.
	ProbeErrors map[string]string `json:",omitempty"`
}

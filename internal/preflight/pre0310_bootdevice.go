package preflight

import (
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0310",
			Title:    "boot device, /dev/ipldevice and hd5 are sane",
			Severity: check.Blocker,
			Phase:    "8",
			Scope:    check.ScopeClient,
			Why: `bosboot, mkszfile and savebase need the boot device: a missing or mislinked
/dev/ipldevice makes installp's bosboot verification fail (0503-409, 0503-497;
errors.md E34), and a deleted boot LV or boot disk gives 0301-150 "Invalid or
no boot device specified!" or 0514-508 (E35). nimadm builds the new disk's
boot image in phase 8; a client in this state may not even boot again.`,
			Detect: `On the client: bootinfo -b names the boot disk and lspv shows it in rootvg;
ls -l /dev/ipldevice shows a character device; the boot LV that bootinfo -v
names (hd5, or bos_hd5 after multibos) exists in lsvg -l rootvg.`,
			Remediation: `Relink /dev/ipldevice to the raw boot disk and rebuild the boot image; if hd5
is gone, recreate it (mklv -y hd5 -t boot -a e rootvg 1, synclvodm) before
bosboot, and set the bootlist (errors.md E35).`,
			Commands: []string{
				"ln -f /dev/r{boot_disk} /dev/ipldevice",
				"bosboot -ad /dev/{boot_disk}",
				"bootlist -m normal {boot_disk}",
			},
			Levels: allLevels,
			Errors: []string{"E34", "E35"},
			Since:  since,
		},
		Run: runBootDevice,
	})
}

func runBootDevice(e *Env) check.Result {
	var p problems
	var evs []check.Evidence
	unknown := ""
	bd, bdOK := e.C.BootDisk.Get()
	switch {
	case !bdOK:
		unknown = "boot disk (bootinfo -b): " + e.C.BootDisk.Reason
	case bd == "":
		p.add(check.Blocker, "bootinfo -b names no boot disk", factEv(e, e.client(), e.C.BootDisk, 2))
	default:
		evs = append(evs, factEv(e, e.client(), e.C.BootDisk, 1))
		if pvs, ok := e.C.PVs.Get(); ok {
			if pv, found := pvs.Get(bd); !found || pv.VG != "rootvg" {
				p.add(check.Blocker, "the boot disk "+bd+" is not in rootvg", factEv(e, e.client(), e.C.PVs, 4, bd, "rootvg"))
			}
		} else if unknown == "" {
			unknown = "disks (lspv): " + e.C.PVs.Reason
		}
	}
	ipl, iplOK := e.C.IPLDevice.Get()
	switch {
	case !iplOK:
		if unknown == "" {
			unknown = "/dev/ipldevice (ls -l): " + e.C.IPLDevice.Reason
		}
	case ipl.Name == "":
		x := factEv(e, e.client(), e.C.IPLDevice, 2)
		p.add(check.Blocker, "/dev/ipldevice does not exist", x)
	case !strings.HasPrefix(ipl.Mode, "c"):
		p.add(check.Blocker, "/dev/ipldevice is not a character device ("+ipl.Mode+")", factEv(e, e.client(), e.C.IPLDevice, 2))
	default:
		evs = append(evs, factEv(e, e.client(), e.C.IPLDevice, 1))
	}
	blv, ok := e.C.BootBLV.Get()
	switch lvs, lvOK := e.C.RootvgLVs.Get(); {
	case !ok:
		if unknown == "" {
			unknown = "boot LV (bootinfo -v): " + e.C.BootBLV.Reason
		}
	case !lvOK:
		if unknown == "" {
			unknown = "rootvg LVs (lsvg -l rootvg): " + e.C.RootvgLVs.Reason
		}
	case blv != "":
		if _, found := lvs.Get(blv); !found {
			p.add(check.Blocker, "the boot LV "+blv+" (bootinfo -v) is not in rootvg", factEv(e, e.client(), e.C.BootBLV, 1), factEv(e, e.client(), e.C.RootvgLVs, 4, "boot"))
		}
	}
	if p.any() {
		return p.result()
	}
	if unknown != "" {
		return check.UnknownResult(strings.SplitN(unknown, ":", 2)[0], unknown)
	}
	return check.PassResult("boots from "+bd+" in rootvg; /dev/ipldevice is a character device", evs...)
}

package sim

import (
	"context"
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/sim/shell"
)

func init() {
	register(cmdMultibos, false, "/usr/sbin/multibos")
	register(cmdAltRootvgOp, false, "/usr/sbin/alt_rootvg_op")
	register(cmdAltDiskInstall, false, "/usr/sbin/alt_disk_install")
}

const banner = "+-----------------------------------------------------------------------------+"

// fwPath is the firmware path of one path to a disk; part is 2 for hd5 and
// 4 for bos_hd5 as in the FRNOTES capture [C observation, meaning U].
func fwPath(host string, d *disk, path, part int) string {
	return fmt.Sprintf("/vdevice/vfc-client@3000000%d/disk@50060e80%s,%d000000000000:%d", 4+path%3, hexID(8, "wwpn", host, d.name, fmt.Sprint(path)), 6+splitNum(d.name).n%4, part)
}

func blvPart(blv string) int {
	if strings.HasPrefix(blv, "bos_") {
		return 4
	}
	return 2
}

// multibosStandby returns the standby instance's LVs: its BLV and the LVs
// mounted under /bos_inst.
func (h *host) multibosStandby() (blv *lv, fs []*lv) {
	root := h.rootvg()
	active := h.bootedBLV
	for _, l := range root.lvs {
		if l.typ == "boot" && (l.name == "hd5" || l.name == "bos_hd5") && l.name != active {
			blv = l
		}
		if strings.HasPrefix(l.mount, "/bos_inst") {
			fs = append(fs, l)
		}
	}
	return blv, fs
}

func mbHeader(b *strings.Builder) {
	b.WriteString("Initializing multibos methods ...\nInitializing log /etc/multibos/logs/op.alog ...\nGathering system information ...\n")
}

func mbBanner(b *strings.Builder, title string) {
	b.WriteString(banner + "\n" + title + "\n" + banner + "\n")
}

const usageMultibos = "Usage:\nmultibos -s [-l device {-a | -f file | -b file | -x file}] [-e file] [-i file] [-L file] [-pntNX]\nmultibos -c -l device {-a | -f file | -b file | -x file} [-pnNX]\nmultibos -m [-pnX]\nmultibos -u [-pnX]\nmultibos -B [-ntX]\nmultibos -S [-nX]\nmultibos -R [-ptX]\n" // [C syntax, multibos.md §2]

// cmdMultibos simulates setup (-s) and remove (-R) with preview (-p),
// expansion (-X, accepted) and no-bootlist (-t). Customize, mount, shell
// and build are not simulated.
func cmdMultibos(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "sRpXtnNmuBSc")
	if err != nil || len(args) > 0 || o.has('s') == o.has('R') {
		return usage(inv, err, usageMultibos)
	}
	ctx, done := h.procs.adopt(ctx, strings.Join(inv.Args, " "), h.now())
	defer done()
	if o.has('s') {
		return multibosSetup(h, inv, o.has('p'), o.has('t'))
	}
	return multibosRemove(h, inv, o.has('p'), o.has('t'))
}

func multibosSetup(h *host, inv *shell.Invocation, preview, noBootlist bool) int {
	var b strings.Builder
	h.mu.Lock()
	root := h.rootvg()
	mbHeader(&b)
	mbBanner(&b, "Setup Operation")
	b.WriteString("Verifying operation parameters ...\n")
	fail := func(msg string) int {
		b.WriteString(msg)
		b.WriteString("Log file is /etc/multibos/logs/op.alog\nReturn Status: FAILURE\n")
		h.mu.Unlock()
		out(inv, "%s", b.String())
		return 1
	}
	if len(root.disks) > 1 {
		// [C rule: IBM multibos reference; message U]
		return fail("multibos: 0565-074 The multibos command cannot be used with a mirrored rootvg.\n")
	}
	if h.hasStandby() {
		return fail("multibos: 0565-019 A standby BOS instance already exists.\n") // [U]
	}
	var plan []*lv
	need := 0
	for _, c := range multibosLVs {
		if a := h.activeBOS(c); a != nil {
			plan = append(plan, a)
			need += a.lps
		}
	}
	if preview {
		b.WriteString("Creating image.data file ...\n")
		mbBanner(&b, "Logical Volumes")
		for _, a := range plan {
			fmt.Fprintf(&b, "Creating standby BOS logical volume %s\n", standbyName(a.name))
		}
		if need > root.freePPs() {
			return fail("multibos: 0565-035 Error setting up standby BOS.\n") // [U] preview sizing
		}
		b.WriteString("\nLog file is /etc/multibos/logs/op.alog\nReturn Status = SUCCESS\n")
		h.mu.Unlock()
		out(inv, "%s", b.String())
		return 0
	}
	b.WriteString("Creating image.data file ...\n")
	mbBanner(&b, "Logical Volumes")
	activeBLV := h.bootedBLV
	created, failed := h.createStandby()
	for _, n := range created {
		fmt.Fprintf(&b, "Creating standby BOS logical volume %s\n", n)
	}
	bootDisk := h.disk(h.bootDisk())
	if failed != nil {
		fmt.Fprintf(&b, "Creating standby BOS logical volume %s\n", failed.name)
		// [C] FRNOTES multibos -Xs failure (multibos.md §5.2), LVM
		// continuations as TAB (transcripts.md §3).
		b.WriteString(allocpMsg)
		b.WriteString("0516-822 mklv: Unable to create logical volume.\n")
		lflag := ""
		if failed.mount != "" {
			lflag = " -L " + strings.TrimPrefix(failed.mount, "/bos_inst")
			if lflag == " -L " {
				lflag = " -L /"
			}
		}
		fmt.Fprintf(&b, "bosinst_mkobject: failed command: /usr/sbin/mklv  -o n%s -u 32 -r y -b y -d p -v n -s y -w a -a c  -e m -c 1 -x 512 -t %s -y %s  rootvg %d %s\n", lflag, failed.typ, failed.name, failed.lps, bootDisk.name)
		b.WriteString("multibos: 0565-003 Error creating logical volumes.\nmultibos: 0565-035 Error setting up standby BOS.\n\n")
		mbBanner(&b, "Boot Partition Processing")
		fmt.Fprintf(&b, "Active boot logical volume is %s.\nStandby boot logical volume is %s.\n\n", activeBLV, standbyName(activeBLV))
		mbBanner(&b, "Logical Volumes")
		b.WriteString("Removing all standby BOS logical volumes ...\n")
		for _, n := range created {
			fmt.Fprintf(&b, "Removing standby BOS logical volume %s\n", n)
			root.removeLV(n)
		}
		b.WriteString("\n")
		mbBanner(&b, "Bootlist Processing")
		fmt.Fprintf(&b, "Verifying operation parameters ...\nSetting bootlist to logical volume %s on %s.\n", activeBLV, bootDisk.name)
		fmt.Fprintf(&b, "ATTENTION: firmware recovery string for active BLV (%s):\nboot %s\n", activeBLV, fwPath(h.name, bootDisk, 0, blvPart(activeBLV)))
		return fail("")
	}
	standbyBLV := standbyName(activeBLV)
	var fsl []*lv
	for _, l := range root.lvs {
		if strings.HasPrefix(l.mount, "/bos_inst") {
			fsl = append(fsl, l)
		}
	}
	// [U] middle sections; the tail follows multibos.md §5.3 [C].
	mbBanner(&b, "File Systems")
	b.WriteString("Creating all standby BOS file systems ...\n")
	for _, l := range fsl {
		fmt.Fprintf(&b, "Creating standby BOS file system %s on logical volume %s\n", l.mount, l.name)
	}
	mbBanner(&b, "Mount Processing")
	b.WriteString("Mounting all standby BOS file systems ...\n")
	for _, l := range fsl {
		fmt.Fprintf(&b, "Mounting %s\n", l.mount)
	}
	mbBanner(&b, "BOS Files")
	b.WriteString("Including files for file system /\nIncluding files for file system /usr\nIncluding files for file system /var\nIncluding files for file system /opt\n\nCopying files using backup/restore utilities ...\nPercentage of files copied:  100.00%\n")
	mbBanner(&b, "Boot Partition Processing")
	fmt.Fprintf(&b, "Active boot logical volume is %s.\nStandby boot logical volume is %s.\n", activeBLV, standbyBLV)
	fmt.Fprintf(&b, "Creating standby BOS boot image on boot logical volume %s\nbosboot: Boot image is 53276 512 byte blocks.\n", standbyBLV)
	mbBanner(&b, "Mount Processing")
	b.WriteString("Unmounting all standby BOS file systems ...\n")
	for i := len(fsl) - 1; i >= 0; i-- { // reverse creation order [C: §5.3]
		fmt.Fprintf(&b, "Unmounting %s\n", fsl[i].mount)
	}
	b.WriteString("\n")
	if !noBootlist {
		mbBanner(&b, "Bootlist Processing")
		fmt.Fprintf(&b, "Verifying operation parameters ...\nSetting bootlist to logical volume %s on %s.\n", standbyBLV, bootDisk.name)
		for p := 0; p < bootDisk.paths; p++ {
			fmt.Fprintf(&b, "ATTENTION: firmware recovery string for standby BLV (%s):\nboot %s\n", standbyBLV, fwPath(h.name, bootDisk, p, blvPart(standbyBLV)))
		}
		b.WriteString("\n")
		h.bootlist = []bootEntry{{bootDisk.name, standbyBLV}}
	}
	b.WriteString("Log file is /etc/multibos/logs/op.alog\nReturn Status = SUCCESS\n")
	h.mu.Unlock()
	out(inv, "%s", b.String())
	return 0
}

// multibosRemove follows multibos.md §5.1 [C shape]. Whether /bos_inst
// itself is removed is the client's MultibosLeavesBosInst knob.
func multibosRemove(h *host, inv *shell.Invocation, preview, noBootlist bool) int {
	var b strings.Builder
	h.mu.Lock()
	root := h.rootvg()
	mbHeader(&b)
	b.WriteString("\n")
	mbBanner(&b, "Remove Operation")
	b.WriteString("Verifying operation parameters ...\n")
	blv, fsl := h.multibosStandby()
	if blv == nil && len(fsl) == 0 {
		b.WriteString("multibos: 0565-051 There is no standby BOS instance to remove.\n") // [U]
		b.WriteString("Log file is /etc/multibos/logs/op.alog\nReturn Status: FAILURE\n")
		h.mu.Unlock()
		out(inv, "%s", b.String())
		return 1
	}
	if preview {
		b.WriteString("\nLog file is /etc/multibos/logs/op.alog\nReturn Status = SUCCESS\n") // [U]
		h.mu.Unlock()
		out(inv, "%s", b.String())
		return 0
	}
	active := h.bootedBLV
	b.WriteString("\n")
	mbBanner(&b, "Boot Partition Processing")
	fmt.Fprintf(&b, "Active boot logical volume is %s.\n", active)
	if blv != nil {
		fmt.Fprintf(&b, "Standby boot logical volume is %s.\n", blv.name)
	}
	b.WriteString("\n")
	mbBanner(&b, "Mount Processing")
	b.WriteString("Unmounting all standby BOS file systems ...\n\n")
	mbBanner(&b, "File Systems")
	b.WriteString("Removing all standby BOS file systems ...\n")
	o := h.os()
	for i := len(fsl) - 1; i >= 0; i-- { // reverse creation order [C: §5.1]
		l := fsl[i]
		fmt.Fprintf(&b, "Removing standby BOS file system %s\n", l.mount)
		root.removeLV(l.name)
		if l.mount != "/bos_inst" {
			o.files.removeAll(l.mount)
		}
	}
	mbBanner(&b, "Logical Volumes")
	b.WriteString("Removing all standby BOS logical volumes ...\n")
	if blv != nil {
		fmt.Fprintf(&b, "Removing standby BOS logical volume %s\n", blv.name)
		root.removeLV(blv.name)
	}
	if !h.leaveBosInst {
		o.files.removeAll("/bos_inst")
	}
	b.WriteString("\n")
	if !noBootlist {
		d := h.disk(h.bootDisk())
		mbBanner(&b, "Bootlist Processing")
		fmt.Fprintf(&b, "Verifying operation parameters ...\nSetting bootlist to logical volume %s on %s.\n", active, d.name)
		fmt.Fprintf(&b, "ATTENTION: firmware recovery string for active BLV (%s):\nboot %s\n", active, fwPath(h.name, d, 0, blvPart(active)))
		for p := 1; p < d.paths; p++ {
			fmt.Fprintf(&b, "ATTENTION: firmware recovery string for standby BLV (%s):\nboot %s\n", active, fwPath(h.name, d, p, blvPart(active)))
		}
		b.WriteString("\n")
		h.bootlist = []bootEntry{{d.name, active}}
	}
	b.WriteString("Log file is /etc/multibos/logs/op.alog\nReturn Status = SUCCESS\n")
	h.mu.Unlock()
	out(inv, "%s", b.String())
	return 0
}

// allocpMsg is the LVM allocation failure [C: transcripts.md §3 — TAB
// continuation lines, the first ending with a space].
const allocpMsg = "0516-404 allocp: This system cannot fulfill the allocation request.\n" +
	"\tThere are not enough free partitions or not enough physical volumes \n" +
	"\tto keep strictness and satisfy allocation requests.  The command\n" +
	"\tshould be retried with different allocation characteristics.\n"

// removeAltVG removes an alternate rootvg's definition (altinst_rootvg or
// old_rootvg): its disks show None again (the PVID stays; the VGDA mark
// stays until chpv -C). The bootlist is reset to the running boot disk.
// It returns the "Bootlist is set" line. Caller holds h.mu.
func (h *host) removeAltVG(v *vg) string {
	for _, d := range v.disks {
		d.vgdaStale = true
	}
	h.removeVG(v)
	bd := h.bootDisk()
	h.bootlist = []bootEntry{{bd, h.bootedBLV}}
	return fmt.Sprintf("Bootlist is set to the boot disk: %s blv=%s\n", bd, h.bootedBLV) // [C format]
}

// cmdAltRootvgOp simulates `alt_rootvg_op -X VG` (remove an alternate
// rootvg definition). Wake (-W) and sleep (-S) are not simulated.
func cmdAltRootvgOp(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "X:d:WSvC")
	if err != nil || len(args) > 0 || !o.has('X') {
		return usage(inv, err, "Usage: alt_rootvg_op -X [VGname] | -W -d disk | -S [-t] | -C [-b bundle]...\n") // [U]; only -X is simulated
	}
	return altRemove(h, inv, o.get('X'))
}

func altRemove(h *host, inv *shell.Invocation, name string) int {
	h.mu.Lock()
	v := h.vg(name)
	if v == nil || v.os == nil || v.name == "rootvg" {
		h.mu.Unlock()
		errf(inv, "0505-102 alt_rootvg_op: %s is not an alternate rootvg volume group.\n", name) // [U]
		return 1
	}
	msg := h.removeAltVG(v)
	h.mu.Unlock()
	out(inv, "%s", msg)
	return 0
}

// cmdAltDiskInstall simulates the old syntax `alt_disk_install [-M V.R] -X
// [VG]` that nimadm's cleanup runs; other modes are not simulated.
func cmdAltDiskInstall(ctx context.Context, h *host, inv *shell.Invocation) int {
	o, args, err := getopt(inv.Args[1:], "M:X")
	if err != nil || !o.has('X') || len(args) > 1 {
		return usage(inv, err, "Usage: alt_disk_install -X [VGname]\n") // [U]
	}
	name := "altinst_rootvg"
	if len(args) == 1 {
		name = args[0]
	}
	h.mu.Lock()
	v := h.vg(name)
	h.mu.Unlock()
	if v == nil {
		h.mu.Lock()
		bd := h.bootDisk()
		h.bootlist = []bootEntry{{bd, h.bootedBLV}}
		blv := h.bootedBLV
		h.mu.Unlock()
		out(inv, "Bootlist is set to the boot disk: %s blv=%s\n", bd, blv)
		return 0
	}
	return altRemove(h, inv, name)
}

package sim

import (
	"context"
	"strings"
)

// goDown takes the host down: sessions and background jobs die. The
// caller holds h.mu.
func (h *host) goDown() {
	h.up = false
	h.bootGen++
	if h.cancel != nil {
		h.cancel()
	}
	h.procs.killAll()
	for _, s := range h.subsys {
		s.active, s.pid = false, 0
	}
}

// boot brings the host up from the first bootable entry of its bootlist
// (transcripts.md §6, commands.md §6):
//
//   - a disk of the running rootvg: a plain reboot; a blv=bos_hd5 entry
//     switches to the multibos standby instance (and back with blv=hd5);
//   - a disk of altinst_rootvg (a finished migration or clone): that VG
//     becomes rootvg with its OS image (new level, filesets), and the
//     previous rootvg becomes old_rootvg, varied off;
//   - a disk of old_rootvg (rolling back): it becomes rootvg again and the
//     other one shows as altinst_rootvg.
//
// A bootlist with nothing bootable leaves the host down (the LPAR would
// stop at LED 554); SetDown(host, false) retries. The caller holds h.mu.
func (h *host) boot() {
	for _, e := range h.bootlist {
		d := h.disk(e.disk)
		if d == nil || d.vg == nil || d.vg.os == nil || !d.bootable {
			continue
		}
		v := d.vg
		if v.name != "rootvg" {
			if old := h.rootvg(); old != nil {
				newName := "old_rootvg"
				if v.name == "old_rootvg" {
					newName = "altinst_rootvg"
				}
				old.name = newName
				old.active = false
				for _, l := range old.lvs {
					l.open, l.mounted = false, false
				}
			}
			v.name = "rootvg"
		}
		v.active = true
		blv := e.blv
		if blv == "" {
			blv = "hd5"
		}
		if v.lv(blv) == nil {
			blv = "hd5"
			if v.lv("hd5") == nil {
				blv = "bos_hd5"
			}
		}
		h.switchInstance(blv)
		for _, l := range v.lvs {
			switch {
			case l.typ == "boot":
				l.open = false
			case l.isFS():
				standby := strings.HasPrefix(l.mount, "/bos_inst")
				l.mounted = !standby && !l.noauto()
				l.open = l.mounted
			default:
				l.open = true
			}
		}
		for _, o := range h.vgs {
			if o == v || o.os != nil {
				continue
			}
			o.active = o.autoOn
			for _, l := range o.lvs {
				if l.isFS() {
					l.mounted = o.active
					l.open = o.active
				} else if l.typ != "boot" {
					l.open = o.active
				}
			}
		}
		h.bootedDisk = d.name
		h.bootedBLV = blv
		h.bootTime = h.now()
		h.ctx, h.cancel = context.WithCancel(h.lab.ctx)
		h.up = true
		h.startSubsystems()
		return
	}
}

// noauto reports whether a file system is not mounted at boot (E44).
func (l *lv) noauto() bool { return l.fs != nil && l.fs.noauto }

// switchInstance makes the multibos instance whose BLV is blv the active
// one, swapping mount points between the hdX and bos_hdX pairs.
func (h *host) switchInstance(blv string) {
	root := h.rootvg()
	o := root.os
	wantBos := blv == "bos_hd5"
	if wantBos == o.bosNames || root.lv("hd5") == nil || root.lv("bos_hd5") == nil {
		if root.lv("hd5") == nil && root.lv("bos_hd5") != nil {
			o.bosNames = true
		}
		return
	}
	for _, c := range multibosLVs {
		a, b := root.lv(c), root.lv("bos_"+c)
		if a == nil || b == nil {
			continue
		}
		a.mount, b.mount = b.mount, a.mount
	}
	o.bosNames = wantBos
}

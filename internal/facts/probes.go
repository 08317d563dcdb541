package facts

import (
	"fmt"
	"strings"

	"github.com/nimfleet/nimfleet/internal/cmdline"
)

// ClientPlan says what to probe on a client beyond the fixed set: the
// target disks named in the inventory.
type ClientPlan struct {
	Disks []string
}

// MasterPlan says what to probe on a NIM master beyond the fixed set: the
// cache volume groups, SPOTs and lpp_sources its clients use.
type MasterPlan struct {
	CacheVGs   []string
	Spots      []string
	LppSources []string
}

// Probe IDs. The disk, VG and resource probes append "." and the name.
const (
	pHostname   = "hostname"
	pOslevel    = "oslevel_s"
	pLsvg       = "lsvg"
	pLsvgO      = "lsvg_o"
	pLsvgRoot   = "lsvg_rootvg"
	pLsvgLRoot  = "lsvg_l_rootvg"
	pLspv       = "lspv"
	pBootDisk   = "bootinfo_b"
	pBootBLV    = "bootinfo_v"
	pBootlist   = "bootlist"
	pDiskSize   = "bootinfo_s"
	pDiskBoot   = "bootinfo_B"
	pDiskVG     = "getlvodm_j"
	pBosInst    = "ls_ld_bos_inst"
	pBosInstA   = "ls_A_bos_inst"
	pMount      = "mount"
	pNiminfo    = "niminfo"
	pNimsh      = "lssrc_nimsh"
	pPrtconf    = "prtconf"
	pRealmem    = "realmem"
	pLslpp      = "lslpp_Lc"
	pEmgrL      = "emgr_l"
	pEmgrP      = "emgr_P"
	pTcbck      = "tcbck"
	pGroups     = "lsgroup"
	pBlvset     = "blvset"
	pIPLDevice  = "ls_ipldevice"
	pPs         = "ps_ef"
	pSshdConfig = "sshd_config"
	pDf         = "df_m"

	pLsnimClients = "lsnim_standalone"
	pLsnimRes     = "lsnim_l"
	pShowresSpot  = "showres_spot"
	pShowresLpp   = "showres_lpp"
	pEtcHosts     = "etc_hosts"
	pAltDiskFS    = "lslpp_alt_disk"
)

// SystemGroups are the groups installp needs during a migration (E38).
var SystemGroups = []string{"mail", "printq"}

// ClientScript builds the read-only collection script for a client. Probes
// that can hang on a locked rootvg (the LVM queries) come last, so a session
// that times out still yields everything else.
func ClientScript(host string, plan ClientPlan, nonce string) (*Script, error) {
	s := &Script{Role: "client", Host: host, Nonce: nonce}
	add := func(id string, name cmdline.Arg, args ...cmdline.Arg) {
		s.Probe = append(s.Probe, Probe{ID: id, Line: cmdline.Build(name, args...)})
	}
	add(pHostname, "/usr/bin/hostname")
	add(pOslevel, "/usr/bin/oslevel", "-s")
	add(pBootDisk, "/usr/sbin/bootinfo", "-b")
	add(pBootBLV, "/usr/sbin/bootinfo", "-v")
	add(pBootlist, "/usr/bin/bootlist", "-m", "normal", "-o")
	add(pBosInst, "/usr/bin/ls", "-ld", "/bos_inst")
	add(pBosInstA, "/usr/bin/ls", "-A", "/bos_inst")
	add(pMount, "/usr/sbin/mount")
	add(pNiminfo, "/usr/bin/cat", "/etc/niminfo")
	add(pNimsh, "/usr/bin/lssrc", "-s", "nimsh")
	add(pPrtconf, "/usr/sbin/prtconf")
	add(pRealmem, "/usr/sbin/lsattr", "-El", "sys0", "-a", "realmem")
	add(pLslpp, "/usr/bin/lslpp", "-Lc")
	add(pEmgrL, "/usr/sbin/emgr", "-l")
	add(pEmgrP, "/usr/sbin/emgr", "-P")
	add(pTcbck, "/usr/bin/tcbck")
	grp := make([]cmdline.Arg, len(SystemGroups))
	for i, g := range SystemGroups {
		grp[i] = cmdline.Arg(g) // constants
	}
	add(pGroups, "/usr/sbin/lsgroup", grp...)
	add(pBlvset, "/usr/lpp/bosinst/blvset", "-d", "/dev/ipldevice", "-g", "level")
	add(pIPLDevice, "/usr/bin/ls", "-l", "/dev/ipldevice")
	add(pPs, "/usr/bin/ps", "-ef")
	add(pSshdConfig, "/usr/bin/cat", "/etc/ssh/sshd_config")
	add(pDf, "/usr/bin/df", "-m")
	for _, d := range plan.Disks {
		disk, err := cmdline.Disk(d)
		if err != nil {
			return nil, fmt.Errorf("client %s: %w", host, err)
		}
		add(pDiskSize+"."+d, "/usr/sbin/bootinfo", "-s", disk)
		add(pDiskBoot+"."+d, "/usr/sbin/bootinfo", "-B", disk)
		add(pDiskVG+"."+d, "/usr/sbin/getlvodm", "-j", disk)
	}
	// LVM queries last: on a locked rootvg they retry forever (E36).
	add(pLspv, "/usr/sbin/lspv")
	add(pLsvg, "/usr/sbin/lsvg")
	add(pLsvgO, "/usr/sbin/lsvg", "-o")
	add(pLsvgRoot, "/usr/sbin/lsvg", "rootvg")
	add(pLsvgLRoot, "/usr/sbin/lsvg", "-l", "rootvg")
	return s, nil
}

// MasterScript builds the read-only collection script for a NIM master.
func MasterScript(host string, plan MasterPlan, nonce string) (*Script, error) {
	s := &Script{Role: "master", Host: host, Nonce: nonce}
	add := func(id string, name cmdline.Arg, args ...cmdline.Arg) {
		s.Probe = append(s.Probe, Probe{ID: id, Line: cmdline.Build(name, args...)})
	}
	add(pHostname, "/usr/bin/hostname")
	add(pOslevel, "/usr/bin/oslevel", "-s")
	add(pRealmem, "/usr/sbin/lsattr", "-El", "sys0", "-a", "realmem")
	add(pAltDiskFS, "/usr/bin/lslpp", "-Lc", "bos.alt_disk_install.rte")
	add(pNimsh, "/usr/bin/lssrc", "-s", "nimsh")
	add(pEtcHosts, "/usr/bin/cat", "/etc/hosts")
	add(pPs, "/usr/bin/ps", "-ef")
	add(pLsnimClients, "/usr/sbin/lsnim", "-t", "standalone", "-l")
	for _, r := range append(append([]string{}, plan.Spots...), plan.LppSources...) {
		a, err := cmdline.NIM(r)
		if err != nil {
			return nil, fmt.Errorf("master %s: %w", host, err)
		}
		add(pLsnimRes+"."+r, "/usr/sbin/lsnim", "-l", a)
	}
	for _, r := range plan.Spots {
		a, _ := cmdline.NIM(r)
		add(pShowresSpot+"."+r, "/usr/sbin/nim", "-o", "showres", "-a", "lslpp_flags=Lc", a)
	}
	for _, r := range plan.LppSources {
		a, _ := cmdline.NIM(r)
		add(pShowresLpp+"."+r, "/usr/sbin/nim", "-o", "showres", a)
	}
	add(pLsvg, "/usr/sbin/lsvg")
	add(pLsvgO, "/usr/sbin/lsvg", "-o")
	for _, vg := range plan.CacheVGs {
		a, err := cmdline.VG(vg)
		if err != nil {
			return nil, fmt.Errorf("master %s: %w", host, err)
		}
		add(pLsvg+"."+vg, "/usr/sbin/lsvg", a)
	}
	return s, nil
}

// PlanFromOutput recovers a client plan from saved collection output (the
// disks probed), for parsing output collected by hand.
func PlanFromOutput(out *Output) ClientPlan {
	var p ClientPlan
	for _, id := range out.Order {
		if d, ok := strings.CutPrefix(id, pDiskSize+"."); ok {
			p.Disks = append(p.Disks, d)
		}
	}
	return p
}

// MasterPlanFromOutput recovers a master plan from saved collection output.
func MasterPlanFromOutput(out *Output) MasterPlan {
	var p MasterPlan
	for _, id := range out.Order {
		if s, ok := strings.CutPrefix(id, pShowresSpot+"."); ok {
			p.Spots = append(p.Spots, s)
		} else if l, ok := strings.CutPrefix(id, pShowresLpp+"."); ok {
			p.LppSources = append(p.LppSources, l)
		} else if vg, ok := strings.CutPrefix(id, pLsvg+"."); ok {
			p.CacheVGs = append(p.CacheVGs, vg)
		}
	}
	return p
}

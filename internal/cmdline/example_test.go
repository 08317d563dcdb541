package cmdline_test

import (
	"fmt"

	"github.com/nimfleet/nimfleet/internal/cmdline"
)

func ExampleBuild() {
	disk, err := cmdline.Disk("hdisk1")
	if err != nil {
		panic(err)
	}
	fmt.Println(cmdline.Build("/usr/sbin/bootinfo", "-s", disk))

	disks, _ := cmdline.Disks([]string{"hdisk1", "hdisk2"})
	fmt.Println(cmdline.Build("/usr/sbin/nimadm", "-c", "lpar1", "-d", disks, "-Y"))

	_, err = cmdline.Disk("hdisk1 $(reboot)")
	fmt.Println(err)
	// Output:
	// /usr/sbin/bootinfo -s hdisk1
	// /usr/sbin/nimadm -c lpar1 -d 'hdisk1 hdisk2' -Y
	// invalid disk name "hdisk1 $(reboot)": is 16 characters long, at most 15 are allowed
}

func ExampleCRsh() {
	client, _ := cmdline.NIM("lpar1")
	disk, _ := cmdline.Disk("hdisk1")
	fmt.Println(cmdline.CRsh(client, cmdline.Build("/usr/sbin/getlvodm", "-j", disk)))
	// Output:
	// /usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar1 '( LC_ALL=C /usr/sbin/getlvodm -j hdisk1 ); echo rc=$?'
}

func ExampleParseRCTrailer() {
	body, rc, ok := cmdline.ParseRCTrailer([]byte("hdisk0 00c939202144313b rootvg active\nrc=0\n"))
	fmt.Printf("%q %d %v\n", body, rc, ok)
	_, _, ok = cmdline.ParseRCTrailer([]byte("hdisk0 00c9392021"))
	fmt.Println(ok)
	// Output:
	// "hdisk0 00c939202144313b rootvg active\n" 0 true
	// false
}

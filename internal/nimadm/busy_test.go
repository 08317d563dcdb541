package nimadm

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nimfleet/nimfleet/internal/transport"
)

// A ps -ef as AIX would show a detached run: the nohup'ed shell (whose
// arguments mention nimadm), its nimadm child, a nimadm of another
// client, and a -C cleanup of ours.
const psDetached = `     UID     PID    PPID   C    STIME    TTY  TIME CMD
    root       1       0   0   Nov 07      -  0:12 /etc/init
    root 4260090       1   0 10:23:45      -  0:00 /usr/bin/sh -c LC_ALL=C /usr/sbin/nimadm -c lpar1 -l lpp -s spot -Y -d hdisk1 > /var/adm/ras/nimfleet/lpar1.r1.1.log 2>&1; echo $? > /var/adm/ras/nimfleet/lpar1.r1.1.rc
    root 4260092 4260090   1 10:23:45      -  0:03 /usr/sbin/nimadm -c lpar1 -l lpp -s spot -Y -d hdisk1
    root 4260100       1   1 10:23:50      -  0:03 /usr/sbin/nimadm -c lpar10 -l lpp -s spot -Y -d hdisk1
    root 4260200       1   0 10:24:00  pts/0  0:00 nimadm -C -c lpar1 -s spot
`

func TestBusy(t *testing.T) {
	h := testClient(nil)
	var lines []string
	r := transport.RunnerFunc(func(ctx context.Context, c transport.Command) (transport.Result, error) {
		lines = append(lines, c.Host+": "+c.Line)
		return transport.Result{Stdout: []byte(psDetached)}, nil
	})
	pids, err := Busy(context.Background(), r, h, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{4260092, 4260200}; !cmp.Equal(pids, want) {
		t.Errorf("got %v, want %v (nimadm processes of lpar1 only)", pids, want)
	}
	if want := []string{"nim1: LC_ALL=C /usr/bin/ps -ef"}; !cmp.Equal(lines, want) {
		t.Errorf("commands: %v", lines)
	}
	// Start refuses without running anything that changes state.
	lines = nil
	_, err = Start(context.Background(), r, h, Options{RunID: "r1", Attempt: 2})
	if !IsBusy(err) || !strings.Contains(err.Error(), "client lpar1: nimadm already running (pid [4260092 4260200])") {
		t.Errorf("Start: got %v", err)
	}
	if len(lines) != 1 {
		t.Errorf("Start ran %v", lines)
	}
}

package cli

// The kill -9 test runs the lab and the controller as separate processes,
// both re-executions of this test binary (TestMigrateHelperProcess
// dispatches on migrateHelperEnv): the lab serves a fleet over SSH on
// loopback and counts the nimadm runs it sees; the controller is
// 'nimfleet migrate run' or 'migrate resume' through cli's commands,
// killed with SIGKILL at random moments.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/nimfleet/nimfleet/internal/inventory"
	"github.com/nimfleet/nimfleet/internal/journal"
	"github.com/nimfleet/nimfleet/internal/labkit"
	"github.com/nimfleet/nimfleet/internal/migrate"
	"github.com/nimfleet/nimfleet/internal/sim"
	"github.com/nimfleet/nimfleet/internal/sim/simssh"
)

const (
	migrateHelperEnv = "NIMFLEET_MIGRATE_HELPER" // "lab" or "controller"
	helperDirEnv     = "NIMFLEET_HELPER_DIR"
	helperScaleEnv   = "NIMFLEET_HELPER_SCALE"
	helperOriginEnv  = "NIMFLEET_HELPER_ORIGIN" // unix nanoseconds
	helperArgsEnv    = "NIMFLEET_HELPER_ARGS"   // JSON array
)

// The crash-test fleet: 30 clients on 2 masters; two have a leftover
// /bos_inst (diagnosed, fixed, run again), one a target disk in a volume
// group (failed with its diagnosis). killScale makes a migration take 1.3
// to 3.4 s.
const (
	killClients = 30
	killScale   = 2500
)

var killBosInst, killDiskInVG = []int{3, 17}, 9

func killFleet() sim.Config {
	cfg := sim.Generate(sim.GenOptions{Clients: killClients, Masters: 2, Seed: 11, FaultRate: -1, TimeScale: killScale})
	for _, i := range killBosInst {
		cfg.Clients[i].Faults = []string{sim.FaultBosInstLeftover}
	}
	cfg.Clients[killDiskInVG].Faults = []string{sim.FaultTargetInVG}
	return cfg
}

// labCount is what the lab process reports per client at the end.
type labCount struct {
	Started, Ended int
	VG             string // of hdisk1
}

func TestMigrateHelperProcess(t *testing.T) {
	switch os.Getenv(migrateHelperEnv) {
	case "lab":
		os.Exit(helperLab())
	case "controller":
		os.Exit(helperController())
	}
}

// helperLab serves the crash-test fleet, prints "READY <inventory>", and
// when its stdin closes prints the counts as JSON and exits.
func helperLab() int {
	dir := os.Getenv(helperDirEnv)
	cfg := killFleet()
	lab, err := sim.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer lab.Close()
	var mu sync.Mutex
	counts := map[string]*labCount{}
	for _, c := range cfg.Clients {
		counts[c.Name] = &labCount{}
	}
	lab.SetPhaseHook(func(_ context.Context, _, client string, phase int) {
		mu.Lock()
		defer mu.Unlock()
		switch phase {
		case 1:
			counts[client].Started++
		case 12:
			counts[client].Ended++
		}
	})
	signer, keyPEM := simssh.UserKey(labSeed)
	srv, err := simssh.Serve(lab, lab.Hosts(), simssh.Options{Seed: labSeed, AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	key, kh, invPath := filepath.Join(dir, "id_ed25519"), filepath.Join(dir, "known_hosts"), filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(key, keyPEM, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.WriteFile(kh, srv.KnownHosts(), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	inv, err := labkit.Inventory(cfg, labkit.InvOptions{Endpoint: labkit.ServerEndpoints(srv), Key: key, KnownHosts: kh, File: invPath})
	if err == nil {
		var data []byte
		if data, err = inventory.Marshal(inv); err == nil {
			err = os.WriteFile(invPath, data, 0o600)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("READY %s\n", invPath)
	io.Copy(io.Discard, os.Stdin)
	mu.Lock()
	defer mu.Unlock()
	for name, c := range counts {
		var out strings.Builder
		lab.Exec(context.Background(), name, "/usr/sbin/lspv", nil, &out, nil)
		for _, l := range strings.Split(out.String(), "\n") {
			if f := strings.Fields(l); len(f) >= 3 && f[0] == "hdisk1" {
				c.VG = f[2]
			}
		}
	}
	json.NewEncoder(os.Stdout).Encode(counts)
	return 0
}

// helperController runs the CLI with the arguments of helperArgsEnv on the
// shared scaled clock.
func helperController() int {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(helperArgsEnv)), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ns, _ := strconv.ParseInt(os.Getenv(helperOriginEnv), 10, 64)
	scale, _ := strconv.ParseFloat(os.Getenv(helperScaleEnv), 64)
	clock := migrate.NewScaledClock(time.Unix(0, ns), scale)
	testOnlyMigrateClock = func() migrate.Clock { return clock }
	testOnlyMigratePoll = time.Minute
	g := &GlobalOptions{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	root := newMigrateRoot(g)
	root.SetArgs(args)
	return ExitCode(root.ExecuteContext(context.Background()), os.Stderr)
}

func helperCmd(t *testing.T, mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestMigrateHelperProcess$")
	cmd.Env = append(append(os.Environ(), migrateHelperEnv+"="+mode), env...)
	return cmd
}

// TestKill9Resume kills the controller with SIGKILL at 20 random moments
// of a migration of 30 lab clients, resuming each time, then lets a last
// resume finish. Every client ends migrated by exactly one complete
// nimadm run (the lab counts them; lspv shows altinst_rootvg) or failed
// with a diagnosis; no client got more nimadm runs than its failures
// allow; the journal opens cleanly after every kill.
func TestKill9Resume(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	dir := t.TempDir()
	origin := time.Now()
	env := []string{helperDirEnv + "=" + dir, helperScaleEnv + "=" + strconv.Itoa(killScale), helperOriginEnv + "=" + strconv.FormatInt(origin.UnixNano(), 10)}

	labCmd := helperCmd(t, "lab", env...)
	labIn, err := labCmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	labOut, err := labCmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	labCmd.Stderr = os.Stderr
	if err := labCmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		labCmd.Process.Kill()
		labCmd.Wait()
	}()
	sc := bufio.NewScanner(labOut)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "READY ") {
		t.Fatalf("lab: %q %v", sc.Text(), sc.Err())
	}
	invPath := strings.TrimPrefix(sc.Text(), "READY ")
	jpath := filepath.Join(dir, defaultJournalName)

	controller := func(args ...string) *exec.Cmd {
		a, _ := json.Marshal(append(args, "-i", invPath))
		cmd := helperCmd(t, "controller", append(env, helperArgsEnv+"="+string(a))...)
		cmd.Stdout = io.Discard
		return cmd
	}
	// next says what the controller should do: start the run, resume it,
	// or nothing (the run is over).
	next := func() []string {
		j, err := journal.Open(jpath, journal.Options{ReadOnly: true})
		if os.IsNotExist(err) || err != nil && strings.Contains(err.Error(), "no such file") {
			return []string{"migrate", "run", "--skip-preflight"}
		}
		if err != nil {
			t.Fatalf("journal: %v", err)
		}
		defer j.Close()
		runs, _ := j.Runs()
		open, _ := journal.OpenRuns(j)
		switch {
		case len(open) > 0:
			return []string{"migrate", "resume"}
		case len(runs) == 0:
			return []string{"migrate", "run", "--skip-preflight"}
		}
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(origin.UnixNano()), 9))
	start := time.Now()
	kills := 0
	for round := 0; round < 20; round++ {
		args := next()
		if args == nil {
			t.Logf("round %d: the run is over before the kill", round)
			break
		}
		cmd := controller(args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		wait := time.Duration(150+rng.IntN(450)) * time.Millisecond
		select {
		case err := <-done:
			t.Logf("round %d: %v ended by itself after less than %v: %v", round, args[1], wait, err)
			if code := cmd.ProcessState.ExitCode(); code != 0 && code != ExitHostsFailed {
				t.Fatalf("round %d: %v: exit %d\n%s", round, args, code, stderr.String())
			}
		case <-time.After(wait):
			cmd.Process.Kill() // SIGKILL
			<-done
			kills++
		}
		// The lock died with the process, and the journal replays.
		j, err := journal.Open(jpath, journal.Options{})
		if err != nil && !os.IsNotExist(err) && !strings.Contains(err.Error(), "no such file") {
			t.Fatalf("round %d: journal after kill: %v", round, err)
		}
		if err == nil {
			j.Close()
		}
	}
	t.Logf("%d kills in %v", kills, time.Since(start).Round(time.Millisecond))
	// Resume until the run is over (a pause on the new failure signature
	// needs one more resume).
	for i := 0; ; i++ {
		args := next()
		if args == nil {
			break
		}
		if i == 10 {
			t.Fatal("the run does not end")
		}
		cmd := controller(args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := cmd.ProcessState.ExitCode()
		if code != 0 && code != ExitHostsFailed {
			t.Fatalf("final %v: exit %d (%v)\n%s", args, code, err, stderr.String())
		}
	}
	t.Logf("done after %v", time.Since(start).Round(time.Millisecond))

	labIn.Close()
	if !sc.Scan() {
		t.Fatalf("lab counts: %v", sc.Err())
	}
	counts := map[string]*labCount{}
	if err := json.Unmarshal(sc.Bytes(), &counts); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(jpath, journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if open, _ := journal.OpenRuns(j); len(open) != 0 {
		t.Errorf("%d runs still open", len(open))
	}
	cfg := killFleet()
	special := map[string]string{cfg.Clients[killDiskInVG].Name: "disk-in-vg"}
	for _, i := range killBosInst {
		special[cfg.Clients[i].Name] = "bos_inst"
	}
	verified := 0
	for _, c := range cfg.Clients {
		hs, err := j.Host(c.Name)
		if err != nil {
			t.Errorf("%s: not in the journal: %v", c.Name, err)
			continue
		}
		n := counts[c.Name]
		switch special[c.Name] {
		case "disk-in-vg":
			if hs.State != journal.StateFailed || hs.Diagnosis == nil || hs.Diagnosis.Rule != "DIAG-0003" || n.Started != 1 {
				t.Errorf("%s: %s, diagnosis %+v, %d runs; want failed with DIAG-0003 after 1 run", c.Name, hs.State, hs.Diagnosis, n.Started)
			}
			continue
		case "bos_inst":
			if n.Started != 2 {
				t.Errorf("%s (/bos_inst): %d nimadm runs, want 2 (the failure, the run after the fix)", c.Name, n.Started)
			}
		default:
			if n.Started != 1 {
				t.Errorf("%s: %d nimadm runs, want 1", c.Name, n.Started)
			}
		}
		if hs.State != journal.StateVerified || n.Ended != 1 || n.VG != "altinst_rootvg" {
			t.Errorf("%s: %s (%s), %d runs reached phase 12, hdisk1 in %q; want verified, 1, altinst_rootvg", c.Name, hs.State, hs.Reason, n.Ended, n.VG)
			continue
		}
		verified++
	}
	t.Logf("%d clients verified, %d failed with a diagnosis", verified, len(cfg.Clients)-verified)
	if kills < 10 {
		t.Errorf("only %d kills landed before the run ended", kills)
	}
}

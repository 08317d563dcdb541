package nimadm

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2011, 11, 22, 13, 40, 0, 0, time.UTC)

// gibson is the end of the published phase-11 failure (transcripts.md §1,
// verbatim).
const gibson = `+-----------------------------------------------------------------------------+
Executing nimadm phase 11.
+-----------------------------------------------------------------------------+
Cloning altinst_rootvg on client, Phase 3.
Client alt_disk_install command: alt_disk_copy -j -M 7.1 -P3 -d "hdisk1"
## Phase 3 ###################
Verifying altinst_rootvg...
alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.
Cleaning up.
forced unmount of /alt_inst/var/log
forced unmount of /alt_inst/var/log
forced unmount of /alt_inst/var
forced unmount of /alt_inst/var
forced unmount of /alt_inst
forced unmount of /alt_inst
0505-187 nimadm: Error cloning altinst_rootvg on client.
Cleaning up alt_disk_migration on the NIM master.
Cleaning up alt_disk_migration on client lpar1.
Client alt_disk_install command: alt_disk_install -M 7.1 -X
Bootlist is set to the boot disk: hdisk0 blv=hd5
`

// transcript builds a run's log: start-up lines, then the banners of
// phases from..to with a few lines each, then tail.
func transcript(from, to int, tail string) string {
	var b strings.Builder
	if from == 1 {
		b.WriteString("0513-059 The nfsd Subsystem has been started. Subsystem PID is 3780796.\nInitializing the NIM master.\nInitializing NIM client lpar1.\n")
	}
	for n := from; n <= to; n++ {
		fmt.Fprintf(&b, "\n%s\nExecuting nimadm phase %d.\n%s\n", bannerRule, n, bannerRule)
		switch n {
		case 1:
			b.WriteString("Cloning altinst_rootvg on client, Phase 1.\nClient alt_disk_install command: alt_disk_copy -j -M 7.1 -P1 -d \"hdisk1\"\nCreating logical volume alt_hd5.\n")
		case 6:
			b.WriteString("Installing and migrating software.\n")
		case 11:
			b.WriteString("Client alt_disk_install command: alt_disk_copy -j -M 7.1 -P3 -d \"hdisk1\"\nBootlist is set to the boot disk: hdisk1 blv=hd5\n")
		case 12:
			b.WriteString("Cleaning up alt_disk_migration on the NIM master.\nCleaning up alt_disk_migration on client lpar1.\n")
		default:
			fmt.Fprintf(&b, "phase %d work.\n", n)
		}
	}
	b.WriteString(tail)
	return b.String()
}

func kinds(evs []Event) []string {
	var out []string
	for _, e := range evs {
		s := string(e.Kind)
		if e.Kind == EventPhase {
			s = fmt.Sprintf("phase %d", e.Phase)
		}
		if e.ID != "" {
			s += " " + e.ID
		}
		out = append(out, s)
	}
	return out
}

func TestTrackerGibson(t *testing.T) {
	tr := NewTracker(TrackerOptions{Started: t0})
	evs := tr.Feed(t0, []byte(transcript(1, 10, "")+gibson))
	want := []string{"phase 1", "client_command", "phase 2", "phase 3", "phase 4", "phase 5", "phase 6", "phase 7", "phase 8", "phase 9", "phase 10",
		"phase 11", "client_command", "message 0505-218", "fatal 0505-187", "cleanup", "client_command", "bootlist"}
	if d := cmp.Diff(want, kinds(evs)); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	if tr.Phase() != 11 || tr.Completed() {
		t.Errorf("phase %d completed %v, want 11 and false", tr.Phase(), tr.Completed())
	}
	if got := tr.Signature(); got != "0505-218" {
		t.Errorf("signature: got %q, want the root cause 0505-218", got)
	}
	if f := tr.Fatal(); f == nil || f.Line != "0505-187 nimadm: Error cloning altinst_rootvg on client." || f.Phase != 11 {
		t.Errorf("fatal: %+v", f)
	}
	if got := tr.ClientCommand(); got != "alt_disk_install -M 7.1 -X" {
		t.Errorf("last client command: %q", got)
	}
	if got := tr.Bootlist(); got != "hdisk0 blv=hd5" {
		t.Errorf("bootlist: %q", got)
	}
	if tr.Offset() != int64(len(transcript(1, 10, "")+gibson)) {
		t.Errorf("offset %d", tr.Offset())
	}
}

func TestTrackerSuccess(t *testing.T) {
	tr := NewTracker(TrackerOptions{Started: t0})
	tr.Feed(t0, []byte(transcript(1, 12, "")))
	if !tr.Completed() || tr.Signature() != "" || tr.Bootlist() != "hdisk1 blv=hd5" {
		t.Errorf("completed %v signature %q bootlist %q", tr.Completed(), tr.Signature(), tr.Bootlist())
	}
	var ns []int
	for _, p := range tr.Phases() {
		ns = append(ns, p.Phase)
	}
	if want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; !cmp.Equal(ns, want) {
		t.Errorf("phases %v", ns)
	}
}

// TestTrackerChunking: however the output is cut into chunks, the tracker
// reports the same events at the same offsets.
func TestTrackerChunking(t *testing.T) {
	log := transcript(1, 10, "") + strings.ReplaceAll(gibson, "\n", "\r\n")[:40] + gibson[40:]
	whole := NewTracker(TrackerOptions{Started: t0})
	want := whole.Feed(t0, []byte(log))
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		tr := NewTracker(TrackerOptions{Started: t0})
		var got []Event
		for rest := log; rest != ""; {
			n := 1 + rng.IntN(min(len(rest), 1+round%97))
			got = append(got, tr.Feed(t0, []byte(rest[:n]))...)
			rest = rest[n:]
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("round %d (-whole +chunked):\n%s", round, d)
		}
		if tr.Offset() != whole.Offset() || tr.Signature() != whole.Signature() {
			t.Fatalf("round %d: offset %d/%d", round, tr.Offset(), whole.Offset())
		}
	}
}

func TestTrackerPartialLine(t *testing.T) {
	tr := NewTracker(TrackerOptions{Started: t0})
	tr.Feed(t0, []byte(bannerRule+"\nExecuting nimadm phase 1."))
	if tr.Phase() != 0 || tr.Offset() != int64(len(bannerRule)+1) || tr.ReadOffset() != int64(len(bannerRule)+1+len("Executing nimadm phase 1.")) {
		t.Fatalf("phase %d offset %d read %d", tr.Phase(), tr.Offset(), tr.ReadOffset())
	}
	evs := tr.Flush(t0)
	if tr.Phase() != 1 || len(evs) != 1 || tr.Offset() != tr.ReadOffset() {
		t.Errorf("after Flush: phase %d events %v", tr.Phase(), kinds(evs))
	}
	// A huge line is cut, not buffered forever.
	tr.Feed(t0, []byte(strings.Repeat("x", 3*maxLine)))
	if len(tr.partial) > maxLine {
		t.Errorf("partial line grew to %d", len(tr.partial))
	}
	tr.Feed(t0, []byte("\n"))
	if tr.Offset() != tr.ReadOffset() {
		t.Errorf("offset %d read %d", tr.Offset(), tr.ReadOffset())
	}
}

func TestTrackerBannerNeedsRule(t *testing.T) {
	tr := NewTracker(TrackerOptions{Started: t0})
	tr.Feed(t0, []byte("Executing nimadm phase 3.\n  Executing nimadm phase 4.\n"+bannerRule+"\nExecuting nimadm phase 13.\n"+bannerRule+"\nExecuting nimadm phase 2.\n"+bannerRule+"\nExecuting nimadm phase 2.\n"+bannerRule+"\nExecuting nimadm phase 1.\n"))
	if got := tr.Phases(); len(got) != 1 || got[0].Phase != 2 {
		t.Errorf("phases: %+v, want only 2 (needs the rule, 1..12, advancing)", got)
	}
}

// TestTrackerResume: a tracker resumed from another's state continues at
// the line-boundary offset and does not report earlier phases again, even
// when it is fed an overlap.
func TestTrackerResume(t *testing.T) {
	log := transcript(1, 12, "")
	cut := strings.Index(log, "Executing nimadm phase 6.") + 10 // mid-line
	a := NewTracker(TrackerOptions{Started: t0})
	a.Feed(t0, []byte(log[:cut]))
	st := a.State()
	if st.Offset >= int64(cut) || log[st.Offset-1] != '\n' {
		t.Fatalf("state offset %d is not a line boundary before %d", st.Offset, cut)
	}
	b := NewTracker(TrackerOptions{Started: t0, Resume: &st})
	evs := b.Feed(t0.Add(time.Hour), []byte(log[st.Offset:]))
	var got []int
	for _, e := range evs {
		if e.Kind == EventPhase {
			got = append(got, e.Phase)
		}
	}
	if want := []int{6, 7, 8, 9, 10, 11, 12}; !cmp.Equal(got, want) {
		t.Errorf("phases after resume: %v, want %v", got, want)
	}
	if len(b.Phases()) != 12 || !b.Completed() || b.Offset() != int64(len(log)) {
		t.Errorf("resumed tracker: %d phases, completed %v, offset %d", len(b.Phases()), b.Completed(), b.Offset())
	}
	// Resuming right after a banner rule: the Executing line is the first
	// line and still counts.
	i := strings.Index(log, "Executing nimadm phase 4.")
	c := NewTracker(TrackerOptions{Resume: &TrackerState{Offset: int64(i), Phases: a.Phases()[:3]}})
	c.Feed(t0, []byte(log[i:]))
	if c.Phases()[3].Phase != 4 {
		t.Errorf("phase after a resume at the banner text: %+v", c.Phases()[3])
	}
}

func TestTrackerStall(t *testing.T) {
	w := Workload{RootvgUsedMB: 20 << 10, Cache: true}
	tr := NewTracker(TrackerOptions{Started: t0, ProgressDeadline: 30 * time.Minute, Workload: w})
	tr.Feed(t0, []byte(transcript(1, 2, "")))
	if s, _ := tr.Stalled(t0.Add(29 * time.Minute)); s {
		t.Error("stalled after 29 minutes in phase 2")
	}
	if s, d := tr.Stalled(t0.Add(31 * time.Minute)); !s || d != 31*time.Minute {
		t.Errorf("phase 2 after 31 minutes: stalled %v silent %v", s, d)
	}
	now := t0.Add(time.Hour)
	tr.Feed(now, []byte(transcript(3, 6, "")))
	// Phase 6 is modelled at 30 minutes: it may be silent for an hour.
	if got := tr.StallAfter(); got != time.Hour {
		t.Errorf("phase 6 stall allowance: %v, want 1h", got)
	}
	if s, _ := tr.Stalled(now.Add(59 * time.Minute)); s {
		t.Error("stalled after 59 minutes of phase 6")
	}
	if s, _ := tr.Stalled(now.Add(61 * time.Minute)); !s {
		t.Error("not stalled after 61 minutes of phase 6")
	}
	off := NewTracker(TrackerOptions{Started: t0})
	if s, _ := off.Stalled(t0.Add(1000 * time.Hour)); s {
		t.Error("stalled without a progress deadline")
	}
}

func TestTrackerETA(t *testing.T) {
	w := Workload{RootvgUsedMB: 20 << 10, Cache: true}
	tr := NewTracker(TrackerOptions{Started: t0, Workload: w})
	total := Model{}.Total(w)
	if got := tr.ETA(t0); got != total {
		t.Errorf("ETA at start: %v, want the total %v", got, total)
	}
	at := t0.Add(20 * time.Minute)
	tr.Feed(at, []byte(transcript(1, 6, "")))
	want := Model{}.Phase(6, w) - 10*time.Minute
	for n := 7; n <= 12; n++ {
		want += Model{}.Phase(n, w)
	}
	if got := tr.ETA(at.Add(10 * time.Minute)); got != want {
		t.Errorf("ETA 10 minutes into phase 6: %v, want %v", got, want)
	}
	late := want - (Model{}).Phase(6, w) + 10*time.Minute // phases 7 to 12
	if got := tr.ETA(at.Add(10 * time.Hour)); got != late {
		t.Errorf("ETA long after phase 6 was due: %v, want %v (the phases after it)", got, late)
	}
}

func TestModelDefaults(t *testing.T) {
	// The lab's calibration: a 20 GB rootvg takes about 68 minutes with -j.
	w := Workload{RootvgUsedMB: 20 << 10, Cache: true}
	if got := (Model{}).Total(w); got < 67*time.Minute || got > 69*time.Minute {
		t.Errorf("20 GB with -j: %v, want about 68 minutes", got)
	}
	nfs := Workload{RootvgUsedMB: 20 << 10}
	if (Model{}).Phase(6, nfs) != 36*time.Minute {
		t.Errorf("phase 6 over NFS: %v, want 20%% more than 30 minutes", (Model{}).Phase(6, nfs))
	}
	loaded := Workload{RootvgUsedMB: 20 << 10, Cache: true, Load: 2}
	if (Model{}).Phase(6, loaded) != time.Hour || (Model{}).Phase(1, loaded) != (Model{}).Phase(1, w) {
		t.Errorf("load: phase 6 %v, phase 1 %v", (Model{}).Phase(6, loaded), (Model{}).Phase(1, loaded))
	}
}

func TestLearner(t *testing.T) {
	w := Workload{RootvgUsedMB: 10 << 10, Cache: true}
	m := Model{}
	var l Learner
	// A run where phase 6 took twice the model and everything else as
	// modelled.
	at := t0
	began := at
	at = at.Add(m.Phase(0, w))
	var ps []PhaseStart
	for n := 1; n <= Phases; n++ {
		ps = append(ps, PhaseStart{n, at})
		d := m.Phase(n, w)
		if n == 6 {
			d *= 2
		}
		at = at.Add(d)
	}
	l.Observe(w, began, ps, at)
	l.Observe(w, began, ps, at)
	fit := l.Model()
	if fit.Scale[6] < 1.999 || fit.Scale[6] > 2.001 || fit.Scale[1] < 0.999 || fit.Scale[1] > 1.001 || l.Runs(6) != 2 {
		t.Errorf("fitted scales: %v (runs %d)", fit.Scale, l.Runs(6))
	}
	// The fit keeps the size dependence of phase 1 for other sizes.
	big := Workload{RootvgUsedMB: 100 << 10, Cache: true}
	if d := fit.Phase(1, big) - m.Phase(1, big); d > time.Second || d < -time.Second {
		t.Errorf("phase 1 of a big rootvg: fitted %v, default %v", fit.Phase(1, big), m.Phase(1, big))
	}
	if fit.Total(w)-m.Total(w) != m.Phase(6, w) {
		t.Errorf("total: fitted %v, default %v", fit.Total(w), m.Total(w))
	}
	// Out-of-order phases are ignored.
	var l2 Learner
	l2.Observe(w, began, []PhaseStart{{2, t0}, {1, t0}}, at)
	if l2.Runs(1)+l2.Runs(2) != 0 {
		t.Error("learned from phases out of order")
	}
}

package diag

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
)

// logTemplate is realistic log text: a full nimadm run with a phase-6
// installp listing of a few hundred filesets, then a failing run (the seed),
// then more runs. Phase numbers go down at each run start, so a stream of
// these is a stream of nimadm runs.
func logTemplate(t testing.TB) []byte {
	t.Helper()
	read := func(name, file string) string {
		data, err := os.ReadFile("testdata/fixtures/" + name + ".txtar")
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		i := strings.Index(s, "-- "+file+" --\n")
		if i < 0 {
			t.Fatalf("%s: no file %s", name, file)
		}
		s = s[i+len("-- "+file+" --\n"):]
		if j := strings.Index(s, "\n-- "); j >= 0 {
			s = s[:j+1]
		}
		return s
	}
	clean := read("clean-nimadm-run", "lpar1_alt_mig.log")
	var installp strings.Builder
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&installp, "bos.fileset%-18d 7.1.1.15        USR         APPLY       SUCCESS\n", i)
		if i%4 == 0 {
			fmt.Fprintf(&installp, "bos.fileset%-18d 7.1.1.15        ROOT        APPLY       SUCCESS\n", i)
		}
	}
	clean = strings.Replace(clean, "bos.sysmgt.serv_aid ", installp.String()+"bos.sysmgt.serv_aid ", 1)
	seed := read("e01-seed-console", "nimadm-console.txt")
	return []byte(clean + seed + clean)
}

// genReader yields n bytes by repeating a template.
type genReader struct {
	tmpl []byte
	off  int
	left int64
	// sample, if set, is called about every 4 MiB read.
	sample func()
	since  int
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n := 0
	for n < len(p) {
		c := copy(p[n:], g.tmpl[g.off:])
		n += c
		g.off = (g.off + c) % len(g.tmpl)
	}
	g.left -= int64(n)
	g.since += n
	if g.sample != nil && g.since >= 4<<20 {
		g.since = 0
		g.sample()
	}
	return n, nil
}

type heapPeak struct{ peak uint64 }

func (h *heapPeak) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.peak = max(h.peak, ms.HeapAlloc)
}

// TestLargeInputBoundedMemory streams 256 MiB of generated log text (not a
// file) and checks that the heap stays small: memory must not grow with the
// input.
func TestLargeInputBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("256 MiB stream")
	}
	e, err := New(Builtin()...)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var hp heapPeak
	const size = 256 << 20
	g := &genReader{tmpl: logTemplate(t), left: size, sample: hp.sample}
	rep, err := e.Diagnose(context.Background(), ReaderInput("huge.log", g))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inputs[0].Bytes != size {
		t.Fatalf("read %d bytes, want %d", rep.Inputs[0].Bytes, size)
	}
	const limit = 64 << 20
	t.Logf("256 MiB, %d lines, %d runs: peak heap %.1f MiB (baseline %.1f MiB)",
		rep.Inputs[0].Lines, rep.Inputs[0].Runs, float64(hp.peak)/(1<<20), float64(base.HeapAlloc)/(1<<20))
	if hp.peak > base.HeapAlloc+limit {
		t.Errorf("peak heap %d MiB over a baseline of %d MiB: memory grows with the input", hp.peak>>20, base.HeapAlloc>>20)
	}
	if rep.Inputs[0].Runs < 1000 {
		t.Errorf("runs: got %d", rep.Inputs[0].Runs)
	}
}

// BenchmarkDiagnose measures throughput on realistic log text (MB/s) and
// memory for a 10 MB and a 100 MB input: allocations grow with the number of
// runs in the input, the peak heap does not.
func BenchmarkDiagnose(b *testing.B) {
	e, err := New(Builtin()...)
	if err != nil {
		b.Fatal(err)
	}
	tmpl := logTemplate(b)
	for _, size := range []int64{10 << 20, 100 << 20} {
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			var hp heapPeak
			cpu0 := processCPU()
			n := 0
			for b.Loop() {
				g := &genReader{tmpl: tmpl, left: size, sample: hp.sample}
				if _, err := e.Diagnose(context.Background(), ReaderInput("bench.log", g)); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if cpu := processCPU() - cpu0; cpu > 0 {
				// Includes the GC's CPU time on other threads.
				b.ReportMetric(float64(size)*float64(n)/1e6/cpu.Seconds(), "MB/cpu-s")
			}
			b.ReportMetric(float64(hp.peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkDiagnoseFailure measures one small failing log (the seed): the
// orchestrator's per-failure cost.
func BenchmarkDiagnoseFailure(b *testing.B) {
	e, err := New(Builtin()...)
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile("testdata/fixtures/e01-seed-console.txtar")
	if err != nil {
		b.Fatal(err)
	}
	s := string(data)
	s = s[strings.Index(s, "-- nimadm-console.txt --\n")+len("-- nimadm-console.txt --\n"):]
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Diagnose(context.Background(), ReaderInput("seed", strings.NewReader(s))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew measures compiling the built-in rules.
func BenchmarkNew(b *testing.B) {
	rules := Builtin()
	for b.Loop() {
		if _, err := New(rules...); err != nil {
			b.Fatal(err)
		}
	}
}

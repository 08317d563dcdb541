package nimadm

import (
	"strings"
	"testing"
)

// BenchmarkTrackerFeed measures parsing a full nimadm log (phases 1 to 12
// plus an installp-sized phase 6) fed in 4 KiB chunks.
func BenchmarkTrackerFeed(b *testing.B) {
	log := transcript(1, 5, "") + strings.Repeat("installp: APPLYING software for:\n        bos.rte.libc 7.3.3.0\n", 20000) + transcript(6, 12, "")
	b.SetBytes(int64(len(log)))
	for b.Loop() {
		tr := NewTracker(TrackerOptions{})
		for i := 0; i < len(log); i += 4096 {
			tr.Feed(t0, []byte(log[i:min(i+4096, len(log))]))
		}
		if tr.Phase() != 12 {
			b.Fatal("phases lost")
		}
	}
}

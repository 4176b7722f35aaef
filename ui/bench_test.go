package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// BenchmarkView is one frame of the dashboard at 160×45 holding n tasks:
// it must cost about the same whatever n is, because only the rows on
// screen are built and the order is kept as tasks change, never sorted in
// View.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{100, 10_000, 100_000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			h := newHarness(b, 160, 45)
			h.send(batchMsg{b: feed.Batch{Resync: fleet(n)}})
			// A live update, so some cells are marked as just changed.
			upd := fleet(n)[n-10:]
			for i := range upd {
				upd[i].Updated = api.Time{Time: t0}
				upd[i].Features["proxy"] = api.Feature{State: api.StateFailed}
			}
			h.apply(upd...)
			if got := h.m.grid.Len(); got != n {
				b.Fatalf("grid holds %d rows, want %d", got, n)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = h.m.View()
			}
		})
	}
}

// TestViewCostDoesNotGrowWithTasks is BenchmarkView's promise as a test: a
// frame over 50,000 tasks allocates what a frame over 100 does, and its
// fastest of 15 runs is within 3 times the other's (a View that walked or
// sorted every task would be tens of times slower, so noise on a busy
// machine does not make this flake).
func TestViewCostDoesNotGrowWithTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 50,000 tasks")
	}
	measure := func(n int) (allocs float64, fastest time.Duration) {
		h := newHarness(t, 160, 45)
		h.send(batchMsg{b: feed.Batch{Resync: fleet(n)}})
		allocs = testing.AllocsPerRun(20, func() { _ = h.m.View() })
		fastest = time.Hour
		for range 15 {
			start := time.Now()
			_ = h.m.View()
			fastest = min(fastest, time.Since(start))
		}
		return allocs, fastest
	}
	smallA, smallT := measure(100)
	largeA, largeT := measure(50_000)
	if largeA > smallA*1.05+10 {
		t.Errorf("a frame allocates %.0f times over 100 tasks and %.0f over 50,000", smallA, largeA)
	}
	if largeT > 3*smallT {
		t.Errorf("a frame takes %v over 100 tasks and %v over 50,000", smallT, largeT)
	}
}

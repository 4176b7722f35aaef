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
			nameShown(b, h.m) // names_test.go
			if got := h.m.grid.Len(); got != n {
				b.Fatalf("grid holds %d rows, want %d", got, n)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = h.m.View()
			}
			b.StopTimer()
			// The loop's frames are alike, so their rows come from the
			// grid's cache. Drawn afresh (a relayout before each frame),
			// as when every row on screen changed:
			const frames = 200
			start := time.Now()
			for range frames {
				h.m.layout()
				_ = h.m.View()
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/frames, "µs-rows-afresh")
		})
	}
}

// TestViewCostDoesNotGrowWithTasks is the part of BenchmarkView's promise
// that a busy machine cannot blur: a frame over 50,000 tasks allocates what
// a frame over 100 does. How long a frame takes is BenchmarkView's to
// report (beside its peer, in the same run), never a timed test's.
func TestViewCostDoesNotGrowWithTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 50,000 tasks")
	}
	allocs := func(n int) float64 {
		h := newHarness(t, 160, 45)
		h.send(batchMsg{b: feed.Batch{Resync: fleet(n)}})
		nameShown(t, h.m)
		return testing.AllocsPerRun(20, func() { _ = h.m.View() })
	}
	small, large := allocs(100), allocs(50_000)
	if large > small*1.05+10 {
		t.Errorf("a frame allocates %.0f times over 100 tasks and %.0f over 50,000", small, large)
	}
}

package ui

import (
	"fmt"
	"testing"

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

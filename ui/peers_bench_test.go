package ui

import (
	"fmt"
	"testing"
	"time"

	"charm.land/bubbles/v2/table"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// BenchmarkViewPeers draws one 160×45 frame over n tasks two ways in the
// same run: the dashboard's View (the grid and the panes beside it), and
// bubbles/v2's table holding the same tasks as rows, set once (the
// table's best case: a live table would also rebuild its rows as tasks
// change). It reports each in ms per frame and ours as a share of the
// table's.
func BenchmarkViewPeers(b *testing.B) {
	for _, n := range []int{100, 10_000, 100_000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			tasks := fleet(n)
			h := newHarness(b, 160, 45)
			h.send(batchMsg{b: feed.Batch{Resync: tasks}})
			t := peerTable(tasks)
			var ours, peer time.Duration
			for b.Loop() {
				start := time.Now()
				_ = h.m.View()
				mid := time.Now()
				_ = t.View()
				ours, peer = ours+mid.Sub(start), peer+time.Since(mid)
			}
			per := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
			b.ReportMetric(per(ours), "ms-ours")
			b.ReportMetric(per(peer), "ms-bubbles-table")
			b.ReportMetric(peer.Seconds()/ours.Seconds(), "x-bubbles-table")
		})
	}
}

// peerTable is bubbles/v2's table with the grid's columns and n rows,
// sized to the screen.
func peerTable(tasks []api.Task) table.Model {
	cols := []table.Column{{Title: "TASK", Width: 8}, {Title: "ASSET", Width: 8}, {Title: "PROXY", Width: 12},
		{Title: "PREVIEW", Width: 12}, {Title: "VISUAL", Width: 12}, {Title: "TRANSCRIPTION", Width: 13},
		{Title: "STATE", Width: 9}, {Title: "AGE", Width: 4}}
	rows := make([]table.Row, len(tasks))
	for i, t := range tasks {
		r := table.Row{t.ID[:min(8, len(t.ID))], t.AssetID[:min(8, len(t.AssetID))]}
		for _, f := range []string{"proxy", "preview", "visual", "transcription"} {
			r = append(r, string(t.Features[f].State))
		}
		rows[i] = append(r, string(t.Overall()), "1s")
	}
	return table.New(table.WithColumns(cols), table.WithRows(rows), table.WithWidth(160), table.WithHeight(43), table.WithFocused(true))
}

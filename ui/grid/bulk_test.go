package grid

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// TestBulkApplyOrdersAsMovesDo: a snapshot applied at once (sorted in one
// go) lists the tasks exactly as applying them a hundred at a time does,
// on an empty grid and on one that already lists some of them.
func TestBulkApplyOrdersAsMovesDo(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tasks := make([]api.Task, 3000)
	ids := make([]string, len(tasks))
	for i := range tasks {
		ids[i] = fmt.Sprintf("task-%05d", i*7919%3000)
		tasks[i] = api.Task{ID: ids[i], Features: map[string]api.Feature{"proxy": {State: api.StateCompleted}},
			Updated: api.Time{Time: t0.Add(time.Duration(i%97) * time.Second)}, Created: api.Time{Time: t0}}
	}
	store := feed.NewStore(feed.StoreOptions{})
	store.ApplyBatch(&feed.Batch{Resync: tasks})
	ctx := func() *common.Context { return &common.Context{Keys: keys.Default(), Theme: theme.Default(), Now: t0} }
	order := func(m *Model) []string {
		var out []string
		m.rows.each(func(e *entry) { out = append(out, e.id) })
		return out
	}
	for _, before := range []int{0, 500} {
		t.Run(fmt.Sprintf("listed=%d", before), func(t *testing.T) {
			bulk, moved := New(ctx(), store), New(ctx(), store)
			bulk.Apply(ids[:before], nil)
			bulk.Apply(ids, nil)
			for i := 0; i < len(ids); i += 100 {
				moved.Apply(ids[i:i+100], nil)
			}
			if got, want := order(bulk), order(moved); !slices.Equal(got, want) || len(got) != len(ids) {
				t.Errorf("bulk apply listed %d tasks, moves %d; orders equal: %v", len(got), len(want), slices.Equal(got, want))
			}
		})
	}
}

package grid

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// A frame draws its rows from what the grid copied at Apply, and writes a
// row as drawn last when nothing it shows changed. Through a random run of
// everything that changes a row (states, new and evicted tasks, names,
// indexes, the selection, the clock past a flash or an age step, the
// spinner, the width, the columns, the theme), every frame must read
// exactly as one drawn afresh from the store.
func TestRowsDrawnFromTheGridReadAsTheStore(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { rowsMatchTheStore(t, seed) })
	}
}

func rowsMatchTheStore(t *testing.T, seed uint64) {
	rnd := rand.New(rand.NewPCG(seed, 7))
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	store := feed.NewStore(feed.StoreOptions{MaxTasks: 40, Now: func() time.Time { return now }})
	dark, light := theme.Default(), mustTheme(t, false)
	ctx := &common.Context{Keys: keys.Default(), Theme: dark, Now: now}
	m := New(ctx, store)
	m.SetSize(160, 20)

	states := []api.State{api.StateQueued, api.StateProcessing, api.StateCompleted, api.StateFailed, api.StateCancelled, api.StateNA, "rendering"}
	feats := append(slices.Clone(api.FeatureNames), "dubbing")
	tasks := map[string]*api.Task{}
	n := 0
	change := func() {
		var evs []feed.Event
		for range 1 + rnd.IntN(6) {
			var task *api.Task
			if len(tasks) == 0 || rnd.IntN(3) == 0 {
				n++
				id := fmt.Sprintf("%08x-task-%d", rnd.Uint32(), n)
				task = &api.Task{ID: id, AssetID: fmt.Sprintf("asset-%d", rnd.IntN(12)), Features: map[string]api.Feature{},
					Created: api.Time{Time: now}}
				tasks[id] = task
			} else {
				ids := slices.Sorted(func(yield func(string) bool) {
					for id := range tasks {
						if !yield(id) {
							return
						}
					}
				})
				task = tasks[ids[rnd.IntN(len(ids))]]
			}
			for range 1 + rnd.IntN(2) {
				task.Features[feats[rnd.IntN(len(feats))]] = api.Feature{State: states[rnd.IntN(len(states))]}
			}
			task.Updated = api.Time{Time: now.Add(-time.Duration(rnd.IntN(90)) * time.Second)}
			cp := *task
			cp.Features = maps.Clone(task.Features)
			evs = append(evs, feed.Event{ID: fmt.Sprintf("e%d-%d", n, len(evs)), Type: "task.progress",
				Env: api.Envelope{EventID: fmt.Sprintf("e%d-%d-%d", n, len(evs), rnd.Uint32()), EventType: "task.progress", Data: api.EnvelopeData{Task: &cp}}})
		}
		ch := store.ApplyBatch(&feed.Batch{Events: evs})
		m.Apply(ch.Updated, ch.Removed)
	}
	ops := []func(){
		change,
		change,
		func() { now = now.Add(time.Duration(rnd.IntN(2500)) * time.Millisecond); ctx.Now = now },
		func() { now = now.Add(time.Duration(rnd.IntN(90)) * time.Second); ctx.Now = now },
		func() { ctx.Frame++ },
		func() { m.moveTo(rnd.IntN(max(1, m.rows.len()))) },
		func() { m.SetSize(60+rnd.IntN(140), 10+rnd.IntN(20)) },
		func() { m.toggleNames() },
		func() {
			m.SetColumns(Columns{Task: rnd.IntN(2) == 0, Names: rnd.IntN(2) == 0, Index: rnd.IntN(2) == 0})
		},
		func() {
			a := fmt.Sprintf("asset-%d", rnd.IntN(12))
			m.Named(a, fmt.Sprintf("Clip %d of the day.mp4", rnd.IntN(100)), fmt.Sprintf("ix-%d", rnd.IntN(3)), rnd.IntN(5) == 0)
		},
		func() {
			m.SetIndexes([]api.Index{{ID: "ix-0", Name: fmt.Sprintf("Index %d", rnd.IntN(9))}, {ID: "ix-1", Name: "Interviews"}})
		},
		func() {
			if ctx.Theme == dark {
				ctx.Theme = light
			} else {
				ctx.Theme = dark
			}
		},
		func() { ctx.Skew = time.Duration(rnd.IntN(120)-60) * time.Second },
	}
	hits := 0
	for step := range 600 {
		ops[rnd.IntN(len(ops))]()
		for _, e := range m.entries {
			assertCopied(t, step, store, e)
		}
		before := maps.Clone(m.drawn)
		got := m.View()
		for _, e := range m.buf {
			if d, ok := before[e]; ok && d.key == m.drawn[e].key {
				hits++
			}
		}
		if len(m.drawn) > len(m.buf) {
			t.Fatalf("step %d: %d rows on screen keep %d drawn rows", step, len(m.buf), len(m.drawn))
		}
		if want := uncached(m); got != want {
			t.Fatalf("step %d: a frame drawn from the cache differs from one drawn afresh:\n%s\nwant:\n%s", step, got, want)
		}
	}
	t.Logf("%d rows written from the cache", hits)
	if hits == 0 {
		t.Fatal("no row was ever cached: the test did not test the cache")
	}
}

// uncached is the grid's View with every row drawn afresh, leaving the
// cache as it found it.
func uncached(m *Model) string {
	saved := maps.Clone(m.drawn)
	clear(m.drawn)
	v := m.View()
	m.drawn = saved
	return v
}

// assertCopied checks that what an entry holds of its task is what the
// store holds now, read the other way (Task and Meta, not Row).
func assertCopied(t *testing.T, step int, store *feed.Store, e *entry) {
	t.Helper()
	task, ok := store.Task(e.id)
	meta, _ := store.Meta(e.id)
	if !ok {
		t.Fatalf("step %d: the grid lists %s, which the store no longer holds", step, e.id)
	}
	var flashUntil int64
	if !meta.ChangedAt.IsZero() && !meta.ChangedAt.Equal(meta.FirstSeen) {
		flashUntil = meta.ChangedAt.Add(FlashFor).UnixNano()
	}
	spins := false
	for _, f := range task.Features {
		spins = spins || f.State == api.StateProcessing
	}
	filter := strings.ToLower(api.Clean(task.ID) + " " + api.Clean(task.AssetID) + e.nameLower())
	why := ""
	switch {
	case e.overall != task.Overall() || e.failed != task.HasFailed():
		why = fmt.Sprintf("overall %s (failed %v), the store's %s (%v)", e.overall, e.failed, task.Overall(), task.HasFailed())
	case e.updated != task.Updated.UnixNano() || e.stamped == task.Updated.IsZero():
		why = "updated"
	case e.flashUntil != flashUntil:
		why = "the flash"
	case e.spins != spins:
		why = "the spinner"
	case e.filterText() != filter:
		why = fmt.Sprintf("the filter's text %q, the store's %q", e.filterText(), filter)
	}
	for _, name := range append(slices.Clone(api.FeatureNames), "dubbing") {
		f, has := task.Features[name]
		st, changed, ok := e.state(name)
		if ok != has || st != f.State || changed != (has && slices.Contains(meta.Changed, name)) {
			why = fmt.Sprintf("%s: %q changed %v (shown %v), the store's %q changed %v (has %v)", name, st, changed, ok, f.State, slices.Contains(meta.Changed, name), has)
		}
	}
	if why != "" {
		t.Fatalf("step %d: the grid's copy of %s is stale: %s", step, e.id, why)
	}
}

func mustTheme(t *testing.T, dark bool) *theme.Theme {
	th, err := theme.New(nil, dark, false)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

package feed

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

func taskAt(id string, ms int, states ...api.State) api.Task {
	names := []string{"proxy", "preview", "visual", "transcription"}
	t := api.Task{ID: id, AssetID: "asset_" + id, UserID: "user_1", Features: map[string]api.Feature{},
		Created: api.Time{Time: t0}, Updated: api.Time{Time: t0.Add(time.Duration(ms) * time.Millisecond)}}
	for i, s := range states {
		t.Features[names[i]] = api.Feature{State: s}
	}
	return t
}

func ev(eventID, typ string, t api.Task) Event {
	tt := t
	return Event{ID: eventID, Type: typ, Env: api.Envelope{EventID: eventID, EventType: typ, Data: api.EnvelopeData{Task: &tt}}}
}

// sameTask compares what a user sees of a task: ids, features and times
// (instants, whatever the zone value).
func sameTask(a, b api.Task) bool {
	if a.ID != b.ID || a.AssetID != b.AssetID || a.UserID != b.UserID || len(a.Features) != len(b.Features) ||
		!a.Created.Equal(b.Created.Time) || !a.Updated.Equal(b.Updated.Time) {
		return false
	}
	for k, v := range a.Features {
		if b.Features[k] != v {
			return false
		}
	}
	return true
}

func TestStoreAppliesOnceAndNeverStepsBack(t *testing.T) {
	s := NewStore(StoreOptions{})
	queued := taskAt("t1", 1, api.StateQueued, api.StateQueued)
	done := taskAt("t1", 3, api.StateCompleted, api.StateCompleted)
	middle := taskAt("t1", 2, api.StateProcessing, api.StateQueued)

	if o := s.Apply(ev("e1", api.EventTaskProgress, queued)); o != Applied {
		t.Fatalf("first: %v", o)
	}
	if o := s.Apply(ev("e1", api.EventTaskProgress, done)); o != Duplicate {
		t.Fatalf("same event id again: %v", o)
	}
	if o := s.Apply(ev("e3", api.EventTaskCompleted, done)); o != Applied {
		t.Fatalf("newer: %v", o)
	}
	if o := s.Apply(ev("e2", api.EventTaskProgress, middle)); o != Stale {
		t.Fatalf("older `updated` after a newer one: %v", o)
	}
	got, _ := s.Task("t1")
	if !sameTask(got, done) {
		t.Errorf("task stepped back: %+v", got)
	}
	if s.ApplyTask(middle) {
		t.Error("a snapshot older than the store must not apply")
	}
	c := s.Counts()
	if c.Applied != 2 || c.Duplicates != 1 || c.Stale != 1 || c.Done != 1 || c.Active != 0 {
		t.Errorf("counts %+v", c)
	}
}

func TestStoreUnknownTypesAndEventsWithoutTask(t *testing.T) {
	s := NewStore(StoreOptions{})
	if o := s.Apply(ev("e1", "asset.deleted", taskAt("t1", 1, api.StateQueued))); o != UnknownType {
		t.Fatalf("%v", o)
	}
	if s.Len() != 0 {
		t.Error("an unknown event type must not change tasks")
	}
	if o := s.Apply(Event{ID: "e2", Type: api.EventTaskProgress, Env: api.Envelope{EventID: "e2", EventType: api.EventTaskProgress}}); o != NoTask {
		t.Fatalf("%v", o)
	}
	if c := s.Counts(); c.Unknown["asset.deleted"] != 1 || c.NoTask != 1 {
		t.Errorf("counts %+v", c)
	}
}

func TestStoreKeepsUnknownFeaturesAndStates(t *testing.T) {
	s := NewStore(StoreOptions{})
	tk := taskAt("t1", 1, api.StateQueued)
	tk.Features["embedding"] = api.Feature{State: "zapped", StorageVariant: "cold"}
	tk.Features["aaa"] = api.Feature{State: api.StateCompleted}
	s.ApplyTask(tk)
	got, _ := s.Task("t1")
	if !sameTask(got, tk) {
		t.Fatalf("got %+v, want %+v", got, tk)
	}
	tl := s.Timeline("t1")
	var names []string
	for _, tr := range tl {
		names = append(names, tr.Feature)
	}
	if want := []string{"proxy", "aaa", "embedding"}; !slices.Equal(names, want) {
		t.Errorf("first-seen transitions %v, want %v (usual features first, then others by name)", names, want)
	}
}

func TestStoreTimelineAndMeta(t *testing.T) {
	now := t0
	s := NewStore(StoreOptions{Now: func() time.Time { return now }, MaxTransitions: 4})
	s.ApplyTask(taskAt("t1", 1, api.StateQueued, api.StateQueued))
	now = now.Add(time.Second)
	s.ApplyTask(taskAt("t1", 2, api.StateProcessing, api.StateQueued))
	m, _ := s.Meta("t1")
	if !m.FirstSeen.Equal(t0) || !m.ChangedAt.Equal(now) || !slices.Equal(m.Changed, []string{"proxy"}) || m.Overall != api.OverallActive {
		t.Errorf("meta %+v", m)
	}
	tl := s.Timeline("t1")
	last := tl[len(tl)-1]
	if len(tl) != 3 || last.Feature != "proxy" || last.From != api.StateQueued || last.To != api.StateProcessing ||
		!last.At.Equal(t0.Add(2*time.Millisecond)) || !last.Seen.Equal(now) {
		t.Errorf("timeline %+v", tl)
	}
	// Unchanged states add nothing; the timeline keeps the newest MaxTransitions.
	s.ApplyTask(taskAt("t1", 3, api.StateProcessing, api.StateQueued))
	s.ApplyTask(taskAt("t1", 4, api.StateCompleted, api.StateProcessing))
	s.ApplyTask(taskAt("t1", 5, api.StateCompleted, api.StateFailed))
	tl = s.Timeline("t1")
	if len(tl) != 4 || tl[3].To != api.StateFailed || tl[0].To != api.StateProcessing {
		t.Errorf("bounded timeline %+v", tl)
	}
	if m, _ := s.Meta("t1"); m.Overall != api.OverallFailed {
		t.Errorf("overall %v", m.Overall)
	}
}

func TestStoreResyncReportsMissingPending(t *testing.T) {
	s := NewStore(StoreOptions{})
	s.ApplyTask(taskAt("gone", 1, api.StateProcessing))
	s.ApplyTask(taskAt("done", 1, api.StateCompleted))
	s.ApplyTask(taskAt("kept", 1, api.StateQueued))
	s.ApplyTask(taskAt("finished-in-batch", 1, api.StateQueued))
	b := &Batch{
		Resync: []api.Task{taskAt("kept", 2, api.StateProcessing), taskAt("new", 2, api.StateQueued)},
		Events: []Event{ev("e1", api.EventTaskCompleted, taskAt("finished-in-batch", 3, api.StateCompleted))},
	}
	ch := s.ApplyBatch(b)
	if !slices.Equal(ch.Missing, []string{"gone"}) {
		t.Errorf("missing %v: want only the pending task the API no longer lists", ch.Missing)
	}
	slices.Sort(ch.Updated)
	if !slices.Equal(ch.Updated, []string{"finished-in-batch", "kept", "new"}) {
		t.Errorf("updated %v", ch.Updated)
	}
	if !slices.Equal(ch.Outcomes, []Outcome{Applied}) {
		t.Errorf("outcomes %v", ch.Outcomes)
	}
}

func TestStoreEvictsOldestFinished(t *testing.T) {
	s := NewStore(StoreOptions{MaxTasks: 3})
	s.ApplyTask(taskAt("active", 1, api.StateProcessing))
	for i := range 4 {
		s.ApplyTask(taskAt(fmt.Sprint("done", i), i, api.StateCompleted))
	}
	if s.Len() != 3 {
		t.Fatalf("len %d", s.Len())
	}
	for _, id := range []string{"active", "done2", "done3"} {
		if _, ok := s.Task(id); !ok {
			t.Errorf("%s evicted", id)
		}
	}
	if c := s.Counts(); c.Evicted != 2 || c.Active != 1 || c.Done != 2 {
		t.Errorf("counts %+v", c)
	}
}

func TestStoreSeenIDsAreBounded(t *testing.T) {
	s := NewStore(StoreOptions{SeenIDs: 3})
	tk := taskAt("t", 1, api.StateQueued)
	for i := range 4 {
		s.Apply(ev(uuid(i), api.EventTaskProgress, tk))
	}
	if o := s.Apply(ev(uuid(3), api.EventTaskProgress, tk)); o != Duplicate {
		t.Errorf("recent id: %v", o)
	}
	if o := s.Apply(ev(uuid(0), api.EventTaskProgress, tk)); o == Duplicate {
		t.Error("the oldest id should have been forgotten")
	}
	if o := s.Apply(ev("not-a-uuid", api.EventTaskProgress, tk)); o != Applied && o != Stale {
		t.Errorf("%v", o)
	}
	if o := s.Apply(ev("not-a-uuid", api.EventTaskProgress, tk)); o != Duplicate {
		t.Errorf("non-UUID ids are remembered too: %v", o)
	}
}

// TestStoreMemoryPerTask holds BenchmarkStoreMemory's budget: the heap
// the store keeps for 100,000 tasks, each seen through a realistic
// lifecycle of events decoded as the feed decodes them, seen ids included,
// is at most 1,024 bytes per task.
func TestStoreMemoryPerTask(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a few hundred MB")
	}
	per := storeBytesPerTask(t, 100_000)
	t.Logf("store: %.0f B/task retained (seen ids included)", per)
	if os.Getenv("FEED_MEM_REPORT") == "" && per > 1024 {
		t.Errorf("%.0f B/task, budget 1,024", per)
	}
}

func heapInUse() uint64 {
	var m runtime.MemStats
	for range 3 {
		runtime.GC()
	}
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestStoreUnknownTypesAreBounded: a server inventing a type per event
// gets its first 64 types counted by name and the rest together.
func TestStoreUnknownTypesAreBounded(t *testing.T) {
	s := NewStore(StoreOptions{})
	tk := taskAt("t1", 1, api.StateQueued)
	for i := range 1000 {
		s.Apply(ev(uuid(i), fmt.Sprintf("asset.kind%d", i), tk))
	}
	c := s.Counts()
	if len(c.Unknown) != maxUnknownTypes+1 || c.Unknown["asset.kind0"] != 1 || c.Unknown[OtherUnknownTypes] != 1000-maxUnknownTypes {
		t.Errorf("%d types counted, other %d", len(c.Unknown), c.Unknown[OtherUnknownTypes])
	}
}

// RowInto reads what Task and Meta read, into a row whose features it
// reuses: nothing of the task read before is left in it.
func TestStoreRowIntoReadsAsTaskAndLeavesNothingBehind(t *testing.T) {
	s := NewStore(StoreOptions{})
	wide := taskAt("t1", 1, api.StateQueued, api.StateProcessing, api.StateFailed, api.StateCompleted)
	wide.Features["embedding"] = api.Feature{State: "zapped", StorageVariant: "cold"}
	narrow := taskAt("t2", 2, api.StateCompleted)
	s.ApplyTask(wide)
	s.ApplyTask(narrow)
	var row Row
	for _, id := range []string{"t1", "t2", "t1"} {
		if !s.RowInto(id, &row) {
			t.Fatalf("RowInto(%s) found nothing", id)
		}
		want, _ := s.Task(id)
		meta, _ := s.Meta(id)
		got := api.Task{ID: row.ID, AssetID: row.AssetID, UserID: want.UserID, Created: api.Time{Time: row.Created},
			Updated: api.Time{Time: row.Updated}, Features: map[string]api.Feature{}}
		for _, f := range row.Features {
			if _, twice := got.Features[f.Name]; twice {
				t.Fatalf("RowInto(%s) lists %s twice", id, f.Name)
			}
			got.Features[f.Name] = api.Feature{State: f.State, StorageVariant: want.Features[f.Name].StorageVariant}
			if f.Changed != slices.Contains(meta.Changed, f.Name) {
				t.Errorf("RowInto(%s): %s changed %v, Meta says %v", id, f.Name, f.Changed, !f.Changed)
			}
		}
		if !sameTask(got, want) || row.Overall != want.Overall() || row.Failed != want.HasFailed() ||
			!row.FirstSeen.Equal(meta.FirstSeen) || !row.ChangedAt.Equal(meta.ChangedAt) {
			t.Fatalf("RowInto(%s) = %+v, want %+v with %+v", id, row, want, meta)
		}
	}
	if s.RowInto("nope", &row) {
		t.Fatal("RowInto found a task the store does not hold")
	}
}

package record

import (
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// The snapshot that ends a resumed start's catch-up is recorded after the
// batch's events, no earlier than the last: a play applies it where the
// dashboard did.
func TestResumeSnapshotIsRecordedAfterTheEvents(t *testing.T) {
	at := header().Started.Add(time.Second)
	task := api.Task{ID: "t1", Features: map[string]api.Feature{"proxy": {State: api.StateCompleted}}}
	fb := &feed.Batch{
		Events: []feed.Event{{ID: "e1", Type: api.EventTaskProgress, Raw: []byte(`{"event_id":"e1"}`), Received: at.Add(-time.Millisecond)},
			{ID: "e2", Type: api.EventTaskCompleted, Raw: []byte(`{"event_id":"e2"}`), Received: at.Add(time.Millisecond)}},
		Resume: &feed.Resume{Snapshot: []api.Task{task}},
	}
	recs, err := readAll(t, AppendBatch(AppendHeader(nil, header()), at, fb, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0].ID != "e1" || recs[1].ID != "e2" || recs[2].Kind != KindSnapshot {
		t.Fatalf("records %+v, want e1, e2, then the snapshot", recs)
	}
	if recs[2].At.Before(recs[1].At) {
		t.Errorf("snapshot at %v, before the last event at %v", recs[2].At, recs[1].At)
	}
}

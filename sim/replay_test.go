package sim

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// items is a ReplaySource over a slice.
type items []ReplayItem

func (it *items) Next() (ReplayItem, error) {
	if len(*it) == 0 {
		return ReplayItem{}, io.EOF
	}
	out := (*it)[0]
	*it = (*it)[1:]
	return out, nil
}

func replayTask(id string, updated time.Time, states map[string]api.State) api.Task {
	t := api.Task{ID: id, AssetID: "asset_" + id, UserID: "user_1", Features: map[string]api.Feature{},
		Created: api.Time{Time: updated.Add(-time.Minute)}, Updated: api.Time{Time: updated}}
	for name, s := range states {
		t.Features[name] = api.Feature{State: s, StorageVariant: "proxy"}
	}
	return t
}

// What a dashboard's recording holds besides events: a snapshot, a
// poll's gone task, and webhook messages it listed (some twice, one the
// stream also carried). The simulator ends with the tasks as last
// answered, an event on its stream carrying the recorded data verbatim,
// and each message published once, signed for the endpoint.
func TestReplayPlaysSnapshotsPollsAndMessages(t *testing.T) {
	s := startPaused(t, Options{Seed: 1, TimeScale: 1000})
	c := newClient(t, s)
	rx := newReceiver(t, nil)
	ep := createEndpoint(t, c, api.EndpointIn{URL: rx.url(), EventTypes: []string{"task.*"}})
	st := openStream(t, c, "")

	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	a1 := replayTask("t_a", t0, map[string]api.State{"proxy": api.StateProcessing, "brand_new": "paused"})
	b1 := replayTask("t_b", t0, map[string]api.State{"proxy": api.StateQueued})
	a2 := replayTask("t_a", t0.Add(time.Second), map[string]api.State{"proxy": api.StateCompleted, "brand_new": "paused"})
	env := api.Envelope{Timestamp: a2.Updated, UserID: "user_1", EventID: "evt_1", EventType: api.EventTaskCompleted, Data: api.EnvelopeData{Task: &a2}}
	data, _ := json.Marshal(env)
	other := api.Envelope{Timestamp: a2.Updated, UserID: "user_1", EventID: "evt_2", EventType: api.EventTaskProgress, Data: api.EnvelopeData{Task: &b1}}
	otherData, _ := json.Marshal(other)
	listed := []api.Message{
		{ID: "msg_1", EventType: api.EventTaskCompleted, EventID: "evt_1", Payload: data},     // the stream carried it
		{ID: "msg_2", EventType: api.EventTaskProgress, EventID: "evt_2", Payload: otherData}, // only listed
	}
	src := items{
		{At: t0, Tasks: []api.Task{a1, b1}},
		{At: t0.Add(time.Second), EventType: api.EventTaskCompleted, Data: data},
		{At: t0.Add(2 * time.Second), Messages: listed},
		{At: t0.Add(3 * time.Second), Messages: listed}, // listed again at the next refresh
		{NewSession: true},
		{At: t0.Add(100 * 24 * time.Hour), Gone: []string{"t_b"}}, // 100 days later: a new session, no wait (else 2.4 hours even at ×1000)
	}
	stats, err := s.Replay(context.Background(), &src)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Events != 1 || stats.Messages != 2 || stats.Tasks != 2 {
		t.Errorf("stats %+v, want 1 event, 2 messages, 2 task states", stats)
	}
	ev := st.next(t, 1, 10*time.Second)[0]
	if ev.typ != api.EventTaskCompleted || ev.data != string(data) {
		t.Errorf("streamed %s %s, want the recorded %s", ev.typ, ev.data, data)
	}
	got := s.Tasks()
	if len(got) != 1 || got[0].ID != "t_a" || got[0].Features["proxy"] != a2.Features["proxy"] ||
		got[0].Features["brand_new"].State != "paused" || !got[0].Updated.Equal(a2.Updated.Time) {
		t.Errorf("tasks after the replay: %+v, want t_a as its event left it (t_b gone)", got)
	}
	ds := rx.waitCount(t, 2, 10*time.Second)
	waitSettled(t, s, 10*time.Second)
	ids := map[string]bool{}
	for _, d := range rx.deliveries() {
		verify(t, ep.Secret, d)
		ids[d.envelope(t).EventID] = true
	}
	if len(rx.deliveries()) != 2 || !ids["evt_1"] || !ids["evt_2"] {
		t.Errorf("%d deliveries of %v, want evt_1 and evt_2 once each", len(ds), ids)
	}
}

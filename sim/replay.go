package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// ReplayItem is one record of a recording, as Replay plays it. Exactly one
// of its parts is set, besides At.
type ReplayItem struct {
	// At is when the record was received; the items' spacing is the
	// replay's timing. Zero (an old recording): no wait before it.
	At time.Time
	// NewSession: a later session begins here (a recording appended to);
	// the time between the two sessions is skipped.
	NewSession bool

	// EventType and Data are an SSE event as received: Data is its data
	// (for a task event, the envelope).
	EventType string
	Data      []byte
	// Tasks are tasks as the API answered: a snapshot, a poll, tasks
	// fetched one by one. Gone are tasks the API no longer had.
	Tasks []api.Task
	Gone  []string
	// Messages are webhook messages as the API listed them.
	Messages []api.Message
}

// ReplaySource yields a recording's items in order, and io.EOF after the
// last. cmd adapts the recording reader (feed/record) to it, so that the
// simulator depends on no format.
type ReplaySource interface {
	Next() (ReplayItem, error)
}

// ReplayStats is what a replay played.
type ReplayStats struct {
	Events   int // SSE events served again
	Messages int // webhook messages published again (one per task event, plus recorded ones no event carried)
	Tasks    int // task states taken from snapshots, polls and fetches
}

// Replay plays src as the simulator's state and stream, at the recording's
// own pace divided by TimeScale: each event goes out on GET /events (under
// a simulator event id, so Last-Event-ID works; its data exactly as
// recorded), its task becomes the task GET /tasks answers, and it is
// published as a webhook message to every endpoint that wants its type,
// signed afresh, with the retry schedule as usual. Snapshots, polls and
// tasks fetched one by one set the tasks' state; recorded webhook messages
// that no recorded event carried (the dashboard fetched them; the stream
// was not recorded) are published too, each once. Start the simulator
// with Rate 0 so that it adds no tasks of its own.
//
// Replay returns when src ends (nil), fails, or ctx ends; the simulator
// goes on serving the state it reached.
func (s *Server) Replay(ctx context.Context, src ReplaySource) (ReplayStats, error) {
	var st ReplayStats
	var origin, base time.Time // the recording's time that maps to the real time base
	sent := newRecentIDs(replayRemember)
	for {
		it, err := src.Next()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		if it.NewSession {
			origin = time.Time{}
			continue
		}
		if !it.At.IsZero() {
			if origin.IsZero() {
				origin, base = it.At, time.Now()
			}
			due := base.Add(time.Duration(float64(it.At.Sub(origin)) / s.o.TimeScale))
			if err := sleepUntil(ctx, due); err != nil {
				return st, nil
			}
		}
		if ctx.Err() != nil {
			return st, nil
		}
		s.playItem(&it, &st, sent)
	}
}

// replayRemember bounds the event and message ids a replay remembers to
// publish each recorded message once, whatever the recording's length.
const replayRemember = 100_000

func sleepUntil(ctx context.Context, due time.Time) error {
	d := time.Until(due)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (s *Server) playItem(it *ReplayItem, st *ReplayStats, sent *recentIDs) {
	e := s.eng
	now := time.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if it.EventType != "" || it.Data != nil {
		var env api.Envelope
		isTask := json.Unmarshal(it.Data, &env) == nil && env.Data.Task != nil && env.Data.Task.ID != ""
		if isTask {
			e.replayTask(env.Data.Task)
		}
		s.publishRecorded(it.EventType, env.EventID, it.Data, now)
		st.Events++
		st.Messages++
		if env.EventID != "" {
			sent.add(env.EventID)
		}
		return
	}
	for i := range it.Tasks {
		if it.Tasks[i].ID != "" {
			e.replayTask(&it.Tasks[i])
			st.Tasks++
		}
	}
	for _, id := range it.Gone {
		if t, ok := e.tasks[id]; ok {
			delete(e.tasks, id)
			t.done = true
		}
	}
	for _, m := range it.Messages {
		if m.ID == "" || sent.has(m.ID) || m.EventID != "" && sent.has(m.EventID) || len(m.Payload) == 0 {
			continue
		}
		sent.add(m.ID)
		s.hooks.publish(m.EventType, m.EventID, bytes.Clone(m.Payload), now)
		st.Messages++
	}
}

// replayTask makes the engine hold t as the API last answered it; called
// with e.mu held. A task the recording shows is never stepped by the
// engine: it has no plan.
func (e *engine) replayTask(t *api.Task) {
	old, ok := e.tasks[t.ID]
	if ok && t.Updated.Before(old.updated) {
		return // an older answer than what the replay already showed
	}
	if !ok {
		if len(e.tasks) >= e.maxTasks {
			e.evictOne()
		}
		e.taskSeq++
		old = &task{seq: e.taskSeq, id: t.ID}
		e.tasks[t.ID] = old
	}
	wasDone := old.done
	old.assetID, old.userID = t.AssetID, t.UserID
	old.created, old.updated = t.Created.Time, t.Updated.Time
	old.features = old.features[:0]
	for _, name := range replayFeatureOrder(t.Features) {
		f := t.Features[name]
		old.features = append(old.features, featureSlot{name: name, state: f.State, variant: f.StorageVariant})
	}
	old.plan, old.next = nil, 0
	old.done = !old.pending()
	if old.done && !wasDone {
		e.finished = append(e.finished, old)
	}
}

// replayFeatureOrder is Aspect's feature order, then any other name in
// alphabetical order.
func replayFeatureOrder(fs map[string]api.Feature) []string {
	out := make([]string, 0, len(fs))
	for _, n := range api.FeatureNames {
		if _, ok := fs[n]; ok {
			out = append(out, n)
		}
	}
	var rest []string
	for n := range fs {
		if !slices.Contains(api.FeatureNames, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// publishRecorded is publishTask for a recorded event: its data goes out
// as recorded (one data line per line) under a new simulator event id;
// called with the engine's lock held.
func (s *Server) publishRecorded(eventType, envID string, data []byte, at time.Time) {
	s.eventSeq++
	id := eventID(s.epoch, s.eventSeq)
	b := s.scratch[:0]
	b = append(b, "id: "...)
	b = append(b, id...)
	if eventType != "" {
		b = append(b, "\nevent: "...)
		b = append(b, eventType...)
	}
	b = append(b, '\n')
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		b = append(b, "data: "...)
		b = append(b, line...)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	s.scratch = b
	frame := bytes.Clone(b)
	payload := bytes.Clone(data)
	s.log.append(event{seq: s.eventSeq, id: id, frame: frame, data: payload})
	s.hooks.publish(eventType, envID, payload, at)
}

// recentIDs remembers the last n ids added.
type recentIDs struct {
	set  map[string]struct{}
	ring []string
	next int
}

func newRecentIDs(n int) *recentIDs {
	return &recentIDs{set: make(map[string]struct{}), ring: make([]string, n)}
}

func (r *recentIDs) has(id string) bool { _, ok := r.set[id]; return ok }

func (r *recentIDs) add(id string) {
	if r.has(id) {
		return
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.set, old)
	}
	r.ring[r.next] = id
	r.set[id] = struct{}{}
	r.next = (r.next + 1) % len(r.ring)
}

// Endpoints counts the webhook endpoints (sim --replay --replay-wait waits
// for the first).
func (s *Server) Endpoints() int {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return len(s.hooks.epOrder)
}

package feed

import (
	"fmt"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Mark is where a consumer left off: the last event it applied, and its
// task's `updated` (the server's clock). Handed to Options.Resume on the
// next start, the stream resumes after it. Neither is a secret.
type Mark struct {
	ID string    `json:"event_id"`
	At time.Time `json:"updated,omitzero"`
}

// Resume is the catch-up after a start that resumed from Options.Resume,
// handed over once, in the batch that ends it. Snapshot is GET
// /tasks/active, taken after the stream opened: the store applies it after
// the batch's events, so that what the server replayed shows as the
// transitions it made, and the snapshot (never older than them) adds only
// what the replay left out.
type Resume struct {
	From     Mark
	Snapshot []api.Task
	// Why is set when the stream could not be resumed at all (it is not
	// offered, or never opened): only the snapshot is known.
	Why string
}

// Caught is what a resumed start found, from Store.ApplyBatch.
type Caught struct {
	From Mark
	// Events counts the replayed events applied (each once), and Failed
	// the tasks with a task.failed among them.
	Events, Failed int
	// Missed: the server no longer held the events after From (or the
	// stream could not be resumed), so changes were missed and the
	// snapshot alone shows where the tasks are. Why says what told.
	Missed bool
	Why    string
}

// Line is the report in one line, for the status line and the log; Why
// says more when events were missed.
func (c Caught) Line() string {
	if c.Missed {
		return "while you were away: events were missed; only the snapshot is shown"
	}
	if c.Events == 0 {
		return "while you were away: no events"
	}
	return fmt.Sprintf("while you were away: %d %s, %d %s failed",
		c.Events, plural(c.Events, "event", "events"), c.Failed, plural(c.Failed, "task", "tasks"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// catchup is the store's tally while a resumed start catches up.
type catchup struct {
	events int
	failed map[string]struct{}
}

// applyResume applies the snapshot that ends a catch-up and says what the
// catch-up found. A task in the snapshot that changed after the mark (its
// `updated` is later) while no event told the store so is a change the
// server did not replay: the stream resumed without the events that
// followed the mark. This holds against any SSE server, which is free to
// answer an id it no longer holds with the live stream alone; a change
// to a task that has since left the active list cannot be seen this way.
func (s *Store) applyResume(r *Resume, ch *changeSet) (missing []string, out Caught) {
	out = Caught{From: r.From, Why: r.Why, Missed: r.Why != ""}
	if c := s.catching; c != nil {
		out.Events, out.Failed = c.events, len(c.failed)
	}
	s.catching = nil
	unexplained := 0
	for i := range r.Snapshot {
		t := &r.Snapshot[i]
		if t.ID == "" || r.From.At.IsZero() || !t.Updated.After(r.From.At) {
			continue
		}
		if old, ok := s.tasks.get(t.ID); !ok || old.updated.before(s.stamp(t.Updated.Time)) {
			unexplained++
		}
	}
	if unexplained > 0 && !out.Missed {
		out.Missed = true
		out.Why = fmt.Sprintf("the server no longer holds them: %d %s changed with no event replayed",
			unexplained, plural(unexplained, "task", "tasks"))
	}
	return s.resync(r.Snapshot, ch, SourceSnapshot), out
}

// countReplayed tallies a replayed event that was applied.
func (s *Store) countReplayed(ev *Event) {
	c := s.catching
	if c == nil {
		c = &catchup{failed: map[string]struct{}{}}
		s.catching = c
	}
	c.events++
	typ := ev.Env.EventType
	if typ == "" {
		typ = ev.Type
	}
	if t := ev.Env.Data.Task; t != nil && typ == api.EventTaskFailed {
		c.failed[t.ID] = struct{}{}
	}
}

// Mark is where the store has got to in the stream: the SSE id of the last
// event ApplyBatch took (whatever it did with it: a duplicate or a stale
// event is behind the store too), and the latest `updated` among them.
func (s *Store) Mark() Mark { return s.mark }

func (s *Store) advanceMark(ev *Event) {
	if ev.ID == "" {
		return
	}
	s.mark.ID = ev.ID
	if t := ev.Env.Data.Task; t != nil && t.Updated.After(s.mark.At) {
		s.mark.At = t.Updated.Time
	}
}

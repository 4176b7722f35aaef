package feed

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
)

// failedFeatures lists, per task, the features the simulator holds as failed.
func failedFeatures(s *sim.Server) map[string][]string {
	out := map[string][]string{}
	for _, t := range s.Tasks() {
		for name, f := range t.Features {
			if f.State == api.StateFailed {
				out[t.ID] = append(out[t.ID], name)
			}
		}
	}
	return out
}

// stepsAfter is a task's steps after the mark, as "feature→state@time",
// and which of them are first sightings (no "from").
func stepsAfter(st *Store, id string, at time.Time) (steps []string, firstSeen map[string]bool) {
	firstSeen = map[string]bool{}
	for _, tr := range st.Timeline(id) {
		if tr.At.After(at) {
			k := fmt.Sprintf("%s→%s@%s", tr.Feature, tr.To, tr.At.UTC().Format(time.RFC3339Nano))
			steps = append(steps, k)
			if tr.From == "" {
				firstSeen[k] = true
			}
		}
	}
	return steps, firstSeen
}

// leaveMark runs a first session until it is live, lets what happens
// happen (tasks made, time moved), waits until that session has applied the
// simulator's last event, stops it, and returns the mark it leaves behind.
func leaveMark(t *testing.T, ctx context.Context, s *sim.Server, c *api.Client, happen func()) Mark {
	t.Helper()
	ctx1, cancel1 := context.WithCancel(ctx)
	first := newSimConsumer(t, c)
	f1 := Start(ctx1, c, Options{})
	first.until(ctx1, f1, 10*time.Second, "live", func() bool { return first.conn.Phase == PhaseLive })
	happen()
	last := s.LastEventID()
	first.until(ctx1, f1, 10*time.Second, "the first session's events", func() bool { return first.lastID == last })
	mark := first.store.Mark()
	stop(t, cancel1, f1)
	if mark.ID != last || mark.At.IsZero() {
		t.Fatalf("mark %+v, want the last event %s and its time", mark, last)
	}
	return mark
}

// TestResumeShowsWhatHappenedWhileAwayOnce: a dashboard leaves, the
// simulator goes on (tasks made, processed, some failed), and a new
// session resumes from the mark the first one left. Every event emitted
// while away is applied once, the report counts them and the tasks that
// failed, and each task's timeline after the mark is what a witness that
// never left saw: every transition, none twice (the snapshot taken at the
// start adds nothing the replay showed).
func TestResumeShowsWhatHappenedWhileAwayOnce(t *testing.T) {
	noLeaks(t)
	s, c := startSim(t, sim.Options{Seed: 7, TimeScale: 600, FailRate: 0.3})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	witness := newSimConsumer(t, c)
	wf := Start(ctx, c, Options{})
	witness.until(ctx, wf, 10*time.Second, "the witness live", func() bool { return witness.conn.Phase == PhaseLive })

	mark := leaveMark(t, ctx, s, c, func() {
		s.CreateTasks(6)
		s.Advance(3 * time.Second) // part-way: tasks still processing when the dashboard leaves
	})

	// While away.
	failedBefore := failedFeatures(s)
	before := s.Counts().Events
	s.CreateTasks(6)
	s.Advance(24 * time.Hour)
	away := int(s.Counts().Events - before)
	failedAway := 0
	for id, names := range failedFeatures(s) {
		if len(names) > len(failedBefore[id]) {
			failedAway++
		}
	}
	if away < 20 || failedAway == 0 {
		t.Fatalf("the simulator made %d events and %d failed tasks while away; the test needs more", away, failedAway)
	}

	second := newSimConsumer(t, c)
	f2 := Start(ctx, c, Options{Resume: mark})
	second.until(ctx, f2, 20*time.Second, "the catch-up report", func() bool { return second.caught != nil })
	got := *second.caught
	if got.Missed || got.Events != away || got.Failed != failedAway {
		t.Errorf("report %+v (%q), want %d events, %d failed, nothing missed", got, got.Line(), away, failedAway)
	}
	if len(second.order) != away || second.order[0] != simSeq(t, mark.ID)+1 {
		t.Errorf("second session received %d events from seq %v, want %d from the one after the mark", len(second.order), second.order[:min(1, len(second.order))], away)
	}
	for id, n := range second.applied {
		if n != 1 {
			t.Errorf("event %s applied %d times", id, n)
		}
	}
	witness.until(ctx, wf, 20*time.Second, "the witness's last event", func() bool { return witness.lastID == s.LastEventID() })
	compareAll(t, s, witness.store)
	for _, task := range s.Tasks() {
		// Every change the witness saw after the mark is in the resumed
		// timeline exactly once. The resumed session also shows where it
		// first saw a task's other features (it did not know them before):
		// those, and only those, match no change.
		want, _ := stepsAfter(witness.store, task.ID, mark.At)
		have, firstSeen := stepsAfter(second.store, task.ID, mark.At)
		for _, w := range want {
			if n := count(have, w); n != 1 {
				t.Errorf("task %s: %s shown %d times, want once (got %v)", task.ID, w, n, have)
			}
		}
		for _, h := range have {
			if count(have, h) > 1 || (!slices.Contains(want, h) && !firstSeen[h]) {
				t.Errorf("task %s: %s shown, but the witness saw %v", task.ID, h, want)
			}
		}
		for _, tr := range second.store.Timeline(task.ID) {
			if tr.At.After(mark.At) && tr.Source != SourceReplayed {
				t.Errorf("task %s: %s→%s after the mark shown as %v, want replayed", task.ID, tr.Feature, tr.To, tr.Source)
			}
		}
	}
	stop(t, cancel, f2)
	cancel()
	wf.Wait()
}

// TestResumeSaysWhatWasMissed: when the server no longer holds the mark
// (its replay buffer moved on), it streams live only, as a server is free
// to; the snapshot then shows tasks that changed after the mark with no
// event to say so, and the report says the events were missed.
func TestResumeSaysWhatWasMissed(t *testing.T) {
	noLeaks(t)
	s, c := startSim(t, sim.Options{Seed: 9, TimeScale: 600, ReplayBuffer: 8})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mark := leaveMark(t, ctx, s, c, func() { s.CreateTasks(2) })

	s.Advance(time.Second)
	s.CreateTasks(10) // more than the replay buffer holds
	s.Advance(time.Second)

	second := newSimConsumer(t, c)
	f2 := Start(ctx, c, Options{Resume: mark})
	second.until(ctx, f2, 20*time.Second, "the catch-up report", func() bool { return second.caught != nil })
	got := *second.caught
	if !got.Missed || got.Events != 0 {
		t.Errorf("report %+v (%q), want missed with no events", got, got.Line())
	}
	active := 0
	for _, task := range s.Tasks() {
		if task.Overall() == api.OverallActive {
			active++
			if _, ok := second.store.Task(task.ID); !ok {
				t.Errorf("active task %s not in the store: the snapshot was not applied", task.ID)
			}
		}
	}
	if active == 0 {
		t.Fatal("no active task: the test needs some")
	}
	stop(t, cancel, f2)
}

// TestResumeEndsWhenTheStreamPassesTheSnapshot: on a busy account the
// stream never falls quiet (its live events follow the replay at once), so
// the catch-up must end on what the events say: the first one for a task
// that is newer than the task in the snapshot is live, and the replay is
// over. Here the stream carries an event every 10 ms and MaxCatchUp is a
// minute; the report must come long before it, and count every event
// replayed.
func TestResumeEndsWhenTheStreamPassesTheSnapshot(t *testing.T) {
	noLeaks(t)
	s, c := startSim(t, sim.Options{Seed: 11, TimeScale: 600})
	s.Pause()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mark := leaveMark(t, ctx, s, c, func() { s.CreateTasks(3) })

	// While away: tasks made and part-way through.
	before := s.Counts().Events
	s.CreateTasks(6)
	s.Advance(2 * time.Second)
	away := int(s.Counts().Events - before)

	second := newSimConsumer(t, c)
	f2 := Start(ctx, c, Options{Resume: mark, MaxCatchUp: time.Minute})
	busy, quit := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(busy)
		for {
			select {
			case <-quit:
				return
			case <-time.After(10 * time.Millisecond):
			}
			s.CreateTasks(1)                  // a task the snapshot does not hold: tells nothing
			s.Advance(200 * time.Millisecond) // the tasks made while away move on
		}
	}()
	defer func() { close(quit); <-busy }()
	second.until(ctx, f2, 20*time.Second, "the catch-up report, with the stream still busy", func() bool { return second.caught != nil })
	if got := *second.caught; got.Missed || got.Events < away {
		t.Errorf("report %+v (%q), want at least the %d events made while away, nothing missed", got, got.Line(), away)
	}
	stop(t, cancel, f2)
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// Without a live stream (the API does not offer one) there is nothing to
// resume: the report says the events were missed, with the snapshot.
func TestResumeWithoutAStreamSaysMissed(t *testing.T) {
	noLeaks(t)
	s, c := startSim(t, sim.Options{Seed: 3, TimeScale: 600, Profile: sim.ProfileDocumented})
	s.CreateTasks(3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sc := newSimConsumer(t, c)
	f := Start(ctx, c, Options{Resume: Mark{ID: "an-id-from-last-time", At: time.Now().Add(-time.Hour)}, MinBackoff: time.Millisecond})
	sc.until(ctx, f, 20*time.Second, "the catch-up report", func() bool { return sc.caught != nil })
	if !sc.caught.Missed || !strings.Contains(sc.caught.Why, "no live stream") {
		t.Errorf("report %+v, want missed: no live stream", *sc.caught)
	}
	if sc.store.Len() != 3 {
		t.Errorf("store holds %d tasks, want the snapshot's 3", sc.store.Len())
	}
	stop(t, cancel, f)
}

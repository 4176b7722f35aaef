package ui

import (
	"context"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// stormWatch sees, on the program's own goroutine, every message before
// Update and every frame's View after it: how many batches and events the
// dashboard received, when, and what happened around a key press.
type stormWatch struct {
	mu        sync.Mutex
	term      *terminal
	batches   int
	events    int
	lastID    string        // the newest event received
	reached   chan struct{} // closed when the event with id target arrives
	target    string
	sendKeyAt int // the batch after which the program itself sends the key
	keySentAt int // batches received when the key was sent; -1 before
	keyAt     int // batches received when Update got the key; -1 before
	keyFrame  int // frames written when the View answering the key was made; -1 before
}

// stormModel is the dashboard with a watch around Update and View.
type stormModel struct {
	*Model
	w *stormWatch
}

func (s stormModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	w := s.w
	w.mu.Lock()
	switch msg := msg.(type) {
	case batchMsg:
		w.batches++
		w.events += len(msg.b.Events)
		for i := range msg.b.Events {
			w.lastID = msg.b.Events[i].ID
			if w.lastID == w.target && w.reached != nil {
				close(w.reached)
				w.reached = nil
			}
		}
	case tea.KeyPressMsg:
		w.keyAt = w.batches
	}
	// The key is sent from here, as a Cmd, so the count it is sent at is
	// exact: a test goroutine reading the count and then sending would let
	// batches slip in between.
	var press tea.Cmd
	if _, ok := msg.(batchMsg); ok && w.batches == w.sendKeyAt && w.keySentAt < 0 {
		w.keySentAt = w.batches
		press = func() tea.Msg { return uitest.Key("?") }
	}
	w.mu.Unlock()
	_, cmd := s.Model.Update(msg)
	return s, tea.Batch(cmd, press)
}

func (s stormModel) View() tea.View {
	v := s.Model.View()
	w := s.w
	w.mu.Lock()
	if w.keyAt >= 0 && w.keyFrame < 0 {
		w.keyFrame, _ = w.term.count()
	}
	w.mu.Unlock()
	return v
}

// TestStormReachesTheScreenOncePerFrame runs the simulator at about 20,000
// events a second into the real feed and the dashboard in a real Bubble
// Tea program. It checks, by counting rather than timing:
//   - the dashboard receives at most one batch per frame interval;
//   - a key pressed during the storm waits behind at most one batch, and
//     its answer (the help screen) is in the next frame written (or the one
//     after, if a frame was being written as it was handled);
//   - after the storm, every task the simulator holds is in the store,
//     exactly as the simulator has it.
func TestStormReachesTheScreenOncePerFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a storm against the simulator")
	}
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 11, Rate: 2500, TimeScale: 2000,
		MaxTasks: 1 << 20, MaxMessages: 10_000, ReplayBuffer: 500_000})
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	client, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := time.Now()
	f := feed.Start(ctx, client, feed.Options{})
	dark := true
	m, err := New(Options{Context: ctx, Client: client, Batches: f.Batches(), FeedErr: f.Wait, APIURL: s.URL(), Dark: &dark})
	if err != nil {
		t.Fatal(err)
	}
	term := newTerminal(uitest.NewScreen(t, 160, 45, uitest.NotATTY))
	w := &stormWatch{term: term, sendKeyAt: 20, keySentAt: -1, keyAt: -1, keyFrame: -1}
	p, result := runProgram(t, stormModel{Model: m, w: w}, term)
	watch := func(fn func(w *stormWatch) bool) bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return fn(w)
	}
	waitUntil(t, 10*time.Second, "the first frame", func() bool { n, _ := term.count(); return n > 0 })

	s.Resume()
	waitUntil(t, 30*time.Second, "the storm to go on after the key", func() bool {
		return watch(func(w *stormWatch) bool { return w.keyFrame >= 0 && w.batches >= w.keySentAt+60 })
	})

	// End the storm where it stands (tasks mid-way included): the store
	// must then hold what the simulator holds.
	s.Pause()
	reached := make(chan struct{})
	last := s.LastEventID()
	watch(func(w *stormWatch) bool {
		if w.lastID == last {
			close(reached) // it came before we asked
		} else {
			w.target, w.reached = last, reached
		}
		return true
	})
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Fatalf("the dashboard never received the simulator's last event %s", last)
	}
	elapsed := time.Since(started)
	p.Quit()
	if err := <-result; err != nil {
		t.Fatalf("program: %v", err)
	}
	cancel()
	if err := f.Wait(); err != nil {
		t.Fatalf("feed: %v", err)
	}

	frames, written := term.count()
	emitted := s.Counts().Events
	t.Logf("%d events (%d emitted) in %d batches and %d frames (%d bytes) over %v",
		w.events, emitted, w.batches, frames, written, elapsed.Round(time.Millisecond))

	if limit := int(elapsed/feed.DefaultFrameInterval) + 1; w.batches > limit {
		t.Errorf("%d batches in %v: more than one per frame (at most %d)", w.batches, elapsed, limit)
	}
	if w.batches*20 > w.events {
		t.Errorf("%d batches for %d events: a storm should come a few hundred events a batch", w.batches, w.events)
	}
	if waited := w.keyAt - w.keySentAt; waited > 1 {
		t.Errorf("the key waited behind %d batches", waited)
	}
	answered := -1
	for i := w.keyFrame; i < frames && i <= w.keyFrame+1; i++ {
		if strings.Contains(term.shown(i), "esc or ? closes") {
			answered = i
			break
		}
	}
	if answered < 0 {
		t.Errorf("the help screen is not in the frame after the key (frames %d and %d)", w.keyFrame, w.keyFrame+1)
	}

	want := s.Tasks()
	if got := m.store.Len(); got != len(want) {
		t.Errorf("the store holds %d tasks, the simulator %d", got, len(want))
	}
	bad := 0
	for _, wt := range want {
		got, ok := m.store.Task(wt.ID)
		if !ok || !sameTaskAs(got, wt) {
			if bad++; bad <= 3 {
				t.Errorf("task %s:\n got %+v\nwant %+v", wt.ID, got, wt)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d tasks differ from the simulator's", bad, len(want))
	}
}

// sameTaskAs compares what the dashboard shows of a task.
func sameTaskAs(a, b api.Task) bool {
	return a.ID == b.ID && a.AssetID == b.AssetID && a.UserID == b.UserID &&
		a.Created.Equal(b.Created.Time) && a.Updated.Equal(b.Updated.Time) && maps.Equal(a.Features, b.Features)
}

// waitUntil polls cond until it holds; the test fails after within.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

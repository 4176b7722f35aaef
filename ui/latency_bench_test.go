package ui

import (
	"context"
	"slices"
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

// BenchmarkEventToPixel is how long a change takes to reach the screen:
// from the simulator emitting the event that creates a task to the
// renderer beginning the write that puts the task's row on screen,
// through the real SSE stream, feed, coalescer, store and Bubble Tea
// program. Probe tasks are made ten a second; at 1,000 events a second
// the simulator's own traffic runs around them. A probe's clock starts
// when the call that made it returns (the event is in the stream by then;
// the call's longest is reported, as create-max-µs, to show that waiting
// on the simulator's lock is not what is measured). It reports p50 and p99
// in µs. Budget: p99 at most one frame interval (33 ms: the feed's, and
// the renderer's at FPS) + 5 ms.
func BenchmarkEventToPixel(b *testing.B) {
	for _, c := range []struct {
		name string
		rate float64 // the simulator's own new tasks a second (about 5 events each at this time scale)
	}{{"events=10", 0}, {"events=1000", 130}} {
		b.Run(c.name, func(b *testing.B) {
			s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 3, Rate: c.rate, TimeScale: 10, MaxTasks: 5_000, MaxMessages: 1_000})
			if err != nil {
				b.Fatal(err)
			}
			if c.rate == 0 {
				s.Pause() // the probes alone: one event each, ten a second
			}
			if err := s.Start(); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			client, err := api.NewClient(s.URL(), s.APIKey())
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			b.Cleanup(cancel)
			f := feed.Start(ctx, client, feed.Options{})
			dark := true
			m, err := New(Options{Context: ctx, Client: client, Batches: f.Batches(), FeedErr: f.Wait, APIURL: s.URL(), Dark: &dark})
			if err != nil {
				b.Fatal(err)
			}
			pw := &probeWatch{screen: uitest.NewScreen(b, 160, 45, uitest.NotATTY), sent: map[string]time.Time{}}
			prog, _ := runProgram(b, m, pw)
			// Newest created first: sorted by last update, a probe that
			// more than a screenful of tasks updated after it, in the same
			// batch, pushes below the screen is first shown at its next
			// event, hundreds of milliseconds on. That is not latency.
			prog.Send(tea.KeyPressMsg{Code: 's', Text: "s"})
			time.Sleep(time.Second) // the first snapshot and the stream settle before probing
			pw.mu.Lock()
			sorted := strings.Contains(pw.screen.Text(), "· created ↓")
			pw.mu.Unlock()
			if !sorted {
				b.Fatal("the grid is not sorted by creation:\n" + pw.screen.Text())
			} // the first snapshot and the stream settle before probing
			const probes = 30
			var lat, calls []time.Duration
			missed := 0
			ev0, t0 := s.Counts().Events, time.Now()
			for b.Loop() {
				for range probes {
					pw.mu.Lock()
					call := time.Now()
					id := s.CreateTasks(1)[0][:8]
					at := time.Now()
					calls = append(calls, at.Sub(call))
					pw.sent[id] = at
					pw.mu.Unlock()
					time.Sleep(100 * time.Millisecond) // ten probes a second
				}
				time.Sleep(500 * time.Millisecond) // the last probe's frame
				pw.mu.Lock()
				lat = append(lat, pw.lat...)
				missed += len(pw.sent)
				pw.lat, pw.sent = nil, map[string]time.Time{}
				pw.mu.Unlock()
			}
			rate := float64(s.Counts().Events-ev0) / time.Since(t0).Seconds()
			if len(lat) == 0 {
				b.Fatalf("no probe reached the screen (%d missed)", missed)
			}
			slices.Sort(lat)
			q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
			b.ReportMetric(q(0.50), "p50-µs")
			b.ReportMetric(q(0.99), "p99-µs")
			b.ReportMetric(q(0.99)/float64((feed.DefaultFrameInterval+5*time.Millisecond).Microseconds()), "p99/budget")
			slices.Sort(calls)
			b.ReportMetric(float64(calls[len(calls)-1].Microseconds()), "create-max-µs")
			b.ReportMetric(rate, "events/s")
			b.ReportMetric(float64(missed), "probes-not-seen")
		})
	}
}

// probeWatch draws what the program writes and, for each probe task not
// yet seen, notes how long after its event the write that shows it began.
type probeWatch struct {
	mu     sync.Mutex
	screen *uitest.Screen
	sent   map[string]time.Time // probe task id prefixes not yet on screen
	lat    []time.Duration
}

func (w *probeWatch) Write(p []byte) (int, error) {
	at := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.screen.Write(p)
	if len(w.sent) > 0 {
		text := w.screen.Text()
		for id, sent := range w.sent {
			if strings.Contains(text, id) {
				w.lat = append(w.lat, at.Sub(sent))
				delete(w.sent, id)
			}
		}
	}
	return n, err
}

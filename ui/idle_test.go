package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// TestIdleDrawsOnlyTheTicks runs the dashboard in a real Bubble Tea
// program with tasks on screen and no events for 5 s, and counts the
// frames it writes: at most one a second for the ages (and the status
// line's "live 5s"), plus the spinner's frames while a processing feature
// is on screen and animations are on. Each frame is work a laptop pays
// for while nobody is looking.
func TestIdleDrawsOnlyTheTicks(t *testing.T) {
	if testing.Short() {
		t.Skip("watches an idle screen for 5 s per case")
	}
	const window = 5 * time.Second
	finished := func(n int) []api.Task {
		out := make([]api.Task, n)
		for i := range out {
			out[i] = task(i+1, time.Now().Add(-time.Duration(n-i)*time.Second), api.StateCompleted, api.StateCompleted, api.StateFailed, api.StateNA)
		}
		return out
	}
	processing := func(n int) []api.Task {
		out := finished(n)
		out[n-1].Features["visual"] = api.Feature{State: api.StateProcessing} // the newest: on screen
		return out
	}
	for _, c := range []struct {
		name        string
		tasks       []api.Task
		noAnimation bool
		most        int // frames in the window, at most
	}{
		{"nothing processing", finished(200), false, 6},
		{"processing, animations off", processing(200), true, 6},
		// The spinner: 3 frames a second, the ages' tick among them.
		{"processing, animated", processing(200), false, 3*5 + 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			frames := idleFrames(t, c.tasks, c.noAnimation, window)
			t.Logf("%d frames in %v", frames, window)
			if frames > c.most {
				t.Errorf("%d frames in %v with nothing changing; want at most %d", frames, window, c.most)
			}
			if frames < 2 {
				t.Errorf("%d frames in %v: the ages should tick once a second", frames, window)
			}
		})
	}
}

// idleFrames shows tasks in a real program, waits for the grid to show
// them, and counts the frames written over the window that follows.
func idleFrames(t *testing.T, tasks []api.Task, noAnimation bool, window time.Duration) int {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	batches := make(chan feed.Batch, 1)
	batches <- feed.Batch{Resync: tasks, Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: time.Now()}}
	dark := true
	m, err := New(Options{Context: ctx, Batches: batches, APIURL: "https://api.aspect.inc", Dark: &dark, NoAnimation: noAnimation})
	if err != nil {
		t.Fatal(err)
	}
	term := newTerminal(uitest.NewScreen(t, 160, 45))
	runProgram(t, m, term)
	newest := tasks[len(tasks)-1].ID[:8]
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, _ := term.count()
		if n > 0 && strings.Contains(term.shown(n-1), newest) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the grid never showed %s:\n%s", newest, term.shown(n-1))
		}
		term.waitFrames(n+1, time.Second)
	}
	before, _ := term.count()
	time.Sleep(window) // the measurement itself: what an idle screen costs over this time
	after, _ := term.count()
	return after - before
}

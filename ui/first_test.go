package ui

import (
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/feed"
)

// The feed's first batch, handed to New (the dashboard takes it once the
// feed is ready), is on the screen before any message: the first frame
// shows the tasks and the live state, not "Connecting…".
func TestFirstBatchIsInTheFirstView(t *testing.T) {
	dark := true
	tasks := fleet(5)
	m, err := New(Options{APIURL: "https://api.aspect.inc", Clock: func() time.Time { return t0 }, Dark: &dark,
		First: &feed.Batch{Resync: tasks, Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: t0}}})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, now: t0}
	h.drive(m, 160, 45)
	for _, task := range tasks {
		if h.row(task.ID) == "" {
			t.Fatalf("task %s is not on the first screen:\n%s", task.ID[:8], h.screen())
		}
	}
	h.mustNot("Connecting")
}

package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// After a resync, tasks the API no longer lists are fetched one by one: a
// 404 means the task is gone (it leaves the grid, noted once in the log),
// a finished one shows its last state, and another failure is logged as a
// failed fetch while the task stays as it was.
func TestRefetchForgetsTasksTheAPINoLongerHas(t *testing.T) {
	f := newFakeAPI(t)
	processing := func(id string) api.Task {
		return api.Task{ID: id, AssetID: "asset-" + id, Features: map[string]api.Feature{"proxy": {State: api.StateProcessing}},
			Updated: api.Time{Time: time.Now().Add(-time.Minute)}}
	}
	finished := processing("tdone")
	finished.Features = map[string]api.Feature{"proxy": {State: api.StateCompleted}}
	finished.Updated = api.Time{Time: time.Now()}
	f.fault(api.RouteTaskGet, func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/tasks/") {
		case "tdone":
			writeJSON(w, 200, finished)
		case "tbroken":
			writeJSON(w, 400, map[string]string{"detail": "bad task id"})
		default:
			writeJSON(w, 404, map[string]string{"detail": "Task not found"})
		}
	})
	d := newDriver(t, f, driverOpts{noFeed: true})
	d.update(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: time.Now()},
		Resync: []api.Task{processing("tgone"), processing("tdone"), processing("tbroken")}}})
	d.waitFor("tgone", "tdone", "tbroken", "Tasks 3")

	// The stream came back after a gap and the API lists none of them.
	d.update(batchMsg{b: feed.Batch{Resync: []api.Task{}}})
	s := d.until(func(s string) bool { return strings.Contains(s, "Tasks 2") && strings.Contains(s, "✓ completed") }, "the gone task to leave")
	if strings.Contains(s, "tgone") {
		t.Errorf("the task the API answered 404 for is still shown:\n%s", s)
	}
	if !strings.Contains(s, "tbroken") {
		t.Errorf("the task whose fetch failed was dropped:\n%s", s)
	}
	if _, held := d.m.store.Task("tgone"); held {
		t.Error("the store still holds the gone task")
	}
	d.press("L")
	s = d.waitFor("gone", "fetch failed")
	if !strings.Contains(s, "1 task(s) no longer exist on the server (first: tgone)") || !strings.Contains(s, "could not fetch tasks") {
		t.Errorf("the log should say the task is gone and why the other fetch failed:\n%s", s)
	}
	if strings.Count(s, "fetch failed") != 1 {
		t.Errorf("one failed fetch, logged once:\n%s", s)
	}
	if n := f.count(api.RouteTaskGet); n != 3 {
		t.Errorf("%d task fetches; want one per missing task", n)
	}
}

package ui

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

var fullSecret = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]{20,}`)

func TestCreateEndpointShowsItsSecretOnce(t *testing.T) {
	l := newLive(t, liveOpts{})
	r := newReceiver(t, 200)
	l.waitFor("No webhook endpoints yet.")
	l.focus("Endpoints")
	l.press("n")
	l.waitFor("New endpoint", "URL", "Event types", "task.*")
	// A URL that is not absolute is refused before anything is sent.
	l.typeText("localhost:9999/hook")
	l.press("enter")
	l.waitFor("must be an absolute http:// or https:// URL")
	if n := l.calls.count("POST", api.RouteEndpointCreate); n != 0 {
		t.Fatalf("%d creates sent for a bad URL", n)
	}
	l.press("ctrl+u")
	l.typeText(r.srv.URL + "/hook")
	l.press("tab")
	l.typeText("laptop handler")
	l.press("enter")
	l.waitFor("Its signing secret, shown this once:")
	secret := fullSecret.FindString(l.screen())
	if secret == "" {
		t.Fatalf("no secret on screen:\n%s", l.screen())
	}
	l.press("c")
	l.waitFor("Sent to the clipboard")
	l.waitAPI("the clipboard", func() bool { return len(l.clip) > 0 })
	if len(l.clip) != 1 || l.clip[0] != secret {
		t.Fatalf("clipboard got %q, want the secret", l.clip)
	}
	shown := len(l.frames)
	l.press("esc")
	masked := api.Mask(secret)
	l.waitFor("laptop handler", "secret "+masked)
	// The endpoint works with that secret: deliveries reach the receiver.
	eps, err := l.client.ListEndpoints(context.Background())
	if err != nil || len(eps) != 1 || eps[0].URL != r.srv.URL+"/hook" || eps[0].Description != "laptop handler" {
		t.Fatalf("the API holds %+v (%v)", eps, err)
	}
	l.settle(500 * time.Millisecond) // a few refreshes
	for i, f := range l.frames[shown:] {
		if strings.Contains(f, secret) {
			t.Fatalf("frame %d after the dialog closed shows the secret:\n%s", i, f)
		}
	}
	if d := l.m.endpoints.Overlay(); d != nil {
		t.Fatal("the dialog is still open")
	}
	if n := l.calls.count("POST", api.RouteEndpointCreate); n != 1 {
		t.Fatalf("%d creates sent, want 1", n)
	}
}

func TestEditDisableAndDeleteAnEndpoint(t *testing.T) {
	l := newLive(t, liveOpts{})
	target, control := newReceiver(t, 200), newReceiver(t, 200)
	l.endpoint(control, "control")
	ep := l.endpoint(target, "target")
	l.focus("Endpoints")
	l.waitFor("target", "control")
	// The newest endpoint is listed first and selected.
	l.press("e")
	l.waitFor("Edit "+strings.TrimPrefix(target.srv.URL, "https://"), "Description")
	l.press("tab")
	l.press("ctrl+u")
	l.typeText("renamed target")
	l.press("enter")
	l.waitFor("saved ", "renamed target")
	l.waitAPI("the new description", func() bool {
		eps, _ := l.client.ListEndpoints(context.Background())
		for _, e := range eps {
			if e.ID == ep.ID {
				return e.Description == "renamed target"
			}
		}
		return false
	})

	// Disabled, it gets nothing: events that reach the control endpoint
	// never reach it.
	l.press("d")
	l.waitFor("disabled ", "nothing is delivered to it")
	before := target.total.Load()
	l.sim.CreateTasks(2)
	l.waitAPI("the control endpoint's deliveries", func() bool { return control.total.Load() >= 2 })
	l.settle(300 * time.Millisecond)
	if got := target.total.Load(); got != before {
		t.Fatalf("a disabled endpoint received %d deliveries", got-before)
	}
	l.press("d")
	l.waitFor("enabled ", "deliveries resume")

	// Delete asks first, naming the endpoint; n keeps it.
	l.press("D")
	l.waitFor("Delete the endpoint", strings.TrimPrefix(target.srv.URL, "http://"), "This cannot be undone.")
	l.press("n")
	l.settle(100 * time.Millisecond)
	if n := l.calls.count("DELETE", api.RouteEndpointDelete); n != 0 {
		t.Fatalf("n deleted the endpoint (%d deletes)", n)
	}
	l.press("D")
	l.waitFor("Delete the endpoint")
	l.press("y")
	l.waitFor("deleted ")
	l.waitAPI("the endpoint gone", func() bool {
		eps, _ := l.client.ListEndpoints(context.Background())
		return len(eps) == 1 && eps[0].Description == "control"
	})
	l.until(func(s string) bool { return !strings.Contains(s, "renamed target") }, "the endpoint to leave the pane")
}

func TestTestEventShowsItsAttempt(t *testing.T) {
	l := newLive(t, liveOpts{})
	r := newReceiver(t, 200)
	ep := l.endpoint(r, "handler")
	l.focus("Endpoints")
	l.waitFor("handler")
	l.press("t")
	l.waitFor("Send a test event to", "task.progress", "task.completed", "task.failed")
	l.press("down", "enter") // task.failed
	l.waitFor("test task.failed sent to")
	note := l.screen()
	id := regexp.MustCompile(`msg_[A-Za-z0-9]+`).FindString(note)
	if id == "" {
		t.Fatalf("the note names no message:\n%s", note)
	}
	l.waitAPI("the test delivery", func() bool { return r.deliveries(id) == 1 })
	// The failed-only log still shows it: it is what the user just did.
	l.waitFor("✓ 200")
	as := l.attempts(id, ep.ID)
	if len(as) != 1 || as[0].Status != api.AttemptSuccess {
		t.Fatalf("attempts of the test message: %+v", as)
	}
}

func TestResendMakesExactlyOneManualAttempt(t *testing.T) {
	l := newLive(t, liveOpts{})
	r := newReceiver(t, 500)
	ep := l.endpoint(r, "flaky")
	l.sim.CreateTasks(1)
	l.sim.Pause()
	l.focus("Failed deliveries")
	l.waitFor("✗ 500")
	l.press("z") // the whole window: every column
	l.waitFor("TRIGGER", "scheduled")
	a, ok := l.m.deliveries.Selected()
	if !ok {
		t.Fatal("no row selected")
	}
	r.status.Store(200)
	// Two presses in a row, as a key repeat sends them.
	l.press("r", "r")
	if !strings.Contains(l.screen(), "◌ resending") {
		t.Fatalf("the row does not say it is resending:\n%s", l.screen())
	}
	l.waitFor("manual", "resent ")
	l.settle(500 * time.Millisecond)
	manual := 0
	for _, x := range l.attempts(a.MsgID, ep.ID) {
		if x.TriggerType == api.TriggerManual {
			manual++
			if x.Status != api.AttemptSuccess {
				t.Errorf("the resend failed: %+v", x)
			}
		}
	}
	if manual != 1 {
		t.Fatalf("%d manual attempts, want exactly 1", manual)
	}
	if n := l.calls.count("POST", api.RouteResend); n != 1 {
		t.Fatalf("%d resends sent, want 1", n)
	}
}

func TestRecoverSendsTheFailedMessagesAgain(t *testing.T) {
	l := newLive(t, liveOpts{})
	r := newReceiver(t, 500)
	ep := l.endpoint(r, "was down")
	l.sim.CreateTasks(3)
	l.sim.Pause()
	l.waitAPI("the first tries", func() bool { return r.total.Load() >= 3 })
	// The endpoint was switched off with retries pending: those messages
	// have failed for good, which is what a recover resends.
	off := true
	in := api.EndpointIn{URL: ep.URL, Description: ep.Description, EventTypes: ep.EventTypes, Version: 1, Disabled: &off}
	if _, err := l.client.UpdateEndpoint(context.Background(), ep.ID, in); err != nil {
		t.Fatal(err)
	}
	on := false
	in.Disabled = &on
	if _, err := l.client.UpdateEndpoint(context.Background(), ep.ID, in); err != nil {
		t.Fatal(err)
	}
	stats, err := l.client.EndpointStats(context.Background(), ep.ID, time.Time{})
	if err != nil || stats.Fail == 0 {
		t.Fatalf("stats %+v, %v: nothing failed for good", stats, err)
	}
	r.status.Store(200)
	l.focus("Endpoints")
	l.waitFor("was down")
	l.press("R")
	l.waitFor("the last hour", "the last 24 hours", "the last 7 days", "since a time I type")
	l.press("enter")
	n := strconv.Itoa(stats.Fail)
	word := " messages"
	if stats.Fail == 1 {
		word = " message"
	}
	l.waitFor(n+word+" failed to reach", "Send them again now, once each?")
	if n := l.calls.count("POST", api.RouteRecover); n != 0 {
		t.Fatal("recovered before the confirmation")
	}
	before := r.total.Load()
	l.press("y")
	l.waitFor("Done: "+n+" of "+n+word+" sent again", "✓ "+n+" delivered", "✗ 0 failed")
	if got := int(r.total.Load() - before); got != stats.Fail {
		t.Fatalf("the receiver got %d deliveries, want %d", got, stats.Fail)
	}
	after, err := l.client.EndpointStats(context.Background(), ep.ID, time.Time{})
	if err != nil || after.Fail != 0 || after.Success != stats.Fail+stats.Success {
		t.Fatalf("stats after the recover %+v, %v", after, err)
	}
	l.press("enter")
	l.until(func(s string) bool { return !strings.Contains(s, "Done: ") }, "the dialog to close")
}

func TestCorrelationBothWays(t *testing.T) {
	l := newLive(t, liveOpts{})
	r := newReceiver(t, 500)
	l.endpoint(r, "handler")
	ids := l.sim.CreateTasks(2)
	l.sim.Pause()
	l.waitAPI("deliveries", func() bool { return r.total.Load() >= 2 })
	l.update(batchMsg{b: feed.Batch{Resync: l.sim.Tasks()}})
	// From the task in the grid to its webhooks.
	id, ok := l.m.grid.Selected()
	if !ok || (id != ids[0] && id != ids[1]) {
		t.Fatalf("selected %q of %v", id, ids)
	}
	l.press("w")
	l.waitFor("Webhooks about task "+id[:8], " · read ", "task.progress   msg_", "scheduled")
	l.press("enter")
	l.waitFor("Attempt atmpt_", "Request payload", `"id": "`+id+`"`, "Attempts of this message to this endpoint")
	// And from the attempt back to the task in the grid.
	l.press("esc")
	l.waitFor("Webhooks about task")
	l.press("esc")
	l.waitFor("Tasks 2")
	l.press("j") // move off the task
	other, _ := l.m.grid.Selected()
	if other == id {
		t.Fatal("j did not move")
	}
	l.focus("Failed deliveries")
	l.waitFor("task.progress") // the messages are known
	// Down to an attempt about the task: a row's task is known once the
	// pane has fetched its message, which may come after the first one.
	l.until(func(string) bool {
		a, _ := l.m.deliveries.Selected()
		msg, ok := l.m.deliveries.Message(a.MsgID)
		switch {
		case !ok:
			return false // not fetched yet: let the program run
		case msg.TaskID() == id:
			return true
		}
		l.press("j")
		if b, _ := l.m.deliveries.Selected(); b.ID == a.ID {
			// At the bottom; retries may have arrived above: start over.
			l.press("g")
		}
		return false
	}, "an attempt about task "+id[:8]+" selected")
	l.press("T")
	l.waitFor("task " + id[:8] + " selected")
	if got, _ := l.m.grid.Selected(); got != id || l.m.focus != common.Tasks || l.m.main != common.Tasks {
		t.Fatalf("T selected %q (focus %v), want %q in the grid", got, l.m.focus, id)
	}
}

func TestReadOnlyRefusesEveryChange(t *testing.T) {
	l := newLive(t, liveOpts{readOnly: true})
	r := newReceiver(t, 500)
	l.endpoint(r, "handler")
	l.sim.CreateTasks(1)
	l.focus("Endpoints")
	l.waitFor("handler")
	// Each key's own note: a note stays up for seconds, so the last key's
	// would answer for the next.
	for _, k := range []struct{ key, what string }{
		{"n", "new"}, {"e", "edit"}, {"d", "disable/enable"}, {"D", "delete"}, {"t", "test"}, {"R", "recover"},
	} {
		l.press(k.key)
		l.waitFor(k.key + " (" + k.what + ") is off: read-only mode")
		if l.m.endpoints.Overlay() != nil {
			t.Fatalf("%s opened a dialog in read-only mode", k.key)
		}
	}
	hints := strings.Split(l.screen(), "\n")[43]
	for _, w := range []string{"new", "edit", "delete", "test", "recover"} {
		if strings.Contains(hints, " "+w+" ") {
			t.Errorf("the footer offers %q in read-only mode: %s", w, hints)
		}
	}
	l.focus("Failed deliveries")
	l.waitFor("✗ 500")
	l.press("r")
	l.waitFor("r (resend) is off: read-only mode")
	l.settle(300 * time.Millisecond)
	if n := l.calls.changes(); n != 0 {
		t.Fatalf("%d requests that change something were sent in read-only mode", n)
	}
}

// An assumed route the API lacks: stats are hidden with a note; resend
// turns into a re-delivery from this machine, asked for by a second press,
// which without the endpoint's secret says how to give one.
func TestAnAssumedRouteTheAPILacksHidesItsFeature(t *testing.T) {
	l := newLive(t, liveOpts{notFound: []string{api.RouteResend, api.RouteStats}})
	r := newReceiver(t, 500)
	ep := l.endpoint(r, "handler")
	l.sim.CreateTasks(1)
	l.waitFor("handler", "this API does not offer GET /webhooks/endpoints/{endpoint_id}/stats (404): endpoint stats is hidden")
	l.focus("Failed deliveries")
	l.waitFor("✗ 500", "r resend")
	l.press("r")
	l.waitFor("press r again to re-deliver from this machine (the API has no resend route)")
	if !strings.Contains(strings.Split(l.screen(), "\n")[43], "r re-deliver") {
		t.Fatalf("the footer does not say what r does now:\n%s", strings.Split(l.screen(), "\n")[43])
	}
	l.press("r")
	l.waitFor("cannot re-deliver from this machine: no signing secret for " + ep.ID)
	l.settle(500 * time.Millisecond) // several refreshes
	if n := l.calls.count("POST", api.RouteResend); n != 1 {
		t.Fatalf("%d resends sent, want the one that found the route missing", n)
	}
	if n := l.calls.count("GET", api.RouteStats); n != 1 {
		t.Fatalf("stats asked %d times after a 404", n)
	}
	l.waitFor("⊘ not offered: endpoint stats")
}

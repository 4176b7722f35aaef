package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// healthyAPI holds two tasks, an endpoint and a failed delivery, and
// streams one event.
func healthyAPI(t *testing.T) *fakeAPI {
	t.Helper()
	now := time.Now().UTC()
	f := newFakeAPI(t)
	task := func(id string, st api.State) api.Task {
		return api.Task{ID: id, AssetID: "asset-" + id, Features: map[string]api.Feature{"proxy": {State: st}},
			Created: api.Time{Time: now.Add(-time.Minute)}, Updated: api.Time{Time: now.Add(-30 * time.Second)}}
	}
	f.tasks = []api.Task{task("task-one", api.StateProcessing), task("task-two", api.StateQueued)}
	t1 := task("task-one", api.StateCompleted)
	t1.Updated = api.Time{Time: now}
	f.events = []string{sseFrame(t, api.Envelope{Timestamp: api.Time{Time: now}, EventID: "ev-1", EventType: "task.completed", Data: api.EnvelopeData{Task: &t1}})}
	f.endpoints = []api.Endpoint{{ID: "ep_1", URL: "https://hooks.example/aspect", Description: "orders", EventTypes: []string{"task.*"}, Version: 1}}
	f.attempts = []api.Attempt{{ID: "atmpt_1", MsgID: "msg_1", EndpointID: "ep_1", URL: "https://hooks.example/aspect", Status: api.AttemptFailed,
		ResponseStatusCode: 503, Response: "busy", Timestamp: api.Time{Time: now.Add(-5 * time.Second)}}}
	f.messages = []api.Message{{ID: "msg_1", EventType: "task.completed", EventID: "ev-0", Timestamp: api.Time{Time: now.Add(-6 * time.Second)}}}
	return f
}

// webhookRoutes are the routes the panes poll.
var webhookRoutes = []string{api.RouteEndpointList, api.RouteAttemptList, api.RouteEndpointDeliveries, api.RouteStats, api.RouteMessageList}

func answer(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// Faults that begin while the dashboard runs: the stream and every pane
// meet the fault. Each shows as a clear line in the status line and the
// panes, the tasks and the endpoint already shown stay, and once the fault
// passes (where it can) everything is live again.
func TestFaultsWhileRunning(t *testing.T) {
	cut := func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if r.URL.Path == "/events" {
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nid: ev-9\ndata: {\"event_id\":\"ev-9\",\"da")
		} else {
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n{\"data\":[{\"id\":\"ep")
		}
		buf.Flush()
		conn.Close()
	}
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	// silent opens the stream, then says nothing; other routes hang.
	silent := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/events" {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
		}
		<-r.Context().Done()
	}
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		dns     bool
		status  string   // in the status line, about the stream
		pane    []string // in the endpoints pane
		// permanent faults (a refused key) stop the polling; the others
		// clear when the API heals.
		permanent bool
		// keepSnapshot leaves GET /tasks/active healthy, so the stream's
		// own fault is what the status line shows.
		keepSnapshot bool
	}{
		{name: "401", handler: answer(401, `{"detail":"Invalid API key"}`), status: "API key was refused", pane: []string{"Endpoints are not listed", "API key was refused"}, permanent: true},
		{name: "403", handler: answer(403, `{"detail":"Forbidden"}`), status: "not allowed to use this route", pane: []string{"Endpoints are not listed", "not allowed"}, permanent: true},
		{name: "404 on the assumed routes", handler: answer(404, `{"detail":"Not Found"}`), status: "polling every 100ms: no live stream (GET /events answered 404)", pane: []string{"Endpoints are not listed", "does not offer /webhooks/endpoints"}, permanent: true},
		{name: "422", handler: answer(422, `{"detail":[{"loc":["query","limit"],"msg":"too large","type":"value_error"}]}`), status: "query.limit: too large", pane: []string{"last refresh failed", "query.limit: too large"}},
		{name: "429 with Retry-After", handler: answer(429, `{"detail":"slow down"}`, "Retry-After", "1"), status: "rate limited", pane: []string{"last refresh failed", "rate limited by the API; it asks to wait 1s"}},
		{name: "500", handler: answer(500, `{"detail":"database down"}`), status: "the API failed", pane: []string{"last refresh failed", "the API failed; try again later: database down"}},
		{name: "502", handler: answer(502, "<html><h1>502 Bad Gateway</h1></html>"), status: "the API failed", pane: []string{"last refresh failed", "the API failed; try again later: 502 Bad Gateway (502 from GET /webhooks/endpoints"}},
		{name: "no answer", handler: hang, status: "no answer in time", pane: []string{"last refresh failed", "no answer in time"}},
		{name: "body cut mid-way", handler: cut, status: "cut", pane: []string{"last refresh failed", "the answer was cut short", "(200 from GET /webhooks/endpoints"}},
		{name: "silent stream", handler: silent, keepSnapshot: true, status: "for 600ms", // "no data for 600ms (not even a keep-alive)", or once polling, "the stream stayed silent for 600ms"
			pane: []string{"last refresh failed", "no answer in time"}},
		{name: "DNS failure", dns: true, status: "cannot resolve host", pane: []string{"last refresh failed", "cannot resolve host api.aspect.test"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := healthyAPI(t)
			d := newDriver(t, f, driverOpts{feed: feed.Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, StallWindow: 600 * time.Millisecond,
				// Polling takes over after three failed attempts; the stream is
				// retried quickly so the heal shows within the wait.
				PollInterval: 100 * time.Millisecond, MaxBackoffPolling: 200 * time.Millisecond}})
			d.waitFor("task-one", "task-two", "✓ completed", "hooks.example/aspect", "✗ 503", "● live")

			if c.dns {
				f.dnsDown.Store(true)
			} else {
				for _, rt := range append([]string{api.RouteEvents, api.RouteTasksActive}, webhookRoutes...) {
					if rt != api.RouteTasksActive || !c.keepSnapshot {
						f.fault(rt, c.handler)
					}
				}
			}
			// The stream breaks, so the feed meets the fault reconnecting.
			f.srv.CloseClientConnections()
			// The status line speaks for the stream, the endpoints pane for
			// its own calls; a pane's text is read with its lines joined.
			s := d.until(func(string) bool {
				// Once polling has taken over, the reason may sit past the
				// end of a 160-column line ("…; the last poll failed: …"):
				// the connection state the line is cut from must hold it.
				line := plain(d.m.status.View(d.m.w))
				if d.m.status.Conn().Phase == feed.PhasePolling {
					line = d.m.status.Conn().Summary()
				}
				return strings.Contains(line, c.status) && hasAll(plain(d.m.endpoints.View()), c.pane)
			}, "the fault to show: "+c.status+" and "+strings.Join(c.pane, ", "))
			for _, kept := range []string{"task-one", "task-two", "✓ completed"} {
				if !strings.Contains(s, kept) {
					t.Errorf("%q is no longer shown:\n%s", kept, s)
				}
			}
			if !c.permanent && !strings.Contains(s, "hooks.example/aspect") {
				t.Errorf("the endpoint is no longer listed:\n%s", s)
			}
			if d.m.store.Len() != 2 {
				t.Errorf("the store holds %d tasks; it held 2", d.m.store.Len())
			}
			if c.permanent {
				return
			}

			f.dnsDown.Store(false)
			for _, rt := range append([]string{api.RouteEvents, api.RouteTasksActive}, webhookRoutes...) {
				f.heal(rt)
			}
			d.until(func(s string) bool {
				return strings.Contains(s, "● live") && !strings.Contains(s, "last refresh failed") && strings.Contains(s, "✗ 503")
			}, "the dashboard to recover")
		})
	}
}

// plain is a view's text without styles, its lines and padding joined
// by single spaces.
func plain(view string) string { return strings.Join(strings.Fields(ansi.Strip(view)), " ") }

func hasAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// The server goes away: every call is refused. The status line and the
// pane say so, and what was shown stays.
func TestServerGoneWhileRunning(t *testing.T) {
	f := healthyAPI(t)
	d := newDriver(t, f, driverOpts{feed: feed.Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}})
	d.waitFor("task-one", "task-two", "✓ completed", "hooks.example/aspect", "✗ 503", "● live")
	f.srv.CloseClientConnections()
	f.srv.Close()
	s := d.until(func(string) bool {
		return strings.Contains(plain(d.m.status.View(d.m.w)), "connection refused") &&
			hasAll(plain(d.m.endpoints.View()), []string{"last refresh failed: connection refused; is the server running at that address?"})
	}, "connection refused in the status line and the pane")
	for _, kept := range []string{"task-one", "task-two", "hooks.example/aspect", "✗ 503"} {
		if !strings.Contains(s, kept) {
			t.Errorf("%q is no longer shown:\n%s", kept, s)
		}
	}
}

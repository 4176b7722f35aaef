package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// fakeAPI is an Aspect API that answers what a test puts in it: fixed
// tasks, endpoints, attempts and messages, an SSE stream that sends the
// given frames and then stays open, and for any route a fault instead.
type fakeAPI struct {
	srv *httptest.Server

	mu        sync.Mutex
	tasks     []api.Task
	endpoints []api.Endpoint
	attempts  []api.Attempt
	messages  []api.Message
	events    []string // SSE frames ("id: ...\ndata: ...\n\n"), sent on every connection
	faults    map[string]http.HandlerFunc
	hits      map[string]int

	// dnsDown makes the client's every dial fail as a DNS lookup would.
	dnsDown atomic.Bool
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{faults: map[string]http.HandlerFunc{}, hits: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		// A stream still open would hold Close until the client hangs up.
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

// fault makes a route (api.Route* name) answer with h.
func (f *fakeAPI) fault(route string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[route] = h
}

// heal makes a route answer normally again.
func (f *fakeAPI) heal(route string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.faults, route)
}

func (f *fakeAPI) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[route]
}

// client is a client of the fake with quick retries, which gives up
// waiting for an answer's headers after half a second.
func (f *fakeAPI) client(t *testing.T) *api.Client {
	t.Helper()
	tr := api.NewTransport()
	tr.ResponseHeaderTimeout = 500 * time.Millisecond
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if f.dnsDown.Load() {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "api.aspect.test", IsNotFound: true}}
		}
		return dial(ctx, network, addr)
	}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := api.NewClient(f.srv.URL, "sk_test_fakeapi0123456789", api.WithHTTPClient(&http.Client{Transport: tr}),
		api.WithBackoff(time.Millisecond, 5*time.Millisecond), api.WithRetries(2, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	name := fakeRoute(r)
	f.mu.Lock()
	f.hits[name]++
	h := f.faults[name]
	tasks, endpoints, attempts, messages := f.tasks, f.endpoints, f.attempts, f.messages
	f.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	q := r.URL.Query()
	switch name {
	case api.RouteEvents:
		f.stream(w, r)
	case api.RouteTasksActive:
		writeJSON(w, 200, tasks)
	case api.RouteTaskGet:
		id, _ := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/tasks/"))
		for _, t := range tasks {
			if t.ID == id {
				writeJSON(w, 200, t)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"detail": "Task not found"})
	case api.RouteEndpointList:
		writeJSON(w, 200, map[string]any{"data": endpoints, "done": true, "iterator": nil})
	case api.RouteAttemptList, api.RouteEndpointDeliveries:
		out := []api.Attempt{}
		for _, a := range attempts {
			if (q.Get("endpoint_id") == "" || q.Get("endpoint_id") == a.EndpointID) &&
				(q.Get("message_id") == "" || q.Get("message_id") == a.MsgID) &&
				(q.Get("status") == "" || q.Get("status") == strconv.Itoa(int(a.Status))) {
				out = append(out, a)
			}
		}
		writeJSON(w, 200, map[string]any{"data": out, "done": true, "iterator": nil})
	case api.RouteMessageList:
		out := []api.Message{}
		for _, m := range messages {
			if q.Get("event_type") == "" || q.Get("event_type") == m.EventType {
				out = append(out, m)
			}
		}
		writeJSON(w, 200, map[string]any{"data": out, "done": true, "iterator": nil})
	case api.RouteStats:
		writeJSON(w, 200, api.Stats{Success: 3, Fail: 1})
	case api.RouteResend:
		writeJSON(w, 202, map[string]any{})
	default:
		writeJSON(w, 404, map[string]string{"detail": "Not Found"})
	}
}

// fakeRoute names the route of r by its escaped path, so an id holding
// a slash stays one segment.
func fakeRoute(r *http.Request) string {
	for _, rt := range api.Routes {
		if rt.Method == r.Method && matchPath(rt.Path, r.URL.EscapedPath()) {
			return rt.Name
		}
	}
	return r.URL.Path
}

func (f *fakeAPI) stream(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	frames := append([]string(nil), f.events...)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	for _, fr := range frames {
		if _, err := w.Write([]byte(fr)); err != nil {
			return
		}
	}
	w.(http.Flusher).Flush()
	// Keep-alives, as the contract has them, so a short stall window in
	// a test reads a healthy stream as healthy.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}
}

// writeJSON answers v as JSON, with each U+FFFD in it sent as the invalid
// byte 0xff, as a careless server would (the client reads it back as
// U+FFFD).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	b = bytes.ReplaceAll(b, []byte("\ufffd"), []byte{0xff})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// sseFrame is one SSE event carrying env as its data.
func sseFrame(t *testing.T, env api.Envelope) string {
	t.Helper()
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return "id: " + env.EventID + "\nevent: " + env.EventType + "\ndata: " + string(b) + "\n\n"
}

// driver runs the dashboard against a fakeAPI the way the Bubble Tea
// runtime does (see uitest.Async), with the real feed reading the fake's
// stream.
type driver struct {
	*uitest.Async
	m *Model
}

type driverOpts struct {
	feed feed.Options
	// noFeed leaves the stream unread: the test sends batches itself.
	noFeed bool
}

func newDriver(t *testing.T, f *fakeAPI, o driverOpts) *driver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := f.client(t)
	dark := true
	opts := Options{Context: ctx, Client: c, APIURL: f.srv.URL, Dark: &dark, Refresh: 100 * time.Millisecond}
	var fd *feed.Feed
	if !o.noFeed {
		fd = feed.Start(ctx, c, o.feed)
		opts.Batches, opts.FeedErr = fd.Batches(), fd.Wait
	}
	m, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if fd != nil {
			fd.Wait()
		}
	})
	d := &driver{Async: uitest.NewAsync(t, m, 160, 45), m: m}
	d.Tick = func() tea.Msg { return tickMsg{} }
	d.update(tea.WindowSizeMsg{Width: 160, Height: 45})
	d.Run(m.Init())
	return d
}

func (d *driver) update(msg tea.Msg) { d.Send(msg) }

func (d *driver) press(keys ...string) { d.Press(keys...) }

// waitFor runs the program until the screen holds every want, and
// returns the screen.
func (d *driver) waitFor(want ...string) string {
	d.WaitFor(want...)
	return d.Text()
}

// until runs the program until cond holds for the screen, and returns
// the screen.
func (d *driver) until(cond func(screen string) bool, what string) string {
	d.Until(cond, what)
	return d.Text()
}

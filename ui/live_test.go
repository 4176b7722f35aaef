package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// live drives the dashboard against a real simulator the way the Bubble
// Tea runtime does (see uitest.Async): Cmds run in goroutines, their
// messages come back to Update one at a time, the clock ticks while the
// test waits. Tests press keys and wait for what a user would see.
type live struct {
	*uitest.Async
	t      *testing.T
	m      *Model
	sim    *sim.Server
	client *api.Client
	frames []string // every screen drawn, as text
	clip   []string // what was put on the clipboard
	calls  *recorder
}

// recorder counts the requests the dashboard makes, by method and route
// pattern, and can answer some routes 404 as an API without them would.
type recorder struct {
	mu       sync.Mutex
	counts   map[string]int
	notFound map[string]bool // route names answered 404
	next     http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	name := routeOf(req)
	r.mu.Lock()
	r.counts[req.Method+" "+name]++
	missing := r.notFound[name]
	r.mu.Unlock()
	if missing {
		body := `{"detail":"Not Found"}`
		return &http.Response{StatusCode: 404, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: req, ContentLength: int64(len(body))}, nil
	}
	return r.next.RoundTrip(req)
}

// count is how many requests a route got, by method and route name.
func (r *recorder) count(method, name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[method+" "+name]
}

// changes is how many requests were not GETs.
func (r *recorder) changes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for k, v := range r.counts {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

func routeOf(req *http.Request) string {
	for _, rt := range api.Routes {
		if rt.Method != req.Method {
			continue
		}
		if matchPath(rt.Path, req.URL.Path) {
			return rt.Name
		}
	}
	return req.URL.Path
}

func matchPath(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") {
			continue
		}
		if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

type liveOpts struct {
	readOnly  bool
	notFound  []string // route names the API answers 404
	timeScale float64
}

func newLive(t *testing.T, o liveOpts) *live {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	if o.timeScale == 0 {
		o.timeScale = 1
	}
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 3, TimeScale: o.timeScale, FailRate: -1, CancelRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{counts: map[string]int{}, notFound: map[string]bool{}, next: api.NewTransport()}
	for _, n := range o.notFound {
		rec.notFound[n] = true
	}
	client, err := api.NewClient(s.URL(), s.APIKey(), api.WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		t.Fatal(err)
	}
	// The test's own view of the simulator, not counted.
	direct, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	dark := true
	m, err := New(Options{Context: ctx, Client: client, APIURL: s.URL(), Dark: &dark, Refresh: 150 * time.Millisecond, ReadOnly: o.readOnly})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		s.Close()
	})
	l := &live{Async: uitest.NewAsync(t, m, 160, 45), t: t, m: m, sim: s, client: direct, calls: rec}
	l.Tick = func() tea.Msg { return tickMsg{} } // the clock moves: marks and notes expire
	l.OnFrame = func(v tea.View) { l.frames = append(l.frames, ansi.Strip(v.Content)) }
	l.Handle = func(msg tea.Msg) bool {
		if fmt.Sprintf("%T", msg) != "tea.setClipboardMsg" {
			return false
		}
		l.clip = append(l.clip, fmt.Sprint(msg))
		return true
	}
	l.update(tea.WindowSizeMsg{Width: 160, Height: 45})
	l.update(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: time.Now()}}})
	l.Run(m.Init())
	return l
}

func (l *live) update(msg tea.Msg) { l.Send(msg) }

func (l *live) press(names ...string) {
	l.t.Helper()
	l.Press(names...)
}

func (l *live) typeText(s string) { l.Type(s) }

func (l *live) screen() string { return l.Text() }

func (l *live) waitFor(want ...string) {
	l.t.Helper()
	l.WaitFor(want...)
}

func (l *live) until(cond func(screen string) bool, what string) {
	l.t.Helper()
	l.Until(cond, what)
}

func (l *live) settle(d time.Duration) { l.Settle(d) }

// receiver is a webhook endpoint the test controls: it answers status
// (200 unless told otherwise) and counts requests by svix-id.
type receiver struct {
	srv    *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	got    map[string]int
	total  atomic.Int32
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{got: map[string]int{}}
	r.status.Store(int32(status))
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.got[req.Header.Get("svix-id")]++
		r.mu.Unlock()
		r.total.Add(1)
		w.WriteHeader(int(r.status.Load()))
		fmt.Fprintf(w, `{"answer":%d}`, r.status.Load())
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) deliveries(msgID string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[msgID]
}

// endpoint creates an endpoint to r through the test's own client.
func (l *live) endpoint(r *receiver, desc string) api.Endpoint {
	l.t.Helper()
	out, err := l.client.CreateEndpoint(context.Background(), api.EndpointIn{URL: r.srv.URL + "/hook", Description: desc, EventTypes: []string{"task.*"}, Version: 1})
	if err != nil {
		l.t.Fatal(err)
	}
	return out.Endpoint
}

// focus moves the focus to a side pane by its title.
func (l *live) focus(title string) {
	l.t.Helper()
	for range 4 {
		if strings.HasPrefix(l.m.focused().Title(), title) {
			return
		}
		l.press("tab")
	}
	l.t.Fatalf("no pane titled %q to focus", title)
}

// attempts lists a message's attempts to an endpoint, from the simulator.
func (l *live) attempts(msgID, epID string) []api.Attempt {
	l.t.Helper()
	as, err := l.client.ListAttempts(context.Background(), api.AttemptQuery{MessageID: msgID, EndpointID: epID})
	if err != nil {
		l.t.Fatal(err)
	}
	return as
}

// waitAPI polls the simulator until cond holds.
func (l *live) waitAPI(what string, cond func() bool) {
	l.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			l.t.Fatalf("waited 10s for %s", what)
		}
		l.settle(20 * time.Millisecond)
	}
}

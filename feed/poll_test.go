package feed

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
)

// The ways /events can fail to be a live stream, as a handler.
const (
	streamLive   = iota // the simulator's own stream
	stream404           // not offered
	streamHTML          // 200, but a web page
	stream500           // fails, forever
	streamSilent        // opens, then says nothing at all
)

// simFront is an http.Handler in front of a simulator: /events answers as
// the mode says (flip it to streamLive and the stream is back), and
// GET /tasks/{id} is counted (how many at once, at most) and can answer
// 429 first.
type simFront struct {
	sim  *sim.Server
	srv  *httptest.Server
	mode atomic.Int32

	events   atomic.Int32 // requests to /events
	active   atomic.Int32 // requests to /tasks/active
	inFlight atomic.Int32 // GET /tasks/{id} now
	peak     atomic.Int32 // GET /tasks/{id} at once, at most
	gets     atomic.Int32 // GET /tasks/{id} answered with the task
	slow     time.Duration

	mu       sync.Mutex
	limited  int         // GET /tasks/{id} still to answer 429
	limitAt  time.Time   // when the last 429 was sent
	requests []time.Time // when each /tasks/... request came, after the first 429
}

func newSimFront(t *testing.T, s *sim.Server, mode int) *simFront {
	t.Helper()
	f := &simFront{sim: s, slow: 10 * time.Millisecond}
	f.mode.Store(int32(mode))
	f.srv = httptest.NewServer(f)
	t.Cleanup(func() {
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

func (f *simFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/events":
		f.events.Add(1)
		f.serveEvents(w, r)
		return
	case strings.HasPrefix(r.URL.Path, "/tasks/"):
		if r.URL.Path == "/tasks/active" {
			f.active.Add(1)
		}
		f.mu.Lock()
		if !f.limitAt.IsZero() {
			f.requests = append(f.requests, time.Now())
		}
		limit := r.URL.Path != "/tasks/active" && f.limited > 0
		if limit {
			f.limited--
			f.limitAt = time.Now()
		}
		f.mu.Unlock()
		if limit {
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"detail":"Too Many Requests"}`, http.StatusTooManyRequests)
			return
		}
		if r.URL.Path != "/tasks/active" {
			n := f.inFlight.Add(1)
			defer f.inFlight.Add(-1)
			for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
			}
			time.Sleep(f.slow) // a server that takes a moment, so that calls overlap
			f.gets.Add(1)
		}
	}
	f.sim.ServeHTTP(w, r)
}

func (f *simFront) serveEvents(w http.ResponseWriter, r *http.Request) {
	switch f.mode.Load() {
	case stream404:
		http.Error(w, `{"detail":"Not Found"}`, http.StatusNotFound)
	case streamHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><body>Welcome to the API gateway</body></html>")
	case stream500:
		http.Error(w, `{"detail":"Internal Server Error"}`, http.StatusInternalServerError)
	case streamSilent:
		streamHeaders(w)
		hold(r)
	default:
		f.sim.ServeHTTP(w, r)
	}
}

// pollOpts: quick polls, quick background retries, a short stall window.
func pollOpts() Options {
	return Options{MinBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		PollInterval: 30 * time.Millisecond, MaxBackoffPolling: 150 * time.Millisecond,
		StallWindow: 400 * time.Millisecond}
}

// matches reports whether the store holds exactly the simulator's tasks.
func matches(s *sim.Server, store *Store) bool {
	want := s.Tasks()
	if store.Len() != len(want) {
		return false
	}
	for _, w := range want {
		if got, ok := store.Task(w.ID); !ok || !sameTask(got, w) {
			return false
		}
	}
	return true
}

// checkTimelines fails for a transition recorded twice: in the simulator
// a feature reaches each state once, so a (feature, state) pair seen twice
// in a task's timeline is a repeat. It returns how many transitions came
// from each source.
func checkTimelines(t *testing.T, s *sim.Server, store *Store) map[Source]int {
	t.Helper()
	bySource := map[Source]int{}
	for _, w := range s.Tasks() {
		seen := map[string]bool{}
		for _, tr := range store.Timeline(w.ID) {
			bySource[tr.Source]++
			key := tr.Feature + " → " + string(tr.To)
			if seen[key] || tr.From == tr.To {
				t.Errorf("task %s: %s recorded twice: %+v", w.ID, key, store.Timeline(w.ID))
				break
			}
			seen[key] = true
		}
	}
	return bySource
}

// TestPollingWhenThereIsNoLiveStream: for each way /events fails, polling
// takes over within three failed attempts and says why; tasks that finish
// while polling show their final state; when the stream comes back the
// feed goes live again; and the store ends equal to the simulator with no
// transition recorded twice.
func TestPollingWhenThereIsNoLiveStream(t *testing.T) {
	for _, tc := range []struct {
		name       string
		mode       int
		reason     string
		reconnects int // attempts that failed before polling took over, less the one that decided
	}{
		{"404", stream404, "GET /events answered 404", 0},
		{"html", streamHTML, "GET /events answered text/html, not an event stream", 0},
		{"500 forever", stream500, "3 attempts failed: 500 Internal Server Error", 2},
		{"silent stream", streamSilent, "the stream stayed silent for 400ms", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			noLeaks(t)
			s, _ := startSim(t, sim.Options{Seed: 7, TimeScale: 600})
			s.CreateTasks(6)
			s.Advance(2 * time.Second) // under way, none finished
			front := newSimFront(t, s, tc.mode)
			c := simClient(t, front.srv.URL, s.APIKey())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			o := pollOpts()
			f := Start(ctx, c, o)
			sc := newSimConsumer(t, c)
			var states []ConnState
			watch := func() bool {
				if len(states) == 0 || states[len(states)-1] != sc.conn {
					states = append(states, sc.conn)
				}
				return true
			}

			sc.until(ctx, f, 20*time.Second, "polling", func() bool { return watch() && sc.conn.Phase == PhasePolling })
			want := "polling every 30ms: no live stream (" + tc.reason + ")"
			if got := sc.conn.Summary(); got != want {
				t.Errorf("state %q, want %q", got, want)
			}
			if sc.conn.Reconnects != tc.reconnects {
				t.Errorf("polling took over after %d reconnects, want %d: %+v", sc.conn.Reconnects, tc.reconnects, states)
			}
			for _, st := range states {
				if st.Phase == PhaseReconnecting && st.Attempt >= 3 {
					t.Errorf("still reconnecting at attempt %d: %+v", st.Attempt, st)
				}
			}

			// While polling: new tasks are listed, then every task finishes
			// at once, so they all leave the active list together.
			s.CreateTasks(14)
			sc.until(ctx, f, 20*time.Second, "the new tasks, by polling", func() bool { return watch() && sc.store.Len() == 20 })
			s.Advance(24 * time.Hour)
			sc.until(ctx, f, 30*time.Second, "the final states, by polling", func() bool { return watch() && matches(s, sc.store) })
			if sc.conn.Phase != PhasePolling {
				t.Fatalf("the final states came while %v: this test is about polling", sc.conn.Phase)
			}
			if front.gets.Load() == 0 {
				t.Error("no GET /tasks/{id}: the finished tasks were not fetched")
			}
			if p := front.peak.Load(); p > DefaultPollParallel {
				t.Errorf("%d GET /tasks/{id} at once, want at most %d", p, DefaultPollParallel)
			}
			if n := len(sc.order); n != 0 {
				t.Errorf("%d events arrived with no stream", n)
			}
			polled := checkTimelines(t, s, sc.store)[SourcePolled]
			if polled == 0 {
				t.Error("no transition is marked as seen by polling")
			}

			// The stream comes back: live again, and polling stops.
			front.mode.Store(streamLive)
			sc.until(ctx, f, 20*time.Second, "live again", func() bool { return watch() && sc.conn.Phase == PhaseLive })
			streams, lists := front.events.Load(), front.active.Load()
			s.CreateTasks(10)
			s.Advance(24 * time.Hour)
			last := s.LastEventID()
			sc.until(ctx, f, 30*time.Second, "the stream's events", func() bool { return sc.lastID == last && matches(s, sc.store) })
			// Not a wait for something to happen: a window in which
			// nothing should (a poller left running would list the tasks
			// several times over).
			time.Sleep(5 * o.PollInterval)
			stop(t, cancel, f)
			// Once live, GET /tasks/active is read once per stream opened
			// (its snapshot), never by polling.
			if streams, lists := front.events.Load()-streams, front.active.Load()-lists; lists > streams {
				t.Errorf("%d GET /tasks/active for %d streams opened since live: polling went on", lists, streams)
			}

			compareAll(t, s, sc.store)
			sources := checkTimelines(t, s, sc.store)
			if sources[SourcePolled] != polled {
				t.Errorf("%d polled transitions, %d when the stream came back: polling went on while live", sources[SourcePolled], polled)
			}
			if sources[SourceEvent] == 0 {
				t.Error("no transition came from the stream once it was back")
			}
			for id, n := range sc.applied {
				if n != 1 {
					t.Errorf("event %s used %d times", id, n)
				}
			}
			for _, st := range states {
				if st.Phase == PhasePolling && st.NextTry.Sub(st.Since) > o.MaxBackoffPolling {
					t.Errorf("the stream is retried %v later, more than MaxBackoffPolling: %+v", st.NextTry.Sub(st.Since), st)
				}
			}
			t.Logf("%d /events requests, %d GET /tasks/{id} (%d at once at most), sources %v", front.events.Load(), front.gets.Load(), front.peak.Load(), sources)
		})
	}
}

// A 429 with Retry-After on GET /tasks/{id} holds every polling request
// back for as long as it asks, and the task is fetched after: slower, not
// lost. The client is set not to retry, so what waits is the feed.
func TestPollingHonoursRetryAfterOnTaskFetch(t *testing.T) {
	noLeaks(t)
	s, _ := startSim(t, sim.Options{Seed: 3, TimeScale: 600})
	id := s.CreateTasks(1)[0]
	front := newSimFront(t, s, stream404)
	front.limited = 1
	tr := api.NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	c, err := api.NewClient(front.srv.URL, s.APIKey(), api.WithHTTPClient(&http.Client{Transport: tr}), api.WithRetries(1, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := Start(ctx, c, pollOpts())
	sc := newSimConsumer(t, c)
	// The poller has polled once, so it knows the task when it ends: the
	// task's fetch that meets the 429 is the poller's (the first batch
	// alone, the snapshot, would let the consumer's refetch meet it).
	sc.until(ctx, f, 20*time.Second, "the task, by polling", func() bool {
		_, ok := sc.store.Task(id)
		return ok && sc.conn.Phase == PhasePolling && sc.polls > 0
	})
	s.Advance(24 * time.Hour)
	sc.until(ctx, f, 30*time.Second, "the final state despite the 429", func() bool { return matches(s, sc.store) })
	stop(t, cancel, f)

	front.mu.Lock()
	limitAt, reqs := front.limitAt, front.requests
	front.mu.Unlock()
	if limitAt.IsZero() {
		t.Fatal("no 429 was sent")
	}
	if len(reqs) == 0 {
		t.Fatal("nothing was asked after the 429")
	}
	if gap := reqs[0].Sub(limitAt); gap < 900*time.Millisecond {
		t.Errorf("the next request came %v after a 429 with Retry-After: 1", gap)
	}
	tl := sc.store.Timeline(id)
	if len(tl) == 0 || tl[len(tl)-1].Source != SourcePolled {
		t.Errorf("timeline %+v: the final state should be marked polled", tl)
	}
}

// A key refused while polling stops the feed, as it does on the stream.
func TestPollingStopsOn401(t *testing.T) {
	noLeaks(t)
	var refuse atomic.Bool
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"detail":"Not Found"}`, http.StatusNotFound)
	})
	next := fa.srv.Config.Handler
	fa.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse.Load() && r.URL.Path == "/tasks/active" {
			http.Error(w, `{"detail":"Invalid API key"}`, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
	o := fastOpts()
	o.PollInterval = 20 * time.Millisecond
	f := Start(context.Background(), fa.client, o)
	c := newConsumer()
	c.run(t, f, 10*time.Second, func() bool { return len(c.conns) > 0 && c.conns[len(c.conns)-1].Phase == PhasePolling })
	refuse.Store(true)
	last := drainToStop(t, f, 10*time.Second, "a 401 while polling")
	if err := f.Wait(); !api.IsUnauthorized(err) {
		t.Fatalf("Wait: %v, want the 401", err)
	}
	if last == nil || last.Phase != PhaseStopped || !strings.Contains(last.Reason, "ASPECT_API_KEY") {
		t.Errorf("last state %+v", last)
	}
}

// EventsURL: a stream at another path of the API, and one on another
// host, each opened with the key.
func TestFeedOpensTheStreamAtEventsURL(t *testing.T) {
	for _, where := range []string{"path", "absolute"} {
		t.Run(where, func(t *testing.T) {
			noLeaks(t)
			var paths sync.Map
			streamAt := func(w http.ResponseWriter, r *http.Request) {
				paths.Store(r.URL.Path, r.Header.Get("Authorization"))
				streamHeaders(w)
				send(w, taskEvent(1, "t1", api.StateQueued))
				hold(r)
			}
			fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
				http.Error(w, `{"detail":"Not Found"}`, http.StatusNotFound)
			})
			o := fastOpts()
			o.APIKey = "sk_test_feed"
			tr := api.NewTransport()
			t.Cleanup(tr.CloseIdleConnections)
			o.HTTPClient = &http.Client{Transport: tr}
			if where == "path" {
				next := fa.srv.Config.Handler
				fa.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/v2/stream" {
						streamAt(w, r)
						return
					}
					next.ServeHTTP(w, r)
				})
				o.EventsURL = "v2/stream"
			} else {
				other := httptest.NewServer(http.HandlerFunc(streamAt))
				t.Cleanup(func() {
					other.CloseClientConnections()
					other.Close()
				})
				o.EventsURL = other.URL + "/stream"
			}
			ctx, cancel := context.WithCancel(context.Background())
			f := Start(ctx, fa.client, o)
			c := newConsumer()
			c.run(t, f, 10*time.Second, func() bool { return len(c.events) == 1 })
			stop(t, cancel, f)
			want := "/v2/stream"
			if where == "absolute" {
				want = "/stream"
			}
			if auth, ok := paths.Load(want); !ok || auth != "Bearer sk_test_feed" {
				t.Errorf("stream asked at %s with %v, %v", want, auth, ok)
			}
			if n := fa.conns.Load(); n != 0 {
				t.Errorf("%d requests to /events, which EventsURL replaces", n)
			}
		})
	}
}

// A stream at EventsURL that is not there is named by its path in the
// reason.
func TestPollingReasonNamesEventsURL(t *testing.T) {
	noLeaks(t)
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {})
	o := fastOpts()
	o.PollInterval = 20 * time.Millisecond
	o.EventsURL = "/v2/stream"
	o.APIKey = "sk_test_feed"
	tr := api.NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	o.HTTPClient = &http.Client{Transport: tr}
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, o)
	c := newConsumer()
	c.run(t, f, 10*time.Second, func() bool { return len(c.conns) > 0 && c.conns[len(c.conns)-1].Phase == PhasePolling })
	stop(t, cancel, f)
	if got, want := c.conns[len(c.conns)-1].Summary(), "polling every 20ms: no live stream (GET /v2/stream answered 404)"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestResolveEventsURL(t *testing.T) {
	for _, tc := range []struct{ base, events, want string }{
		{"https://api.aspect.inc", "/v2/events", "https://api.aspect.inc/v2/events"},
		{"https://api.aspect.inc/api/", "v2/events", "https://api.aspect.inc/api/v2/events"},
		{"https://api.aspect.inc/api", "/events?x=1", "https://api.aspect.inc/api/events?x=1"},
		{"https://api.aspect.inc", "https://stream.aspect.inc/sse", "https://stream.aspect.inc/sse"},
		{"https://api.aspect.inc", "ftp://stream.aspect.inc/sse", ""},
		{"https://api.aspect.inc", "https://user:pw@stream.aspect.inc/sse", ""},
		{"https://api.aspect.inc", "//stream.aspect.inc/sse", ""},
		{"https://api.aspect.inc", "  ", ""},
	} {
		got, err := ResolveEventsURL(tc.base, tc.events)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("%q on %q: %q, %v; want %q", tc.events, tc.base, got, err, tc.want)
		}
	}
}

func TestConnStateSummary(t *testing.T) {
	notFound := &api.Error{Route: api.RouteByName(api.RouteTasksActive), URL: "https://api.aspect.inc/tasks/active", Status: 503}
	for _, tc := range []struct {
		s    ConnState
		want string
	}{
		{ConnState{Phase: PhasePolling, PollEvery: 5 * time.Second, Reason: "GET /events answered 404"}, "polling every 5s: no live stream (GET /events answered 404)"},
		{ConnState{Phase: PhasePolling, PollEvery: time.Minute, Reason: "the stream stayed silent for 45s"}, "polling every 1m: no live stream (the stream stayed silent for 45s)"},
		{ConnState{Phase: PhasePolling, PollEvery: 90 * time.Second, Reason: "x", PollErr: notFound}, "polling every 1m30s: no live stream (x); the last poll failed: the API failed; try again later (503 from GET /tasks/active)"},
		{ConnState{Phase: PhaseLive}, "live"},
		{ConnState{Phase: PhaseConnecting}, "connecting"},
		{ConnState{Phase: PhaseReconnecting, Attempt: 2, Reason: "connection refused"}, "reconnecting (attempt 2): connection refused"},
		{ConnState{Phase: PhaseStopped, Reason: "stopped"}, "stopped: stopped"},
	} {
		if got := tc.s.Summary(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.s, got, tc.want)
		}
	}
}

// What a poll does to the store: its transitions are marked polled, a
// task that did not change is not news, nothing steps back, a task that
// is gone is forgotten, and a full poll reports what it cannot account for.
func TestStoreAppliesPolls(t *testing.T) {
	s := NewStore(StoreOptions{})
	s.ApplyBatch(&Batch{Resync: []api.Task{taskAt("a", 1, api.StateQueued), taskAt("b", 1, api.StateQueued), taskAt("c", 1, api.StateQueued)}})
	s.Apply(ev("e1", api.EventTaskProgress, taskAt("d", 5, api.StateProcessing)))

	ch := s.ApplyBatch(&Batch{Poll: &Poll{Full: true,
		Active:   []api.Task{taskAt("a", 1, api.StateQueued), taskAt("b", 2, api.StateProcessing)},
		Finished: []api.Task{taskAt("c", 3, api.StateCompleted)},
	}})
	if got := strings.Join(ch.Updated, ","); got != "c,b" {
		t.Errorf("updated %q, want c,b (a did not change)", got)
	}
	if got := strings.Join(ch.Missing, ","); got != "d" {
		t.Errorf("missing %q, want d: pending, and neither listed nor fetched", got)
	}
	tl := s.Timeline("b")
	if len(tl) != 2 || tl[0].Source != SourceSnapshot || tl[1].Source != SourcePolled || tl[1].To != api.StateProcessing {
		t.Errorf("timeline of b: %+v", tl)
	}

	// An older list does not step back; a later poll is not full.
	ch = s.ApplyBatch(&Batch{Poll: &Poll{Active: []api.Task{taskAt("b", 1, api.StateQueued)}, Gone: []string{"a", "zz"}}})
	if got, _ := s.Task("b"); got.Features["proxy"].State != api.StateProcessing {
		t.Errorf("b stepped back: %+v", got)
	}
	if len(ch.Missing) != 0 || strings.Join(ch.Removed, ",") != "a" {
		t.Errorf("changes %+v: want a removed, nothing missing", ch)
	}
	if _, ok := s.Task("a"); ok {
		t.Error("a gone task is still held")
	}
	// The same state again, by events: no transition recorded twice.
	s.Apply(ev("e2", api.EventTaskCompleted, taskAt("c", 3, api.StateCompleted)))
	if tl := s.Timeline("c"); len(tl) != 2 {
		t.Errorf("timeline of c: %+v", tl)
	}
}

// A poll merged with a snapshot taken later: the snapshot's list wins and
// does the accounting; what the poll fetched still counts.
func TestCoalescerMergesPolls(t *testing.T) {
	c := coalescer{wake: make(chan struct{}, 1)}
	c.poll(Poll{Active: []api.Task{taskAt("a", 1)}, Finished: []api.Task{taskAt("x", 1)}, Full: true})
	c.poll(Poll{Active: []api.Task{taskAt("b", 1)}, Finished: []api.Task{taskAt("y", 1)}, Gone: []string{"z"}})
	b := c.take()
	if b.Poll == nil || len(b.Poll.Active) != 1 || b.Poll.Active[0].ID != "b" || len(b.Poll.Finished) != 2 || !b.Poll.Full || len(b.Poll.Gone) != 1 {
		t.Errorf("merged poll %+v", b.Poll)
	}
	c.poll(Poll{Active: []api.Task{taskAt("a", 1)}, Finished: []api.Task{taskAt("x", 1)}, Full: true})
	c.resync([]api.Task{taskAt("b", 1)})
	b = c.take()
	if b.Poll == nil || b.Poll.Active != nil || b.Poll.Full || len(b.Poll.Finished) != 1 || len(b.Resync) != 1 {
		t.Errorf("poll then snapshot: %+v, resync %v", b.Poll, b.Resync)
	}
}

func TestPollDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.PollInterval != 5*time.Second || o.PollParallel != 4 || o.MaxBackoffPolling != 5*time.Minute {
		t.Errorf("defaults %v %v %v", o.PollInterval, o.PollParallel, o.MaxBackoffPolling)
	}
}

// A stream that was live and then fails for good (500 on every attempt)
// gives way to polling after three attempts, as one that never went live
// does: the store keeps up with the API while the stream is retried, and
// goes live again when it is back, with no event used twice.
func TestPollingAfterALiveStreamFails(t *testing.T) {
	noLeaks(t)
	s, _ := startSim(t, sim.Options{Seed: 8, TimeScale: 600})
	s.CreateTasks(6)
	front := newSimFront(t, s, streamLive)
	c := simClient(t, front.srv.URL, s.APIKey())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := pollOpts()
	f := Start(ctx, c, o)
	sc := newSimConsumer(t, c)
	sc.until(ctx, f, 20*time.Second, "live", func() bool { return sc.conn.Phase == PhaseLive && sc.store.Len() == 6 })

	front.mode.Store(stream500)
	front.srv.CloseClientConnections()
	sc.until(ctx, f, 20*time.Second, "polling", func() bool { return sc.conn.Phase == PhasePolling })
	if got, want := sc.conn.Summary(), "polling every 30ms: no live stream (3 attempts failed: 500 Internal Server Error)"; got != want {
		t.Errorf("state %q, want %q", got, want)
	}
	s.CreateTasks(4)
	sc.until(ctx, f, 20*time.Second, "the new tasks, by polling", func() bool { return sc.store.Len() == 10 })
	s.Advance(24 * time.Hour)
	sc.until(ctx, f, 30*time.Second, "the final states, by polling", func() bool { return matches(s, sc.store) })
	if sc.conn.Phase != PhasePolling {
		t.Fatalf("the final states came while %v: this test is about polling", sc.conn.Phase)
	}

	front.mode.Store(streamLive)
	sc.until(ctx, f, 20*time.Second, "live again", func() bool { return sc.conn.Phase == PhaseLive })
	s.CreateTasks(3)
	s.Advance(24 * time.Hour)
	last := s.LastEventID()
	sc.until(ctx, f, 30*time.Second, "the stream's events", func() bool { return sc.lastID == last && matches(s, sc.store) })
	stop(t, cancel, f)
	compareAll(t, s, sc.store)
	for id, n := range sc.applied {
		if n != 1 {
			t.Errorf("event %s used %d times", id, n)
		}
	}
}

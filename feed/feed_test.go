package feed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aspect-hq/aspect-tui/api"
)

// fakeAPI is a hand-made server for GET /tasks/active and GET /events. Each
// /events request runs the test's script with its connection number.
type fakeAPI struct {
	srv    *httptest.Server
	client *api.Client
	tr     *http.Transport

	mu          sync.Mutex
	active      []api.Task
	lastIDs     []string // the Last-Event-ID of each /events request
	activeCalls int
	activeHook  func(ctx context.Context) // runs before /tasks/active answers
	events      func(n int, w http.ResponseWriter, r *http.Request)
	conns       atomic.Int32
}

func newFakeAPI(t *testing.T, events func(n int, w http.ResponseWriter, r *http.Request)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{events: events, active: []api.Task{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tasks/active", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.activeCalls++
		hook := f.activeHook
		body, _ := json.Marshal(f.active)
		f.mu.Unlock()
		if hook != nil {
			hook(r.Context())
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sk_test_feed" || r.Header.Get("Accept") != "text/event-stream" {
			http.Error(w, `{"detail":"bad request headers"}`, http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.lastIDs = append(f.lastIDs, r.Header.Get("Last-Event-ID"))
		f.mu.Unlock()
		n := int(f.conns.Add(1)) - 1
		f.events(n, w, r)
	})
	f.srv = httptest.NewServer(mux)
	f.tr = api.NewTransport()
	c, err := api.NewClient(f.srv.URL, "sk_test_feed", api.WithHTTPClient(&http.Client{Transport: f.tr}),
		api.WithBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	t.Cleanup(func() {
		f.srv.CloseClientConnections()
		f.srv.Close()
		f.tr.CloseIdleConnections()
	})
	return f
}

func (f *fakeAPI) seenLastIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.lastIDs)
}

// noLeaks checks, after the test and its cleanups (servers, transports),
// that no goroutine it started is still running.
func noLeaks(t *testing.T) {
	t.Helper()
	current := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, current) })
}

// streamHeaders starts an event stream.
func streamHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
}

func send(w http.ResponseWriter, s string) {
	fmt.Fprint(w, s)
	w.(http.Flusher).Flush()
}

// taskEvent is event n for task tk: its envelope, framed.
func taskEvent(n int, tk string, states ...api.State) string {
	return sseEvent(uuid(n), api.EventTaskProgress, envelope(uuid(n), api.EventTaskProgress, tk, n, states...), "\n")
}

// hold keeps a stream open until the client goes away.
func hold(r *http.Request) { <-r.Context().Done() }

// consumer applies batches as the UI would and records what it saw.
type consumer struct {
	store   *Store
	batches int
	events  []string // event ids applied, in order
	skips   []Skip
	conns   []ConnState
	resyncs int
}

func (c *consumer) take(b Batch) {
	c.batches++
	if b.Resync != nil {
		c.resyncs++
	}
	ch := c.store.ApplyBatch(&b)
	for i, e := range b.Events {
		if ch.Outcomes[i] == Applied || ch.Outcomes[i] == Stale {
			c.events = append(c.events, e.Env.EventID)
		}
	}
	c.skips = append(c.skips, b.Skips...)
	if b.Conn != nil {
		c.conns = append(c.conns, *b.Conn)
	}
}

// run reads batches until until() holds, failing after timeout.
func (c *consumer) run(t *testing.T, f *Feed, timeout time.Duration, until func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !until() {
		select {
		case b, ok := <-f.Batches():
			if !ok {
				t.Fatalf("feed stopped early: %v (saw %d events, conns %v)", f.Wait(), len(c.events), phases(c.conns))
			}
			c.take(b)
		case <-deadline.C:
			t.Fatalf("timed out: saw events %v, skips %v, conns %v", c.events, c.skips, phases(c.conns))
		}
	}
}

func phases(cs []ConnState) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Phase.String()
		if c.Reason != "" {
			out[i] += "(" + c.Reason + ")"
		}
	}
	return out
}

func newConsumer() *consumer { return &consumer{store: NewStore(StoreOptions{})} }

// fastOpts keep the tests quick: short backoff, the default frame rate.
func fastOpts() Options {
	return Options{MinBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
}

// stop cancels the feed and checks it ends promptly and cleanly.
func stop(t *testing.T, cancel context.CancelFunc, f *Feed) {
	t.Helper()
	cancel()
	done := make(chan error, 1)
	go func() { done <- f.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Wait after cancel: %v, want nil", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("feed did not stop after cancel")
	}
	for range f.Batches() {
	}
}

func TestFeedResumesAfterCleanClose(t *testing.T) {
	noLeaks(t)
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		streamHeaders(w)
		switch n {
		case 0:
			send(w, "retry: 10\n\n")
			for i := 1; i <= 3; i++ {
				send(w, taskEvent(i, "t1", api.StateQueued))
			}
		case 1:
			for i := 4; i <= 5; i++ {
				send(w, taskEvent(i, "t1", api.StateProcessing))
			}
			hold(r)
		default:
			hold(r)
		}
	})
	fa.active = []api.Task{taskAt("t0", 0, api.StateQueued)}
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, fastOpts())
	c := newConsumer()
	c.run(t, f, 5*time.Second, func() bool { return len(c.events) == 5 })
	stop(t, cancel, f)

	if want := []string{uuid(1), uuid(2), uuid(3), uuid(4), uuid(5)}; !slices.Equal(c.events, want) {
		t.Errorf("events %v", c.events)
	}
	if got := fa.seenLastIDs(); len(got) < 2 || got[0] != "" || got[1] != uuid(3) {
		t.Errorf("Last-Event-ID sent: %q, want \"\" then %s", got, uuid(3))
	}
	fa.mu.Lock()
	calls := fa.activeCalls
	fa.mu.Unlock()
	if _, ok := c.store.Task("t0"); !ok || calls != 2 {
		t.Errorf("the snapshot should be taken on each connect (%d times) and applied", calls)
	}
	if last := c.conns[len(c.conns)-1]; last.Phase != PhaseLive || last.Reconnects != 1 || !strings.Contains(last.LastDrop, "closed the stream") {
		t.Errorf("state after the clean close and the reconnect: %+v", last)
	}
}

func TestFeedDiscardsEventCutMidway(t *testing.T) {
	noLeaks(t)
	second := taskEvent(2, "t1", api.StateProcessing)
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		streamHeaders(w)
		if n == 0 {
			send(w, taskEvent(1, "t1", api.StateQueued))
			send(w, second[:len(second)/2])
			panic(http.ErrAbortHandler) // the connection is cut, not closed
		}
		send(w, second)
		send(w, taskEvent(3, "t1", api.StateCompleted))
		hold(r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, fastOpts())
	c := newConsumer()
	c.run(t, f, 5*time.Second, func() bool { return len(c.events) == 3 })
	stop(t, cancel, f)
	if want := []string{uuid(1), uuid(2), uuid(3)}; !slices.Equal(c.events, want) || len(c.skips) > 0 {
		t.Errorf("events %v skips %v: the half event must vanish and come again whole", c.events, c.skips)
	}
	if got := fa.seenLastIDs(); got[1] != uuid(1) {
		t.Errorf("resumed from %q, want %s (the last complete event)", got[1], uuid(1))
	}
	if tk, _ := c.store.Task("t1"); tk.Features["proxy"].State != api.StateCompleted {
		t.Errorf("task %+v", tk)
	}
}

func TestFeedRecoversFrom503AndHonoursRetryAfter(t *testing.T) {
	noLeaks(t)
	var refusedAt time.Time
	var reconnectedAfter time.Duration
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			refusedAt = time.Now()
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"detail":"overloaded"}`, http.StatusServiceUnavailable)
			return
		}
		reconnectedAfter = time.Since(refusedAt)
		streamHeaders(w)
		send(w, taskEvent(1, "t1", api.StateQueued))
		hold(r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, fastOpts())
	c := newConsumer()
	c.run(t, f, 5*time.Second, func() bool { return len(c.events) == 1 })
	stop(t, cancel, f)
	if reconnectedAfter < time.Second {
		t.Errorf("reconnected %v after a 503 with Retry-After: 1", reconnectedAfter)
	}
	var st *ConnState
	for i := range c.conns {
		if c.conns[i].Phase == PhaseReconnecting {
			st = &c.conns[i]
		}
	}
	if st == nil || st.Attempt != 1 || st.NextTry.Sub(st.Since) < time.Second || !strings.Contains(st.Reason, "503") {
		t.Fatalf("reconnecting state %+v", st)
	}
	if c.resyncs < 1 {
		t.Error("the tasks should show while the stream is refused")
	}
}

func TestFeedReconnectsASilentStream(t *testing.T) {
	noLeaks(t)
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		streamHeaders(w)
		switch n {
		case 0:
			// Keep-alives alone keep a stream alive...
			send(w, taskEvent(1, "t1", api.StateQueued))
			for range 6 {
				select {
				case <-time.After(100 * time.Millisecond):
					send(w, ": ping\n\n")
				case <-r.Context().Done():
					return
				}
			}
			// ...and then nothing at all.
			hold(r)
		default:
			send(w, taskEvent(2, "t1", api.StateProcessing))
			hold(r)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	o := fastOpts()
	o.StallWindow = 300 * time.Millisecond
	start := time.Now()
	f := Start(ctx, fa.client, o)
	c := newConsumer()
	c.run(t, f, 5*time.Second, func() bool { return len(c.events) == 2 })
	elapsed := time.Since(start)
	stop(t, cancel, f)
	if elapsed < 600*time.Millisecond {
		t.Errorf("reconnected after %v: the pings should have kept the stream alive", elapsed)
	}
	if got := fa.seenLastIDs(); len(got) != 2 || got[1] != uuid(1) {
		t.Errorf("connections %q", got)
	}
	if last := c.conns[len(c.conns)-1]; last.Reconnects != 1 || !strings.Contains(last.LastDrop, "no data for 300ms") {
		t.Errorf("state after the stall: %+v", last)
	}
}

func TestFeedStopsOn401(t *testing.T) {
	for _, where := range []string{"events", "tasks"} {
		t.Run(where, func(t *testing.T) {
			noLeaks(t)
			fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if where == "events" {
					http.Error(w, `{"detail":"Invalid API key"}`, http.StatusUnauthorized)
					return
				}
				streamHeaders(w)
				hold(r)
			})
			if where == "tasks" {
				fa.activeHook = func(context.Context) {}
				fa.srv.Config.Handler = refuseTasks(fa.srv.Config.Handler)
			}
			f := Start(context.Background(), fa.client, fastOpts())
			last := drainToStop(t, f, 5*time.Second, "a 401")
			err := f.Wait()
			if !api.IsUnauthorized(err) {
				t.Fatalf("Wait: %v, want the 401", err)
			}
			if last == nil || last.Phase != PhaseStopped || !strings.Contains(last.Reason, "ASPECT_API_KEY") || !api.IsUnauthorized(last.Err) {
				t.Errorf("last state %+v", last)
			}
			if n := fa.conns.Load(); n != 1 {
				t.Errorf("%d requests to /events: a refused key must not be retried", n)
			}
		})
	}
}

// drainToStop reads batches until the feed closes them by itself, and
// returns the last connection state they carried.
func drainToStop(t *testing.T, f *Feed, within time.Duration, after string) *ConnState {
	t.Helper()
	var last *ConnState
	timeout := time.After(within)
	for {
		select {
		case b, ok := <-f.Batches():
			if !ok {
				return last
			}
			if b.Conn != nil {
				last = b.Conn
			}
		case <-timeout:
			t.Fatal("the feed kept going after " + after)
		}
	}
}

func refuseTasks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tasks/active" {
			http.Error(w, `{"detail":"Invalid API key"}`, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestFeedHonoursRetryField(t *testing.T) {
	noLeaks(t)
	var closedAt time.Time
	var gap time.Duration
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		streamHeaders(w)
		if n == 0 {
			send(w, "retry: 400\n\n"+taskEvent(1, "t1", api.StateQueued))
			closedAt = time.Now()
			return
		}
		gap = time.Since(closedAt)
		send(w, taskEvent(2, "t1", api.StateProcessing))
		hold(r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, fastOpts())
	c := newConsumer()
	c.run(t, f, 5*time.Second, func() bool { return len(c.events) == 2 })
	stop(t, cancel, f)
	if gap < 400*time.Millisecond {
		t.Errorf("reconnected after %v; the server asked for retry: 400", gap)
	}
}

func TestFeedStreamEdgeCasesEndToEnd(t *testing.T) {
	noLeaks(t)
	crlf := strings.ReplaceAll(taskEvent(1, "t1", api.StateQueued), "\n", "\r\n")
	multi := sseEvent(uuid(2), api.EventTaskProgress,
		[]byte(strings.ReplaceAll(string(envelope(uuid(2), api.EventTaskProgress, "t1", 2, api.StateProcessing)), `,"`, ",\n\"")), "\n")
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		streamHeaders(w)
		if n > 0 {
			hold(r)
			return
		}
		send(w, ": comment\n\n"+crlf+multi)
		send(w, sseEvent(uuid(3), api.EventTaskProgress, bigEnvelope(uuid(3), 1<<20), "\n"))
		send(w, sseEvent(uuid(4), api.EventTaskProgress, bigEnvelope(uuid(4), 2<<20), "\n"))
		send(w, sseEvent(uuid(5), api.EventTaskProgress, []byte("{not json"), "\n"))
		send(w, sseEvent(uuid(6), "asset.created", []byte(`{"event_id":"`+uuid(6)+`","event_type":"asset.created","data":{}}`), "\n"))
		send(w, taskEvent(7, "t1", api.StateCompleted))
		hold(r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, fastOpts())
	c := newConsumer()
	var unknown int
	c.run(t, f, 10*time.Second, func() bool {
		unknown = c.store.Counts().Unknown["asset.created"]
		return slices.Contains(c.events, uuid(7))
	})
	stop(t, cancel, f)
	if want := []string{uuid(1), uuid(2), uuid(3), uuid(7)}; !slices.Equal(c.events, want) {
		t.Errorf("events %v, want %v", c.events, want)
	}
	if len(c.skips) != 2 || !strings.Contains(c.skips[0].Reason, "too large") || c.skips[0].ID != uuid(4) ||
		!strings.HasPrefix(c.skips[1].Reason, "not JSON") {
		t.Errorf("skips %+v", c.skips)
	}
	if unknown != 1 {
		t.Errorf("unknown event type counted %d times", unknown)
	}
	if n := fa.conns.Load(); n != 1 {
		t.Errorf("%d connections: nothing here should have broken the stream", n)
	}
}

func TestFeedCoalescesBursts(t *testing.T) {
	noLeaks(t)
	const n = 3000
	fa := newFakeAPI(t, func(c int, w http.ResponseWriter, r *http.Request) {
		streamHeaders(w)
		if c == 0 {
			var b strings.Builder
			for i := 1; i <= n; i++ {
				b.WriteString(taskEvent(i, fmt.Sprint("t", i%50), api.StateProcessing))
				if i%100 == 0 {
					send(w, b.String())
					b.Reset()
				}
			}
		}
		hold(r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	o := fastOpts()
	o.FrameInterval = 20 * time.Millisecond
	f := Start(ctx, fa.client, o)
	c := newConsumer()
	start := time.Now()
	c.run(t, f, 10*time.Second, func() bool { return len(c.events) == n })
	elapsed := time.Since(start)
	stop(t, cancel, f)
	if max := int(elapsed/o.FrameInterval) + 2; c.batches > max {
		t.Errorf("%d batches in %v: more than one per %v", c.batches, elapsed, o.FrameInterval)
	}
	// No check of the gap between two batches: seen from the consumer, a
	// batch taken late and the next one taken on time look closer than
	// the feed sent them, by however long the consumer was descheduled
	// (9 ms of a 20 ms interval on a loaded machine). The count above is
	// what a user sees: no more frames' worth of batches than frames.
	if c.batches > n/20 {
		t.Errorf("%d batches for %d events: bursts were not merged", c.batches, n)
	}
}

func TestFeedSlowConsumerGetsOneMergedBatch(t *testing.T) {
	noLeaks(t)
	const n = 500
	sent := make(chan struct{})
	fa := newFakeAPI(t, func(c int, w http.ResponseWriter, r *http.Request) {
		streamHeaders(w)
		if c == 0 {
			for i := 1; i <= n; i++ {
				send(w, taskEvent(i, "t1", api.StateProcessing))
			}
			send(w, ": end\n\n")
			close(sent)
		}
		hold(r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, fastOpts())
	// Do not read until the server has sent everything and the feed has had
	// time to take it all in: the supervisor must not wait for us.
	<-sent
	c := newConsumer()
	c.run(t, f, 5*time.Second, func() bool { return len(c.events) == n })
	stop(t, cancel, f)
	if c.batches > 4 {
		t.Errorf("%d batches for a consumer that was away: want the backlog merged", c.batches)
	}
}

// TestFeedCancelIsPromptInEveryState cancels the feed in each state and
// wants Batches closed and Wait returned within 100 ms, nothing left running.
func TestFeedCancelIsPromptInEveryState(t *testing.T) {
	type scenario struct {
		events func(n int, w http.ResponseWriter, r *http.Request, reached chan<- struct{})
		active func(ctx context.Context, reached chan<- struct{})
		read   bool // whether the test consumes batches while waiting
	}
	signal := func(c chan<- struct{}) {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	scenarios := map[string]scenario{
		"connecting": {events: func(n int, w http.ResponseWriter, r *http.Request, reached chan<- struct{}) {
			signal(reached) // no headers: the client is still connecting
			hold(r)
		}, read: true},
		"loading the snapshot": {
			events: func(n int, w http.ResponseWriter, r *http.Request, _ chan<- struct{}) { streamHeaders(w); hold(r) },
			active: func(ctx context.Context, reached chan<- struct{}) { signal(reached); <-ctx.Done() },
			read:   true,
		},
		"reading": {events: func(n int, w http.ResponseWriter, r *http.Request, reached chan<- struct{}) {
			streamHeaders(w)
			send(w, taskEvent(1, "t", api.StateQueued))
			signal(reached)
			hold(r)
		}, read: true},
		"waiting to retry": {events: func(n int, w http.ResponseWriter, r *http.Request, reached chan<- struct{}) {
			w.Header().Set("Retry-After", "60")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			signal(reached)
		}, read: true},
		"consumer away": {events: func(n int, w http.ResponseWriter, r *http.Request, reached chan<- struct{}) {
			streamHeaders(w)
			for i := range 100 {
				send(w, taskEvent(i, "t", api.StateQueued))
			}
			signal(reached)
			hold(r)
		}, read: false},
	}
	for name, sc := range scenarios {
		t.Run(name, func(t *testing.T) {
			noLeaks(t)
			reached := make(chan struct{}, 1)
			fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) { sc.events(n, w, r, reached) })
			if sc.active != nil {
				fa.activeHook = func(ctx context.Context) { sc.active(ctx, reached) }
			}
			ctx, cancel := context.WithCancel(context.Background())
			f := Start(ctx, fa.client, fastOpts())
			stopReading := make(chan struct{})
			readerDone := make(chan struct{})
			go func() {
				defer close(readerDone)
				if !sc.read {
					<-stopReading
					return
				}
				for range f.Batches() {
				}
			}()
			select {
			case <-reached:
			case <-time.After(5 * time.Second):
				t.Fatal("state not reached")
			}
			if name == "waiting to retry" || name == "consumer away" {
				// Let the supervisor get into its wait (or pile up events).
				time.Sleep(50 * time.Millisecond)
			}
			start := time.Now()
			cancel()
			err := f.Wait()
			took := time.Since(start)
			close(stopReading)
			<-readerDone
			for range f.Batches() {
			}
			if took > 100*time.Millisecond {
				t.Errorf("Wait returned %v after cancel", took)
			}
			if err != nil {
				t.Errorf("Wait: %v", err)
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	o := Options{MinBackoff: 500 * time.Millisecond, MaxBackoff: 30 * time.Second}
	for _, tc := range []struct {
		n                 int
		retry, retryAfter time.Duration
		lo, hi            time.Duration
	}{
		{1, 0, 0, 250 * time.Millisecond, 500 * time.Millisecond},
		{2, 0, 0, 500 * time.Millisecond, time.Second},
		{4, 0, 0, 2 * time.Second, 4 * time.Second},
		{20, 0, 0, 15 * time.Second, 30 * time.Second},
		{1, 3 * time.Second, 0, 3 * time.Second, 3 * time.Second},
		{1, 0, 2 * time.Minute, 2 * time.Minute, 2 * time.Minute},
		{1, 0, 48 * time.Hour, maxServerWait, maxServerWait},
	} {
		for _, r := range []float64{0, 0.5, 0.999} {
			d := backoffDelay(o, tc.n, tc.retry, tc.retryAfter, func() float64 { return r })
			if d < tc.lo || d > tc.hi {
				t.Errorf("attempt %d retry %v after %v rnd %v: %v, want %v..%v", tc.n, tc.retry, tc.retryAfter, r, d, tc.lo, tc.hi)
			}
		}
	}
}

func TestCoalescerNeverBlocksTheProducer(t *testing.T) {
	c := coalescer{wake: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() {
		for i := range 10_000 {
			c.event(Event{ID: fmt.Sprint(i)})
		}
		c.conn(ConnState{Phase: PhaseLive})
		c.resync(nil)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("adding blocked with nobody taking")
	}
	b := c.take()
	if len(b.Events) != 10_000 || b.Received != 10_000 || b.Conn == nil || b.Resync == nil || b.Events[9999].ID != "9999" {
		t.Errorf("merged batch: %d events, conn %v, resync %v", len(b.Events), b.Conn, b.Resync != nil)
	}
	if rest := c.take(); !rest.Empty() {
		t.Error("take should leave nothing behind")
	}
}

func TestRefetch(t *testing.T) {
	noLeaks(t)
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		id := strings.TrimPrefix(r.URL.Path, "/tasks/")
		if id == "gone" {
			http.Error(w, `{"detail":"not found"}`, http.StatusNotFound)
			return
		}
		json.NewEncoder(w).Encode(taskAt(id, 9, api.StateCompleted))
	}))
	defer srv.Close()
	tr := api.NewTransport()
	defer tr.CloseIdleConnections()
	c, _ := api.NewClient(srv.URL, "sk_x", api.WithHTTPClient(&http.Client{Transport: tr}))
	ids := []string{"gone"}
	for i := range 40 {
		ids = append(ids, fmt.Sprint("t", i))
	}
	tasks, err := Refetch(context.Background(), c, ids)
	var gone *GoneError
	if !errors.As(err, &gone) || !slices.Equal(gone.IDs, []string{"gone"}) || len(tasks) != 40 {
		t.Fatalf("%d tasks, %v: want 40 and the 404 reported gone", len(tasks), err)
	}
	if p := peak.Load(); p > 8 {
		t.Errorf("%d requests at once", p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Refetch(ctx, c, ids); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Without /events the feed does not stop: it shows the snapshot and
// polls (poll_test.go has the whole story).
func TestFeedPollsWhenTheAPIHasNoEventStream(t *testing.T) {
	noLeaks(t)
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"detail":"Not Found"}`, http.StatusNotFound)
	})
	fa.active = []api.Task{taskAt("t1", 1, api.StateProcessing)}
	o := fastOpts()
	o.PollInterval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, o)
	c := newConsumer()
	c.run(t, f, 10*time.Second, func() bool {
		_, ok := c.store.Task("t1")
		return ok && len(c.conns) > 0 && c.conns[len(c.conns)-1].Phase == PhasePolling
	})
	stop(t, cancel, f)
	last := c.conns[len(c.conns)-1]
	if got, want := last.Summary(), "polling every 20ms: no live stream (GET /events answered 404)"; got != want {
		t.Errorf("state %q, want %q", got, want)
	}
	if last.Reconnects != 0 {
		t.Errorf("%d reconnects: a stream that was never there was never lost", last.Reconnects)
	}
}

func TestFeedBackoffGrowsThenResetsAfterAHealthyConnection(t *testing.T) {
	noLeaks(t)
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0, 1:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case 2:
			streamHeaders(w)
			send(w, taskEvent(1, "t1", api.StateQueued)) // healthy: it delivered
		default:
			streamHeaders(w)
			hold(r)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, fa.client, Options{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, FrameInterval: time.Millisecond})
	c := newConsumer()
	c.run(t, f, 10*time.Second, func() bool { return fa.conns.Load() == 4 && len(c.events) == 1 })
	stop(t, cancel, f)
	var attempts []int
	for _, s := range c.conns {
		if s.Phase == PhaseReconnecting {
			attempts = append(attempts, s.Attempt)
			if wait := s.NextTry.Sub(s.Since); wait < 50*time.Millisecond<<(s.Attempt-1) {
				t.Errorf("attempt %d waits %v", s.Attempt, wait)
			}
		}
	}
	if !slices.Equal(attempts, []int{1, 2, 1}) {
		t.Errorf("attempts %v, want 1, 2, then 1 again after the healthy connection", attempts)
	}
}

// A bug in the feed (here: a clock that panics while an event is read)
// stops the feed with the panic as its error and its last state; it does
// not take the process, and the terminal with it, down.
func TestFeedPanicStopsTheFeedNotTheProgram(t *testing.T) {
	noLeaks(t)
	var armed atomic.Bool
	fa := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		streamHeaders(w)
		armed.Store(true)
		send(w, taskEvent(1, "t1", api.StateQueued))
		hold(r)
	})
	o := fastOpts()
	o.Now = func() time.Time {
		if armed.Load() {
			panic("clock on fire")
		}
		return time.Now()
	}
	f := Start(context.Background(), fa.client, o)
	last := drainToStop(t, f, 10*time.Second, "a panic")
	err := f.Wait()
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "clock on fire" || !strings.Contains(string(pe.Stack), "supervise") {
		t.Fatalf("Wait: %v, want the panic with its stack", err)
	}
	if last == nil || last.Phase != PhaseStopped || !strings.Contains(last.Reason, "internal error") || !strings.Contains(last.Reason, "clock on fire") {
		t.Errorf("last state %+v", last)
	}
}

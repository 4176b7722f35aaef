package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"
	sse "github.com/tmaxmax/go-sse"

	"github.com/aspect-hq/aspect-tui/api"
)

// startSim starts a simulator on a free loopback port and closes it when
// the test ends.
func startSim(t testing.TB, o Options) *Server { return start(t, o, false) }

// startPaused starts a simulator whose engine waits for Resume or Advance:
// tests drive it with CreateTasks and Advance, step by step.
func startPaused(t testing.TB, o Options) *Server { return start(t, o, true) }

func start(t testing.TB, o Options, paused bool) *Server {
	t.Helper()
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if paused {
		s.Pause()
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newClient is an api.Client for s whose idle connections are closed at
// the end of the test, so goleak sees no transport goroutine.
func newClient(t testing.TB, s *Server) *api.Client {
	t.Helper()
	tr := api.NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	c, err := api.NewClient(s.URL(), s.APIKey(), api.WithHTTPClient(&http.Client{Transport: tr}),
		api.WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// delivery is one request a test receiver got.
type delivery struct {
	header http.Header
	body   []byte
	at     time.Time
}

func (d delivery) id() string { return d.header.Get("svix-id") }

func (d delivery) envelope(t testing.TB) api.Envelope {
	t.Helper()
	var e api.Envelope
	if err := json.Unmarshal(d.body, &e); err != nil {
		t.Fatalf("delivery body is not an envelope: %v\n%s", err, d.body)
	}
	return e
}

// receiver is a webhook handler on loopback that records every request and
// answers what answer says (nil: 204).
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []delivery
	perID  map[string]int
	answer func(n int, d delivery) (int, string) // n: how many times this svix-id was seen, this one included
}

func newReceiver(t testing.TB, answer func(n int, d delivery) (int, string)) *receiver {
	t.Helper()
	r := &receiver{perID: map[string]int{}, answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		d := delivery{header: req.Header.Clone(), body: b, at: time.Now()}
		r.mu.Lock()
		r.got = append(r.got, d)
		r.perID[d.id()]++
		n := r.perID[d.id()]
		r.mu.Unlock()
		code, body := http.StatusNoContent, ""
		if r.answer != nil {
			code, body = r.answer(n, d)
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) url() string { return r.srv.URL + "/webhooks" }

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// waitCount waits until the receiver holds at least n requests.
func (r *receiver) waitCount(t testing.TB, n int, within time.Duration) []delivery {
	t.Helper()
	waitFor(t, within, "receiver should get "+itoa(n)+" deliveries, has "+itoa(r.count()), func() bool { return r.count() >= n })
	return r.deliveries()
}

func itoa(n int) string { return strconv.Itoa(n) }

// verify checks a delivery's signature with the svix library.
func verify(t testing.TB, secret string, d delivery) {
	t.Helper()
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(d.body, d.header); err != nil {
		t.Fatalf("delivery %s does not verify: %v", d.id(), err)
	}
}

func createEndpoint(t testing.TB, c *api.Client, in api.EndpointIn) api.EndpointCreated {
	t.Helper()
	if in.Version == 0 {
		in.Version = 1
	}
	out, err := c.CreateEndpoint(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitSettled waits until no attempt is queued or in flight.
func waitSettled(t testing.TB, s *Server, within time.Duration) {
	t.Helper()
	waitFor(t, within, "deliveries should settle", func() bool {
		c := s.Counts()
		return c.PendingJobs == 0 && c.Inflight == 0
	})
}

// sseEvent is one event as a client parsed it.
type sseEvent struct {
	id, typ, data string
}

// stream is an open GET /events read by go-sse's parser, a client written
// by someone else, so the wire format is checked independently.
type stream struct {
	events chan sseEvent
	cancel context.CancelFunc
	done   chan error
}

func openStream(t testing.TB, c *api.Client, lastID string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := c.OpenEvents(ctx, lastID)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	st := &stream{events: make(chan sseEvent, 1<<16), cancel: cancel, done: make(chan error, 1)}
	go func() {
		defer resp.Body.Close()
		defer close(st.events)
		var last error
		for ev, err := range sse.Read(resp.Body, &sse.ReadConfig{MaxEventSize: 1 << 20}) {
			if err != nil {
				last = err
				break
			}
			st.events <- sseEvent{id: ev.LastEventID, typ: ev.Type, data: ev.Data}
		}
		st.done <- last
	}()
	t.Cleanup(st.close)
	return st
}

func (st *stream) close() {
	st.cancel()
	for range st.events {
	}
}

// next reads n events, failing the test if they do not come in time.
func (st *stream) next(t testing.TB, n int, within time.Duration) []sseEvent {
	t.Helper()
	out := make([]sseEvent, 0, n)
	timer := time.NewTimer(within)
	defer timer.Stop()
	for len(out) < n {
		select {
		case ev, ok := <-st.events:
			if !ok {
				t.Fatalf("stream ended after %d of %d events", len(out), n)
			}
			out = append(out, ev)
		case <-timer.C:
			t.Fatalf("got %d of %d events in %s", len(out), n, within)
		}
	}
	return out
}

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }

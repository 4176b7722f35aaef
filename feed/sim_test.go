package feed

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/sim/simtest"
)

// startSim starts a paused simulator (tests step it with CreateTasks and
// Advance) and a client for it.
func startSim(t *testing.T, o sim.Options) (*sim.Server, *api.Client) {
	t.Helper()
	s := simtest.Paused(t, o)
	return s, simClient(t, s.URL(), s.APIKey())
}

func simClient(t testing.TB, base, key string) *api.Client {
	t.Helper()
	tr := api.NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	c, err := api.NewClient(base, key, api.WithHTTPClient(&http.Client{Transport: tr}),
		api.WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// simSeq reads the sequence number the simulator puts in the last 56 bits
// of its event ids (see sim/ids.go), to check order and gaps.
func simSeq(t *testing.T, id string) uint64 {
	t.Helper()
	if len(id) != 36 {
		t.Fatalf("event id %q is not a UUID", id)
	}
	n, err := strconv.ParseUint(id[22:23]+id[24:], 16, 64)
	if err != nil {
		t.Fatalf("event id %q: %v", id, err)
	}
	return n & (1<<56 - 1)
}

// simConsumer is the UI's loop against a simulator: apply each batch,
// refetch what a resync reports missing, and account for every event.
type simConsumer struct {
	t       *testing.T
	c       *api.Client
	store   *Store
	applied map[string]int // event id → times Applied or Stale (received and used)
	order   []uint64       // seqs of events used, in arrival order
	dups    int
	lastID  string
	conn    ConnState
	skips   []Skip
	caught  *Caught // what a resumed start found

	forgotten int
	polls     int // batches that carried a poll
}

func newSimConsumer(t *testing.T, c *api.Client) *simConsumer {
	return &simConsumer{t: t, c: c, store: NewStore(StoreOptions{}), applied: map[string]int{}}
}

func (sc *simConsumer) take(ctx context.Context, b Batch) {
	ch := sc.store.ApplyBatch(&b)
	for i, e := range b.Events {
		switch ch.Outcomes[i] {
		case Applied, Stale:
			sc.applied[e.Env.EventID]++
			sc.order = append(sc.order, simSeq(sc.t, e.Env.EventID))
		case Duplicate:
			sc.dups++
		default:
			sc.t.Errorf("event %s: %v", e.Env.EventID, ch.Outcomes[i])
		}
		sc.lastID = e.Env.EventID
	}
	sc.skips = append(sc.skips, b.Skips...)
	if ch.Caught != nil {
		sc.caught = ch.Caught
	}
	if b.Conn != nil {
		sc.conn = *b.Conn
	}
	if b.Poll != nil {
		sc.polls++
	}
	if len(ch.Missing) > 0 {
		tasks, err := Refetch(ctx, sc.c, ch.Missing)
		var gone *GoneError
		switch {
		case errors.As(err, &gone):
			for _, id := range gone.IDs {
				sc.store.Forget(id)
				sc.forgotten++
			}
		case err != nil:
			sc.t.Errorf("refetch: %v", err)
		}
		for _, tk := range tasks {
			sc.store.ApplyTask(tk)
		}
	}
}

// until reads batches until cond holds.
func (sc *simConsumer) until(ctx context.Context, f *Feed, within time.Duration, what string, cond func() bool) {
	sc.t.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for !cond() {
		select {
		case b, ok := <-f.Batches():
			if !ok {
				sc.t.Fatalf("feed stopped while waiting for %s: %v", what, f.Wait())
			}
			sc.take(ctx, b)
		case <-deadline.C:
			sc.t.Fatalf("timed out waiting for %s (conn %+v, %d events, %d tasks)", what, sc.conn, len(sc.order), sc.store.Len())
		}
	}
}

// compareAll checks the store against every task the simulator holds.
func compareAll(t *testing.T, s *sim.Server, store *Store) {
	t.Helper()
	want := s.Tasks()
	if store.Len() != len(want) {
		t.Errorf("store holds %d tasks, the simulator %d", store.Len(), len(want))
	}
	bad := 0
	for _, w := range want {
		got, ok := store.Task(w.ID)
		if !ok || !sameTask(got, w) {
			if bad++; bad <= 5 {
				t.Errorf("task %s:\n got %+v\nwant %+v", w.ID, got, w)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d tasks differ", bad, len(want))
	}
}

// TestSoakAgainstSimulator: the simulator cuts the stream every ~100
// events (half the time mid-event) for 10,000 events. Nothing may be lost,
// applied twice or out of order, and the store must end equal to the
// simulator, task by task.
func TestSoakAgainstSimulator(t *testing.T) {
	noLeaks(t)
	const total = 10_000
	s, c := startSim(t, sim.Options{Seed: 42, TimeScale: 600, DropSSEEvery: 100, ReplayBuffer: 50_000})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := Start(ctx, c, Options{MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	sc := newSimConsumer(t, c)
	sc.until(ctx, f, 10*time.Second, "live", func() bool { return sc.conn.Phase == PhaseLive })

	// Produce in steps, letting the client keep up, as a real server would
	// over minutes.
	produced := func() int { return int(s.Counts().Events) }
	for produced() < total {
		s.CreateTasks(40)
		s.Advance(20 * time.Second)
		target := produced() - 2000
		sc.until(ctx, f, 30*time.Second, "the client to keep up", func() bool { return len(sc.order) >= target })
	}
	s.Advance(24 * time.Hour) // every task finishes
	last := s.LastEventID()
	sc.until(ctx, f, 60*time.Second, "the last event", func() bool { return sc.lastID == last })
	stop(t, cancel, f)

	first := sc.order[0]
	for i, n := range sc.order {
		if n != first+uint64(i) {
			t.Fatalf("event %d has seq %d, want %d: lost or out of order", i, n, first+uint64(i))
		}
	}
	if first != 1 {
		t.Errorf("first event seq %d: the client missed the start", first)
	}
	for id, n := range sc.applied {
		if n != 1 {
			t.Errorf("event %s used %d times", id, n)
		}
	}
	if len(sc.skips) > 0 {
		t.Errorf("skipped %d events, first %+v", len(sc.skips), sc.skips[0])
	}
	if got := len(sc.order); got != produced() {
		t.Errorf("received %d events, the simulator emitted %d", got, produced())
	}
	compareAll(t, s, sc.store)
	if sc.conn.Reconnects < total/300 {
		t.Errorf("only %d reconnects: the simulator should have cut the stream about every 100 events", sc.conn.Reconnects)
	}
	t.Logf("%d events, %d replayed duplicates dropped, %d reconnects, %d tasks", len(sc.order), sc.dups, sc.conn.Reconnects, sc.store.Len())
}

// switchProxy forwards to one simulator, then to another: a server that
// restarted and no longer knows the client's Last-Event-ID.
type switchProxy struct {
	mu      sync.Mutex
	target  *url.URL
	srv     *httptest.Server
	streams atomic.Int32
}

func newSwitchProxy(t *testing.T, target string) *switchProxy {
	p := &switchProxy{}
	p.set(target)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		u := p.target
		p.mu.Unlock()
		if r.URL.Path == "/events" {
			p.streams.Add(1)
		}
		rp := httputil.NewSingleHostReverseProxy(u)
		rp.FlushInterval = -1
		rp.ErrorLog = nil
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		p.srv.CloseClientConnections()
		p.srv.Close()
	})
	return p
}

func (p *switchProxy) set(target string) {
	u, _ := url.Parse(target)
	p.mu.Lock()
	p.target = u
	p.mu.Unlock()
}

// TestResyncWhenTheServerCannotResume: the server restarts (a new
// simulator behind the same address) and does not know the client's
// Last-Event-ID; the feed reconnects, resyncs from GET /tasks/active, and
// the tasks the old server had are refetched; those the new one does not
// have are reported gone.
func TestResyncWhenTheServerCannotResume(t *testing.T) {
	noLeaks(t)
	a, _ := startSim(t, sim.Options{Seed: 1, TimeScale: 600, APIKey: "sk_same"})
	b, _ := startSim(t, sim.Options{Seed: 2, TimeScale: 600, APIKey: "sk_same"})
	proxy := newSwitchProxy(t, a.URL())
	c := simClient(t, proxy.srv.URL, "sk_same")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := Start(ctx, c, Options{MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	sc := newSimConsumer(t, c)
	sc.until(ctx, f, 10*time.Second, "live", func() bool { return sc.conn.Phase == PhaseLive })

	a.CreateTasks(20)
	a.Advance(2 * time.Second) // some tasks under way, none finished
	lastA := a.LastEventID()
	sc.until(ctx, f, 10*time.Second, "server A's events", func() bool { return sc.lastID == lastA })

	// The "restart": B holds other tasks (queued, so GET /tasks/active
	// lists them) and has never seen lastA.
	b.CreateTasks(15)
	proxy.set(b.URL())
	proxy.srv.CloseClientConnections()
	sc.until(ctx, f, 10*time.Second, "live on server B", func() bool { return sc.conn.Phase == PhaseLive && sc.conn.Reconnects > 0 })
	b.CreateTasks(5)
	b.Advance(time.Hour)
	lastB := b.LastEventID()
	sc.until(ctx, f, 20*time.Second, "server B's state", func() bool {
		return sc.lastID == lastB && sc.store.Len() == len(b.Tasks())
	})
	stop(t, cancel, f)
	// Every task of B came through the resync (those B held before the
	// client switched over) or the events, and A's tasks, pending when the
	// client left, were found gone.
	compareAll(t, b, sc.store)
	if sc.forgotten != 20 {
		t.Errorf("%d tasks forgotten, want server A's 20", sc.forgotten)
	}
	if proxy.streams.Load() < 2 {
		t.Error("the client never reconnected")
	}
}

package sim

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

func seqs(t *testing.T, s *Server, evs []sseEvent) []uint64 {
	t.Helper()
	out := make([]uint64, len(evs))
	for i, ev := range evs {
		n, ok := parseEventID(s.epoch, ev.id)
		if !ok {
			t.Fatalf("event id %q is not one of this server's", ev.id)
		}
		out[i] = n
	}
	return out
}

// contiguous fails unless the events run from first on, one by one.
func contiguous(t *testing.T, s *Server, evs []sseEvent, first uint64) {
	t.Helper()
	for i, n := range seqs(t, s, evs) {
		if n != first+uint64(i) {
			t.Fatalf("event %d has seq %d; want %d (a gap or a repeat)", i, n, first+uint64(i))
		}
	}
}

func TestStreamInOrderWithIDs(t *testing.T) {
	s := startPaused(t, Options{Seed: 5})
	c := newClient(t, s)
	st := openStream(t, c, "")
	s.CreateTasks(10)
	s.Advance(time.Hour)
	total := int(s.Counts().Events)
	evs := st.next(t, total, 5*time.Second)
	contiguous(t, s, evs, 1)
	if evs[total-1].id != s.LastEventID() {
		t.Errorf("last event %s; LastEventID says %s", evs[total-1].id, s.LastEventID())
	}
	last := map[string]time.Time{}
	for _, ev := range evs {
		var env api.Envelope
		if err := json.Unmarshal([]byte(ev.data), &env); err != nil {
			t.Fatalf("data is not an envelope: %v", err)
		}
		if env.EventID != ev.id || env.EventType != ev.typ || env.Data.Task == nil || env.UserID == "" {
			t.Fatalf("SSE id/event %s/%s; envelope %+v", ev.id, ev.typ, env)
		}
		tk := env.Data.Task
		if prev, ok := last[tk.ID]; ok && !tk.Updated.After(prev) {
			t.Fatalf("task %s: updated %s does not move past %s", tk.ID, tk.Updated, prev)
		}
		last[tk.ID] = tk.Updated.Time
	}
}

func TestStreamResumesAfterLastEventIDWithNoGapOrRepeat(t *testing.T) {
	s := startPaused(t, Options{Seed: 9})
	c := newClient(t, s)
	whole := openStream(t, c, "")
	part := openStream(t, c, "")
	s.CreateTasks(20)
	s.Advance(30 * time.Second)
	first := part.next(t, 40, 5*time.Second)
	part.close()
	s.Advance(time.Hour) // events the client misses while away
	total := int(s.Counts().Events)
	resumed := openStream(t, c, first[len(first)-1].id)
	rest := resumed.next(t, total-40, 5*time.Second)
	want := whole.next(t, total, 5*time.Second)
	got := append(first, rest...)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("event %d after resuming: %+v; the unbroken stream has %+v", i, got[i].id, want[i].id)
		}
	}
	s.CreateTasks(1)
	if ev := resumed.next(t, 1, 5*time.Second)[0]; ev.id != s.LastEventID() {
		t.Errorf("the resumed stream did not go live: got %s, want %s", ev.id, s.LastEventID())
	}
}

func TestStreamWithUnknownOrTooOldIDStartsLive(t *testing.T) {
	s := startPaused(t, Options{ReplayBuffer: 16})
	c := newClient(t, s)
	ids := s.CreateTasks(40) // 40 events; the ring holds the last 16
	_ = ids
	other := startPaused(t, Options{})
	other.CreateTasks(1)
	for name, id := range map[string]string{
		"never issued":        "3f5d7e38-8c7c-4a22-9a7d-5702a8c3a111",
		"from another run":    other.LastEventID(),
		"older than the ring": eventID(s.epoch, 3),
		"not a UUID":          "42",
		"from the future":     eventID(s.epoch, 1000),
	} {
		st := openStream(t, c, id)
		s.CreateTasks(1)
		if ev := st.next(t, 1, 5*time.Second)[0]; ev.id != s.LastEventID() {
			t.Errorf("Last-Event-ID %s: first event %s; want the new one, %s", name, ev.id, s.LastEventID())
		}
		st.close()
	}
	// The oldest id the ring can still resume from replays the rest.
	n := s.Counts().Events
	st := openStream(t, c, eventID(s.epoch, n-16))
	contiguous(t, s, st.next(t, 16, 5*time.Second), n-15)
}

// rawStream opens GET /events on a plain TCP connection.
func rawStream(t *testing.T, s *Server, lastID string) (net.Conn, *bufio.Reader) {
	t.Helper()
	// A small receive buffer, set before connecting so TCP advertises a
	// small window: a client that stops reading stops the server sooner,
	// whatever the machine's defaults.
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10) })
	}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /events HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer %s\r\nAccept: text/event-stream\r\nLast-Event-ID: %s\r\n\r\n", s.APIKey(), lastID)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET /events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return conn, bufio.NewReader(resp.Body)
}

func TestStreamSendsRetryAndPings(t *testing.T) {
	s := startPaused(t, Options{TimeScale: 1500}) // pings every 10 ms
	_, r := rawStream(t, s, "")
	line, err := r.ReadString('\n')
	if err != nil || line != "retry: 10\n" {
		t.Fatalf("first line %q, %v; want retry: 10", line, err)
	}
	pings := 0
	deadline := time.Now().Add(5 * time.Second)
	for pings < 3 && time.Now().Before(deadline) {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == ": ping\n" {
			pings++
		}
	}
	if pings < 3 {
		t.Fatalf("%d pings in 5 s; want one every 10 ms", pings)
	}
}

// TestDropSSEEveryCutsAndResumeLosesNothing reads 300 events through a
// stream cut every ~20, half the time mid-event, reconnecting each time
// with the last whole event's id, as a correct client does.
func TestDropSSEEveryCutsAndResumeLosesNothing(t *testing.T) {
	s := startPaused(t, Options{DropSSEEvery: 20})
	c := newClient(t, s)
	s.CreateTasks(300)
	var got []sseEvent
	cuts, broken := 0, 0
	for len(got) < 300 && cuts < 100 {
		last := ""
		if len(got) > 0 {
			last = got[len(got)-1].id
		} else {
			last = eventID(s.epoch, 0) // before the first: replay everything
		}
		st := openStream(t, c, last)
		n := 0
		for ev := range st.events {
			got = append(got, ev)
			n++
			if len(got) == 300 {
				break // the last stream stays open: no event is left to cut it
			}
		}
		st.close()
		if err := <-st.done; err != nil && len(got) < 300 {
			broken++ // the server cut it mid-event (the last one the test closed itself)
		}
		if n > 30 || len(got) < 300 && n < 10 {
			t.Fatalf("a stream carried %d events; DropSSEEvery 20 cuts after 10 to 30", n)
		}
		cuts++
	}
	t.Logf("%d streams, %d ended mid-event", cuts, broken)
	contiguous(t, s, got[:300], 1)
	if cuts < 10 || broken < cuts/2-1 || broken >= cuts-1 {
		t.Errorf("%d cuts for 300 events, %d of them mid-event; want about 15, half mid-event", cuts, broken)
	}
}

// TestSlowClientNeverBlocksTheEngine: a client that stops reading holds no
// one up; once it reads again it gets whole, contiguous events and then the
// end of the stream, because it fell out of the replay ring.
func TestSlowClientNeverBlocksTheEngine(t *testing.T) {
	s := startPaused(t, Options{ReplayBuffer: 1000})
	conn, r := rawStream(t, s, "")
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "retry:") {
		t.Fatalf("first line %q", line)
	}
	done := make(chan struct{})
	go func() {
		for range 20 {
			s.CreateTasks(1000) // about 14 MB of events, more than socket buffers hold
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("creating tasks blocked on a client that does not read")
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	var evs []sseEvent
	cur := sseEvent{}
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d events: %v", len(evs), err)
		}
		switch {
		case strings.HasPrefix(line, "id: "):
			cur.id = strings.TrimSpace(line[4:])
		case line == "\n" && cur.id != "":
			evs = append(evs, cur)
			cur = sseEvent{}
		}
	}
	// On a busy machine the stream's writer may find the client out of the
	// ring before it wrote a single event: none, then the cut, is right too.
	if len(evs) >= 20000 {
		t.Fatalf("the slow client got all %d events; want the cut once it fell out of the replay ring", len(evs))
	}
	contiguous(t, s, evs, 1)
}

// TestStreamAgreesWithTheAPI runs the engine for real, applies the stream
// to a map, and compares it with GET /tasks/{id}, GET /tasks/active and
// Tasks() once paused.
func TestStreamAgreesWithTheAPI(t *testing.T) {
	s := startSim(t, Options{Seed: 21, Rate: 300, TimeScale: 300})
	c := newClient(t, s)
	st := openStream(t, c, eventID(s.epoch, 0))
	seen := map[string]api.Task{}
	apply := func(ev sseEvent) {
		var env api.Envelope
		if err := json.Unmarshal([]byte(ev.data), &env); err != nil {
			t.Fatal(err)
		}
		seen[env.Data.Task.ID] = *env.Data.Task
	}
	for _, ev := range st.next(t, 2000, 20*time.Second) {
		apply(ev)
	}
	s.Pause()
	last := s.LastEventID()
	for ev := range st.events {
		apply(ev)
		if ev.id == last {
			break
		}
	}
	ctx := context.Background()
	tasks := s.Tasks()
	if len(tasks) != len(seen) {
		t.Fatalf("the stream announced %d tasks; the simulator holds %d", len(seen), len(tasks))
	}
	listed := 0
	for _, want := range tasks {
		if got := seen[want.ID]; !sameTask(got, want) {
			t.Fatalf("task %s: stream %+v; simulator %+v", want.ID, got, want)
		}
		if got, err := c.Task(ctx, want.ID); err != nil || !sameTask(got, want) {
			t.Fatalf("GET /tasks/%s: %+v, %v; want %+v", want.ID, got, err, want)
		}
		if !want.Done() || want.HasFailed() {
			listed++
		}
	}
	active, err := c.ActiveTasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != listed {
		t.Errorf("GET /tasks/active lists %d; %d are queued, processing or failed", len(active), listed)
	}
	for _, a := range active {
		if !sameTask(a, seen[a.ID]) {
			t.Fatalf("active %s differs from the stream", a.ID)
		}
	}
}

func sameTask(a, b api.Task) bool {
	if a.ID != b.ID || a.AssetID != b.AssetID || a.UserID != b.UserID || !a.Created.Equal(b.Created.Time) || !a.Updated.Equal(b.Updated.Time) || len(a.Features) != len(b.Features) {
		return false
	}
	for k, v := range a.Features {
		if b.Features[k] != v {
			return false
		}
	}
	return true
}

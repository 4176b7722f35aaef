package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	sse "github.com/tmaxmax/go-sse"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
)

// fullDisk is a file on a disk with room for cap bytes: the write that
// does not fit writes what fits and fails, as ext4 does.
type fullDisk struct {
	mu       sync.Mutex
	data     []byte
	cap      int
	failedAt time.Time // the first failed write
}

func (d *fullDisk) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if room := d.cap - len(d.data); len(p) > room {
		d.data = append(d.data, p[:max(room, 0)]...)
		if d.failedAt.IsZero() {
			d.failedAt = time.Now()
		}
		return max(room, 0), syscall.ENOSPC
	}
	d.data = append(d.data, p...)
	return len(p), nil
}

func (d *fullDisk) Truncate(n int64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.data = d.data[:n]
	return nil
}

func (d *fullDisk) Close() error { return nil }

func (d *fullDisk) state() ([]byte, time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return bytes.Clone(d.data), d.failedAt
}

func onFullDisk(t *testing.T, size int) *fullDisk {
	d := &fullDisk{cap: size}
	old := openRecordFile
	openRecordFile = func(string) (recordFile, int64, error) { return d, 0, nil }
	t.Cleanup(func() { openRecordFile = old })
	return d
}

// recordedEvents parses the recording as a client replaying it would, and
// fails on a cut event. It counts the snapshots tail records too.
func recordedEvents(t *testing.T, data []byte) int {
	t.Helper()
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n\n")) {
		t.Fatalf("the recording ends mid-event: …%q", data[max(0, len(data)-80):])
	}
	n := 0
	for ev, err := range sse.Read(bytes.NewReader(data), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid([]byte(ev.Data)) {
			t.Fatalf("event %d is not a whole JSON document (an envelope, or a snapshot of tasks): %q", n+1, ev.Data)
		}
		n++
	}
	return n
}

func TestTailRecordOnAFullDiskStopsAtOnce(t *testing.T) {
	disk := onFullDisk(t, 16<<10)
	s := startTailSim(t, sim.Options{Seed: 3, TimeScale: 600})
	env := map[string]string{envAPIURL: s.URL(), envAPIKey: s.APIKey(), "XDG_CONFIG_HOME": t.TempDir()}
	cli := startCLI(t, env, []string{"tail", "--json", "--record", "session.sse"})
	cli.waitErr(t, "streaming events")
	s.CreateTasks(60)
	s.Advance(time.Hour)

	code := cli.wait(t)
	exited := time.Now()
	data, failedAt := disk.state()
	if failedAt.IsZero() {
		t.Fatalf("no write failed; exit %d", code)
	}
	if code == 0 {
		t.Errorf("the disk filled, yet exit 0; stderr:\n%s", cli.err.String())
	}
	if d := exited.Sub(failedAt); d > time.Second {
		t.Errorf("exited %v after the first failed write", d)
	}
	n := recordedEvents(t, data)
	msg := cli.err.String()
	if !strings.Contains(msg, "--record session.sse") || !strings.Contains(msg, "no space left on device") ||
		!strings.Contains(msg, fmt.Sprintf("%d event(s) recorded", n)) {
		t.Errorf("stderr does not say which file, why and how much was kept (%d events):\n%s", n, msg)
	}
	t.Logf("%d events recorded in %d bytes; exit %d, %v after the failed write; stderr: %s", n, len(data), code, exited.Sub(failedAt), lastOf(msg, 300))
}

func TestTailRecordErrorsWarnGoesOn(t *testing.T) {
	disk := onFullDisk(t, 8<<10)
	s := startTailSim(t, sim.Options{Seed: 3, TimeScale: 600})
	cli, _ := tailEvery(t, s, 60, "--json", "--record", "session.sse", "--record-errors=warn")
	msg := cli.err.String()
	if strings.Count(msg, "going on without recording") != 1 || !strings.Contains(msg, "no space left on device") {
		t.Errorf("want one warning naming the cause:\n%s", msg)
	}
	data, _ := disk.state()
	recordedEvents(t, data)
}

func TestTailRecordErrorsIsStopOrWarn(t *testing.T) {
	code, _, errOut := runCLI(t, map[string]string{envAPIURL: "http://127.0.0.1:1", envAPIKey: "sk_test_x", "XDG_CONFIG_HOME": t.TempDir()}, "tail", "--record-errors=ignore")
	if code != exitUsage || !strings.Contains(errOut, "stop or warn") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// pacedStream is an event stream that makes total events at rate a
// second from its first connection on, and replays after Last-Event-ID
// whatever was made: the server's buffering. Events are made again from
// their number, so the server holds none in memory.
type pacedStream struct {
	rate, total int
	start       time.Time
	once        sync.Once
	made        atomic.Int64
}

func pacedEvent(i int) string {
	ts := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)
	return fmt.Sprintf(`{"timestamp":%q,"user_id":"u","event_id":"e%d","event_type":"task.progress","data":{"task":{"id":"task_%d","features":{"proxy":{"state":"processing"},"preview":{"state":"queued"}},"created":"2025-06-01T11:00:00Z","updated":%q,"note":%q}}}`,
		ts, i, i%20, ts, strings.Repeat("x", 300))
}

func (p *pacedStream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/tasks/active":
		w.Write([]byte("[]"))
		return
	case "/events":
	default:
		http.NotFound(w, r)
		return
	}
	p.once.Do(func() { p.start = time.Now() })
	next := 1
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		fmt.Sscanf(id, "e%d", &next)
		next++
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	wrote := time.Now()
	for {
		due := min(p.total, int(time.Since(p.start).Seconds()*float64(p.rate)))
		for ; next <= due; next++ {
			if _, err := fmt.Fprintf(w, "id: e%d\nevent: task.progress\ndata: %s\n\n", next, pacedEvent(next)); err != nil {
				return
			}
			wrote = time.Now()
		}
		// A live server says so when it has nothing to send, as the
		// simulator does: once every event is made, a stream silent for
		// the stall window while tail is still printing (slow under load)
		// would be a dead one, and that is not what this test is about.
		if time.Since(wrote) > 250*time.Millisecond {
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
				return
			}
			wrote = time.Now()
		}
		w.(http.Flusher).Flush()
		p.made.Store(int64(due))
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// stalledOut is a reader that stops reading after after lines until
// released, as a pipe into a consumer that stalls.
type stalledOut struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	after   int
	stalled chan struct{} // closed when the stall begins
	release chan struct{}
	freed   sync.Once
}

func (o *stalledOut) free() { o.freed.Do(func() { close(o.release) }) }

func (o *stalledOut) Write(p []byte) (int, error) {
	o.mu.Lock()
	if bytes.Count(o.buf.Bytes(), []byte("\n")) >= o.after {
		select {
		case <-o.stalled:
		default:
			close(o.stalled)
		}
		o.mu.Unlock()
		<-o.release
		o.mu.Lock()
	}
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *stalledOut) lines() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return outLines(o.buf.String())
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A reader of tail --json that stalls while 400 events a second arrive:
// tail stops reading the stream at its bound instead of holding every
// event, and once the reader reads again every event is printed, once, in
// order. (The stall was 30 s; 8 s at 400 a second is 3,200 events,
// three times what the feed may hold.)
func TestTailJSONIntoAStalledReaderHoldsAtMostTheBound(t *testing.T) {
	const rate, stall = 400, 8 * time.Second
	p := &pacedStream{rate: rate, total: rate * int(stall/time.Second)}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	held := make(chan func() int, 1)
	tailStarted = func(f *feed.Feed) { held <- f.Held }
	t.Cleanup(func() { tailStarted = nil })

	out := &stalledOut{after: 200, stalled: make(chan struct{}), release: make(chan struct{})}
	var errb clitest.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan int, 1)
	// A stall window shorter than the stall: the stream the reader stopped
	// reading is not taken for a silent one.
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "aspect-tui"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "aspect-tui", "config.toml"), []byte("stall_window = \"2s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{envAPIURL: srv.URL, envAPIKey: "sk_test_x", "XDG_CONFIG_HOME": xdg}
	go func() {
		exited <- run(ctx, []string{"tail", "--json"}, &stdio{in: strings.NewReader(""), out: out, err: &errb, getenv: func(k string) string { return env[k] }})
	}()
	t.Cleanup(func() {
		cancel()
		out.free()
		select {
		case <-exited:
		case <-time.After(clitest.Patience):
			t.Error("tail did not stop")
		}
	})
	held0 := <-held
	select {
	case <-out.stalled:
	case <-time.After(clitest.Patience):
		t.Fatalf("never printed 200 lines; stderr:\n%s", errb.String())
	}

	// The stall: until the server has made every event.
	heap0 := liveHeap()
	maxHeld, maxHeap := 0, heap0
	deadline := time.Now().Add(clitest.Patience)
	for int(p.made.Load()) < p.total {
		if time.Now().After(deadline) {
			t.Fatalf("the server made %d of %d events in %v; stderr:\n%s", p.made.Load(), p.total, clitest.Patience, errb.String())
		}
		maxHeld = max(maxHeld, held0())
		maxHeap = max(maxHeap, liveHeap())
		time.Sleep(100 * time.Millisecond) // sampling, not waiting for anything
	}
	maxHeld = max(maxHeld, held0())
	maxHeap = max(maxHeap, liveHeap())
	out.free()

	bound := 2 * feed.DefaultMaxPending
	t.Logf("stalled while %d events arrived: the feed held at most %d (bound %d); live heap %.1f MB -> at most %.1f MB (+%.1f MB)",
		p.total-200, maxHeld, bound, float64(heap0)/1e6, float64(maxHeap)/1e6, float64(maxHeap-heap0)/1e6)
	if maxHeld > bound {
		t.Errorf("the feed held %d events for a stalled reader; the bound is %d", maxHeld, bound)
	}
	// With tail's own batch, 1.5 times the feed's bound, at about 1.4 KB
	// an event (measured here without the bound: +4.1 MB for 3,000).
	if grew := int64(maxHeap) - int64(heap0); grew > 3<<20 {
		t.Errorf("the live heap grew by %.1f MB while the reader stalled", float64(grew)/1e6)
	}

	clitest.Wait(t, "every event printed", func() bool { return len(out.lines()) >= p.total }, nil, func() string { return errb.String() })
	for i, line := range out.lines() {
		if want := fmt.Sprintf(`"event_id":"e%d"`, i+1); !strings.Contains(line, want) {
			t.Fatalf("line %d: want %s, got %s", i+1, want, api.Clip(line, 120))
		}
	}
	if n := len(out.lines()); n != p.total {
		t.Errorf("%d lines for %d events", n, p.total)
	}
	if msg := errb.String(); strings.Contains(msg, "reconnecting") {
		t.Errorf("the stall was taken for a dead stream:\n%s", msg)
	}
}

// resumingStream sends events 1..cut, closes the stream, and on the
// reconnect either replays from Last-Event-ID or, when it no longer holds
// them, resumes at lostTo+1: the snapshot then shows changes no event
// explained.
type resumingStream struct {
	cut, lostTo, total int
	replays            bool
	snapAt             atomic.Int64  // GET /tasks/active shows the tasks as of this event
	snapped            chan struct{} // a token after each GET /tasks/active
}

func pacedTask(i int) string {
	ev := pacedEvent(i)
	start := strings.Index(ev, `"task":`) + len(`"task":`)
	return ev[start : len(ev)-2]
}

func (s *resumingStream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/tasks/active":
		at := int(s.snapAt.Load())
		var tasks []string
		for i := max(1, at-19); i <= at; i++ {
			tasks = append(tasks, pacedTask(i))
		}
		fmt.Fprintf(w, "[%s]", strings.Join(tasks, ","))
		select {
		case s.snapped <- struct{}{}:
		default:
		}
		return
	case "/events":
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	send := func(from, to int) {
		for i := from; i <= to; i++ {
			fmt.Fprintf(w, "id: e%d\nevent: task.progress\ndata: %s\n\n", i, pacedEvent(i))
		}
		w.(http.Flusher).Flush()
	}
	if r.Header.Get("Last-Event-ID") == "" {
		// The feed takes its snapshot once the stream is open; the tasks
		// move on only after it did, or that first snapshot would already
		// show them moved and no gap could be told.
		select {
		case <-s.snapped: // tail's own fetch, before the stream
		default:
		}
		w.Write([]byte("retry: 10\n\n"))
		send(1, s.cut)
		select {
		case <-s.snapped:
		case <-r.Context().Done():
			return
		}
		s.snapAt.Store(int64(s.lostTo)) // while away, the tasks moved on
		return
	}
	from := s.lostTo + 1
	if s.replays {
		from = s.cut + 1
	}
	send(from, s.total)
	<-r.Context().Done()
}

// After a reconnect the server either replays what tail missed, and every
// event is printed once in order with no gap said, or it no longer holds
// them: then tail says so on stderr and --json carries a marked gap line
// where the events are missing.
func TestTailJSONSaysWhenTheStreamResumesPastAGap(t *testing.T) {
	for _, replays := range []bool{true, false} {
		t.Run(fmt.Sprintf("replays=%v", replays), func(t *testing.T) {
			s := &resumingStream{cut: 500, lostTo: 800, total: 1000, replays: replays, snapped: make(chan struct{}, 1)}
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			env := map[string]string{envAPIURL: srv.URL, envAPIKey: "sk_test_x", "XDG_CONFIG_HOME": t.TempDir()}
			cli := startCLI(t, env, []string{"tail", "--json"})
			want := s.total
			if !replays {
				want = s.cut + 1 + s.total - s.lostTo
			}
			cli.waitFor(t, fmt.Sprintf("%d lines", want), func() bool { return len(outLines(cli.out.String())) >= want })
			if code := cli.interrupt(t); code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", code, cli.err.String())
			}
			out := outLines(cli.out.String())
			if len(out) != want {
				t.Fatalf("%d lines, want %d", len(out), want)
			}
			next := 1
			for i, line := range out {
				var gap struct {
					Kind  string     `json:"aspect_tui"`
					After string     `json:"after"`
					Tasks []api.Task `json:"tasks"`
				}
				if json.Unmarshal([]byte(line), &gap) == nil && gap.Kind == "gap" {
					if replays || next != s.cut+1 || gap.After != fmt.Sprintf("e%d", s.cut) || len(gap.Tasks) != 20 {
						t.Fatalf("line %d: a gap line after e%d: %s", i+1, next-1, api.Clip(line, 200))
					}
					next = s.lostTo + 1
					continue
				}
				if want := fmt.Sprintf(`"event_id":"e%d"`, next); !strings.Contains(line, want) {
					t.Fatalf("line %d: want e%d, got %s", i+1, next, api.Clip(line, 120))
				}
				next++
			}
			said := strings.Contains(cli.err.String(), "gap: the stream resumed after event e500 without the events that changed 20 task(s)")
			if said == replays {
				t.Errorf("replays=%v, yet stderr:\n%s", replays, cli.err.String())
			}
		})
	}
}

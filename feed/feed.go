package feed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Options tune the feed. Zero values take the defaults.
type Options struct {
	StallWindow   time.Duration // a stream silent this long (no bytes, comments included) is reconnected; default 45s
	MaxEventSize  int           // events with more data than this are skipped; default 1 MiB
	FrameInterval time.Duration // at most one Batch per interval; default DefaultFrameInterval
	// MaxPending bounds the events (and skips) waiting for the consumer
	// in the next batch; default DefaultMaxPending. When that many wait,
	// the feed stops reading the stream until the consumer takes them:
	// nothing is dropped, and the server holds the rest.
	MaxPending int
	// MinBackoff and MaxBackoff bound the wait between reconnects (jittered,
	// doubling per failed attempt, reset after a healthy connection);
	// defaults 500ms and 30s. A server's `retry:` and Retry-After lengthen a
	// wait, never shorten it.
	MinBackoff, MaxBackoff time.Duration
	// LastEventID, when set, is sent as Last-Event-ID on the first
	// connection too, as if resuming after that event (the server replays
	// what followed it while it still holds it).
	LastEventID string
	// Resume, when its ID is set, resumes a previous session: the first
	// connection sends it as Last-Event-ID, the events the server replays
	// are marked Replayed, and the batch that ends the catch-up carries a
	// Batch.Resume (see resume.go). It takes precedence over LastEventID.
	Resume Mark
	// MaxCatchUp ends a resumed start's catch-up at the latest, for a
	// stream that neither falls quiet nor shows an event past the
	// snapshot (see catchUp); default 5s.
	MaxCatchUp time.Duration
	Now        func() time.Time // default time.Now

	// PollInterval spaces the reads of GET /tasks/active while there is
	// no live stream; default 5s (what Aspect's SDK uses to watch a task).
	PollInterval time.Duration
	// PollParallel bounds the GET /tasks/{id} calls polling makes at once
	// (one per task that left the active list); default 4.
	PollParallel int
	// MaxBackoffPolling bounds the wait between the stream attempts made
	// in the background while polling; default 5m.
	MaxBackoffPolling time.Duration

	// EventsURL is where the stream lives when it is not at the API's
	// /events: an absolute http(s) URL, or a path relative to the API's
	// base URL ("/v2/events"). Empty: the client's own /events route.
	EventsURL string
	// APIKey and HTTPClient open the stream at EventsURL, because
	// api.Client opens only its own /events and does not lend its key:
	// APIKey is sent as the Bearer token, and HTTPClient defaults to one
	// on api.NewTransport(). Unused without EventsURL.
	APIKey     string
	HTTPClient *http.Client

	// ReadyWithin bounds the first snapshot's fetch, retries included,
	// from when it starts, so that Ready reports what the API answered
	// last rather than a wait that ran out; 0: no bound beyond the
	// client's own.
	ReadyWithin time.Duration
}

// Defaults.
const (
	DefaultStallWindow  = 45 * time.Second
	DefaultMaxEventSize = 1 << 20
	// DefaultMaxCatchUp bounds a resumed start's catch-up: a replay of
	// the 10,000 events a server may hold, over a slow link.
	DefaultMaxCatchUp = 5 * time.Second
	// DefaultFrameInterval spaces batches a thirtieth of a second apart
	// at most. A lone event is handed over at once; a burst is coalesced.
	// Each batch makes the screen redraw, and redrawing (Bubble Tea reads
	// the whole view and diffs it cell by cell) is most of the dashboard's
	// work in a storm: at 1,000 events a second, 30 batches a second
	// instead of 60 cut its CPU by about a third and the bytes sent to the
	// terminal by 40%, and 30 redraws a second still read as live.
	DefaultFrameInterval = time.Second / 30
	// DefaultMaxPending lets a consumer fall about half a second behind a
	// storm of 1,000 events a second before the stream waits for it. The
	// feed then holds at most twice this (one batch pending, one handed
	// over but not yet received): at about 2 KB an event decoded, 2 MB.
	DefaultMaxPending = 512
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second

	DefaultPollInterval      = 5 * time.Second
	DefaultPollParallel      = 4
	DefaultMaxBackoffPolling = 5 * time.Minute
)

// maxServerWait caps what a server's retry: or Retry-After may ask, so a
// misconfigured server cannot park the feed for a day.
const maxServerWait = 10 * time.Minute

// healthyAfter is how long a connection that delivered no event must stay
// up to count as healthy (one that delivered an event counts at once).
const healthyAfter = 10 * time.Second

func (o Options) withDefaults() Options {
	if o.StallWindow <= 0 {
		o.StallWindow = DefaultStallWindow
	}
	if o.MaxEventSize <= 0 {
		o.MaxEventSize = DefaultMaxEventSize
	}
	if o.FrameInterval <= 0 {
		o.FrameInterval = DefaultFrameInterval
	}
	if o.MaxPending <= 0 {
		o.MaxPending = DefaultMaxPending
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxCatchUp <= 0 {
		o.MaxCatchUp = DefaultMaxCatchUp
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.PollParallel <= 0 {
		o.PollParallel = DefaultPollParallel
	}
	if o.MaxBackoffPolling <= 0 {
		o.MaxBackoffPolling = DefaultMaxBackoffPolling
	}
	o.MaxBackoffPolling = max(o.MaxBackoffPolling, o.MinBackoff)
	return o
}

// Feed is the live feed: one goroutine owns the SSE connection (connect,
// resync, read, back off, reconnect) and another hands the consumer at most
// one merged Batch per frame.
type Feed struct {
	c    *api.Client
	opts Options

	co     coalescer
	out    chan Batch
	gate   atomic.Int64 // Unix nanoseconds: the next batch goes no sooner
	inHand atomic.Int64 // events and skips in the batch deliver is handing over

	wg       sync.WaitGroup
	err      error                      // set by the supervisor before it exits
	panicked atomic.Pointer[PanicError] // the first panic caught, if any

	// stopFeed ends the supervisor with a cause: a key refused while
	// polling, or a panic in the poller.
	stopFeed context.CancelCauseFunc
	events   eventsSource

	// The last state handed over and the last poll's error, shared by
	// the supervisor and the poller.
	mu      sync.Mutex
	cur     ConnState
	pollErr error

	// ready carries the first connection's outcome to Ready.
	ready chan error
	// readyDone is closed with the first connection's outcome: deliver
	// holds what came before it (the connection's first states), so the
	// first batch holds the snapshot and the first screen its rows
	// (when Options.ReadyWithin is set).
	readyDone chan struct{}
	readyOnce sync.Once
	waiting   atomic.Pointer[waitingOn]

	// Owned by the supervisor goroutine.
	bounded  bool // the first snapshot was taken, within ReadyWithin
	drops    int
	lastDrop string
	// resuming is the mark a start resumes from until its catch-up has
	// been handed over; catching marks the events read until then, and
	// pastSnapshot, while it is set, ends the catch-up at the first event
	// the snapshot shows happened after it (see catchUp).
	resuming     *Mark
	catching     atomic.Bool
	pastSnapshot func(*Event)
}

// Start loads GET /tasks/active (delivered as the first Batch's Resync) and
// streams GET /events until ctx is done or the API refuses the key. On
// every (re)connect the stream is opened first and the snapshot taken
// second, so that no change falls between the two.
func Start(ctx context.Context, c *api.Client, o Options) *Feed {
	f := &Feed{c: c, opts: o.withDefaults(), out: make(chan Batch), ready: make(chan error, 1), readyDone: make(chan struct{})}
	f.co.wake = make(chan struct{}, 1)
	f.events = newEventsSource(c, f.opts)
	// A panic in any goroutine (a bug, most likely in reading what the
	// network sent) stops the feed with a *PanicError instead of killing
	// the process with the terminal still in raw mode.
	ctx, cancel := context.WithCancel(ctx)
	supCtx, supCancel := context.WithCancelCause(ctx)
	f.stopFeed = supCancel
	f.co.max, f.co.room, f.co.done = f.opts.MaxPending, make(chan struct{}, 1), supCtx.Done()
	supDone := make(chan struct{})
	f.wg.Add(2)
	go func() {
		defer f.wg.Done()
		defer close(supDone)
		defer func() {
			if r := recover(); r != nil {
				f.readied(f.crashed(r, debug.Stack()))
			}
			f.readied(errFeedStopped)
		}()
		f.err = f.supervise(supCtx)
	}()
	go func() {
		defer f.wg.Done()
		defer func() {
			if r := recover(); r != nil {
				f.panicked.CompareAndSwap(nil, &PanicError{Value: r, Stack: debug.Stack()})
				cancel()
			}
		}()
		f.deliver(ctx, supDone)
	}()
	go func() {
		f.wg.Wait()
		cancel()
	}()
	return f
}

// PanicError is a panic caught inside the feed (the feed stopped, the
// program did not) or in Refetch (that fetch failed). Stack is for a crash
// report.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return "an internal error (a bug in aspect-tui): " + api.Clip(fmt.Sprint(e.Value), 200)
}

// crashed records the supervisor's panic and says so to the consumer, as
// its last state.
func (f *Feed) crashed(r any, stack []byte) *PanicError {
	pe := &PanicError{Value: r, Stack: stack}
	f.panicked.CompareAndSwap(nil, pe)
	f.mu.Lock()
	drops, last := f.cur.Reconnects, f.cur.LastDrop
	f.mu.Unlock()
	// time.Now, not Options.Now: nothing that might be the bug.
	f.co.conn(ConnState{Phase: PhaseStopped, Since: time.Now(), Reason: "the live feed stopped on " + pe.Error(), Err: pe,
		Reconnects: drops, LastDrop: last})
	return pe
}

// Batches delivers at most one Batch per FrameInterval. It is closed when
// the feed stops: when ctx is done, or when the API refuses the key (then
// the last batch carries Conn.Phase == PhaseStopped with the reason).
func (f *Feed) Batches() <-chan Batch { return f.out }

// Wait blocks until every goroutine of the feed has exited. It returns nil
// when the feed stopped because its context was done, else the reason it
// stopped (an *api.Error for a refused key, a *PanicError for a bug).
func (f *Feed) Wait() error {
	f.wg.Wait()
	if pe := f.panicked.Load(); pe != nil {
		return pe
	}
	return f.err
}

// deliver hands the consumer what the supervisor accumulated, once per
// frame at most. While the consumer is busy the supervisor keeps adding to
// the next batch, so a slow screen never slows the connection.
func (f *Feed) deliver(ctx context.Context, supDone <-chan struct{}) {
	defer close(f.out)
	var last time.Time
	// Only a caller that waits for Ready before it reads (ReadyWithin set:
	// the dashboard) gets the first batch held; one that shows what comes
	// at once (tail) sees "connecting" at once, even from an API that
	// never answers.
	var ready <-chan struct{}
	if f.opts.ReadyWithin > 0 {
		ready = f.readyDone
	}
	for {
		stopping := false
		select {
		case <-ctx.Done():
			return
		case <-f.co.wake:
		case <-supDone:
			stopping = true
		}
		// Until the first connection's outcome, a first batch of nothing
		// but connection states ("connecting") waits for it, so that the
		// first batch holds the snapshot and the first frame its rows,
		// instead of taking the frame interval the snapshot then waits.
		// Once a batch has gone, nothing waits for anything but room.
		for ready != nil && !stopping && f.co.connOnly() {
			select {
			case <-ctx.Done():
				return
			case <-ready:
				ready = nil
			case <-f.co.wake:
			case <-supDone:
				stopping = true
			}
		}
		if wait := f.opts.FrameInterval - time.Since(last); wait > 0 && !last.IsZero() {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if b := f.co.take(); !b.Empty() {
			f.inHand.Store(int64(len(b.Events) + len(b.Skips)))
			// The interval runs from the take, not from the hand-over: a
			// consumer that took a few milliseconds to come for this
			// batch does not push the next one back by as much.
			taken := time.Now()
			f.gate.Store(taken.Add(f.opts.FrameInterval).UnixNano())
			select {
			case f.out <- b:
				last, ready = taken, nil
			case <-ctx.Done():
				return
			}
			f.inHand.Store(0)
		}
		if stopping {
			return
		}
	}
}

// Held counts the events and skips the feed holds that the consumer has
// not received: at most twice Options.MaxPending.
func (f *Feed) Held() int { return f.co.held() + int(f.inHand.Load()) }

// Refetch GETs each task (at most 8 at once), for Changes.Missing after a
// resync: tasks that finished while events were missed. It returns what it
// fetched, and an error joining what failed; a task the API no longer has
// (404, as after a simulator restart) is not a failure of the call but is
// listed in a *GoneError within it, so the caller can Forget it.
func Refetch(ctx context.Context, c *api.Client, ids []string) ([]api.Task, error) {
	const parallel = 8
	var (
		mu    sync.Mutex
		tasks = make([]api.Task, 0, len(ids))
		errs  []error
		gone  []string
		wg    sync.WaitGroup
		sem   = make(chan struct{}, parallel)
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, id := range ids {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t, err := fetchTask(ctx, c, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				tasks = append(tasks, t)
			case api.StatusOf(err) == 404:
				gone = append(gone, id)
			case ctx.Err() != nil:
				// Cancelled: reported once, below.
			default:
				errs = append(errs, err)
				if api.IsUnauthorized(err) {
					cancel()
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil && len(errs) == 0 {
		errs = append(errs, err)
	}
	if len(gone) > 0 {
		slices.Sort(gone)
		errs = append(errs, &GoneError{IDs: gone})
	}
	return tasks, errors.Join(errs...)
}

// fetchTask is c.Task with a panic (a bug reading what the API sent)
// turned into an error: it runs on a goroutine of its own, where a panic
// would end the process with the terminal still in raw mode.
func fetchTask(ctx context.Context, c *api.Client, id string) (t api.Task, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return c.Task(ctx, id)
}

// GoneError lists tasks the API answered 404 for: they no longer exist, and
// the store should Forget them rather than show them as pending forever.
type GoneError struct{ IDs []string }

func (e *GoneError) Error() string {
	return fmt.Sprintf("%d task(s) no longer exist on the server (first: %s)", len(e.IDs), api.Clip(e.IDs[0], 60))
}

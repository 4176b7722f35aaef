package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// ErrStalled is why a stream that stayed silent past the stall window was
// dropped.
var ErrStalled = errors.New("the stream went silent")

// session is what one connection attempt ended with.
type session struct {
	err        error         // why it ended; nil for a clean close by the server
	fatal      bool          // retrying will not help: stop
	healthy    bool          // it went live and delivered, so backoff starts over
	opened     bool          // the server answered with an event stream
	live       bool          // the stream sent something (an event, a comment, a retry:)
	retryAfter time.Duration // the server's Retry-After on a refused attempt
}

// supervise owns the connection until ctx is done or the API refuses the
// key. It returns nil for the former, the API's error for the latter.
//
// When the stream is not offered (404, 405, 501), answers with something
// else than an event stream, or fails pollAfter times in a row without
// going live (before or after it was live), it polls (see poll) and keeps trying the stream in the
// background, backing off up to MaxBackoffPolling; the first attempt that
// goes live ends the polling. The snapshot taken when the stream opens
// covers what happened since the last poll, and the store's `updated`
// check drops what both saw, so the switch has no gap and no repeat.
func (f *Feed) supervise(ctx context.Context) error {
	sr := &streamReader{
		lastID:   f.opts.LastEventID,
		maxEvent: f.opts.MaxEventSize,
		now:      f.opts.Now,
		onEvent:  f.co.event,
		onSkip:   f.co.skip,
	}
	if m := f.opts.Resume; m.ID != "" {
		sr.lastID, f.resuming = m.ID, &m
		sr.onEvent = func(e Event) {
			if f.pastSnapshot != nil {
				f.pastSnapshot(&e)
			}
			e.Replayed = f.catching.Load()
			f.co.event(e)
		}
	}
	defer f.events.close()
	var pol *poller // non-nil while polling
	defer func() { pol.stop() }()
	synced := false // a snapshot has been handed over at least once
	failures := 0   // attempts since the last healthy connection
	dead := 0       // attempts in a row that never went live
	reason := ""    // while polling: why there is no live stream
	f.state(ConnState{Phase: PhaseConnecting, Since: f.opts.Now(), Attempt: 1})
	for {
		s := f.connect(ctx, sr, &synced, pol)
		if s.live {
			dead = 0
			pol = nil // connect stopped it
		}
		if ctx.Err() != nil {
			return f.stopped(ctx)
		}
		if s.fatal {
			f.state(ConnState{Phase: PhaseStopped, Since: f.opts.Now(), Reason: api.Clip(s.err.Error(), 300), Err: s.err})
			return s.err
		}
		if s.healthy {
			failures = 0
		}
		failures++
		if !s.live {
			dead++
		}
		// pollAfter attempts in a row that never went live lead to polling,
		// whether or not the stream was live before: the grid keeps moving
		// while the stream is retried in the background. The count is
		// capped so that the reason stays put while the stream keeps
		// failing the same way.
		failed := min(dead, pollAfter)
		if why := noStream(s, f.events.label, failed, f.opts.StallWindow); why != "" {
			reason = why
			if pol == nil {
				pol = f.startPolling(ctx)
			}
		}
		var wait time.Duration
		now := f.opts.Now()
		if pol != nil {
			o := f.opts
			o.MaxBackoff = f.opts.MaxBackoffPolling
			wait = max(backoffDelay(o, failures, sr.retry, s.retryAfter, rand.Float64), min(f.opts.PollInterval, o.MaxBackoff))
			f.state(ConnState{Phase: PhasePolling, Since: now, Attempt: failures, NextTry: now.Add(wait),
				Reason: reason, Err: s.err, PollEvery: f.opts.PollInterval})
		} else {
			f.drops++
			f.lastDrop = reasonText(s.err, f.opts.StallWindow)
			wait = backoffDelay(f.opts, failures, sr.retry, s.retryAfter, rand.Float64)
			f.state(ConnState{Phase: PhaseReconnecting, Since: now, Attempt: failures, NextTry: now.Add(wait),
				Reason: f.lastDrop, Err: s.err})
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return f.stopped(ctx)
		case <-t.C:
		}
		if pol == nil {
			f.state(ConnState{Phase: PhaseConnecting, Since: f.opts.Now(), Attempt: failures})
		}
	}
}

// stopped says why the feed stopped and returns what Wait reports: nil
// when its context ended, the API's error when the poller met a refused
// key. A panic in the poller has said so already.
func (f *Feed) stopped(ctx context.Context) error {
	cause := context.Cause(ctx)
	var pe *PanicError
	switch {
	case errors.As(cause, &pe):
		return nil
	case api.IsUnauthorized(cause):
		f.state(ConnState{Phase: PhaseStopped, Since: f.opts.Now(), Reason: api.Clip(cause.Error(), 300), Err: cause})
		return cause
	}
	f.state(ConnState{Phase: PhaseStopped, Since: f.opts.Now(), Reason: "stopped"})
	return nil
}

// state hands over a connection state with the drop tally and, while
// polling, how the last poll went.
func (f *Feed) state(s ConnState) {
	s.Reconnects, s.LastDrop = f.drops, f.lastDrop
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.Phase == PhasePolling {
		s.PollErr = f.pollErr
	}
	f.cur = s
	f.co.conn(s)
}

// connect makes one attempt: open the stream, take the snapshot, read until
// the stream ends. While polling (pol non-nil) the stream counts as live,
// and the polling stops, only once it sends something: a stream that
// opens and then says nothing is what polling stands in for.
func (f *Feed) connect(ctx context.Context, sr *streamReader, synced *bool, pol *poller) session {
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	f.calling(api.RouteEvents)
	var conn net.Conn
	traced := httptrace.WithClientTrace(connCtx, &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { conn = i.Conn }})
	opening := time.Now()
	resp, err := f.events.open(traced, sr.lastID)
	openTook := time.Since(opening)
	if err != nil {
		s := session{err: err, retryAfter: api.RetryAfterOf(err)}
		switch {
		case api.IsUnauthorized(err):
			s.fatal = true
			f.readied(err)
		case f.resuming != nil:
			// No catch-up without a stream: say so with the snapshot.
			tasks, serr := f.activeTasks(connCtx)
			if api.IsUnauthorized(serr) {
				return session{err: serr, fatal: true}
			}
			if serr == nil {
				f.co.resume(Resume{From: *f.resuming, Snapshot: tasks, Why: "no live stream: " + api.Brief(err)})
				f.resuming, *synced = nil, true
				f.readied(nil)
			}
		case !*synced:
			// Show the tasks while the stream is unavailable; the snapshot
			// is taken again once it connects.
			if err := f.snapshot(connCtx, synced); api.IsUnauthorized(err) {
				return session{err: err, fatal: true}
			}
		}
		return s
	}
	defer resp.Body.Close()
	var q *quiet
	if resp.ProtoMajor == 1 && conn != nil {
		q = quietFor(conn)
	}
	start := time.Now()
	live := false
	var first func() error
	var onData func()
	if pol == nil && f.resuming != nil {
		tasks, err := f.activeTasks(connCtx)
		if err != nil {
			return session{err: err, fatal: api.IsUnauthorized(err), retryAfter: api.RetryAfterOf(err), opened: true}
		}
		*synced = true
		f.readied(nil)
		var end func()
		onData, f.pastSnapshot, end = f.catchUp(*f.resuming, tasks, replayQuietFor(openTook))
		defer func() { end(); f.resuming, f.pastSnapshot = nil, nil }()
		f.state(ConnState{Phase: PhaseLive, Since: f.opts.Now()})
		first = func() error { live = true; return nil }
	} else if pol == nil {
		if err := f.snapshot(connCtx, synced); err != nil {
			return session{err: err, fatal: api.IsUnauthorized(err), retryAfter: api.RetryAfterOf(err), opened: true}
		}
		f.state(ConnState{Phase: PhaseLive, Since: f.opts.Now()})
		first = func() error { live = true; return nil }
	} else {
		// The snapshot waits for the stream to say something: one that
		// stays silent changes nothing, and polling goes on.
		first = func() error {
			if err := f.snapshot(connCtx, synced); err != nil {
				return err
			}
			pol.stop()
			live = true
			f.state(ConnState{Phase: PhaseLive, Since: f.opts.Now()})
			return nil
		}
	}

	var stalled atomic.Bool
	var self atomic.Pointer[time.Timer]
	watchdog := time.AfterFunc(f.opts.StallWindow, func() {
		if t := self.Load(); t != nil && f.co.waited(f.opts.StallWindow) {
			// The reader stopped reading to wait for the consumer: the
			// silence is ours, not the server's.
			t.Reset(f.opts.StallWindow)
			return
		}
		stalled.Store(true)
		cancel()
	})
	self.Store(watchdog)
	defer watchdog.Stop()
	err = sr.read(&activityReader{r: resp.Body, watchdog: watchdog, window: f.opts.StallWindow, first: first, onData: onData,
		pace: func() { f.pace(connCtx, q) }})
	if stalled.Load() && ctx.Err() == nil {
		err = ErrStalled
	}
	healthy := sr.events > 0 || time.Since(start) >= healthyAfter
	return session{err: err, fatal: api.IsUnauthorized(err), healthy: healthy, opened: true, live: live,
		retryAfter: api.RetryAfterOf(err)}
}

// snapshot loads GET /tasks/active and hands it over as a Resync.
func (f *Feed) snapshot(ctx context.Context, synced *bool) error {
	tasks, err := f.activeTasks(ctx)
	if err != nil {
		return err
	}
	f.co.resync(tasks)
	*synced = true
	f.readied(nil)
	return nil
}

// activeTasks reads GET /tasks/active: the snapshot every (re)connect
// takes, handed over as a Resync or, at a resumed start, as the Resume.
// The first one is bounded by Options.ReadyWithin, and a failure of it is
// what Ready reports; its callers report a success once they have handed
// the tasks over.
func (f *Feed) activeTasks(ctx context.Context) ([]api.Task, error) {
	f.calling(api.RouteTasksActive)
	if f.opts.ReadyWithin > 0 && !f.bounded {
		f.bounded = true
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.opts.ReadyWithin)
		defer cancel()
	}
	tasks, err := f.c.ActiveTasksWith(ctx, decodeTasks)
	if err != nil {
		f.readied(err)
	}
	return tasks, err
}

// catchUp begins the catch-up of a resumed start, whose stream has just
// opened: the events read until it ends are marked Replayed, and it ends
// by handing over snapshot (taken after the stream opened) as the
// Batch.Resume, to be applied after them. SSE has no end-of-replay mark,
// so the catch-up ends at the first of:
//   - an event for a task newer than the task in the snapshot: the replay
//     was written before the stream opened and the snapshot taken after,
//     so that event is live, and the replay is over. Both times are the
//     server's, of one task: no clock is compared with another. Events of
//     tasks the snapshot does not hold tell nothing. Without this, a busy
//     account's stream, its live events right behind the replay, would
//     never fall quiet;
//   - the stream falling quiet for wait (a server writes its replay at
//     once; see replayQuietFor);
//   - Options.MaxCatchUp;
//   - the stream's end.
//
// Ending early costs only detail: the store never steps a task back, so
// the replayed events that come after the snapshot are dropped as stale
// and the snapshot's transitions stand for them; nothing is counted twice
// either way. onData is called as bytes arrive, pastSnapshot with each
// event before it is marked (both from the reader); end hands over if
// nothing has yet. Once handed over, nothing of the snapshot is kept.
func (f *Feed) catchUp(from Mark, snapshot []api.Task, wait time.Duration) (onData func(), pastSnapshot func(*Event), end func()) {
	updated := make(map[string]int64, len(snapshot))
	for i := range snapshot {
		if t := &snapshot[i]; !t.Updated.IsZero() {
			updated[t.ID] = t.Updated.UnixNano()
		}
	}
	f.catching.Store(true)
	var once sync.Once
	hand := func() {
		once.Do(func() {
			f.catching.Store(false)
			f.co.resume(Resume{From: from, Snapshot: snapshot})
			snapshot = nil // the store has it now; this lives as long as the stream
		})
	}
	start := time.Now()
	var self atomic.Pointer[time.Timer]
	quiet := time.AfterFunc(wait, func() {
		if t := self.Load(); t != nil && f.co.waited(wait) && time.Since(start) < f.opts.MaxCatchUp {
			// The reader waits for the consumer: the quiet is ours.
			t.Reset(wait)
			return
		}
		hand()
	})
	self.Store(quiet)
	onData = func() {
		switch {
		case !f.catching.Load():
		case time.Since(start) >= f.opts.MaxCatchUp:
			hand()
		default:
			quiet.Reset(wait)
		}
	}
	pastSnapshot = func(e *Event) {
		if !f.catching.Load() {
			updated = nil // only the reader reads it
			return
		}
		t := e.Env.Data.Task
		if t == nil || t.Updated.IsZero() {
			return
		}
		// A millisecond's grace: a server that writes its times to the
		// millisecond in one place and finer in another must not make a
		// replayed event look newer than the same change in the snapshot.
		if at, ok := updated[t.ID]; ok && t.Updated.UnixNano() > at+int64(time.Millisecond) {
			quiet.Stop()
			hand()
		}
	}
	return onData, pastSnapshot, func() { quiet.Stop(); hand() }
}

// replayQuietFor is how long a resumed start's stream must fall quiet
// before its replay is taken as read, for a stream that took open to open:
// twice that (it is at least one round trip to the server, the longest
// pause a replay written at once shows while TCP's window opens), within
// minReplayQuiet and maxReplayQuiet. Every start after the first resumes,
// and its rows wait for this: on a server nearby, 100 ms rather than 300.
func replayQuietFor(open time.Duration) time.Duration {
	return min(max(2*open, minReplayQuiet), maxReplayQuiet)
}

// minReplayQuiet and maxReplayQuiet bound the quiet that ends a resumed
// start's catch-up (see catchUp).
const (
	minReplayQuiet = 100 * time.Millisecond
	maxReplayQuiet = 300 * time.Millisecond
)

// activityReader re-arms the stall watchdog whenever bytes arrive, and
// calls first when the first ones do (before they are read: an error from
// it ends the stream).
type activityReader struct {
	r        io.Reader
	watchdog *time.Timer
	window   time.Duration
	first    func() error
	onData   func() // when set, called whenever bytes arrive
	// pace, when set, waits before a read until shortly before the next
	// batch may go (Feed.pace); small says the last read was small.
	pace  func()
	small bool
}

func (a *activityReader) Read(p []byte) (int, error) {
	if a.pace != nil && a.small {
		a.pace()
	}
	n, err := a.r.Read(p)
	a.small = n < len(p)/2
	if n > 0 {
		if a.first != nil {
			a.watchdog.Stop()
			ferr := a.first()
			a.first = nil
			if ferr != nil {
				return 0, ferr
			}
		}
		a.watchdog.Reset(a.window)
		if a.onData != nil {
			a.onData()
		}
	}
	return n, err
}

// backoffDelay is the wait before attempt n (1-based) since the last healthy
// connection: MinBackoff doubling up to MaxBackoff, jittered down by up to
// half so that many clients cut at once do not return at once, and never
// shorter than what the server asked for.
func backoffDelay(o Options, n int, retry, retryAfter time.Duration, rnd func() float64) time.Duration {
	d := o.MinBackoff
	for i := 1; i < n && d < o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, o.MaxBackoff)
	d = d/2 + time.Duration(rnd()*float64(d/2))
	d = max(d, min(retry, maxServerWait), min(retryAfter, maxServerWait))
	return d
}

// reasonText says why the stream ended, for the status line.
func reasonText(err error, stall time.Duration) string {
	var apiErr *api.Error
	switch {
	case err == nil:
		return "the server closed the stream"
	case errors.Is(err, ErrStalled):
		return fmt.Sprintf("no data for %s (not even a keep-alive); the connection looked dead", stall)
	case errors.As(err, &apiErr):
		return api.Clip(err.Error(), 300)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the stream was cut mid-event"
	}
	return "the stream broke: " + api.Clip(err.Error(), 200)
}

// readAhead is how long before the next batch may go the stream is read
// again while events come faster than batches.
func (f *Feed) readAhead() time.Duration { return f.opts.FrameInterval / 8 }

// pace waits, while the next batch may not go yet, until readAhead before
// it may. Events that come meanwhile wait in the socket rather than in the
// coalescer, where they would have waited as long, and are read in one
// call instead of one each: at 1,000 events a second that was a read, and
// a wake-up of this goroutine, per event. Only a read that came back
// small is paced (Read), so a backlog is read as fast as it comes.
func (f *Feed) pace(ctx context.Context, q *quiet) {
	d := time.Until(time.Unix(0, f.gate.Load())) - f.readAhead()
	if d <= 0 {
		return
	}
	q.hold(true)
	defer q.hold(false)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
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
	retryAfter time.Duration // the server's Retry-After on a refused attempt
}

// supervise owns the connection until ctx is done or the API refuses the
// key. It returns nil for the former, the API's error for the latter.
func (f *Feed) supervise(ctx context.Context) error {
	sr := &streamReader{
		lastID:   f.opts.LastEventID,
		maxEvent: f.opts.MaxEventSize,
		now:      f.opts.Now,
		onEvent:  f.co.event,
		onSkip:   f.co.skip,
	}
	synced := false // a snapshot has been handed over at least once
	failures := 0   // attempts since the last healthy connection
	f.state(ConnState{Phase: PhaseConnecting, Since: f.opts.Now(), Attempt: 1})
	for {
		s := f.connect(ctx, sr, &synced)
		if ctx.Err() != nil {
			f.state(ConnState{Phase: PhaseStopped, Since: f.opts.Now(), Reason: "stopped"})
			return nil
		}
		if s.fatal {
			f.state(ConnState{Phase: PhaseStopped, Since: f.opts.Now(), Reason: api.Clip(s.err.Error(), 300), Err: s.err})
			return s.err
		}
		if s.healthy {
			failures = 0
		}
		failures++
		f.drops++
		f.lastDrop = reasonText(s.err, f.opts.StallWindow)
		wait := backoffDelay(f.opts, failures, sr.retry, s.retryAfter, rand.Float64)
		now := f.opts.Now()
		f.state(ConnState{Phase: PhaseReconnecting, Since: now, Attempt: failures, NextTry: now.Add(wait),
			Reason: f.lastDrop, Err: s.err})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			f.state(ConnState{Phase: PhaseStopped, Since: f.opts.Now(), Reason: "stopped"})
			return nil
		case <-t.C:
		}
		f.state(ConnState{Phase: PhaseConnecting, Since: f.opts.Now(), Attempt: failures})
	}
}

// state hands over a connection state with the drop tally.
func (f *Feed) state(s ConnState) {
	s.Reconnects, s.LastDrop = f.drops, f.lastDrop
	f.co.conn(s)
}

// connect makes one attempt: open the stream, take the snapshot, read until
// the stream ends.
func (f *Feed) connect(ctx context.Context, sr *streamReader, synced *bool) session {
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := f.c.OpenEvents(connCtx, sr.lastID)
	if err != nil {
		s := session{err: err, retryAfter: api.RetryAfterOf(err)}
		switch {
		case api.IsUnauthorized(err):
			s.fatal = true
		case api.IsNotOffered(err):
			// Without /events there is nothing to reconnect to; the
			// snapshot still shows where things stand.
			s.fatal = true
			f.snapshot(connCtx, synced)
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
	if err := f.snapshot(connCtx, synced); err != nil {
		return session{err: err, fatal: api.IsUnauthorized(err), retryAfter: api.RetryAfterOf(err)}
	}
	start := time.Now()
	f.state(ConnState{Phase: PhaseLive, Since: f.opts.Now()})

	var stalled atomic.Bool
	watchdog := time.AfterFunc(f.opts.StallWindow, func() {
		stalled.Store(true)
		cancel()
	})
	defer watchdog.Stop()
	err = sr.read(&activityReader{r: resp.Body, watchdog: watchdog, window: f.opts.StallWindow})
	if stalled.Load() && ctx.Err() == nil {
		err = ErrStalled
	}
	return session{err: err, healthy: sr.events > 0 || time.Since(start) >= healthyAfter}
}

// snapshot loads GET /tasks/active and hands it over as a Resync.
func (f *Feed) snapshot(ctx context.Context, synced *bool) error {
	tasks, err := f.c.ActiveTasks(ctx)
	if err != nil {
		return err
	}
	f.co.resync(tasks)
	*synced = true
	return nil
}

// activityReader re-arms the stall watchdog whenever bytes arrive.
type activityReader struct {
	r        io.Reader
	watchdog *time.Timer
	window   time.Duration
}

func (a *activityReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.watchdog.Reset(a.window)
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

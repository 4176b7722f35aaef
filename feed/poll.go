package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// pollAfter is how many attempts in a row may fail, on a stream that has
// never gone live, before the feed polls instead.
const pollAfter = 3

// poller reads GET /tasks/active every PollInterval on a goroutine of its
// own, while the supervisor keeps trying the stream.
type poller struct {
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// startPolling starts a poller; its first poll is a full one.
func (f *Feed) startPolling(ctx context.Context) *poller {
	ctx, cancel := context.WithCancel(ctx)
	p := &poller{cancel: cancel, done: make(chan struct{})}
	f.mu.Lock()
	f.pollErr = nil
	f.mu.Unlock()
	go func() {
		defer close(p.done)
		defer func() {
			if r := recover(); r != nil {
				f.stopFeed(f.crashed(r, debug.Stack()))
			}
		}()
		f.poll(ctx)
	}()
	return p
}

// stop ends the poller and waits for it; a nil or stopped poller is fine.
func (p *poller) stop() {
	if p == nil {
		return
	}
	p.once.Do(p.cancel)
	<-p.done
}

// poll runs rounds until ctx is done: list the active tasks, fetch those
// that left the list since the round before, hand both over.
func (f *Feed) poll(ctx context.Context) {
	known := map[string]bool{} // listed by the last round, or not yet fetched after leaving it
	full := true
	g := &gate{}
	for {
		next := time.Now().Add(f.opts.PollInterval)
		if !g.wait(ctx) {
			return
		}
		tasks, err := f.c.ActiveTasksWith(ctx, decodeTasks)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if api.IsUnauthorized(err) {
				f.stopFeed(err)
				return
			}
			g.hold(err, f.opts.PollInterval)
			f.polled(err)
		} else {
			listed := make(map[string]bool, len(tasks))
			for i := range tasks {
				listed[tasks[i].ID] = true
			}
			var left []string
			for id := range known {
				if !listed[id] {
					left = append(left, id)
				}
			}
			slices.Sort(left)
			finished, gone, failed, ferr := f.fetchFinished(ctx, left, g)
			if ctx.Err() != nil {
				return
			}
			if tasks == nil {
				tasks = []api.Task{}
			}
			f.co.poll(Poll{Active: tasks, Finished: finished, Gone: gone, Full: full})
			full = false
			known = listed
			for _, id := range failed {
				known[id] = true // fetched again next round
			}
			delete(known, "")
			f.polled(ferr)
		}
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// fetchFinished GETs each task that left the active list, PollParallel at
// once, behind the gate. It returns the tasks read, those the API no
// longer has, those that failed (to try again), and the first failure.
func (f *Feed) fetchFinished(ctx context.Context, ids []string, g *gate) (tasks []api.Task, gone, failed []string, firstErr error) {
	if len(ids) == 0 {
		return nil, nil, nil, nil
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		todo = make(chan string)
	)
	for range min(f.opts.PollParallel, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range todo {
				var t api.Task
				var err error
				if g.wait(ctx) {
					t, err = fetchTask(ctx, f.c, id)
				} else {
					err = ctx.Err()
				}
				g.hold(err, f.opts.PollInterval)
				mu.Lock()
				switch {
				case err == nil:
					tasks = append(tasks, t)
				case api.StatusOf(err) == http.StatusNotFound:
					gone = append(gone, id)
				default:
					failed = append(failed, id)
					if firstErr == nil && ctx.Err() == nil {
						firstErr = err
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		todo <- id
	}
	close(todo)
	wg.Wait()
	slices.Sort(gone)
	return tasks, gone, failed, firstErr
}

// gate holds every polling request back while the API asks to wait (a
// 429 or 503 with Retry-After that outlasted the client's own retries).
type gate struct {
	mu    sync.Mutex
	until time.Time
}

// hold closes the gate for as long as err asks, or for fallback after a
// 429 that did not say.
func (g *gate) hold(err error, fallback time.Duration) {
	if err == nil {
		return
	}
	d := api.RetryAfterOf(err)
	if d <= 0 && api.StatusOf(err) == http.StatusTooManyRequests {
		d = fallback
	}
	if d <= 0 {
		return
	}
	until := time.Now().Add(min(d, maxServerWait))
	g.mu.Lock()
	if until.After(g.until) {
		g.until = until
	}
	g.mu.Unlock()
}

// wait blocks until the gate opens; false if ctx ended first.
func (g *gate) wait(ctx context.Context) bool {
	g.mu.Lock()
	d := time.Until(g.until)
	g.mu.Unlock()
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// polled records how the last round went, and says so when that changed.
func (f *Feed) polled(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	was := f.pollErr
	f.pollErr = err
	if f.cur.Phase != PhasePolling || sameErrText(was, err) {
		return
	}
	f.cur.PollErr = err
	f.co.conn(f.cur)
}

func sameErrText(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Error() == b.Error()
}

// noStream says why the feed should poll after attempt s, or "" when it
// should simply try the stream again. failed counts the attempts in a row
// that never went live, on a stream that never has.
func noStream(s session, label string, failed int, stall time.Duration) string {
	var e *api.Error
	if errors.As(s.err, &e) {
		switch e.Status {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			return fmt.Sprintf("GET %s answered %d", label, e.Status)
		case http.StatusOK:
			return fmt.Sprintf("GET %s answered %s, not an event stream", label, mediaTypeOf(e.Err))
		}
	} else if s.err != nil && !s.opened && !errors.Is(s.err, context.Canceled) {
		// Not an answer from the server: EventsURL could not be read.
		return api.Clip(s.err.Error(), 120)
	}
	if failed < pollAfter {
		return ""
	}
	if errors.Is(s.err, ErrStalled) {
		return "the stream stayed silent for " + shortDuration(stall)
	}
	return strconv.Itoa(failed) + " attempts failed: " + shortFailure(s.err)
}

// mediaTypeOf reads the Content-Type out of OpenEvents' error ("expected
// Content-Type text/event-stream, got \"text/html; charset=utf-8\"").
func mediaTypeOf(err error) string {
	if err == nil {
		return "something else"
	}
	msg := err.Error()
	i := strings.LastIndex(msg, "got ")
	if i < 0 {
		return "something else"
	}
	ct, uerr := strconv.Unquote(msg[i+len("got "):])
	if uerr != nil {
		return "something else"
	}
	if ct == "" {
		return "no Content-Type"
	}
	if mt, _, perr := mime.ParseMediaType(ct); perr == nil {
		return api.Clean(mt)
	}
	return api.Clip(api.Clean(ct), 40)
}

// shortFailure is why one attempt failed, in a few words: "500 Internal
// Server Error", "connection refused".
func shortFailure(err error) string {
	var e *api.Error
	switch {
	case err == nil:
		return "the server closed the stream without an event"
	case errors.As(err, &e) && e.Status > 0:
		return strconv.Itoa(e.Status) + " " + http.StatusText(e.Status)
	case errors.As(err, &e):
		s := api.Brief(err)
		if i := strings.Index(s, ";"); i > 0 {
			s = s[:i]
		}
		if i := strings.Index(s, " ("); i > 0 {
			s = s[:i]
		}
		return s
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the stream was cut mid-event"
	}
	return "the stream broke: " + api.Clip(err.Error(), 80)
}

package feed

import (
	"context"
	"errors"
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
)

// Ready waits for the first connection's outcome: nil once the first
// snapshot of GET /tasks/active is in hand (it is the first Batch's
// Resync), else the error that stopped the first attempt (the key refused,
// the API unreachable or answering an error). It lets the caller check the
// API before it takes the terminal with the very fetch the feed needs,
// instead of fetching the snapshot twice. The feed keeps retrying after an
// error; the caller decides whether to stop it.
func (f *Feed) Ready(ctx context.Context) error {
	select {
	case err := <-f.ready:
		return err
	case <-ctx.Done():
		// Say which call had no answer, as the call itself would have.
		if w := f.waiting.Load(); w != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &api.Error{Route: w.route, URL: w.url, Err: context.DeadlineExceeded}
		}
		return ctx.Err()
	}
}

// waitingOn is the call the first connection is making.
type waitingOn struct {
	route api.Route
	url   string
}

// calling notes the call the first connection makes next, for Ready.
func (f *Feed) calling(route string) {
	w := &waitingOn{route: api.RouteByName(route), url: f.events.target}
	if route != api.RouteEvents {
		w.url = strings.TrimRight(f.c.BaseURL(), "/") + w.route.Path
	}
	f.waiting.Store(w)
}

// readied records the first connection's outcome for Ready; later ones
// are not news.
func (f *Feed) readied(err error) {
	f.readyOnce.Do(func() {
		f.ready <- err
		close(f.readyDone)
	})
}

// errFeedStopped is Ready's answer when the feed stopped before any
// attempt ended (its context was done).
var errFeedStopped = errors.New("the live feed stopped before it connected")

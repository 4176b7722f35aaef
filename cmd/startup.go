package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/aspect-hq/aspect-tui/feed"
)

// startFeed starts the feed and waits, at most pingTimeout, for its first
// connection: the stream opened (or found missing) and GET /tasks/active
// loaded. That one fetch is both the check made before the program takes
// the terminal, so a wrong URL or key is a plain error, and the snapshot
// the first screen shows; it is not fetched again. On an error the feed is
// stopped.
func startFeed(ctx context.Context, d dashboardRun) (*feed.Feed, error) {
	fctx, stopFeed := context.WithCancel(ctx)
	o := feedOptions(d.cfg)
	o.ReadyWithin = pingTimeout
	f := feed.Start(fctx, d.client, o)
	// A little longer than the snapshot's own bound, so that what the API
	// answered last (a 502 retried until then) is what is reported.
	pctx, cancel := context.WithTimeout(ctx, pingTimeout+time.Second)
	err := f.Ready(pctx)
	cancel()
	if err != nil {
		stopFeed()
		_ = f.Wait()
		return nil, fmt.Errorf("cannot reach the API: %w", err)
	}
	// The feed ends with ctx; fctx only lets a failed start stop it early.
	context.AfterFunc(ctx, stopFeed)
	return f, nil
}

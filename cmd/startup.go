package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// keyAnswer is what checkKey found: the account, or why the key is no good.
type keyAnswer struct {
	account *api.User
	err     error
}

// startFeed starts the feed and waits, at most pingTimeout, for its first
// connection: the stream opened (or found missing) and GET /tasks/active
// loaded. That one fetch is both the check made before the program takes
// the terminal, so a wrong URL or key is a plain error, and the snapshot
// the first screen shows; it is not fetched again.
//
// The key check, run alongside, answers on keyc; its error is the one
// reported when both fail (it says more about a key), and it ends the
// wait at once. On an error the feed is stopped.
func startFeed(ctx context.Context, d dashboardRun, o feed.Options, keyc <-chan keyAnswer) (*feed.Feed, *api.User, error) {
	fctx, stopFeed := context.WithCancel(ctx)
	o.ReadyWithin = pingTimeout
	f := feed.Start(fctx, d.client, o)
	// A little longer than the snapshot's own bound, so that what the API
	// answered last (a 502 retried until then) is what is reported.
	pctx, cancel := context.WithTimeout(ctx, pingTimeout+time.Second)
	defer cancel()
	ready := make(chan error, 1)
	go func() { ready <- f.Ready(pctx) }()
	var key keyAnswer
	var err error
	select {
	case key = <-keyc:
		if key.err == nil {
			err = <-ready
		}
	case err = <-ready:
		key = <-keyc
	}
	if key.err != nil {
		err = key.err
	}
	if err != nil {
		stopFeed()
		_ = f.Wait()
		return nil, nil, fmt.Errorf("cannot reach the API: %w", err)
	}
	// The feed ends with ctx; fctx only lets a failed start stop it early.
	context.AfterFunc(ctx, stopFeed)
	return f, key.account, nil
}

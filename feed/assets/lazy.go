package assets

import (
	"context"
	"sync"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Fetch is how an asset is fetched: (*api.Client).Asset.
type Fetch func(ctx context.Context, id string) (api.Asset, error)

// Lazy is a Book for a goroutine that must never wait for a name (tail
// prints each line as it comes): Name answers from what is known at once,
// and asks in the background for what is not, within the Book's bounds,
// so a later line about the same asset has its name.
type Lazy struct {
	mu    sync.Mutex
	book  *Book
	fetch Fetch
	ctx   context.Context
	logs  []string // failures' lines, until Drain
	wg    sync.WaitGroup
}

// NewLazy returns a Lazy that fetches with fetch until ctx ends.
func NewLazy(ctx context.Context, fetch Fetch) *Lazy {
	return &Lazy{book: NewBook(0, 0), fetch: fetch, ctx: ctx}
}

// Drain returns the failures' lines since the last Drain, for the caller
// to print on its own goroutine.
func (l *Lazy) Drain() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.logs
	l.logs = nil
	return out
}

// Name is the asset's display name when known, and starts fetching it
// otherwise.
func (l *Lazy) Name(id string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a, st := l.book.Lookup(id); st == Known {
		return DisplayName(a.Name)
	}
	for _, id := range l.book.Start(time.Now(), []string{id}) {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			a, err := l.fetch(api.NoRetry(l.ctx), id)
			l.mu.Lock()
			defer l.mu.Unlock()
			if out := l.book.Finish(time.Now(), id, &a, err); out.Log != "" && l.ctx.Err() == nil && len(l.logs) < 100 {
				l.logs = append(l.logs, out.Log)
			}
		}()
	}
	return ""
}

// Wait waits for the requests out to end (cancel the context first).
func (l *Lazy) Wait() { l.wg.Wait() }

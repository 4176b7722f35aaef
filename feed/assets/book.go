// Package assets names tasks as the user knows them: the file name, type,
// duration and index of each task's asset, fetched from GET /assets/{id}
// as the screen needs them, never in bulk.
//
// A Book is what was fetched (a bounded LRU) and the rules for what to
// fetch next: only what the caller asks for (the rows on screen and a page
// around them), at most Limit requests at once, none while a 429's
// Retry-After runs, and never the same asset again after it failed or was
// not found. A Book is not safe for concurrent use: the dashboard keeps it
// on its update loop and sends the requests as tea.Cmds; Lazy wraps it for
// a goroutine that must not wait (tail).
package assets

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/aspect-hq/aspect-tui/api"
)

// State is what a Book knows of one asset.
type State uint8

// The states of an asset.
const (
	Unknown State = iota // never asked, or asked and throttled: ask again
	Pending              // a request is out
	Known                // fetched
	Missing              // the API answered 404 for this asset
	Failed               // the request failed; not asked again this session
)

// Bounds. Capacity bounds memory: an Asset is under 1 KB, so a full Book
// holds about 4 MB. Limit bounds the requests out at once.
const (
	Capacity = 4096
	Limit    = 4
	// Rate is how many requests a second a Book starts, after a first
	// Burst: enough to name every row of a screen at once, and the rows
	// that stay on screen as tasks pour in, without a request for every
	// row that flashes past. At 130 new tasks a second that was 130
	// requests a second against the user's own API quota, and 1.5% of a
	// core. A row not named when its turn comes is asked for again while
	// it is on screen, and never once it has gone.
	Rate  = 30
	Burst = 80
	// A 429 without Retry-After pauses every asset request for firstPause,
	// doubling on each 429 in a row up to maxPause.
	firstPause = time.Second
	maxPause   = time.Minute
)

type record struct {
	asset *api.Asset
	state State
}

// Stats are what a Book did, for the log and for tests.
type Stats struct {
	Requests  int // sent
	Failures  int // failed other than 404 or 429
	NotFound  int // answered 404
	Throttled int // answered 429
}

// Book holds fetched assets and decides what to fetch.
type Book struct {
	lru      *simplelru.LRU[string, record]
	inflight int
	limit    int
	until    time.Time     // no request before this (a 429 asked)
	tokens   float64       // requests Start may begin now (Rate, Burst)
	filled   time.Time     // when tokens was last topped up
	short    time.Time     // when a token comes, after Start ran out of them
	pause    time.Duration // the last pause a 429 without Retry-After got
	off      string        // why assets are never fetched (the API lacks the route)
	stats    Stats
	indexes  map[string]api.Index
}

// NewBook returns an empty Book holding at most capacity assets (Capacity
// when 0) and sending at most limit requests at once (Limit when 0).
func NewBook(capacity, limit int) *Book {
	if capacity <= 0 {
		capacity = Capacity
	}
	if limit <= 0 {
		limit = Limit
	}
	lru, err := simplelru.NewLRU[string, record](capacity, nil)
	if err != nil {
		panic(err) // only for a capacity below 1, ruled out above
	}
	return &Book{lru: lru, limit: limit, indexes: map[string]api.Index{}, tokens: Burst}
}

// Lookup is the asset and what is known of it; it does not count as a use
// for the LRU's order (drawing a frame must not reorder the cache).
func (b *Book) Lookup(id string) (*api.Asset, State) {
	r, ok := b.lru.Peek(id)
	if !ok {
		return nil, Unknown
	}
	return r.asset, r.state
}

// Stats is what the Book did so far.
func (b *Book) Stats() Stats { return b.stats }

// Off says why no asset is fetched ("" while they are).
func (b *Book) Off() string { return b.off }

// PausedUntil is when asset requests may start again after a 429, or
// after Start found more to ask for than Rate allowed.
func (b *Book) PausedUntil() time.Time {
	if b.short.After(b.until) {
		return b.short
	}
	return b.until
}

// Start picks, from want in order, the assets to request now, and marks
// them pending: those never asked (or throttled), while fewer than the
// limit are out and no 429 pause runs. The caller sends one request for
// each and hands every answer to Finish.
func (b *Book) Start(now time.Time, want []string) []string {
	if b.off != "" || now.Before(b.until) {
		return nil
	}
	if now.After(b.filled) {
		if !b.filled.IsZero() {
			b.tokens = min(Burst, b.tokens+now.Sub(b.filled).Seconds()*Rate)
		}
		b.filled = now
	}
	var out []string
	for _, id := range want {
		if b.inflight >= b.limit {
			break
		}
		if id == "" {
			continue
		}
		if _, st := b.Lookup(id); st != Unknown {
			continue
		}
		if b.tokens < 1 {
			b.short = now.Add(time.Duration((1 - b.tokens) / Rate * float64(time.Second)))
			break
		}
		b.tokens--
		b.lru.Add(id, record{state: Pending})
		b.inflight++
		b.stats.Requests++
		out = append(out, id)
	}
	return out
}

// Outcome is what one answer changed.
type Outcome struct {
	State State
	// Log is a line for the event log when the answer was a failure; ""
	// otherwise.
	Log string
	// RetryAt is set after a 429: ask Start again then.
	RetryAt time.Time
}

// Finish records the answer to a request Start made.
func (b *Book) Finish(now time.Time, id string, a *api.Asset, err error) Outcome {
	b.inflight = max(0, b.inflight-1)
	status := api.StatusOf(err)
	switch {
	case err == nil && a != nil:
		b.pause = 0
		b.lru.Add(id, record{asset: a, state: Known})
		return Outcome{State: Known}
	case status == http.StatusTooManyRequests:
		b.stats.Throttled++
		b.lru.Remove(id)
		wait := api.RetryAfterOf(err)
		if wait <= 0 {
			b.pause = min(max(2*b.pause, firstPause), maxPause)
			wait = b.pause
		}
		if at := now.Add(wait); at.After(b.until) {
			b.until = at
		}
		return Outcome{State: Unknown, RetryAt: b.until,
			Log: fmt.Sprintf("GET /assets/%s answered 429: asset names wait %s (%d throttled so far)", api.Clip(id, 40), wait.Round(time.Second), b.stats.Throttled)}
	case api.IsNoRoute(err):
		b.off = "GET /assets/{asset_id} answered " + fmt.Sprint(status) + ": this API has no such route, so tasks show asset ids"
		b.lru.Remove(id)
		return Outcome{State: Unknown, Log: b.off}
	case status == http.StatusNotFound:
		b.stats.NotFound++
		b.lru.Add(id, record{state: Missing})
		return Outcome{State: Missing, Log: fmt.Sprintf("asset %s: not found (404); its tasks show the id", api.Clip(id, 40))}
	}
	if err == nil {
		err = errors.New("no answer")
	}
	b.stats.Failures++
	b.lru.Add(id, record{state: Failed})
	return Outcome{State: Failed, Log: fmt.Sprintf("asset %s: %s; its tasks show the id (%d asset fetches failed so far; not retried)", api.Clip(id, 40), api.Brief(err), b.stats.Failures)}
}

// Forget clears a failure so that the asset is asked again: for a task the
// user opened, never for rows that merely scroll by.
func (b *Book) Forget(id string) {
	if _, st := b.Lookup(id); st == Failed {
		b.lru.Remove(id)
	}
}

// SetIndexes keeps the account's indexes (GET /indexes).
func (b *Book) SetIndexes(list []api.Index) {
	b.indexes = make(map[string]api.Index, len(list))
	for _, ix := range list {
		b.indexes[ix.ID] = ix
	}
}

// PutIndex keeps one index (GET /indexes/{id}).
func (b *Book) PutIndex(ix api.Index) { b.indexes[ix.ID] = ix }

// Index is an index by id.
func (b *Book) Index(id string) (api.Index, bool) {
	ix, ok := b.indexes[id]
	return ix, ok
}

// Indexes is every index known, by name.
func (b *Book) Indexes() []api.Index {
	out := make([]api.Index, 0, len(b.indexes))
	for _, ix := range b.indexes {
		out = append(out, ix)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}

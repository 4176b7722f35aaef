package feed

import (
	"fmt"
	"io"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// streamReader turns response bodies into Events and Skips. It lives as
// long as the feed: the last event id and the server's `retry:` carry over
// from one connection to the next.
type streamReader struct {
	maxEvent int
	now      func() time.Time
	lastID   string        // the last event id seen, for Last-Event-ID
	retry    time.Duration // the server's last `retry:`
	events   int           // events delivered by the current read
	onEvent  func(Event)
	onSkip   func(Skip)
}

// read parses body until it ends. It returns nil when the server closed the
// stream cleanly, else the error that ended it.
func (r *streamReader) read(body io.Reader) error {
	r.events = 0
	p := newParser(body, r.maxEvent)
	p.lastID, p.idBuf, p.retry = r.lastID, append(p.idBuf, r.lastID...), r.retry
	for {
		ev, ok := p.next()
		r.lastID, r.retry = p.lastID, p.retry
		if !ok {
			break
		}
		r.event(ev)
	}
	if p.err == io.EOF {
		return nil
	}
	return p.err
}

func (r *streamReader) event(ev rawEvent) {
	now := r.now()
	if ev.Dropped > 0 {
		r.onSkip(Skip{ID: api.Clip(ev.ID, 80), Type: api.Clip(ev.Type, 40), Size: ev.Dropped, Received: now,
			Reason: fmt.Sprintf("too large: over the %s bound (%s read before it was dropped)", sizeText(r.maxEvent), sizeText(ev.Dropped))})
		return
	}
	e := Event{ID: ev.ID, Type: ev.Type, Raw: ev.Data, Received: now}
	if err := decodeEnvelope(ev.Data, &e.Env, true); err != nil {
		r.onSkip(Skip{ID: api.Clip(ev.ID, 80), Type: api.Clip(ev.Type, 40), Size: len(ev.Data), Received: now,
			Reason: err.Error(), Raw: ev.Data})
		return
	}
	r.events++
	r.onEvent(e)
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

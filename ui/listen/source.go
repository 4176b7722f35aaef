package listen

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/listen"
)

// deliveriesMsg is what arrived since the last one, oldest first; closed
// says the receiver closed its channel (it stopped).
type deliveriesMsg struct {
	ds     []listen.Request
	closed bool
}

// Batching bounds: at most one message per frame reaches Update, holding at
// most maxBatch deliveries (the rest wait in the receiver, their senders unanswered).
const (
	frameEvery = time.Second / 30
	maxBatch   = 4096
)

// taker is what the source uses of the receiver.
type taker interface {
	Take(ctx context.Context, max int) ([]listen.Request, bool)
	TakeNow(max int) []listen.Request
}

// waitDeliveries blocks until a request is waiting, then keeps gathering
// until a frame has passed since the previous batch, so a burst reaches the
// model as one message per frame rather than one per request (Charm's
// realtime pattern). prev is when the previous batch was taken. The
// requests' senders wait for their answers until the model has stored
// them (arrived calls Done).
func waitDeliveries(ctx context.Context, rx taker, prev time.Time) tea.Cmd {
	if rx == nil {
		return nil
	}
	return func() tea.Msg {
		ds, ok := rx.Take(ctx, maxBatch)
		if !ok {
			return deliveriesMsg{closed: true}
		}
		if wait := time.Until(prev.Add(frameEvery)); wait > 0 && len(ds) < maxBatch {
			timer := time.NewTimer(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
			}
			timer.Stop()
		}
		return deliveriesMsg{ds: append(ds, rx.TakeNow(maxBatch-len(ds))...)}
	}
}

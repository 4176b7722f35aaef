package listen

import (
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
// most maxBatch deliveries (the rest wait in the receiver's buffer).
const (
	frameEvery = time.Second / 30
	maxBatch   = 4096
)

// waitDeliveries blocks until a delivery arrives, then keeps gathering
// until a frame has passed since the previous batch, so a burst reaches the
// model as one message per frame rather than one per request (Charm's
// realtime pattern). prev is when the previous batch was taken.
func waitDeliveries(ch <-chan listen.Request, prev time.Time) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		d, ok := <-ch
		if !ok {
			return deliveriesMsg{closed: true}
		}
		ds := []listen.Request{d}
		wait := time.Until(prev.Add(frameEvery))
		if wait <= 0 {
			return drain(ch, ds)
		}
		timer := time.NewTimer(wait)
		defer timer.Stop()
		for len(ds) < maxBatch {
			select {
			case d, ok := <-ch:
				if !ok {
					return deliveriesMsg{ds: ds, closed: true}
				}
				ds = append(ds, d)
			case <-timer.C:
				return drain(ch, ds)
			}
		}
		return deliveriesMsg{ds: ds}
	}
}

// drain takes whatever is already waiting, without blocking.
func drain(ch <-chan listen.Request, ds []listen.Request) deliveriesMsg {
	for len(ds) < maxBatch {
		select {
		case d, ok := <-ch:
			if !ok {
				return deliveriesMsg{ds: ds, closed: true}
			}
			ds = append(ds, d)
		default:
			return deliveriesMsg{ds: ds}
		}
	}
	return deliveriesMsg{ds: ds}
}

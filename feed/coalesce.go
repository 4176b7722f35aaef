package feed

import (
	"sync"

	"github.com/aspect-hq/aspect-tui/api"
)

// coalescer is the hand-over point between the supervisor, which adds as
// events arrive, and the deliverer, which takes everything once per frame.
// Adding never waits for the consumer.
type coalescer struct {
	mu      sync.Mutex
	pending Batch
	wake    chan struct{} // capacity 1: "something is pending"
}

func (c *coalescer) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *coalescer) event(e Event) {
	c.mu.Lock()
	c.pending.Events = append(c.pending.Events, e)
	c.pending.Received++
	c.mu.Unlock()
	c.signal()
}

func (c *coalescer) skip(s Skip) {
	c.mu.Lock()
	c.pending.Skips = append(c.pending.Skips, s)
	c.pending.Received++
	c.mu.Unlock()
	c.signal()
}

// resync replaces any snapshot not yet handed over: the newer one supersedes
// it, and events already pending stay safe to apply after it because the
// store never steps a task back to an older `updated`.
func (c *coalescer) resync(tasks []api.Task) {
	if tasks == nil {
		tasks = []api.Task{}
	}
	c.mu.Lock()
	c.pending.Resync = tasks
	if p := c.pending.Poll; p != nil {
		// The snapshot is newer than the poll's list and accounts for
		// the pending tasks itself; what the poll fetched still counts.
		p.Active, p.Full = nil, false
	}
	c.mu.Unlock()
	c.signal()
}

// poll merges a round of polling into what is pending: the newer list of
// active tasks replaces an older one, and the tasks fetched add up.
func (c *coalescer) poll(p Poll) {
	c.mu.Lock()
	if q := c.pending.Poll; q != nil {
		q.Active = p.Active
		q.Finished = append(q.Finished, p.Finished...)
		q.Gone = append(q.Gone, p.Gone...)
		q.Full = q.Full || p.Full
	} else {
		c.pending.Poll = &p
	}
	c.mu.Unlock()
	c.signal()
}

func (c *coalescer) conn(s ConnState) {
	c.mu.Lock()
	c.pending.Conn = &s
	c.mu.Unlock()
	c.signal()
}

func (c *coalescer) take() Batch {
	c.mu.Lock()
	b := c.pending
	c.pending = Batch{}
	if n := len(b.Events); n > 0 {
		// The next frame likely brings as many: room for them up front
		// saves growing the slice (and copying every event) ten times in a
		// storm. Bounded, so a burst's size is not kept for an idle feed.
		c.pending.Events = make([]Event, 0, min(n, maxPresized))
	}
	c.mu.Unlock()
	return b
}

// maxPresized bounds the room take leaves for the next frame's events.
const maxPresized = 1024

package feed

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// coalescer is the hand-over point between the supervisor, which adds as
// events arrive, and the deliverer, which takes everything once per frame.
// Adding waits for the consumer only when max events (and skips) are
// pending: then the reader stops reading the socket, and the server's
// buffering and Last-Event-ID carry the rest, instead of this process's
// memory. Nothing is dropped. A zero max never waits.
type coalescer struct {
	mu      sync.Mutex
	pending Batch
	wake    chan struct{} // capacity 1: "something is pending"

	max  int             // events and skips pending before adding waits; 0: no bound
	room chan struct{}   // capacity 1: "take made room"
	done <-chan struct{} // ends a wait for room: the feed is stopping

	// full is set while adding waits for room, freed holds when the last
	// wait ended (Unix nanoseconds) and waitedFor how long it lasted, so the
	// stall watchdog does not take a stream the reader stopped reading for
	// a silent one.
	full      atomic.Bool
	freed     atomic.Int64
	waitedFor atomic.Int64
}

func (c *coalescer) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *coalescer) event(e Event) {
	if !c.waitRoom() {
		return
	}
	c.pending.Events = append(c.pending.Events, e)
	c.pending.Received++
	c.mu.Unlock()
	c.signal()
}

func (c *coalescer) skip(s Skip) {
	if !c.waitRoom() {
		return
	}
	c.pending.Skips = append(c.pending.Skips, s)
	c.pending.Received++
	c.mu.Unlock()
	c.signal()
}

// waitRoom returns with c.mu held once there is room for one more event,
// or false (c.mu not held) when the feed stops first.
func (c *coalescer) waitRoom() bool {
	for {
		c.mu.Lock()
		if c.max <= 0 || len(c.pending.Events)+len(c.pending.Skips) < c.max {
			return true
		}
		c.mu.Unlock()
		c.signal()
		c.full.Store(true)
		began := time.Now()
		select {
		case <-c.room:
		case <-c.done:
			c.full.Store(false)
			return false
		}
		c.full.Store(false)
		now := time.Now()
		c.waitedFor.Store(int64(now.Sub(began)))
		c.freed.Store(now.UnixNano())
	}
}

// waited reports whether adding waits for room now, or did within d, or
// within as long as that wait lasted. A stream held back for seconds can
// take a while to come back after it is read again: under load an 8 s
// stall was seen followed by 2 s of nothing (the keep-alives included),
// then the stream went on. The likely cause, not confirmed, is the
// server's TCP probing its shut window on a timer that backs off the
// longer the window stays shut.
func (c *coalescer) waited(d time.Duration) bool {
	return c.full.Load() || time.Since(time.Unix(0, c.freed.Load())) < max(d, time.Duration(c.waitedFor.Load()))
}

// held counts the events and skips pending.
func (c *coalescer) held() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending.Events) + len(c.pending.Skips)
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

// resume hands over the end of a resumed start's catch-up (once).
func (c *coalescer) resume(r Resume) {
	if r.Snapshot == nil {
		r.Snapshot = []api.Task{}
	}
	c.mu.Lock()
	c.pending.Resume = &r
	c.mu.Unlock()
	c.signal()
}

func (c *coalescer) conn(s ConnState) {
	c.mu.Lock()
	c.pending.Conn = &s
	c.mu.Unlock()
	c.signal()
}

// connOnly: what is pending is connection states and nothing else.
func (c *coalescer) connOnly() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := &c.pending
	return p.Conn != nil && len(p.Events) == 0 && len(p.Skips) == 0 && p.Resync == nil && p.Poll == nil && p.Resume == nil
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
	select {
	case c.room <- struct{}{}:
	default:
	}
	return b
}

// maxPresized bounds the room take leaves for the next frame's events.
const maxPresized = 1024

package sim

import (
	"sync"
	"time"
)

// Clock is the delivery engine's time: attempts' timestamps, and when
// retries and the disabling of a failing endpoint fall due. Options.Clock
// nil is the real clock; tests pass a *FakeClock and step it, so that
// Svix's schedule (27 hours, 5 days) plays out exactly and at once. The
// task engine keeps its own virtual clock (Pause, Advance).
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// FakeClock is a Clock that moves only when Advance is called.
type FakeClock struct {
	mu    sync.Mutex
	now   time.Time
	moved []func()
}

// NewFakeClock returns a clock standing at start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

// Now implements Clock.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d. Before it returns, the delivery
// engine has started every attempt that fell due (it is listed, stamped
// with the new time; its outcome comes later) and disabled every endpoint
// whose time came, so a test can tell at once what did not happen.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	moved := c.moved
	c.mu.Unlock()
	for _, f := range moved {
		f()
	}
}

func (c *FakeClock) onAdvance(f func()) {
	c.mu.Lock()
	c.moved = append(c.moved, f)
	c.mu.Unlock()
}

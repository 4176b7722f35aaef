package sim

import "time"

// vclock is the engine's virtual clock, in seconds. Virtual time runs
// TimeScale times faster than real time while running and stands still
// while paused; Advance jumps it forward. Everything the engine schedules is
// in virtual time, which is why the same seed gives the same sequence of
// states however the goroutines happen to be scheduled.
type vclock struct {
	running bool
	base    float64   // virtual time at since
	since   time.Time // real time when base was taken
	scale   float64
}

func (c *vclock) now() float64 {
	if !c.running {
		return c.base
	}
	return c.base + time.Since(c.since).Seconds()*c.scale
}

func (c *vclock) pause() {
	if c.running {
		c.base = c.now()
		c.running = false
	}
}

func (c *vclock) resume() {
	if !c.running {
		c.since = time.Now()
		c.running = true
	}
}

// realDelay is how long, in real time, until virtual time reaches at.
func (c *vclock) realDelay(at float64) time.Duration {
	d := (at - c.now()) / c.scale
	if d <= 0 {
		return 0
	}
	if d > 3600 {
		return time.Hour
	}
	return time.Duration(d * float64(time.Second))
}

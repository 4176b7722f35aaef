package ui

import (
	"time"

	"github.com/aspect-hq/aspect-tui/feed"
)

// The server's clock is estimated from the events: each was stamped by the
// server and received here a moment later, so the smallest gap between
// receipt and stamp over a window of events is the clocks' difference plus
// the quickest delivery.
const (
	skewWindow = 64
	// skewMin is the smallest difference taken as a clock that is off;
	// below it, latency and drift.
	skewMin = time.Minute
)

type skewEstimator struct {
	n    int
	low  time.Duration // smallest gap in the current window
	have bool
	est  time.Duration
}

// add takes one event's gap and reports whether the estimate changed.
func (s *skewEstimator) add(gap time.Duration) bool {
	if s.n == 0 || gap < s.low {
		s.low = gap
	}
	s.n++
	if s.have && s.n < skewWindow {
		return false
	}
	est := s.low.Round(time.Second)
	if est.Abs() < skewMin {
		est = 0
	}
	s.have, s.n = true, 0
	// The quickest delivery varies by milliseconds from window to window:
	// only a move of half a minute, or to or from agreement, is news.
	if (est == 0) == (s.est == 0) && (est-s.est).Abs() < 30*time.Second {
		return false
	}
	s.est = est
	return true
}

// observeClock feeds the estimator the batch's events and, when the
// estimate changes, tells the user once: ages on screen count from the
// server's clock from then on.
func (m *Model) observeClock(b *feed.Batch) {
	changed := false
	for i := range b.Events {
		ev := &b.Events[i]
		if ev.Env.Timestamp.IsZero() || ev.Received.IsZero() {
			continue
		}
		changed = m.skew.add(ev.Received.Sub(ev.Env.Timestamp.Time)) || changed
	}
	if !changed {
		return
	}
	m.ctx.Skew = m.skew.est
	var note string
	switch d := m.skew.est; {
	case d == 0:
		note = "the server's clock agrees with this machine's again"
	case d > 0:
		note = "the server's clock is " + roughly(d) + " behind this machine's: ages count from the server's clock"
	default:
		note = "the server's clock is " + roughly(-d) + " ahead of this machine's: ages count from the server's clock"
	}
	m.status.SetNote(m.ctx.Now, note, 1)
	m.log.Note(m.ctx.Now, "clock", note)
}

// roughly is a clock difference to the minute: "3h0m", "12m".
func roughly(d time.Duration) string {
	d = d.Round(time.Minute)
	s := d.String()
	return s[:len(s)-2] // "3h0m0s" → "3h0m"
}

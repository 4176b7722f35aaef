package ui

import (
	"regexp"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// A server whose clock is hours off: the status line says so once, with
// the difference, and the dashboard's idea of the server's now follows;
// ages are never negative. Ordinary latency (seconds) is no skew at all.
var oneSecondAge = regexp.MustCompile(`\s1s\s*┃`) // the grid's last column

func TestClockSkewIsNoticed(t *testing.T) {
	for _, c := range []struct {
		name string
		off  time.Duration // server clock minus ours
		note string
	}{
		{"server behind", -3 * time.Hour, "the server's clock is 3h0m behind this machine's"},
		{"server ahead", 2*time.Hour + 30*time.Minute, "the server's clock is 2h30m ahead of this machine's"},
		{"latency only", -2 * time.Second, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, 160, 45)
			// Tasks updated just now on the server's clock, received now.
			h.apply(task(1, t0.Add(c.off), api.StateProcessing), task(2, t0.Add(c.off).Add(-time.Second), api.StateQueued))
			if c.note == "" {
				if h.m.ctx.Skew != 0 {
					t.Errorf("skew %v for a gap of %v", h.m.ctx.Skew, -c.off)
				}
				h.mustNot("the server's clock")
				return
			}
			h.must(c.note, "ages count from the server's clock")
			if got := h.m.ctx.ServerNow().Sub(t0); (got - c.off).Abs() > time.Second {
				t.Errorf("the server's now is %v from ours; want %v", got, c.off)
			}
			// Task 2 was updated a second before the newest event on the
			// server's clock: its age is 1s, not the clocks' difference
			// (hours) nor a negative age shown as 0s.
			if row := h.row(task(2, t0).ID); !oneSecondAge.MatchString(row) {
				t.Errorf("task 2's row should end with the age 1s: %q", row)
			}
			// And so in the task view.
			h.press("G", "enter")
			h.must("Task t0000002")
			h.must("for ≥1.0s")
			h.press("esc")
			// The same skew again is not news.
			for i := range skewWindow * 2 {
				h.apply(task(3+i, t0.Add(c.off), api.StateProcessing))
			}
			h.now = h.now.Add(10 * time.Second) // past the note's life
			h.send(tickMsg{})
			h.mustNot("the server's clock")
			// The note is in the log, but it is not a skipped event.
			h.must("skipped 0 (L log)")
		})
	}
}

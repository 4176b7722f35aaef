package common

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/cenkalti/backoff/v5"

	"github.com/aspect-hq/aspect-tui/api"
)

// Poller schedules a pane's fetches: one at a time; every Every while they
// succeed; further apart (doubling, up to MaxWait, or what a 429 asked)
// while they fail; at once when an action asks. It lives in the pane's
// model and is used from Update only.
type Poller struct {
	Every   time.Duration
	MaxWait time.Duration // the longest wait after failures; default 2 minutes
	// Fast, when set and reporting true, polls every FastEvery instead:
	// while something the user did is still settling.
	Fast      func() bool
	FastEvery time.Duration

	gen     int
	busy    bool
	again   bool
	stopped bool
	bo      *backoff.ExponentialBackOff
	wait    time.Duration // the wait before the next fetch, as last scheduled
}

// PollMsg is a Poller's tick; the pane hands it back to Tick.
type PollMsg struct{ gen int }

// Stop ends polling for good (a route the API does not offer, a refused
// key): no tick is scheduled again.
func (p *Poller) Stop() { p.stopped, p.gen = true, p.gen+1 }

// Restart forgets the past (a stop, a fetch running, failures) for a view
// opened on something new; ticks already scheduled stay superseded.
func (p *Poller) Restart() {
	p.stopped, p.busy, p.again, p.bo, p.wait = false, false, false, nil, 0
	p.gen++
}

// Stopped reports whether Stop was called.
func (p *Poller) Stopped() bool { return p.stopped }

// Busy reports whether a fetch is running.
func (p *Poller) Busy() bool { return p.busy }

// Wait is the wait scheduled before the next fetch.
func (p *Poller) Wait() time.Duration { return p.wait }

// Now starts fetch at once, or right after the one running.
func (p *Poller) Now(fetch tea.Cmd) tea.Cmd {
	if p.stopped || fetch == nil {
		return nil
	}
	if p.busy {
		p.again = true
		return nil
	}
	p.busy = true
	p.gen++ // the tick already scheduled is superseded
	return fetch
}

// Tick starts fetch if msg is the tick last scheduled.
func (p *Poller) Tick(msg PollMsg, fetch tea.Cmd) tea.Cmd {
	if msg.gen != p.gen || p.stopped || p.busy {
		return nil
	}
	p.busy = true
	return fetch
}

// Done records a finished fetch and schedules the next; the tick comes
// back tagged for pane.
func (p *Poller) Done(pane PaneID, err error, fetch tea.Cmd) tea.Cmd {
	p.busy = false
	if p.stopped {
		return nil
	}
	if p.again {
		p.again = false
		p.busy = true
		p.gen++
		return fetch
	}
	wait := p.Every
	if p.Fast != nil && p.Fast() && p.FastEvery > 0 {
		wait = p.FastEvery
	}
	if err != nil {
		if p.bo == nil {
			p.bo = &backoff.ExponentialBackOff{
				InitialInterval:     max(p.Every, time.Second),
				RandomizationFactor: 0.2,
				Multiplier:          2,
				MaxInterval:         p.maxWait(),
			}
			p.bo.Reset()
		}
		wait = p.bo.NextBackOff()
		if ra := api.RetryAfterOf(err); ra > wait {
			wait = ra
		}
	} else {
		p.bo = nil
	}
	p.wait = wait
	p.gen++
	gen := p.gen
	return Tag(pane, tea.Tick(wait, func(time.Time) tea.Msg { return PollMsg{gen: gen} }))
}

func (p *Poller) maxWait() time.Duration {
	if p.MaxWait > 0 {
		return p.MaxWait
	}
	return 2 * time.Minute
}

package feed

import (
	"fmt"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Event is one SSE event, decoded. Raw is the data line(s) exactly as
// received, for `tail --json` and the event log.
type Event struct {
	ID       string // the SSE id (the envelope's event_id)
	Type     string // the SSE event name
	Raw      []byte
	Env      api.Envelope
	Received time.Time // local clock
	// Replayed: read while a resumed start caught up (see Resume); it
	// happened while no one was watching.
	Replayed bool
}

// Skip is an event that could not be used: not JSON, the wrong shape, too
// large. It is counted and logged, never fatal.
type Skip struct {
	ID       string
	Type     string
	Reason   string // short, sanitized
	Size     int
	Received time.Time
	// Raw is the data as received when it was read (not JSON, wrong
	// shape); nil when the event was too large to keep.
	Raw []byte
}

// Phase is where the connection is.
type Phase int

// Connection phases.
const (
	PhaseConnecting Phase = iota
	PhaseLive
	PhaseReconnecting
	PhaseStopped
	// PhasePolling: there is no live stream (the API does not offer one,
	// or what it offers never went live), so GET /tasks/active is read
	// every PollEvery while the stream is retried in the background.
	PhasePolling
)

func (p Phase) String() string {
	switch p {
	case PhaseConnecting:
		return "connecting"
	case PhaseLive:
		return "live"
	case PhaseReconnecting:
		return "reconnecting"
	case PhaseStopped:
		return "stopped"
	case PhasePolling:
		return "polling"
	}
	return "unknown"
}

// ConnState is the connection's state as the UI shows it.
type ConnState struct {
	Phase   Phase
	Since   time.Time // live since, or when this phase began
	Attempt int       // reconnecting, polling: which stream attempt comes next (1-based)
	NextTry time.Time // reconnecting, polling: when the next stream attempt starts
	Reason  string    // reconnecting or stopped: why, for the user; polling: why there is no live stream
	Err     error     // the error behind Reason, if any
	// PollEvery is how often GET /tasks/active is read while polling, and
	// PollErr why the last poll failed (nil when it worked).
	PollEvery time.Duration
	PollErr   error
	// Reconnects counts the times the stream was lost since Start, and
	// LastDrop says why it was lost last ("" if never): a batch carries
	// only the latest state, so a drop and its recovery within one frame
	// show only here.
	Reconnects int
	LastDrop   string
}

// Summary is the state in one line for the status line and `tail`, such
// as "polling every 5s: no live stream (GET /events answered 404)". It
// says nothing of time passing (ages, countdowns): that is the caller's.
func (s ConnState) Summary() string {
	switch s.Phase {
	case PhaseLive:
		return "live"
	case PhaseReconnecting:
		return withReason(fmt.Sprintf("reconnecting (attempt %d)", max(s.Attempt, 1)), s.Reason)
	case PhaseStopped:
		return withReason("stopped", s.Reason)
	case PhasePolling:
		out := "polling every " + shortDuration(s.PollEvery) + ": no live stream"
		if s.Reason != "" {
			out += " (" + api.Clean(s.Reason) + ")"
		}
		if s.PollErr != nil {
			out += "; the last poll failed: " + api.Brief(s.PollErr)
		}
		return out
	}
	if s.Attempt > 1 {
		return fmt.Sprintf("connecting (attempt %d)", s.Attempt)
	}
	return "connecting"
}

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + ": " + api.Clean(reason)
}

// shortDuration writes 5s, 1m, 1m30s, 500ms: time.Duration's String
// without its trailing zero units ("1m0s").
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Poll is what one round of polling read while there was no live stream.
type Poll struct {
	// Active is GET /tasks/active.
	Active []api.Task
	// Finished holds the tasks that left Active since the previous poll,
	// each as GET /tasks/{id} answered: their final state.
	Finished []api.Task
	// Gone lists tasks that left Active and that GET /tasks/{id} answered
	// 404 for: they no longer exist, and the store forgets them.
	Gone []string
	// Full is set on the first poll after the stream was lost: tasks the
	// store holds as pending that neither Active nor Finished accounts
	// for are reported in Changes.Missing, as after a Resync. Later polls
	// account for every task that leaves Active themselves.
	Full bool
}

// Batch is what the consumer receives, at most once per frame: everything
// that arrived since the previous batch, in arrival order.
type Batch struct {
	// Resync, when non-nil, is a fresh GET /tasks/active taken after a
	// (re)connect; apply it before Events.
	Resync []api.Task
	// Poll, when non-nil, is what polling read (no live stream); apply it
	// after Resync and before Events. The store marks the transitions it
	// makes SourcePolled.
	Poll   *Poll
	Events []Event
	Skips  []Skip
	// Conn is the latest connection state if it changed, else nil.
	Conn *ConnState
	// Resume, when non-nil, ends the catch-up of a resumed start: apply
	// it after Events (see Resume).
	Resume *Resume
	// Received counts the events this batch holds (Events plus Skips), for
	// the events-per-second figure.
	Received int
}

// Empty reports whether the batch holds nothing.
func (b *Batch) Empty() bool {
	return b.Resync == nil && b.Poll == nil && b.Resume == nil && len(b.Events) == 0 && len(b.Skips) == 0 && b.Conn == nil
}

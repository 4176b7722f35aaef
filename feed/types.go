package feed

import (
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
	}
	return "unknown"
}

// ConnState is the connection's state as the UI shows it.
type ConnState struct {
	Phase   Phase
	Since   time.Time // live since, or when this phase began
	Attempt int       // reconnecting: which attempt comes next (1-based)
	NextTry time.Time // reconnecting: when the next attempt starts
	Reason  string    // reconnecting or stopped: why, for the user
	Err     error     // the error behind Reason, if any
	// Reconnects counts the times the stream was lost since Start, and
	// LastDrop says why it was lost last ("" if never): a batch carries
	// only the latest state, so a drop and its recovery within one frame
	// show only here.
	Reconnects int
	LastDrop   string
}

// Batch is what the consumer receives, at most once per frame: everything
// that arrived since the previous batch, in arrival order.
type Batch struct {
	// Resync, when non-nil, is a fresh GET /tasks/active taken after a
	// (re)connect; apply it before Events.
	Resync []api.Task
	Events []Event
	Skips  []Skip
	// Conn is the latest connection state if it changed, else nil.
	Conn *ConnState
	// Received counts the events this batch holds (Events plus Skips), for
	// the events-per-second figure.
	Received int
}

// Empty reports whether the batch holds nothing.
func (b *Batch) Empty() bool {
	return b.Resync == nil && len(b.Events) == 0 && len(b.Skips) == 0 && b.Conn == nil
}

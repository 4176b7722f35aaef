package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// Version is the format version this package writes and the newest it reads.
const Version = 1

// Record types aspect-tui adds to the SSE events it recorded.
const (
	TypeSnapshot   = "aspect-tui.snapshot"
	TypePoll       = "aspect-tui.poll"
	TypeMessages   = "aspect-tui.messages"
	TypeAttempts   = "aspect-tui.attempts"
	TypeTasks      = "aspect-tui.tasks"
	TypeEndpoints  = "aspect-tui.endpoints"
	TypeConnection = "aspect-tui.connection"
	// TypePrefix begins every type aspect-tui adds.
	TypePrefix = "aspect-tui."
)

// Recorders name the command that wrote a file.
const (
	RecorderTail      = "tail"
	RecorderDashboard = "dashboard"
)

const (
	headerPrefix = ": aspect-tui recording v"
	legacyPrefix = ": recorded by aspect-tui tail from "
	atPrefix     = ": at "
	skipPrefix   = ": skipped "
)

// Header is what a recording says about itself.
type Header struct {
	Version    int       `json:"-"`
	AppVersion string    `json:"app_version"`
	APIURL     string    `json:"api_url"`
	Started    time.Time `json:"started"`
	Recorder   string    `json:"recorder,omitempty"`
}

// Kind is what a record holds.
type Kind uint8

// Kinds of record.
const (
	KindEvent      Kind = iota // an SSE event as received (its type may be any the API sends)
	KindSnapshot               // TypeSnapshot
	KindPoll                   // TypePoll
	KindMessages               // TypeMessages
	KindAttempts               // TypeAttempts
	KindTasks                  // TypeTasks
	KindEndpoints              // TypeEndpoints
	KindConnection             // TypeConnection
	KindSkip                   // an event too large to keep: only Reason
	KindHeader                 // a later session's header (see Record.Header)
	KindOther                  // a type beginning with TypePrefix this version does not know
)

func (k Kind) String() string {
	return [...]string{"event", "snapshot", "poll", "messages", "attempts", "tasks", "endpoints", "connection", "skip", "header", "other"}[k]
}

func kindOf(typ string) Kind {
	if !strings.HasPrefix(typ, TypePrefix) {
		return KindEvent
	}
	switch typ {
	case TypeSnapshot:
		return KindSnapshot
	case TypePoll:
		return KindPoll
	case TypeMessages:
		return KindMessages
	case TypeAttempts:
		return KindAttempts
	case TypeTasks:
		return KindTasks
	case TypeEndpoints:
		return KindEndpoints
	case TypeConnection:
		return KindConnection
	}
	return KindOther
}

// Poll is the data of a TypePoll record.
type Poll struct {
	Active   []api.Task `json:"active"`
	Finished []api.Task `json:"finished,omitempty"`
	Gone     []string   `json:"gone,omitempty"`
	Full     bool       `json:"full,omitempty"`
}

// Messages is the data of a TypeMessages record.
type Messages struct {
	Messages []api.Message `json:"messages"`
}

// Attempts is the data of a TypeAttempts record: the attempts fetched for
// a message or an endpoint.
type Attempts struct {
	MessageID  string        `json:"message_id,omitempty"`
	EndpointID string        `json:"endpoint_id,omitempty"`
	Attempts   []api.Attempt `json:"attempts"`
}

// Connection is the data of a TypeConnection record: the feed's
// connection state as the status line showed it.
type Connection struct {
	Phase      string    `json:"phase"` // connecting, live, reconnecting, stopped, polling
	Since      time.Time `json:"since,omitzero"`
	Attempt    int       `json:"attempt,omitempty"`
	NextTry    time.Time `json:"next_try,omitzero"`
	Reason     string    `json:"reason,omitempty"`
	PollEvery  float64   `json:"poll_every_s,omitempty"`
	PollErr    string    `json:"poll_error,omitempty"`
	Reconnects int       `json:"reconnects,omitempty"`
	LastDrop   string    `json:"last_drop,omitempty"`
}

// ConnectionOf is c as recorded (errors as their text).
func ConnectionOf(c feed.ConnState) Connection {
	out := Connection{Phase: c.Phase.String(), Since: c.Since, Attempt: c.Attempt, NextTry: c.NextTry, Reason: c.Reason,
		PollEvery: c.PollEvery.Seconds(), Reconnects: c.Reconnects, LastDrop: c.LastDrop}
	if c.PollErr != nil {
		out.PollErr = c.PollErr.Error()
	}
	return out
}

// State is the connection state c recorded; an unknown phase reads as
// stopped, with the phase named in the reason.
func (c Connection) State() feed.ConnState {
	s := feed.ConnState{Since: c.Since, Attempt: c.Attempt, NextTry: c.NextTry, Reason: c.Reason,
		PollEvery: time.Duration(c.PollEvery * float64(time.Second)), Reconnects: c.Reconnects, LastDrop: c.LastDrop}
	if c.PollErr != "" {
		s.PollErr = errors.New(c.PollErr)
	}
	for p := feed.PhaseConnecting; p <= feed.PhasePolling; p++ {
		if p.String() == c.Phase {
			s.Phase = p
			return s
		}
	}
	s.Phase, s.Reason = feed.PhaseStopped, "a connection phase this version does not know: "+c.Phase
	return s
}

// SafeURL is u without user info, query or fragment: what a header may
// name. A URL that does not parse is left out whole.
func SafeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	p.User, p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment = nil, "", false, "", ""
	return p.String()
}

// AppendHeader appends h's header and the blank line after it. Version is
// always written as this package's Version; APIURL goes through SafeURL.
func AppendHeader(b []byte, h Header) []byte {
	h.APIURL = SafeURL(h.APIURL)
	h.Started = h.Started.UTC()
	j, _ := json.Marshal(h)
	b = fmt.Appendf(b, "%s%d ", headerPrefix, Version)
	b = append(b, j...)
	return append(b, '\n', '\n')
}

func appendAt(b []byte, at time.Time) []byte {
	b = append(b, atPrefix...)
	b = at.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '\n')
}

// AppendEvent appends one SSE event as received at at: its id and type
// (left out when empty) and its data, one "data: " line per line.
func AppendEvent(b []byte, at time.Time, id, typ string, data []byte) []byte {
	b = appendAt(b, at)
	if id != "" {
		b = append(b, "id: "...)
		b = appendOneLine(b, id)
		b = append(b, '\n')
	}
	if typ != "" {
		b = append(b, "event: "...)
		b = appendOneLine(b, typ)
		b = append(b, '\n')
	}
	for {
		i := indexNewline(data)
		b = append(b, "data: "...)
		if i < 0 {
			b = append(b, data...)
			b = append(b, '\n')
			break
		}
		b = append(b, data[:i]...)
		b = append(b, '\n')
		data = data[i+1:]
	}
	return append(b, '\n')
}

func indexNewline(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

// appendOneLine keeps a field on its line: a CR or LF in an id or a type
// would break the file's framing.
func appendOneLine(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}

// AppendSkip appends an event that was too large to keep: a comment saying
// which and why.
func AppendSkip(b []byte, at time.Time, id, typ, reason string) []byte {
	b = appendAt(b, at)
	b = append(b, skipPrefix...)
	b = appendOneLine(b, id)
	b = append(b, " ("...)
	b = appendOneLine(b, typ)
	b = append(b, "): "...)
	b = appendOneLine(b, reason)
	return append(b, '\n', '\n')
}

// AppendJSON appends a record of one of aspect-tui's own types with v,
// encoded as JSON, as its data.
func AppendJSON(b []byte, at time.Time, typ string, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return b, fmt.Errorf("recording %s: %w", typ, err)
	}
	return AppendEvent(b, at, "", typ, j), nil
}

// AppendBatch appends what a feed batch holds, in the order the dashboard
// applies it: its connection state, its snapshot, its poll, its events,
// its skips. Each record's
// time is when it was received (the snapshot's and poll's: at, or the
// first event's time when that is earlier). ends, when
// not nil, gets the length of b after each record, so that a writer can
// tell where whole records end.
func AppendBatch(b []byte, at time.Time, fb *feed.Batch, ends *[]int) []byte {
	mark := func() {
		if ends != nil {
			*ends = append(*ends, len(b))
		}
	}
	// The snapshot and the poll were read before the events that follow
	// them in the batch: they are recorded no later than the first.
	for i := range fb.Events {
		if r := fb.Events[i].Received; !r.IsZero() && r.Before(at) {
			at = r
		}
	}
	if fb.Conn != nil {
		b, _ = AppendJSON(b, at, TypeConnection, ConnectionOf(*fb.Conn))
		mark()
	}
	if fb.Resync != nil {
		b, _ = AppendJSON(b, at, TypeSnapshot, fb.Resync)
		mark()
	}
	if fb.Poll != nil {
		b, _ = AppendJSON(b, at, TypePoll, Poll{Active: fb.Poll.Active, Finished: fb.Poll.Finished, Gone: fb.Poll.Gone, Full: fb.Poll.Full})
		mark()
	}
	for i := range fb.Events {
		e := &fb.Events[i]
		b = AppendEvent(b, orNow(e.Received, at), e.ID, e.Type, e.Raw)
		mark()
	}
	for i := range fb.Skips {
		s := &fb.Skips[i]
		if s.Raw != nil {
			b = AppendEvent(b, orNow(s.Received, at), s.ID, s.Type, s.Raw)
		} else {
			b = AppendSkip(b, orNow(s.Received, at), s.ID, s.Type, s.Reason)
		}
		mark()
	}
	return b
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

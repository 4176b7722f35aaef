package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// connPrinter says on stderr when the connection is lost and found again.
// A refused key is the command's error, printed by main.
type connPrinter struct {
	w          io.Writer
	reconnects int
	live       bool   // the stream has been open once
	polling    string // what was last said of polling, "" when not polling
}

func (p *connPrinter) print(s feed.ConnState) {
	switch s.Phase {
	case feed.PhaseLive:
		if !p.live {
			// Said only once the stream is open: an event sent before
			// that is not printed.
			p.live = true
			fmt.Fprintln(p.w, "streaming events (Ctrl-C stops)")
		}
		// A drop and its recovery may fall within one batch, which then
		// carries only the live state: the tally tells.
		if s.Reconnects > p.reconnects {
			fmt.Fprintf(p.w, "live again (the stream was lost %d time(s) so far; last: %s)\n", s.Reconnects, s.LastDrop)
		}
		p.reconnects = s.Reconnects
	case feed.PhaseReconnecting:
		wait := s.NextTry.Sub(s.Since).Round(10 * time.Millisecond)
		fmt.Fprintf(p.w, "reconnecting in %s (attempt %d): %s\n", wait, s.Attempt, s.Reason)
	case feed.PhasePolling:
		// Said when it starts and whenever what it says changes (a poll
		// failing, or working again), not on every poll.
		if sum := s.Summary(); sum != p.polling {
			p.polling, p.live = sum, false
			fmt.Fprintln(p.w, sum)
		}
		return
	}
	p.polling = ""
}

// polledLine is a task change a poll found, for --json: it is no event
// (there was no stream to receive one from), so it is marked, and a
// consumer tells it from an envelope by its "aspect_tui" key:
// {"aspect_tui":"polled","task":{...}}.
func polledLine(t api.Task) []byte {
	b, err := json.Marshal(struct {
		Kind string   `json:"aspect_tui"`
		Task api.Task `json:"task"`
	}{"polled", t})
	if err != nil {
		return nil
	}
	return append(ndjsonLine(b), '\n')
}

// gapLine says, for --json, that the stream resumed past events the server
// no longer held: the tasks that changed unseen, as the snapshot after the
// reconnect showed them, and the last event printed before the gap.
// {"aspect_tui":"gap","after":"<event id>","tasks":[{...}]}. How many events
// were missed is not known.
func gapLine(tasks []api.Task, after string) []byte {
	b, err := json.Marshal(struct {
		Kind  string     `json:"aspect_tui"`
		After string     `json:"after"`
		Tasks []api.Task `json:"tasks"`
	}{"gap", after, tasks})
	if err != nil {
		return nil
	}
	return append(ndjsonLine(b), '\n')
}

// gapNote says the same on stderr.
func gapNote(tasks []api.Task, after string) string {
	ids := make([]string, 0, 3)
	for _, t := range tasks[:min(3, len(tasks))] {
		ids = append(ids, api.Clip(t.ID, 40))
	}
	more := ""
	if len(tasks) > 3 {
		more = fmt.Sprintf(" and %d more", len(tasks)-3)
	}
	return fmt.Sprintf("gap: the stream resumed after event %s without the events that changed %d task(s) (%s%s): the server no longer held them; how many events were missed is not known",
		api.Clip(orDefault(after, "(none)"), 60), len(tasks), strings.Join(ids, ", "), more)
}

// plainPolled is a task change a poll found, as one readable line.
func plainPolled(t api.Task) string {
	var b strings.Builder
	at := t.Updated.Time
	if at.IsZero() {
		at = time.Now()
	}
	fmt.Fprintf(&b, "%s  %-15s  %s", at.Local().Format("15:04:05.000"), "(polled)", api.Clip(t.ID, 40))
	for _, name := range t.FeatureOrder() {
		fmt.Fprintf(&b, "  %s:%s", api.Clip(name, 24), api.Clip(string(t.Features[name].State), 24))
	}
	b.WriteByte('\n')
	return b.String()
}

// plainEvent is one readable line: when, what, which task, its features,
// and its asset's name when known (at the end, so the columns before it
// stay where they were).
func plainEvent(e *feed.Event, o feed.Outcome, name func(assetID string) string) string {
	var b strings.Builder
	at := e.Env.Timestamp.Time
	if at.IsZero() {
		at = e.Received
	}
	typ := e.Env.EventType
	if typ == "" {
		typ = e.Type
	}
	fmt.Fprintf(&b, "%s  %-15s", at.Local().Format("15:04:05.000"), api.Clip(typ, 40))
	t := e.Env.Data.Task
	switch {
	case o == feed.UnknownType:
		fmt.Fprintf(&b, "  %s  (an event type this version does not know; not applied)", api.Clip(e.Env.EventID, 40))
	case t == nil:
		fmt.Fprintf(&b, "  %s  (no task in the event)", api.Clip(e.Env.EventID, 40))
	default:
		fmt.Fprintf(&b, "  %s", api.Clip(t.ID, 40))
		for _, name := range t.FeatureOrder() {
			fmt.Fprintf(&b, "  %s:%s", api.Clip(name, 24), api.Clip(string(t.Features[name].State), 24))
		}
		if o == feed.Stale {
			b.WriteString("  (older than what is known; not applied)")
		}
		if n := name(t.AssetID); n != "" {
			b.WriteString("  asset " + n)
		}
	}
	b.WriteByte('\n')
	return b.String()
}

// ndjsonLine is an event's data for one line of NDJSON: exactly as received
// except that the line breaks between `data:` lines become spaces, and
// characters that could drive a terminal (C1 controls, DEL, bidirectional
// overrides) or are not UTF-8 are written as \u escapes. In valid JSON such
// characters can only sit inside strings, where the escape means the same.
func ndjsonLine(raw []byte) []byte {
	plain := true
	for _, c := range raw {
		if c < 0x20 || c >= 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return raw
	}
	out := make([]byte, 0, len(raw)+16)
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\n' || c == '\r':
			out = append(out, ' ')
			i++
			continue
		case c == 0x7f:
			out = append(out, `\u007f`...)
			i++
			continue
		case c < 0x80:
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			out = append(out, `\ufffd`...)
		case r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c:
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, raw[i:i+size]...)
		}
		i += size
	}
	return out
}

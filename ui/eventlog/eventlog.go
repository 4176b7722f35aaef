// Package eventlog is the log of events the dashboard could not use:
// skipped events (not JSON, the wrong shape, too large) and events of types
// this version does not apply, with the store's tallies above them.
package eventlog

import (
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// BackMsg asks the root to close the log.
type BackMsg struct{}

// Keep is how many log entries are kept, newest first.
const Keep = 1000

// Entry is one logged event.
type Entry struct {
	At     time.Time
	Kind   string // "skipped" or "unknown type"
	ID     string
	Type   string
	Size   int
	Reason string
	Raw    string // cleaned, one line, cut
}

// Model is the log pane.
type Model struct {
	ctx     *common.Context
	entries []Entry // oldest first; shown newest first
	total   int
	events  int // of total, events not applied (skipped or of an unknown type); the rest are notes
	counts  feed.Counts
	cur     common.Cursor
	w, h    int
	actions keys.Actions
	// fields are the field skips already logged: a page read again on
	// every refresh would otherwise log the same skip each time.
	fields map[string]bool
}

// maxFieldSkips bounds the distinct field skips remembered.
const maxFieldSkips = 2000

// FieldSkip logs a field of an API answer the app could not read (a
// mistyped or unknown value), once: the row was still shown with what
// could be read.
func (m *Model) FieldSkip(at time.Time, s api.FieldSkip) {
	key := s.String()
	if m.fields[key] {
		return
	}
	if m.fields == nil || len(m.fields) >= maxFieldSkips {
		m.fields = map[string]bool{}
	}
	m.fields[key] = true
	m.add(Entry{At: at, Kind: "skipped field", ID: api.Clean(s.Item), Type: api.Clean(s.Route), Reason: api.Clean(key) + "; the row shows what could be read"})
}

// New returns an empty log.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx}
	m.actions = keys.Actions{
		{Binding: ctx.Keys.Back, Shown: true, Do: func() tea.Cmd { return func() tea.Msg { return BackMsg{} } }},
	}
	return m
}

// Skips logs a batch's skipped events.
func (m *Model) Skips(skips []feed.Skip) {
	for _, s := range skips {
		m.events++
		m.add(Entry{At: s.Received, Kind: "skipped", ID: s.ID, Type: s.Type, Size: s.Size, Reason: s.Reason, Raw: oneLine(s.Raw)})
	}
}

// Unknown logs an event of a type this version does not apply.
func (m *Model) Unknown(ev feed.Event) {
	t := ev.Env.EventType
	if t == "" {
		t = ev.Type
	}
	m.events++
	m.add(Entry{At: ev.Received, Kind: "unknown type", ID: ev.ID, Type: t, Size: len(ev.Raw), Reason: "an event type this version does not apply", Raw: oneLine(ev.Raw)})
}

// Note logs something the dashboard could not do with the feed's data
// (a failed fetch of tasks a resync missed).
func (m *Model) Note(at time.Time, kind, reason string) {
	m.add(Entry{At: at, Kind: kind, Reason: reason})
}

func oneLine(raw []byte) string {
	if raw == nil {
		return ""
	}
	return api.Clip(string(raw[:min(len(raw), 400)]), 200)
}

func (m *Model) add(e Entry) {
	m.total++
	m.entries = append(m.entries, e)
	if len(m.entries) > Keep {
		m.entries = append(m.entries[:0], m.entries[len(m.entries)-Keep:]...)
	}
}

// Total is how many entries were logged since start, notes included.
func (m *Model) Total() int { return m.total }

// Events is how many events were logged since start: skipped, or of a type
// this version does not apply.
func (m *Model) Events() int { return m.events }

// SetCounts records the store's tallies for the summary.
func (m *Model) SetCounts(c feed.Counts) { m.counts = c }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.cur.Clamp(len(m.entries), m.rowsH())
}

// the summary takes three lines and each entry two.
func (m *Model) rowsH() int { return max(0, (m.h-3)/2) }

// Title implements common.Pane.
func (m *Model) Title() string {
	return "Event log " + common.Count(m.total) + " · esc back"
}

// View implements common.Pane.
func (m *Model) View() string {
	th := m.ctx.Theme
	c := m.counts
	lines := make([]string, 0, m.h)
	sum := "applied " + common.Count(c.Applied) + " · duplicates " + common.Count(c.Duplicates) + " · stale " + common.Count(c.Stale) +
		" · without a task " + common.Count(c.NoTask) + " · evicted " + common.Count(c.Evicted)
	lines = append(lines, " "+th.MutedStyle.Render(sum))
	var unknown []string
	for t, n := range c.Unknown {
		unknown = append(unknown, api.Clean(t)+" "+common.Count(n))
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		lines = append(lines, " "+th.WarnStyle.Render("unknown event types: "+strings.Join(unknown, ", ")))
	} else {
		lines = append(lines, " "+th.MutedStyle.Render("unknown event types: none"))
	}
	lines = append(lines, "")
	if len(m.entries) == 0 {
		lines = append(lines, " "+th.MutedStyle.Render("Nothing skipped: every event so far was read and applied or counted above."))
	}
	rows := m.rowsH()
	for i := m.cur.Offset; i < len(m.entries) && i < m.cur.Offset+rows; i++ {
		e := m.entries[len(m.entries)-1-i]
		mark := "  "
		if i == m.cur.Pos {
			mark = "▸ "
		}
		head := mark + th.MutedStyle.Render(e.At.Local().Format("15:04:05")) + "  " + th.WarnStyle.Render(e.Kind) + "  " +
			api.Clip(e.Type, 40) + th.MutedStyle.Render("  "+api.Clip(e.ID, 40)+"  "+common.Count(e.Size)+" B") + "  " + api.Clean(e.Reason)
		raw := "    " + th.MutedStyle.Render("raw: ") + e.Raw
		switch {
		case e.Kind != "skipped" && e.Kind != "unknown type":
			// A note (a field skipped, a fetch failed) says it all in its reason.
			head = mark + th.MutedStyle.Render(e.At.Local().Format("15:04:05")) + "  " + th.WarnStyle.Render(e.Kind) + "  " + api.Clean(e.Reason)
			raw = ""
		case e.Raw == "":
			raw = "    " + th.MutedStyle.Render("raw: not kept (too large)")
		}
		lines = append(lines, head, raw)
	}
	return strings.Join(common.Lines(strings.Join(lines, "\n"), m.w, m.h), "\n")
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if cmd, ok := common.Press(m.actions, msg); ok {
			return m, cmd
		}
		m.cur.Key(&m.ctx.Keys.Moves, msg, len(m.entries), m.rowsH())
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		y := 0
		if c, ok := msg.(tea.MouseClickMsg); ok {
			y = (c.Y - 3) / 2
		}
		m.cur.Mouse(msg, y, len(m.entries), m.rowsH())
	}
	return m, nil
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return common.Hints(m.actions) }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{keys.KeyBindings(m.ctx.Keys.InScope(keys.List)...)}
}

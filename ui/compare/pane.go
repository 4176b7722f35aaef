package compare

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// side is one attempt and its message (nil until known).
type side struct {
	a      api.Attempt
	msg    *api.Message
	msgErr error
}

// LoadedMsg is the payloads fetched for a comparison.
type LoadedMsg struct {
	seq  int
	A, B *api.Message
	ErrA error
	ErrB error
}

// Model is the comparison of two attempts, in the main area: the marked
// one on the left, the one compared with it on the right.
type Model struct {
	ctx    *common.Context
	base   context.Context
	client webhooks.Client

	marked *side
	l, r   side
	seq    int

	view    common.Scroll
	actions keys.Actions
}

// New returns an empty comparison; client fetches the payloads the panes
// did not hold (nil: none are fetched).
func New(ctx *common.Context, base context.Context, client webhooks.Client) *Model {
	m := &Model{ctx: ctx, base: base, client: client}
	m.actions = keys.Actions{
		{Binding: ctx.Keys.Back, Shown: true, Do: func() tea.Cmd { return func() tea.Msg { return common.BackMsg{} } }},
	}
	return m
}

// Mark keeps a as the left side of the next comparison.
func (m *Model) Mark(a api.Attempt, msg *api.Message) tea.Cmd {
	m.marked = &side{a: a, msg: msg}
	return common.Note(common.Info, "marked attempt "+api.Clip(api.Clean(a.ID), 32)+" to compare: select another and press "+m.ctx.Keys.Compare.Label())
}

// Marked reports whether an attempt is marked.
func (m *Model) Marked() bool { return m.marked != nil }

// Open compares the marked attempt with b, fetching the payloads not held.
func (m *Model) Open(b api.Attempt, msg *api.Message) tea.Cmd {
	m.seq++
	m.l, m.r = *m.marked, side{a: b, msg: msg}
	m.view.Offset = 0
	m.rebuild()
	return m.fetch()
}

func (m *Model) fetch() tea.Cmd {
	need := func(s side) string {
		if s.msg == nil || !s.msg.HasPayload() {
			return s.a.MsgID
		}
		return ""
	}
	ids := [2]string{need(m.l), need(m.r)}
	if m.client == nil || (ids[0] == "" && ids[1] == "") {
		return nil
	}
	c, base, seq := m.client, m.base, m.seq
	return common.Tag(common.Compare, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, webhooks.CallTimeout)
		defer cancel()
		out := LoadedMsg{seq: seq}
		get := func(id string) (*api.Message, error) {
			if id == "" {
				return nil, nil
			}
			msg, err := c.Message(ctx, id)
			if err != nil {
				return nil, err
			}
			return &msg, nil
		}
		out.A, out.ErrA = get(ids[0])
		out.B, out.ErrB = get(ids[1])
		return out
	})
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.view.SetSize(w, h)
	m.rebuild()
}

// Title implements common.Pane.
func (m *Model) Title() string {
	return "Compare " + api.Clip(api.Clean(m.l.a.ID), 24) + " with " + api.Clip(api.Clean(m.r.a.ID), 24) + " · " + m.ctx.Keys.Back.Label() + " back"
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case LoadedMsg:
		if msg.seq != m.seq {
			return m, nil
		}
		if msg.A != nil {
			m.l.msg = msg.A
		}
		if msg.B != nil {
			m.r.msg = msg.B
		}
		m.l.msgErr, m.r.msgErr = msg.ErrA, msg.ErrB
		m.rebuild()
	case tea.KeyPressMsg, tea.MouseWheelMsg:
		return m, m.view.Input(msg, &m.ctx.Keys.Moves, m.actions)
	}
	return m, nil
}

func (m *Model) rebuild() {
	if m.view.W <= 0 {
		return
	}
	m.view.SetLines(Lines(m.ctx.Theme, m.view.W, api.Clip(m.l.a.ID, 40)+" (marked)", api.Clip(m.r.a.ID, 40), m.sections()))
}

func (m *Model) sections() []Section {
	th := m.ctx.Theme
	fields := func(s side) []Field {
		a := s.a
		st, _ := webhooks.Status(th, a)
		fs := []Field{
			{"status", st},
			{"latency", webhooks.Took(a)},
			{"time", a.Timestamp.Local().Format("2006-01-02 15:04:05")},
			{"trigger", webhooks.Trigger(a)},
			{"endpoint", a.EndpointID},
			{"url", a.URL},
			{"message", a.MsgID},
		}
		if s.msg != nil {
			fs = append(fs, Field{"event type", s.msg.EventType})
		}
		return fs
	}
	secs := []Section{
		FieldsSection("Attempt", fields(m.l), fields(m.r)),
		{Title: "Response headers", Note: "the API keeps no response headers for an attempt, only the body"},
		BodySection("Response body", []byte(m.l.a.Response), []byte(m.r.a.Response)),
	}
	pay := BodySection("Payload", payload(m.l), payload(m.r))
	if n := m.payloadNote(); n != "" {
		pay.Note = n + "; " + pay.Note
	}
	return append(secs, pay)
}

func payload(s side) []byte {
	if s.msg == nil {
		return nil
	}
	return s.msg.Payload
}

func (m *Model) payloadNote() string {
	var out string
	for i, s := range []side{m.l, m.r} {
		which := [2]string{"left", "right"}[i]
		switch {
		case s.msgErr != nil:
			out += which + " payload not read: " + api.Clean(api.Brief(s.msgErr)) + " "
		case s.msg == nil || !s.msg.HasPayload():
			out += which + " payload not loaded yet "
		}
	}
	return out
}

// Refresh redraws (the theme changed).
func (m *Model) Refresh() { m.rebuild() }

// View implements common.Pane.
func (m *Model) View() string { return m.view.View() }

// Lines is the whole content, for tests.
func (m *Model) Lines() []string { return m.view.Lines }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return common.Hints(m.actions) }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{keys.KeyBindings(m.ctx.Keys.InScope(keys.List)...)}
}

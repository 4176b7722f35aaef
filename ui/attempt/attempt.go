// Package attempt is one delivery attempt drawn whole, in the main area:
// what the endpoint answered (status, latency, URL, body, control
// characters stripped and truncation said), every attempt of the same
// message to the same endpoint as a timeline, and the payload that was
// sent, pretty-printed. It follows the timeline while open, so a resend
// from here shows its attempt.
package attempt

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/detail"
	"github.com/aspect-hq/aspect-tui/ui/health"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// maxBodyLines bounds how many lines of a response body are drawn.
const maxBodyLines = 400

// LoadedMsg is a finished fetch of the attempt's timeline (and of its
// message, when it was not known).
type LoadedMsg struct {
	seq      int
	Timeline []api.Attempt
	Message  *api.Message
	Err      error
	MsgErr   error
	// PayloadTried: the message's payload was fetched on its own, because
	// it came without one; PayloadErr is why that failed.
	PayloadTried bool
	PayloadErr   error
}

// Model is the attempt detail.
type Model struct {
	ctx    *common.Context
	base   context.Context
	client webhooks.Client
	resend *webhooks.Resender
	poll   common.Poller

	seq        int
	a          api.Attempt
	msg        *api.Message
	msgTried   bool
	msgErr     error
	payloadErr error
	// payloadTried: the message came without its payload (Svix sends
	// none unless asked) and it was fetched once on its own.
	payloadTried bool
	timeline     []api.Attempt
	loaded       bool
	err          error

	view    common.Scroll
	actions keys.Actions
	health  *health.Model // the endpoint's failing run and Svix's speed (forecast.go)
}

// New returns a closed detail.
func New(ctx *common.Context, base context.Context, client webhooks.Client, every time.Duration, rs *webhooks.Resender) *Model {
	m := &Model{ctx: ctx, base: base, client: client, resend: rs}
	m.poll = common.Poller{Every: every, Fast: rs.Active, FastEvery: 500 * time.Millisecond}
	k := ctx.Keys
	m.actions = keys.Actions{
		{Binding: k.Back, Shown: true, Do: func() tea.Cmd { return func() tea.Msg { return common.BackMsg{} } }},
		{Binding: k.Resend, Do: m.resendIt},
		{Binding: k.GoToTask, Do: m.goToTask},
		{Binding: k.Mark, Do: m.act(webhooks.ActMark)},
		{Binding: k.Compare, Do: m.act(webhooks.ActCompare)},
		{Binding: k.Export, Do: m.act(webhooks.ActCurl)},
		{Binding: k.Fixture, Do: m.act(webhooks.ActFixture)},
	}
	return m
}

// Open shows an attempt; msg is its message when the caller holds it.
func (m *Model) Open(a api.Attempt, msg *api.Message) tea.Cmd {
	m.seq++
	m.a, m.msg, m.msgTried, m.msgErr, m.payloadTried = a, msg, msg != nil, nil, false
	m.timeline, m.loaded, m.err, m.view.Offset = nil, false, nil, 0
	m.poll.Restart()
	m.rebuild()
	return m.poll.Now(m.fetch())
}

// Close stops following the timeline.
func (m *Model) Close() { m.seq++; m.poll.Stop() }

// Attempt is the attempt shown.
func (m *Model) Attempt() api.Attempt { return m.a }

func (m *Model) fetch() tea.Cmd {
	if m.client == nil {
		return nil
	}
	c, base, seq, a, needMsg := m.client, m.base, m.seq, m.a, !m.msgTried
	var bare *api.Message // the message, without its payload, to fetch whole
	if m.msg != nil && !m.msg.HasPayload() && !m.payloadTried {
		bare = m.msg
	}
	return common.Tag(common.Attempt, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, webhooks.CallTimeout)
		defer cancel()
		tl, err := c.ListAttempts(ctx, api.AttemptQuery{MessageID: a.MsgID, EndpointID: a.EndpointID, Limit: 250, Max: 250})
		out := LoadedMsg{seq: seq, Timeline: tl, Err: err}
		if needMsg {
			// The earliest attempt is made just after the message.
			first := a.Timestamp.Time
			for _, x := range tl {
				if x.Timestamp.Before(first) {
					first = x.Timestamp.Time
				}
			}
			found, err := webhooks.FindMessages(ctx, c, map[string]time.Time{a.MsgID: first})
			if msg, ok := found[a.MsgID]; ok {
				out.Message = &msg
				if !msg.HasPayload() {
					bare = &msg
				}
			}
			out.MsgErr = err
		}
		if bare != nil {
			out.PayloadTried = true
			if full, err := c.Message(ctx, bare.ID); err == nil && full.HasPayload() {
				out.Message = &full
			} else if err != nil {
				out.PayloadErr = err
			}
		}
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
	return "Attempt " + api.Clip(m.a.ID, 32) + " · " + m.ctx.Keys.Back.Label() + " back"
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case LoadedMsg:
		if msg.seq != m.seq {
			return m, nil
		}
		return m, m.loadedMsg(msg)
	case common.PollMsg:
		return m, m.poll.Tick(msg, m.fetch())
	case webhooks.RedeliveredMsg:
		return m, m.resend.Redelivered(msg)
	case webhooks.ResentMsg:
		return m, tea.Batch(m.resend.Sent(msg), m.poll.Now(m.fetch()))
	case tea.KeyPressMsg, tea.MouseWheelMsg:
		return m, m.view.Input(msg, &m.ctx.Keys.Moves, m.actions)
	}
	return m, nil
}

func (m *Model) loadedMsg(msg LoadedMsg) tea.Cmd {
	m.err = msg.Err
	if msg.Err == nil {
		m.timeline, m.loaded = msg.Timeline, true
		for _, x := range m.resend.SentHere() {
			if webhooks.PairOf(x) == webhooks.PairOf(m.a) {
				m.timeline = append(m.timeline, x)
			}
		}
		webhooks.NewestFirst(m.timeline)
		// Oldest first reads as a timeline.
		for i, j := 0, len(m.timeline)-1; i < j; i, j = i+1, j-1 {
			m.timeline[i], m.timeline[j] = m.timeline[j], m.timeline[i]
		}
		for _, a := range m.timeline {
			if a.ID == m.a.ID {
				m.a = a // its status may have changed (sending → failed)
			}
		}
	}
	if !m.msgTried {
		m.msgTried, m.msgErr = true, msg.MsgErr
		if msg.Message != nil {
			m.msg = msg.Message
		}
	}
	if msg.PayloadTried {
		m.payloadTried, m.payloadErr = true, msg.PayloadErr
		if msg.Message != nil && msg.Message.HasPayload() {
			m.msg = msg.Message
		}
	}
	m.rebuild()
	var seen tea.Cmd
	if msg.Err == nil {
		seen = m.resend.Seen(msg.Timeline)
	}
	if msg.Err != nil && (api.StatusOf(msg.Err) == 404 || api.IsUnauthorized(msg.Err)) {
		m.poll.Stop()
		return seen
	}
	return tea.Batch(seen, m.poll.Done(common.Attempt, msg.Err, m.fetch()))
}

func (m *Model) resendIt() tea.Cmd {
	cmd := m.resend.Start(common.Attempt, m.a)
	m.rebuild()
	return cmd
}

// act asks the root to act on the attempt shown (export, mark, compare).
func (m *Model) act(do webhooks.Act) func() tea.Cmd {
	return func() tea.Cmd { return webhooks.Do(do, m.a, m.msg) }
}

func (m *Model) goToTask() tea.Cmd {
	if m.msg == nil {
		return common.Note(common.Warn, "the message of this attempt was not found among the messages read, so its task is not known")
	}
	id := m.msg.TaskID()
	if id == "" {
		return common.Note(common.Warn, "message "+api.Clip(m.msg.ID, 40)+" is not about a task (no data.task.id)")
	}
	return func() tea.Msg { return webhooks.GoToTaskMsg{TaskID: id} }
}

// Refresh redraws (the clock moved, or a resend started elsewhere).
func (m *Model) Refresh() { m.rebuild() }

func (m *Model) rebuild() {
	if m.view.W <= 0 {
		return
	}
	m.view.SetLines(m.build())
}

func (m *Model) build() []string {
	th := m.ctx.Theme
	a := m.a
	w := max(m.view.W, 20)
	var out []string
	add := func(s string) { out = append(out, common.Fit(s, w)) }
	heading := func(s string) { add(""); add(" " + th.Bold.Render(s)) }
	label := func(s string) string { return th.MutedStyle.Render(common.Fit(s, 10)) }

	st, paint := webhooks.Status(th, a)
	summary := paint.S(st) + th.MutedStyle.Render(" · "+api.Clean(a.Status.String())+" · took ") + webhooks.Took(a) +
		th.MutedStyle.Render(" · ") + m.numberText() + th.MutedStyle.Render(" · ") + webhooks.Trigger(a)
	add(" " + label("attempt") + api.Clean(a.ID) + "   " + summary)
	add(" " + label("time") + stamp(a.Timestamp.Time, m.ctx.Now))
	if a.FromHere {
		add(" " + label("sent by") + th.AccentStyle.Render("this machine (aspect-tui re-delivered it, signed with the endpoint's secret), not Aspect"))
	}
	msgLine := api.Clean(a.MsgID)
	if m.msg != nil {
		msgLine += th.MutedStyle.Render(" · ") + api.Clean(m.msg.EventType)
		if m.msg.EventID != "" {
			msgLine += th.MutedStyle.Render(" · event " + api.Clean(m.msg.EventID))
		}
	}
	add(" " + label("message") + msgLine)
	add(" " + label("endpoint") + api.Clean(a.EndpointID) + th.MutedStyle.Render(" · ") + api.Clean(a.URL))
	if m.msg != nil {
		if id := m.msg.TaskID(); id != "" {
			add(" " + label("task") + api.Clean(id) + th.MutedStyle.Render("  ("+m.ctx.Keys.GoToTask.Label()+" goes to it in the grid)"))
		}
		if id := m.msg.AssetID(); id != "" {
			name := ""
			if m.ctx.AssetName != nil {
				name = m.ctx.AssetName(id)
			}
			if name == "" {
				add(" " + label("asset") + api.Clean(id))
			} else {
				add(" " + label("asset") + name + th.MutedStyle.Render("  "+api.Clean(id)))
			}
		}
	}
	if m.resend.Pending(webhooks.PairOf(a)) {
		add(" " + th.AccentStyle.Render("◌ resending: the new attempt shows in the timeline when it is made"))
	}

	if lines := m.forecastLines(label); len(lines) > 0 {
		heading("Retry forecast " + th.MutedStyle.Render(m.forecastNote()))
		for _, l := range lines {
			add(l)
		}
	}

	heading("Response " + th.MutedStyle.Render(m.responseNote()))
	for _, l := range m.body(w - 3) {
		add("   " + l)
	}

	heading("Attempts of this message to this endpoint " + th.MutedStyle.Render(m.timelineNote()))
	if m.err != nil {
		for _, l := range wrapText(th.ErrorStyle.Render("✗ ")+api.Clean(m.err.Error()), w-3) {
			add("   " + l)
		}
	}
	for i, x := range m.timeline {
		xs, xp := webhooks.Status(th, x)
		mark := "  "
		if x.ID == a.ID {
			mark = th.AccentStyle.Render("▸ ")
		}
		line := mark + common.Fit("#"+strconv.Itoa(i+1), 4) + th.MutedStyle.Render(webhooks.Stamp(x.Timestamp.Time)) + "  " +
			xp.S(common.Fit(xs, 11)) + " " + common.PadLeft(webhooks.Took(x), 6) + "  " + common.Fit(webhooks.Trigger(x), 9)
		if x.ID == a.ID {
			line += th.MutedStyle.Render(" ← this one")
		}
		add(" " + line)
	}

	heading("Request payload " + th.MutedStyle.Render(m.payloadNote()))
	if m.msg != nil && len(m.msg.Payload) > 0 {
		var buf bytes.Buffer
		src := string(m.msg.Payload)
		if json.Indent(&buf, m.msg.Payload, "", "  ") == nil {
			src = buf.String()
		}
		for _, l := range detail.Highlight(th, api.CleanBlock(src)) {
			for _, part := range wrapText(l, w-3) {
				add("   " + part)
			}
		}
	}
	return out
}

// numberText is "attempt 3 of 4" as the timeline numbers it.
func (m *Model) numberText() string {
	for i, x := range m.timeline {
		if x.ID == m.a.ID {
			return "attempt " + strconv.Itoa(i+1) + " of " + strconv.Itoa(len(m.timeline))
		}
	}
	return "attempt ?"
}

func (m *Model) responseNote() string {
	a := m.a
	if a.ResponseStatusCode == 0 {
		return "no HTTP answer (refused, timed out, or cut)"
	}
	n := len(a.Response)
	s := "HTTP " + strconv.Itoa(a.ResponseStatusCode) + " after " + webhooks.Took(a) + " · " + common.Count(n) + " bytes"
	if n >= api.MaxResponseBody {
		s += ", cut at " + common.Count(api.MaxResponseBody/1024) + " KB by the API"
	}
	return s
}

// body is the response body: pretty-printed when it is JSON, control
// characters stripped, wrapped, and bounded with the rest counted.
func (m *Model) body(w int) []string {
	th := m.ctx.Theme
	a := m.a
	if a.Response == "" {
		return []string{th.MutedStyle.Render("(empty body)")}
	}
	var lines []string
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(a.Response), "", "  ") == nil {
		lines = detail.Highlight(th, api.CleanBlock(buf.String()))
	} else {
		lines = strings.Split(api.CleanBlock(a.Response), "\n")
	}
	var out []string
	for _, l := range lines {
		out = append(out, wrapText(l, w)...)
		if len(out) >= maxBodyLines {
			out = append(out[:maxBodyLines], th.MutedStyle.Render("… the rest of the body is not drawn ("+common.Count(len(a.Response))+" bytes in all)"))
			break
		}
	}
	return out
}

func (m *Model) timelineNote() string {
	switch {
	case !m.loaded && m.err == nil:
		return "loading…"
	case !m.loaded:
		return ""
	}
	return "(" + strconv.Itoa(len(m.timeline)) + ", oldest first)"
}

func (m *Model) payloadNote() string {
	switch {
	case m.msg != nil && !m.msg.HasPayload() && !m.payloadTried:
		return "(the API sent the message without its payload; fetching it…)"
	case m.msg != nil && !m.msg.HasPayload() && m.payloadErr != nil:
		return "(the API sent the message without its payload, and fetching it failed: " + api.Clean(api.Brief(m.payloadErr)) + ")"
	case m.msg != nil && !m.msg.HasPayload():
		return "(the API sent the message without its payload, and has none to give)"
	case m.msg != nil:
		return "(the message as sent, pretty-printed)"
	case !m.msgTried:
		return "loading…"
	case m.msgErr != nil:
		return "(could not be read: " + api.Clean(m.msgErr.Error()) + ")"
	}
	return "(not found among the latest " + common.Count(webhooks.MaxMessagesRead) + " messages around its first attempt)"
}

func stamp(t, now time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Local().Format("2006-01-02 15:04:05.000") + " (" + common.Age(now.Sub(t)) + " ago)"
}

func wrapText(s string, w int) []string {
	if w < 4 || common.Width(s) <= w {
		return []string{s}
	}
	return strings.Split(ansi.Hardwrap(s, w, true), "\n")
}

// View implements common.Pane.
func (m *Model) View() string { return m.view.View() }

// Lines is the whole content, for tests.
func (m *Model) Lines() []string { return m.view.Lines }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return common.Hints(m.actions) }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{keys.KeyBindings(k.InScope(keys.List)...), keys.KeyBindings(k.Resend, k.GoToTask, k.Mark, k.Compare, k.Export, k.Fixture)}
}

// AssetID is the asset of the task the attempt's message is about, or "".
func (m *Model) AssetID() string {
	if m.msg == nil {
		return ""
	}
	return m.msg.AssetID()
}

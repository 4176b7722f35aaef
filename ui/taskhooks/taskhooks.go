// Package taskhooks is the webhook side of one task, in the main area:
// every webhook message whose payload is about the task (data.task.id),
// newest first, each with its delivery attempts to every endpoint. From an
// attempt, enter opens it whole and r resends it.
package taskhooks

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// Bounds on one look-up.
const (
	MaxScanned  = 5000 // messages read to find the task's
	maxMessages = 50   // of the task's messages, whose attempts are read
)

// LoadedMsg is a finished look-up.
type LoadedMsg struct {
	seq      int
	Messages []api.Message // the task's, newest first
	Attempts map[string][]api.Attempt
	Scanned  int
	Err      error
}

// Model is the view.
type Model struct {
	ctx    *common.Context
	base   context.Context
	client webhooks.Client
	resend *webhooks.Resender
	poll   common.Poller

	seq     int
	taskID  string
	since   time.Time
	msgs    []api.Message
	byMsg   map[string][]api.Attempt
	scanned int
	loaded  bool
	err     error

	rows    []row
	sel     int // index into rows, always an attempt row when there is one
	offset  int
	w, h    int
	actions keys.Actions
}

type row struct {
	msg     *api.Message
	attempt *api.Attempt
	number  int
}

// New returns a closed view.
func New(ctx *common.Context, base context.Context, client webhooks.Client, every time.Duration, rs *webhooks.Resender) *Model {
	m := &Model{ctx: ctx, base: base, client: client, resend: rs}
	m.poll = common.Poller{Every: every, Fast: rs.Active, FastEvery: 500 * time.Millisecond}
	k := ctx.Keys
	m.actions = keys.Actions{
		{Binding: k.Back, Shown: true, Do: func() tea.Cmd { return func() tea.Msg { return common.BackMsg{} } }},
		{Binding: k.OpenAttempt, Do: m.openAttempt},
		{Binding: k.Resend, Do: m.resendIt},
		{Binding: k.Mark, Do: m.act(webhooks.ActMark)},
		{Binding: k.Compare, Do: m.act(webhooks.ActCompare)},
		{Binding: k.Export, Do: m.act(webhooks.ActCurl)},
		{Binding: k.Fixture, Do: m.act(webhooks.ActFixture)},
	}
	return m
}

// Open shows the webhooks about a task; created bounds how far back its
// messages are looked for (zero: as far as MaxScanned reaches).
func (m *Model) Open(taskID string, created time.Time) tea.Cmd {
	m.seq++
	m.taskID, m.since = taskID, created
	m.msgs, m.byMsg, m.rows, m.loaded, m.err, m.sel, m.offset, m.scanned = nil, nil, nil, false, nil, 0, 0, 0
	m.poll.Restart()
	return m.poll.Now(m.fetch())
}

// Close stops following.
func (m *Model) Close() { m.seq++; m.poll.Stop() }

// TaskID is the task shown.
func (m *Model) TaskID() string { return m.taskID }

func (m *Model) fetch() tea.Cmd {
	if m.client == nil {
		return nil
	}
	c, base, seq, id, since := m.client, m.base, m.seq, m.taskID, m.since
	return common.Tag(common.Hooks, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, webhooks.CallTimeout)
		defer cancel()
		return find(ctx, c, seq, id, since)
	})
}

// find reads the messages since the task was created and keeps those
// about it, then each one's attempts.
func find(ctx context.Context, c webhooks.Client, seq int, taskID string, since time.Time) LoadedMsg {
	q := api.MessageQuery{Limit: 250, Max: MaxScanned}
	if !since.IsZero() {
		q.After = since.Add(-time.Minute)
	}
	all, err := c.ListMessages(ctx, q)
	out := LoadedMsg{seq: seq, Scanned: len(all), Attempts: map[string][]api.Attempt{}}
	if err != nil {
		out.Err = err
		return out
	}
	for _, msg := range all {
		if msg.TaskID() == taskID {
			out.Messages = append(out.Messages, msg)
		}
	}
	var errs []error
	for i, msg := range out.Messages {
		if i == maxMessages {
			break
		}
		as, err := c.ListAttempts(ctx, api.AttemptQuery{MessageID: msg.ID, Limit: 250, Max: 250})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		webhooks.NewestFirst(as)
		out.Attempts[msg.ID] = as
	}
	out.Err = errors.Join(errs...)
	return out
}

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.keepVisible()
}

// Title implements common.Pane.
func (m *Model) Title() string {
	return "Webhooks about task " + common.Short(api.Clean(m.taskID), 8) + " · " + m.ctx.Keys.Back.Label() + " back"
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
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-3)
		case tea.MouseWheelDown:
			m.move(3)
		}
	}
	return m, nil
}

func (m *Model) loadedMsg(msg LoadedMsg) tea.Cmd {
	m.err = msg.Err
	if msg.Messages != nil || msg.Err == nil {
		selected := ""
		if a := m.selected(); a != nil {
			selected = a.ID
		}
		m.msgs, m.byMsg, m.scanned, m.loaded = msg.Messages, msg.Attempts, msg.Scanned, true
		m.build()
		for i, r := range m.rows {
			if r.attempt != nil && r.attempt.ID == selected {
				m.sel = i
			}
		}
		m.fixSel(1)
	}
	var all []api.Attempt
	for _, as := range msg.Attempts {
		all = append(all, as...)
	}
	return tea.Batch(m.resend.Seen(all), m.poll.Done(common.Hooks, msg.Err, m.fetch()))
}

func (m *Model) build() {
	m.rows = m.rows[:0]
	for i := range m.msgs {
		msg := &m.msgs[i]
		m.rows = append(m.rows, row{msg: msg})
		as := m.byMsg[msg.ID]
		nums := webhooks.Numbers(as)
		for j := range as {
			m.rows = append(m.rows, row{msg: msg, attempt: &as[j], number: nums[as[j].ID]})
		}
	}
}

// act asks the root to act on the selected attempt, with its message.
func (m *Model) act(do webhooks.Act) func() tea.Cmd {
	return func() tea.Cmd {
		if m.sel < 0 || m.sel >= len(m.rows) || m.rows[m.sel].attempt == nil {
			return nil
		}
		r := m.rows[m.sel]
		msg := *r.msg
		return webhooks.Do(do, *r.attempt, &msg)
	}
}

func (m *Model) selected() *api.Attempt {
	if m.sel >= 0 && m.sel < len(m.rows) {
		return m.rows[m.sel].attempt
	}
	return nil
}

// fixSel moves the selection onto an attempt row, searching in direction d
// first.
func (m *Model) fixSel(d int) {
	m.sel = min(max(m.sel, 0), max(0, len(m.rows)-1))
	for _, dir := range []int{d, -d} {
		for i := m.sel; i >= 0 && i < len(m.rows); i += dir {
			if m.rows[i].attempt != nil {
				m.sel = i
				m.keepVisible()
				return
			}
		}
	}
	m.keepVisible()
}

func (m *Model) move(d int) {
	if len(m.rows) == 0 {
		return
	}
	dir := 1
	if d < 0 {
		dir = -1
	}
	for n := 0; n < abs(d); n++ {
		next := m.sel + dir
		for next >= 0 && next < len(m.rows) && m.rows[next].attempt == nil {
			next += dir
		}
		if next < 0 || next >= len(m.rows) {
			break
		}
		m.sel = next
	}
	m.keepVisible()
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// listH is the lines left for rows under the summary line and a blank.
func (m *Model) listH() int { return max(1, m.h-2) }

func (m *Model) keepVisible() {
	h := m.listH()
	top := m.sel
	// Show the message heading above the first attempt of a message.
	if top > 0 && m.rows[top-1].attempt == nil && top-1 >= 0 {
		top--
	}
	if top < m.offset {
		m.offset = top
	}
	if m.sel >= m.offset+h {
		m.offset = m.sel - h + 1
	}
	m.offset = min(max(m.offset, 0), max(0, len(m.rows)-h))
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := common.Press(m.actions, msg); ok {
		return cmd
	}
	v, ok := m.ctx.Keys.Move(msg, m.listH())
	switch {
	case !ok:
	case v.To == keys.ToFirst:
		m.sel = 0
		m.fixSel(1)
	case v.To == keys.ToLast:
		m.sel = len(m.rows) - 1
		m.fixSel(-1)
	default:
		m.move(v.By)
	}
	return nil
}

func (m *Model) openAttempt() tea.Cmd {
	if a := m.selected(); a != nil {
		at, mm := *a, *m.rows[m.sel].msg
		return func() tea.Msg { return webhooks.OpenAttemptMsg{Attempt: at, Message: &mm} }
	}
	return nil
}

func (m *Model) resendIt() tea.Cmd {
	if a := m.selected(); a != nil {
		return m.resend.Start(common.Hooks, *a)
	}
	return common.Note(common.Info, "no attempt selected to resend")
}

// View implements common.Pane.
func (m *Model) View() string {
	th := m.ctx.Theme
	var lines []string
	switch {
	case m.client == nil:
		lines = common.Wrap(th.MutedStyle.Render("No API client: webhook messages are not listed."), m.w)
	case !m.loaded && m.err != nil:
		lines = common.Wrap(th.ErrorStyle.Render("Could not read webhook messages: ")+api.Clean(m.err.Error()), m.w)
	case !m.loaded:
		lines = []string{th.MutedStyle.Render(" Reading webhook messages about " + api.Clean(m.taskID) + "…")}
	default:
		lines = append(lines, m.summary(), "")
		if len(m.msgs) == 0 {
			where := "among the " + common.Count(m.scanned) + " latest messages"
			if !m.since.IsZero() {
				where += " since the task was created (" + webhooks.Stamp(m.since) + ")"
			}
			lines = append(lines, common.Wrap(th.MutedStyle.Render("No webhook message is about this task "+where+". Messages are made for task events only; a task changing state makes one each time."), m.w)...)
			break
		}
		end := min(len(m.rows), m.offset+m.listH())
		for i := m.offset; i < end; i++ {
			lines = append(lines, m.line(m.rows[i], i == m.sel))
		}
	}
	return strings.Join(common.Lines(strings.Join(lines, "\n"), m.w, m.h), "\n")
}

func (m *Model) summary() string {
	th := m.ctx.Theme
	n := 0
	failed := 0
	for _, as := range m.byMsg {
		n += len(as)
		for _, a := range as {
			if a.Status == api.AttemptFailed {
				failed++
			}
		}
	}
	s := " " + th.Bold.Render(api.Clean(m.taskID)) + th.MutedStyle.Render(" · "+plural(len(m.msgs), "message")+" · "+plural(n, "attempt"))
	if failed > 0 {
		s += th.MutedStyle.Render(" · ") + th.ErrorStyle.Render(strconv.Itoa(failed)+" failed")
	}
	s += th.MutedStyle.Render(" · read " + common.Count(m.scanned) + " messages")
	if len(m.msgs) > maxMessages {
		s += th.WarnStyle.Render(" · attempts of the newest " + strconv.Itoa(maxMessages) + " only")
	}
	if m.err != nil {
		s += th.WarnStyle.Render(" · " + api.Brief(m.err))
	}
	return s
}

func (m *Model) line(r row, selected bool) string {
	th := m.ctx.Theme
	if r.attempt == nil {
		msg := r.msg
		head := " " + th.MutedStyle.Render(webhooks.Stamp(msg.Timestamp.Time)) + "  " + th.Bold.Render(common.Fit(api.Clean(msg.EventType), 15)) + " " + th.MutedStyle.Render(api.Clean(msg.ID))
		if len(m.byMsg[msg.ID]) == 0 {
			head += th.MutedStyle.Render("  · no attempt (no endpoint wanted it, or it was made before one existed)")
		}
		return head
	}
	a := *r.attempt
	mark := "    "
	if selected {
		mark = "  " + th.AccentStyle.Render("▸") + " "
	}
	st, paint := webhooks.Status(th, a)
	if m.resend.Pending(webhooks.PairOf(a)) && m.newestOfPair(a) {
		st, paint = "◌ resending", th.AccentP
	}
	return mark + paint.S(common.Fit(st, 11)) + " " + th.MutedStyle.Render(common.PadLeft(webhooks.Took(a), 6)) + "  " +
		common.Fit("#"+strconv.Itoa(r.number), 4) + common.Fit(webhooks.Trigger(a), 10) + th.MutedStyle.Render(webhooks.Stamp(a.Timestamp.Time)) + "  " + webhooks.Label(a.URL)
}

func (m *Model) newestOfPair(a api.Attempt) bool {
	p := webhooks.PairOf(a)
	for _, x := range m.byMsg[a.MsgID] {
		if webhooks.PairOf(x) == p {
			return x.ID == a.ID
		}
	}
	return false
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return common.Count(n) + " " + s + "s"
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return common.Hints(m.actions) }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{keys.KeyBindings(k.InScope(keys.List)...), keys.KeyBindings(k.OpenAttempt, k.Resend, k.Mark, k.Compare, k.Export, k.Fixture)}
}

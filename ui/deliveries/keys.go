package deliveries

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if m.find.typing {
		return m.searchKey(msg)
	}
	if m.cur.Key(&m.ctx.Keys.Moves, msg, len(m.items), m.rowsH()) {
		return nil
	}
	cmd, _ := common.Press(m.actions, msg)
	return cmd
}

// keyActions is the pane's keys and what each does, in the footer's order.
func (m *Model) keyActions() keys.Actions {
	k := m.ctx.Keys
	return keys.Actions{
		{Binding: k.OpenAttempt, Do: m.onSelected(func(a api.Attempt) tea.Cmd {
			var msgp *api.Message
			if mm, ok := m.msgs[a.MsgID]; ok {
				msgp = &mm
			}
			return func() tea.Msg { return webhooks.OpenAttemptMsg{Attempt: a, Message: msgp} }
		})},
		{Binding: k.Resend, Do: m.onSelected(func(a api.Attempt) tea.Cmd {
			return m.resend.Start(common.Deliveries, a)
		})},
		{Binding: k.AllAttempts, Do: func() tea.Cmd {
			m.all = !m.all
			m.find = search{seq: m.find.seq + 1}
			m.items, m.loaded, m.cur = nil, false, common.Cursor{}
			return m.RefreshNow()
		}},
		{Binding: k.GoToTask, Do: m.onSelected(func(a api.Attempt) tea.Cmd {
			mm, ok := m.msgs[a.MsgID]
			if !ok {
				return common.Note(common.Warn, "the message of this attempt is not loaded (it may be older than the messages read); open it with enter to look it up")
			}
			id := mm.TaskID()
			if id == "" {
				return common.Note(common.Warn, "message "+api.Clip(mm.ID, 40)+" is not about a task (no data.task.id)")
			}
			return func() tea.Msg { return webhooks.GoToTaskMsg{TaskID: id} }
		})},
		{Binding: k.Search, Do: func() tea.Cmd { m.find.typing = true; return nil }},
		{Binding: k.Mark, Do: m.act(webhooks.ActMark)},
		{Binding: k.Compare, Do: m.act(webhooks.ActCompare)},
		{Binding: k.Export, Do: m.act(webhooks.ActCurl)},
		{Binding: k.Fixture, Do: m.act(webhooks.ActFixture)},
	}
}

// act asks the root to act on the selected attempt, with its message when
// the pane holds it.
func (m *Model) act(do webhooks.Act) func() tea.Cmd {
	return m.onSelected(func(a api.Attempt) tea.Cmd {
		var msgp *api.Message
		if mm, ok := m.msgs[a.MsgID]; ok {
			msgp = &mm
		}
		return webhooks.Do(do, a, msgp)
	})
}

// onSelected is an action on the selected attempt; without one it does
// nothing.
func (m *Model) onSelected(do func(api.Attempt) tea.Cmd) func() tea.Cmd {
	return func() tea.Cmd {
		if a, ok := m.Selected(); ok {
			return do(a)
		}
		return nil
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.find.typing {
		return keys.KeyBindings(m.ctx.Keys.FilterKeep, m.ctx.Keys.FilterClear)
	}
	return common.Hints(m.actions)
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{keys.KeyBindings(k.InScope(keys.List)...), keys.KeyBindings(k.InScope(keys.Deliveries)...)}
}

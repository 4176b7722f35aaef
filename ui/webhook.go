package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// webhookMsg handles what the webhook panes ask of the root: notes in the
// status line, hiding a feature the API does not offer, refreshing each
// other after an action, opening an attempt, going to a task.
func (m *Model) webhookMsg(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.NoteMsg:
		m.status.SetNote(m.ctx.Now, msg.Text, int(msg.Level))
	case common.NotOfferedMsg:
		m.status.Hide(msg.Feature)
		m.status.SetNote(m.ctx.Now, "this API does not offer "+msg.Route+" (404): "+msg.Feature+" is hidden", int(common.Warn))
	case common.RefreshMsg:
		return tea.Batch(m.endpoints.RefreshNow(), m.deliveries.RefreshNow())
	case webhooks.WatchMsg:
		return m.deliveries.Watch(msg.Pair)
	case webhooks.OpenAttemptMsg:
		m.open(common.Attempt, "")
		return m.attempt.Open(msg.Attempt, msg.Message)
	case webhooks.GoToTaskMsg:
		return m.goToTask(msg.TaskID)
	}
	return nil
}

// openHooks shows the webhook messages about the selected task.
func (m *Model) openHooks() tea.Cmd {
	id, ok := m.grid.Selected()
	if !ok {
		return common.Note(common.Info, "no task selected")
	}
	t, _ := m.store.Task(id)
	m.open(common.Hooks, "")
	return m.hooks.Open(id, t.Created.Time)
}

// goToTask selects a task in the grid, leaving whatever view showed the
// attempt.
func (m *Model) goToTask(id string) tea.Cmd {
	if _, ok := m.store.Task(id); !ok {
		return common.Note(common.Warn, "task "+api.Clip(id, 40)+" is not in the grid: it is not active and no event about it arrived since the dashboard started")
	}
	left := m.main
	m.from = nil
	m.main, m.zoom = common.Tasks, false
	m.layout()
	m.setFocus(common.Tasks)
	m.closeIfGone(left)
	m.closeIfGone(common.Hooks)
	if !m.grid.Select(id) {
		return common.Note(common.Warn, "task "+api.Clip(id, 40)+" is not in the grid")
	}
	return common.Note(common.Info, "task "+common.Short(api.Clean(id), 8)+" selected")
}

// overlayPane is the pane whose dialog is open, if any.
func (m *Model) overlayPane() common.Pane {
	for _, id := range []common.PaneID{common.Endpoints, common.Deliveries, m.main} {
		if o, ok := m.pane(id).(common.Overlayer); ok && o.Overlay() != nil {
			return m.pane(id)
		}
	}
	return nil
}

// scopes are the key scopes live in the focused pane, for saying why a
// key that is off there did nothing.
func (m *Model) scopes() []keys.Scope {
	if s, ok := m.focused().(common.Scoped); ok {
		return s.Scopes()
	}
	if m.main == common.Tasks && m.focus == common.Tasks {
		return []keys.Scope{keys.Global, keys.List, keys.Tasks}
	}
	return []keys.Scope{keys.Global, keys.List}
}

// toggleZoom gives the focused side pane the whole body, or takes it back.
func (m *Model) toggleZoom() {
	if m.zoom {
		m.unzoom()
		return
	}
	if m.focus != common.Endpoints && m.focus != common.Deliveries {
		m.status.SetNote(m.ctx.Now, "zoom enlarges the endpoints or deliveries pane: focus one with "+m.ctx.Keys.NextPane.Label()+" first", int(common.Info))
		return
	}
	m.zoom = true
	m.layout()
}

func (m *Model) unzoom() {
	if m.zoom {
		m.zoom = false
		m.layout()
	}
}

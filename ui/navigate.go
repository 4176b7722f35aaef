package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// place is what the screen showed: the main area's view, the focus, and
// whether the focused side pane was zoomed.
type place struct {
	main, focus common.PaneID
	zoom        bool
}

// open shows a view in the main area, remembering where it was opened
// from for esc.
func (m *Model) open(which common.PaneID, id string) {
	if which != m.main || !m.mainFocused() {
		m.from = append(m.from, place{m.main, m.focus, m.zoom})
	}
	m.main, m.zoom = which, false
	m.setFocus(which)
	m.layout()
	if which == common.Detail {
		m.detail.Open(id)
	}
}

// goBack returns to where the view in the main area was opened from.
func (m *Model) goBack() {
	left := m.main
	back := place{main: common.Tasks, focus: common.Tasks}
	if n := len(m.from); n > 0 {
		back, m.from = m.from[n-1], m.from[:n-1]
	}
	m.main, m.focus, m.zoom = back.main, back.focus, back.zoom
	m.layout()
	if m.shown(m.areaOf(back.focus)) {
		m.setFocus(back.focus)
	} else {
		m.zoom = false
		m.layout()
		m.setFocus(m.main)
	}
	m.closeIfGone(left)
}

// closeIfGone stops a view that left the screen from following the API,
// unless esc can still lead back to it.
func (m *Model) closeIfGone(id common.PaneID) {
	if id == m.main {
		return
	}
	for _, p := range m.from {
		if p.main == id {
			return
		}
	}
	if int(id) < len(panes) && panes[id].close != nil {
		panes[id].close(m)
	}
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

package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// rootActions is the keys the root answers itself, before the focused
// pane, in the order the footer lists them after the pane's own.
func (m *Model) rootActions() keys.Actions {
	k := m.ctx.Keys
	done := func(f func()) func() tea.Cmd { return func() tea.Cmd { f(); return nil } }
	return keys.Actions{
		{Binding: k.Webhooks, Do: m.openHooks,
			When: func() bool { return m.focus == common.Tasks },
			// The way to a task's webhooks, where it leaves room for help.
			FooterIf: func() bool { return m.w >= 100 }},
		{Binding: k.Zoom, Do: done(m.toggleZoom),
			FooterIf: func() bool { return m.zoom || m.sideFocused() }},
		{Binding: k.NextPane, Do: done(func() { m.unzoom(); m.cycleFocus(1) }),
			FooterIf: func() bool { return m.shown(topSide) }},
		{Binding: k.PrevPane, Do: done(func() { m.unzoom(); m.cycleFocus(-1) })},
		{Binding: k.Log, Do: done(func() { m.open(common.Log, "") })},
		{Binding: k.Back, Do: done(m.unzoom), When: func() bool { return m.zoom }},
		{Binding: k.Back, Do: done(func() { m.focusArea(mainArea) }), When: m.sideFocused},
		{Binding: k.Help, Do: done(m.chrome.OpenHelp)},
		{Binding: k.Quit, Do: m.quit},
	}
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if p := m.overlayPane(); p != nil {
		// A dialog takes every key until it closes.
		_, cmd := p.Update(msg)
		return cmd
	}
	if m.typing() {
		_, cmd := m.focused().Update(msg)
		return cmd
	}
	if m.chrome.ShowHelp {
		if m.chrome.HelpKey(m.ctx.Keys, msg, m.helpLines(), m.helpH) {
			return m.quit()
		}
		return nil
	}
	if cmd, ok := common.Press(m.actions, msg); ok {
		return cmd
	}
	_, cmd := m.focused().Update(msg)
	return cmd
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	return tea.Quit
}

// mouse: a click focuses the pane under the pointer and goes to it; the
// wheel scrolls the pane under the pointer. Coordinates are made relative
// to the pane's content.
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	if m.overlayPane() != nil {
		return nil
	}
	if m.chrome.ShowHelp {
		m.chrome.HelpMouse(msg, m.helpLines(), m.helpH)
		return nil
	}
	mo := msg.Mouse()
	for a := mainArea; a < areaCount; a++ {
		r := m.rects[a]
		if !m.shown(a) || !r.contains(mo.X, mo.Y) {
			continue
		}
		id := m.inArea(a)
		x, y := mo.X-r.x-1, mo.Y-r.y-1
		var local tea.Msg
		switch msg := msg.(type) {
		case tea.MouseClickMsg:
			if m.main == common.Tasks && m.grid.Editing() && a != mainArea {
				return nil
			}
			m.setFocus(id)
			msg.X, msg.Y = x, y
			local = msg
		case tea.MouseWheelMsg:
			msg.X, msg.Y = x, y
			local = msg
		default:
			return nil
		}
		_, cmd := m.pane(id).Update(local)
		return cmd
	}
	return nil
}

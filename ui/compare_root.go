package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// act does what a key on an attempt asked: export it, mark it, or compare
// it with the marked one in the main area.
func (m *Model) act(msg webhooks.ActMsg) tea.Cmd {
	switch msg.Do {
	case webhooks.ActCurl:
		return m.exporter.Curl(msg.Attempt, msg.Message, m.ctx.Clock())
	case webhooks.ActFixture:
		return m.exporter.Fixture(msg.Attempt, msg.Message, m.ctx.Clock())
	case webhooks.ActMark:
		return m.compare.Mark(msg.Attempt, msg.Message)
	case webhooks.ActCompare:
		if !m.compare.Marked() {
			return common.Note(common.Warn, "no attempt is marked: press "+m.ctx.Keys.Mark.Label()+" on one first, then "+m.ctx.Keys.Compare.Label()+" on another")
		}
		m.open(common.Compare, "")
		return m.compare.Open(msg.Attempt, msg.Message)
	}
	return nil
}

// typing reports whether the focused pane takes keys as text (a filter or
// a search being typed).
func (m *Model) typing() bool {
	t, ok := m.focused().(interface{ Editing() bool })
	return ok && t.Editing()
}

package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/common"
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
	case webhooks.SentHereMsg:
		m.resend.Record(msg.Attempt)
	}
	return nil
}

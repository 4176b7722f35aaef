package ui

import (
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// resumed hands the store's mark on after a batch with events, and says
// once what a resumed start found: in the status line for a while, and in
// the log for good.
func (m *Model) resumed(b *feed.Batch, c *feed.Caught) {
	if m.opts.Marked != nil && len(b.Events) > 0 {
		m.opts.Marked(m.store.Mark())
	}
	if c == nil {
		return
	}
	level, kind, detail := common.Info, "resumed", c.Line()
	if c.Missed {
		level, kind, detail = common.Warn, "missed", c.Why+": "+c.Line()
	}
	m.status.SetNote(m.ctx.Now, c.Line(), int(level))
	m.log.Note(m.ctx.Now, kind, detail)
}

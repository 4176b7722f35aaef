package common

import (
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// Cursor is a selection in a list of n rows shown h at a time, for the
// simpler panes (the grid keeps its own, tied to task ids).
type Cursor struct {
	Pos, Offset int
}

// Key moves the cursor for a movement key; it reports whether the key was
// one.
func (c *Cursor) Key(mv *keys.Moves, msg tea.KeyPressMsg, n, h int) bool {
	v, ok := mv.Move(msg, h)
	if !ok {
		return false
	}
	c.Pos = v.From(c.Pos, n)
	c.Offset += v.View
	c.Clamp(n, h)
	return true
}

// Mouse handles a wheel turn or a click at row y of the list (0 is the
// first row shown).
func (c *Cursor) Mouse(msg tea.Msg, y, n, h int) {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		d := 0
		switch msg.Button {
		case tea.MouseWheelUp:
			d = -3
		case tea.MouseWheelDown:
			d = 3
		}
		c.Offset = min(max(c.Offset+d, 0), max(0, n-h))
		c.Pos = min(max(c.Pos, c.Offset), c.Offset+h-1)
		c.Clamp(n, h)
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft && y >= 0 && y < h && c.Offset+y < n {
			c.Pos = c.Offset + y
		}
	}
}

// Clamp keeps the cursor inside the list and on screen.
func (c *Cursor) Clamp(n, h int) {
	c.Pos = min(max(c.Pos, 0), max(n-1, 0))
	if h <= 0 {
		c.Offset = 0
		return
	}
	c.Offset = min(max(c.Offset, 0), max(0, n-h))
	if c.Pos < c.Offset {
		c.Offset = c.Pos
	}
	if c.Pos >= c.Offset+h {
		c.Offset = c.Pos - h + 1
	}
}

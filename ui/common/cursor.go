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

// Key moves the cursor for a navigation key; it reports whether the key was
// one.
func (c *Cursor) Key(k *keys.Map, msg tea.KeyPressMsg, n, h int) bool {
	page := max(1, h)
	switch {
	case k.Up.Matches(msg):
		c.Pos--
	case k.Down.Matches(msg):
		c.Pos++
	case k.PageUp.Matches(msg):
		c.Pos -= page
		c.Offset -= page
	case k.PageDown.Matches(msg):
		c.Pos += page
		c.Offset += page
	case k.HalfUp.Matches(msg):
		c.Pos -= page / 2
	case k.HalfDown.Matches(msg):
		c.Pos += page / 2
	case k.Top.Matches(msg):
		c.Pos = 0
	case k.Bottom.Matches(msg):
		c.Pos = n - 1
	default:
		return false
	}
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

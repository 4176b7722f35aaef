// Package common is what every pane of the dashboard shares: the Pane
// interface, the context struct each pane holds (size, theme, keys,
// read-only flag, clock), the tagging of asynchronous results with the pane
// that asked for them, and the small text helpers panes draw with.
package common

import (
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// Pane is one area of the screen. Children return strings; only the root
// returns a tea.View. View must fill exactly the size last given to
// SetSize, do no I/O, and read the time from Context.Now.
type Pane interface {
	Update(msg tea.Msg) (Pane, tea.Cmd)
	View() string
	SetSize(width, height int)
	// Title is drawn in the pane's border: its name and what it shows.
	Title() string
	help.KeyMap
}

// Exact is a pane whose View lines are always exactly its width, so the
// root does not measure them (the grid, drawn on every frame).
type Exact interface {
	ExactLines() bool
}

// Focusable is a pane that draws differently when it has the focus.
type Focusable interface {
	SetFocused(bool)
}

// PaneID names a pane, so an asynchronous result finds its way back.
type PaneID int

// The panes.
const (
	Tasks PaneID = iota
	Endpoints
	Deliveries
	Detail
	Log
	Attempt // one delivery attempt, whole
	Hooks   // the webhook messages about one task
	Compare // two attempts side by side
)

func (id PaneID) String() string {
	switch id {
	case Tasks:
		return "tasks"
	case Endpoints:
		return "endpoints"
	case Deliveries:
		return "deliveries"
	case Detail:
		return "detail"
	case Log:
		return "log"
	case Attempt:
		return "attempt"
	case Hooks:
		return "task webhooks"
	case Compare:
		return "compare"
	}
	return "pane"
}

// PaneMsg is the result of a pane's asynchronous work, tagged with the pane
// that asked for it; the root hands Msg to that pane's Update.
type PaneMsg struct {
	Pane PaneID
	Msg  tea.Msg
}

// Tag wraps cmd so that its result comes back as a PaneMsg for id.
func Tag(id PaneID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, len(b))
			for i, c := range b {
				out[i] = Tag(id, c)
			}
			return out
		}
		return PaneMsg{Pane: id, Msg: msg}
	}
}

// Context is shared by every pane (each holds the same pointer). The root
// sets Now and Frame at the start of each Update, so every View of one
// frame sees the same instant and no View reads the clock.
type Context struct {
	Theme    *theme.Theme
	Keys     *keys.Map
	ReadOnly bool
	// Clock is the time source: time.Now in the app, fixed in tests.
	Clock func() time.Time
	// Now is the clock read at the start of the current Update.
	Now time.Time
	// Frame counts animation frames (a few per second).
	Frame int
	// Width and Height are the window's size.
	Width, Height int
	// APIURL is the API this dashboard talks to (shown, never secret).
	APIURL string
	// Skew is how far the server's clock is behind this machine's, as the
	// events' timestamps show it (negative: ahead); zero while within a
	// minute, which is latency and ordinary drift.
	Skew time.Duration
	// AssetName is an asset's display name when the dashboard knows it,
	// "" otherwise (nil: names are not shown); panes that show a task's
	// webhook events name its asset with it.
	AssetName func(assetID string) string
}

// ServerNow is Now on the server's clock. Ages of the server's timestamps
// (a task's last update) measured from it are neither negative nor hours
// too old when the two clocks disagree.
func (c *Context) ServerNow() time.Time { return c.Now.Add(-c.Skew) }

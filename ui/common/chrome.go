package common

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// Chrome is what both roots (the dashboard and the listen screen) draw
// around their panes: the message when the window is too small, the help
// and its scrolling, and the theme that follows the terminal's background.
type Chrome struct {
	Name       string // "aspect-tui", "aspect-tui listen"
	MinW, MinH int
	Theme      map[string]string // the config file's [theme]
	NoColor    bool
	Dark       bool

	// ShowHelp is whether the help is open; HelpAt where it is scrolled.
	ShowHelp bool
	HelpAt   Cursor
}

// NewChrome is a root's chrome and the theme it starts with: for the
// background dark says, or a dark one until the terminal answers (nil).
// overrides and noColor are theme.New's.
func NewChrome(name string, minW, minH int, overrides map[string]string, noColor bool, dark *bool) (Chrome, *theme.Theme, error) {
	c := Chrome{Name: name, MinW: minW, MinH: minH, Theme: overrides, NoColor: noColor, Dark: dark == nil || *dark}
	th, err := theme.New(overrides, c.Dark, noColor)
	return c, th, err
}

// Fits reports whether a w×h window is large enough to draw in.
func (c *Chrome) Fits(w, h int) bool { return w >= c.MinW && h >= c.MinH }

// SetDark switches the theme to the terminal's background; it reports
// whether the theme changed.
func (c *Chrome) SetDark(ctx *Context, dark bool) bool {
	if dark == c.Dark {
		return false
	}
	th, err := theme.New(c.Theme, dark, c.NoColor)
	if err != nil {
		return false // the overrides were checked before; nothing changes
	}
	c.Dark, ctx.Theme = dark, th
	return true
}

// TooSmall is the whole screen of a window too small to draw in: how big
// it must be, then more lines of the root's own.
func (c *Chrome) TooSmall(w, h int, more ...string) string {
	msg := append([]string{
		c.Name + " needs a window of at least " + strconv.Itoa(c.MinW) + "×" + strconv.Itoa(c.MinH) + ".",
		"This one is " + strconv.Itoa(w) + "×" + strconv.Itoa(h) + ": make it larger, or press q to quit.",
	}, more...)
	lines := make([]string, h)
	top := max(0, (h-len(msg))/2)
	for i := range lines {
		if j := i - top; j >= 0 && j < len(msg) {
			s := msg[j]
			pad := max(0, (w-Width(s))/2)
			lines[i] = Fit(Spaces(pad)+s, w)
		} else {
			lines[i] = Spaces(w)
		}
	}
	return strings.Join(lines, "\n")
}

// OpenHelp shows the help from its top.
func (c *Chrome) OpenHelp() { c.ShowHelp, c.HelpAt = true, Cursor{} }

// HelpKey handles a key while the help is open: quit, close, or scroll
// its n lines shown h at a time. It reports whether the key quits.
func (c *Chrome) HelpKey(k *keys.Map, msg tea.KeyPressMsg, n, h int) (quit bool) {
	switch {
	case k.Quit.Matches(msg):
		return true
	case k.Help.Matches(msg), k.Back.Matches(msg):
		c.ShowHelp = false
	default:
		c.HelpAt.Key(&k.Moves, msg, n, h)
	}
	return false
}

// HelpMouse scrolls the help with the wheel.
func (c *Chrome) HelpMouse(msg tea.MouseMsg, n, h int) {
	if w, ok := msg.(tea.MouseWheelMsg); ok {
		c.HelpAt.Mouse(w, 0, n, h)
	}
}

// HelpHints is the footer while the help is open.
func (c *Chrome) HelpHints(k *keys.Map) []key.Binding {
	return keys.KeyBindings(k.Back, k.Down, k.Up, k.Quit)
}

// HelpBox draws the help's lines (all of them, scrolled) in a box of w×bh
// cells whose title says how to scroll and close it.
func (c *Chrome) HelpBox(th *theme.Theme, all []string, w, bh int) []string {
	iw, h := w-2, bh-2
	c.HelpAt.Clamp(len(all), h)
	end := min(len(all), c.HelpAt.Offset+h)
	title := "Help · esc or ? closes"
	if len(all) > h {
		title = "Help · lines " + strconv.Itoa(c.HelpAt.Offset+1) + "–" + strconv.Itoa(end) + " of " + strconv.Itoa(len(all)) + ", j/k scroll · esc or ? closes"
	}
	return Box(th, title, Lines(strings.Join(all[min(c.HelpAt.Offset, end):end], "\n"), iw, h), w, bh, true)
}

// HelpLine is one binding as the help lists it: its keys in a column
// labelW wide, then what it does (dimmed, with why, when it is off).
func HelpLine(th *theme.Theme, b *keys.Binding, labelW int) string {
	desc := b.Desc
	if b.Disabled != "" {
		desc = th.MutedStyle.Render(desc + " (off: " + b.Disabled + ")")
	}
	return th.HelpKey.Render(Fit(b.Label(), labelW)) + "  " + desc
}

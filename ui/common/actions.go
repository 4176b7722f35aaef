package common

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// Press runs the pane's action for msg, or notes why it is off; ok is
// false when msg is none of the pane's keys.
func Press(as keys.Actions, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	return as.Run(msg, Refuse)
}

// Refuse is the status line's note for a key that is off.
func Refuse(b *keys.Binding, why string) tea.Cmd {
	return Note(Warn, keys.Refusal(b, why))
}

// Hints is the footer's form of a pane's actions (help.KeyMap's
// ShortHelp).
func Hints(as keys.Actions) []key.Binding { return as.Footer(make([]key.Binding, 0, len(as))) }

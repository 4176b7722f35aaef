package common

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
)

// EditLine is what an editing key makes of the text of a one-line field
// (a filter): backspace drops the last character, ctrl+u clears it, ctrl+w
// drops the last word, and a printable key adds what it types (Typed). ok
// is false when the text is not to be set: any other key, backspace on no
// text, or a key that types nothing once cleaned.
func EditLine(text string, msg tea.KeyPressMsg) (next string, ok bool) {
	switch msg.String() {
	case "backspace":
		if r := []rune(text); len(r) > 0 {
			return string(r[:len(r)-1]), true
		}
		return text, false
	case "ctrl+u":
		return "", true
	case "ctrl+w":
		return strings.TrimRightFunc(strings.TrimRightFunc(text, unicode.IsSpace), func(r rune) bool { return !unicode.IsSpace(r) }), true
	}
	if msg.Mod&(tea.ModCtrl|tea.ModAlt) != 0 || msg.Text == "" {
		return text, false
	}
	if s := Typed(msg.Text); s != "" {
		return text + s, true
	}
	return text, false
}

// Typed is what typed or pasted text adds to a one-line field: the text
// cleaned of control characters and cut at its first line break.
func Typed(s string) string {
	s = api.Clean(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

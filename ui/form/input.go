// Package form is the dashboard's small forms and dialogs: a one-line text
// input, a form of labelled inputs with errors under each, and a list of
// choices. They draw into a common.Overlay; the pane that owns one decides
// what its keys do once the form is sent.
package form

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// Input is a one-line text input with a cursor. Text typed or pasted is
// cleaned of control characters, and a paste stops at its first newline.
type Input struct {
	value []rune
	pos   int
	Limit int // at most this many runes; 0 is no limit
}

// NewInput returns an input holding s, the cursor at its end.
func NewInput(s string) Input {
	r := []rune(api.Clean(s))
	return Input{value: r, pos: len(r)}
}

// Value is the text.
func (in *Input) Value() string { return string(in.value) }

// Set replaces the text and puts the cursor at its end.
func (in *Input) Set(s string) {
	*in = Input{value: []rune(api.Clean(s)), pos: len([]rune(api.Clean(s))), Limit: in.Limit}
}

// Key edits the text for a key press and reports whether it was an
// editing key.
func (in *Input) Key(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "left", "ctrl+b":
		in.pos = max(0, in.pos-1)
	case "right", "ctrl+f":
		in.pos = min(len(in.value), in.pos+1)
	case "home", "ctrl+a":
		in.pos = 0
	case "end", "ctrl+e":
		in.pos = len(in.value)
	case "backspace", "ctrl+h":
		if in.pos > 0 {
			in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
			in.pos--
		}
	case "delete", "ctrl+d":
		if in.pos < len(in.value) {
			in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
		}
	case "ctrl+u":
		in.value = in.value[in.pos:]
		in.pos = 0
	case "ctrl+k":
		in.value = in.value[:in.pos]
	case "ctrl+w", "alt+backspace":
		i := in.pos
		for i > 0 && unicode.IsSpace(in.value[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(in.value[i-1]) {
			i--
		}
		in.value = append(in.value[:i], in.value[in.pos:]...)
		in.pos = i
	default:
		if msg.Mod&(tea.ModCtrl|tea.ModAlt) != 0 || msg.Text == "" {
			return false
		}
		in.Insert(msg.Text)
	}
	return true
}

// Insert types s at the cursor (a paste), up to its first line break.
func (in *Input) Insert(s string) {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	r := []rune(api.Clean(s))
	if in.Limit > 0 {
		r = r[:min(len(r), max(0, in.Limit-len(in.value)))]
	}
	v := make([]rune, 0, len(in.value)+len(r))
	v = append(v, in.value[:in.pos]...)
	v = append(v, r...)
	v = append(v, in.value[in.pos:]...)
	in.value = v
	in.pos += len(r)
}

// View draws the input in w cells, scrolled so the cursor shows; the
// cursor is drawn only when focused.
func (in *Input) View(th *theme.Theme, w int, focused bool) string {
	if w < 2 {
		return ""
	}
	// Scroll whole runes so the cursor cell fits; wide runes count double.
	start := 0
	width := func(r []rune) int { return common.Width(string(r)) }
	for width(in.value[start:in.pos])+1 > w && start < in.pos {
		start++
	}
	var b strings.Builder
	before := string(in.value[start:in.pos])
	b.WriteString(th.Input.Render(before))
	used := common.Width(before)
	if focused {
		under := " "
		if in.pos < len(in.value) {
			under = string(in.value[in.pos])
		}
		b.WriteString(th.Cursor.Render(under))
		used += common.Width(under)
		if in.pos < len(in.value) {
			after := common.Clip(string(in.value[in.pos+1:]), w-used)
			b.WriteString(th.Input.Render(after))
			used += common.Width(after)
		}
	} else if in.pos < len(in.value) {
		after := common.Clip(string(in.value[in.pos:]), w-used)
		b.WriteString(th.Input.Render(after))
		used += common.Width(after)
	}
	return b.String() + common.Spaces(w-used)
}

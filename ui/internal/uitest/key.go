// Package uitest is the test kit of the ui packages: one way to name a
// key, one terminal to read a screen from, and drivers that step a model
// the way Bubble Tea's runtime does, so a test reads like a user's script
// (press these keys, expect these lines) and fails for one reason.
//
// Every assertion reads a terminal emulator (github.com/charmbracelet/x/vt)
// that the model's output was drawn into: what a user would see, cell by
// cell, never the bytes written (a renderer that diffs cells never writes
// a phrase whole once part of it is on screen).
//
// The kit depends on Bubble Tea, the emulator and testing only, never on
// the ui packages it tests.
package uitest

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
)

var specialKeys = map[string]rune{
	"enter": tea.KeyEnter, "esc": tea.KeyEscape, "escape": tea.KeyEscape, "tab": tea.KeyTab,
	"backspace": tea.KeyBackspace, "delete": tea.KeyDelete, "space": tea.KeySpace,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
	"insert": tea.KeyInsert,
	"f1":     tea.KeyF1, "f2": tea.KeyF2, "f3": tea.KeyF3, "f4": tea.KeyF4, "f5": tea.KeyF5, "f6": tea.KeyF6,
	"f7": tea.KeyF7, "f8": tea.KeyF8, "f9": tea.KeyF9, "f10": tea.KeyF10, "f11": tea.KeyF11, "f12": tea.KeyF12,
}

// Key is the key press named as Bubble Tea spells it (msg.String()):
// "j", "G", "?", "enter", "pgdown", "ctrl+d", "shift+tab", "alt+enter",
// "ctrl+shift+up". A name that is neither a special key nor one rune
// panics: a typo in a test is the test's bug.
func Key(name string) tea.KeyPressMsg {
	var mod tea.KeyMod
	base := name
	for {
		switch {
		case strings.HasPrefix(base, "ctrl+") && len(base) > len("ctrl+"):
			mod |= tea.ModCtrl
			base = base[len("ctrl+"):]
			continue
		case strings.HasPrefix(base, "shift+") && len(base) > len("shift+"):
			mod |= tea.ModShift
			base = base[len("shift+"):]
			continue
		case strings.HasPrefix(base, "alt+") && len(base) > len("alt+"):
			mod |= tea.ModAlt
			base = base[len("alt+"):]
			continue
		}
		break
	}
	if code, ok := specialKeys[base]; ok {
		k := tea.KeyPressMsg{Code: code, Mod: mod}
		if code == tea.KeySpace && mod == 0 {
			k.Text = " "
		}
		return k
	}
	r := []rune(base)
	if len(r) != 1 {
		panic(fmt.Sprintf("uitest.Key: no key is called %q", name))
	}
	if mod != 0 {
		return tea.KeyPressMsg{Code: r[0], Mod: mod}
	}
	return tea.KeyPressMsg{Code: r[0], Text: base}
}

// Runes are the key presses that type s, one a rune.
func Runes(s string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

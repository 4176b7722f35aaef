package uitest

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// A key built from its name spells its name back, as Bubble Tea reads it.
func TestKeySpellsItsName(t *testing.T) {
	for _, name := range []string{"j", "G", "?", "/", "enter", "esc", "tab", "backspace", "space", "up", "down",
		"pgup", "pgdown", "home", "end", "ctrl+d", "ctrl+u", "ctrl+c", "shift+tab", "alt+enter", "ctrl+shift+up", "alt+x", "é"} {
		if got := Key(name).String(); got != name {
			t.Errorf("Key(%q) reads as %q", name, got)
		}
	}
	if k := Key("x"); k.Text != "x" || k.Code != 'x' {
		t.Errorf("a rune carries its text: %+v", k)
	}
	if k := Key("ctrl+w"); k.Code != 'w' || k.Mod != tea.ModCtrl || k.Text != "" {
		t.Errorf("ctrl+w: %+v", k)
	}
	if got := Runes("a b"); len(got) != 3 || got[1].String() != "space" {
		t.Errorf("Runes: %v", got)
	}
}

package form

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

func TestInputEdits(t *testing.T) {
	in := NewInput("https://x")
	for _, k := range []string{"left", "backspace", "home", "a"} {
		in.Key(uitest.Key(k))
	}
	if in.Value() != "ahttps:/x" {
		t.Fatalf("value %q, want ahttps:/x", in.Value())
	}
	in.Set("one two three")
	in.Key(uitest.Key("ctrl+w"))
	if in.Value() != "one two " {
		t.Fatalf("ctrl+w left %q", in.Value())
	}
	in.Insert("four\x1b[31m\nnext line")
	if in.Value() != "one two four" {
		t.Fatalf("a paste is not cleaned or not cut at its line: %q", in.Value())
	}
}

func TestInputScrollsToTheCursor(t *testing.T) {
	in := NewInput(strings.Repeat("a", 30) + "END")
	v := ansi.Strip(in.View(theme.Default(), 10, true))
	if !strings.Contains(v, "END") || len([]rune(v)) != 10 {
		t.Fatalf("view %q", v)
	}
}

func TestFormMovesAndSends(t *testing.T) {
	k := keys.Default()
	f := Form{Fields: []*Field{{Name: "a", Label: "A"}, {Name: "b", Label: "B", Err: "bad"}}}
	f.Key(k, uitest.Key("x"))
	f.Key(k, uitest.Key("tab"))
	f.Key(k, uitest.Key("y"))
	if f.Field("a").Input.Value() != "x" || f.Field("b").Input.Value() != "y" || f.Field("b").Err != "" {
		t.Fatalf("fields %q %q, err %q: typing clears a field's error", f.Field("a").Input.Value(), f.Field("b").Input.Value(), f.Field("b").Err)
	}
	if f.Key(k, uitest.Key("enter")) != Submitted {
		t.Fatal("enter does not send")
	}
	f.Busy = "Sending…"
	if f.Key(k, uitest.Key("z")) != Editing || f.Field("b").Input.Value() != "y" {
		t.Fatal("keys edit a form whose request runs")
	}
}

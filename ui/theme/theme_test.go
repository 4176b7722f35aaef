package theme

import (
	"strings"
	"testing"

	"github.com/aspect-hq/aspect-tui/api"
)

func TestValidate(t *testing.T) {
	if err := Validate(map[string]string{"failed": "#f00", "ok": "#a1b2c3", "accent": "212"}); err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]string{"red": "not a colour", "#12": "not a colour", "300": "not a colour", "#ggg": "not a colour"} {
		if err := Validate(map[string]string{"failed": v}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", v, err)
		}
	}
	if err := Validate(map[string]string{"fail": "#fff"}); err == nil || !strings.Contains(err.Error(), "unknown colour") {
		t.Errorf("unknown name: %v", err)
	}
}

func TestOverrideReachesTheStyles(t *testing.T) {
	th, err := New(map[string]string{"failed": "#ff0000"}, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := th.States[api.StateFailed][Normal].S("x"); !strings.Contains(got, "38;2;255;0;0") {
		t.Fatalf("failed cell %q does not use the override", got)
	}
}

func TestNoColorUsesAttributesOnly(t *testing.T) {
	th, err := New(nil, true, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range th.States {
		for v, paint := range p {
			if s := paint.S("x"); strings.Contains(s, "38;") || strings.Contains(s, "48;") {
				t.Fatalf("variant %d holds a colour: %q", v, s)
			}
		}
	}
	if s := th.Text[Selected].S("x"); !strings.Contains(s, "7") {
		t.Fatalf("selection is not reversed: %q", s)
	}
}

func TestEveryStateHasAGlyphAndAWord(t *testing.T) {
	seen := map[string]api.State{}
	for _, s := range api.States {
		g := Glyph(s, 0)
		if prev, dup := seen[g]; dup {
			t.Errorf("%s and %s share the glyph %s", prev, s, g)
		}
		seen[g] = s
		if Word(s, false) == "" || Word(s, true) == "" || len(Word(s, true)) > ShortWordWidth || len(Word(s, false)) > LongWordWidth {
			t.Errorf("%s: words %q %q", s, Word(s, false), Word(s, true))
		}
	}
	if Glyph("exploded", 0) != UnknownGlyph || Word("exploded", false) != "exploded" {
		t.Error("an unknown state is not named as sent")
	}
	if Word("\x1b[31mred", false) != "red" {
		t.Errorf("an unknown state is not cleaned: %q", Word("\x1b[31mred", false))
	}
	if Glyph(api.StateProcessing, 0) == Glyph(api.StateProcessing, 1) {
		t.Error("processing does not animate")
	}
}

func TestEveryVariantIsDistinct(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		th, err := New(nil, true, noColor)
		if err != nil {
			t.Fatal(err)
		}
		for s, p := range th.States {
			seen := map[string]Variant{}
			for v := Normal; v <= Selected|Flash; v++ {
				got := p[v].S("x")
				if prev, dup := seen[got]; dup {
					t.Errorf("noColor=%v %s: variants %d and %d look the same: %q", noColor, s, prev, v, got)
				}
				seen[got] = v
			}
		}
	}
}

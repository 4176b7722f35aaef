package listen

import (
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
	"strings"
	"testing"
)

func TestKeysFollowTheConfig(t *testing.T) {
	k, err := NewKeys(map[string]string{"quit": "x", "refused_only": "R", "sort": "z"})
	if err != nil {
		t.Fatal(err)
	}
	if !k.Quit.Matches(uitest.Key("x")) || k.Quit.Matches(uitest.Key("q")) || !k.RefusedOnly.Matches(uitest.Key("R")) || k.RefusedOnly.Matches(uitest.Key("v")) {
		t.Errorf("overrides not applied: quit %v, refused_only %v", k.Quit.Keys, k.RefusedOnly.Keys)
	}
	if !strings.Contains(KeyTable(), "| `v` | only refused requests | lists and views | `refused_only` |") {
		t.Errorf("the README table lists the defaults:\n%s", KeyTable())
	}
	for _, c := range []struct{ name, keys, want string }{
		{"frobnicate", "x", `unknown binding "frobnicate"`},
		{"copy_body", "j", `"j" is bound to both down and copy_body`},
		{"filter_clear", " , ", "no keys given"},
	} {
		if _, err := NewKeys(map[string]string{c.name: c.keys}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %q: %v, want %q", c.name, c.keys, err, c.want)
		}
	}
}

func TestCheckRefusesABadTheme(t *testing.T) {
	if err := Check(Options{Theme: map[string]string{"accent": "blue-ish"}}); err == nil || !strings.Contains(err.Error(), "is not a colour") {
		t.Errorf("err %v", err)
	}
}

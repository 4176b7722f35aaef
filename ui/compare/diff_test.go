package compare

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/ui/theme"
)

func TestBodiesCompareJSONByKeyWhateverTheOrder(t *testing.T) {
	a := []byte(`{"b":1,"a":{"x":"same","y":[1,2]},"gone":true}`)
	b := []byte(`{"a":{"y":[1,3],"x":"same"},"b":1.0,"new":null}`)
	rows, note := Bodies(a, b)
	if note != "JSON, compared key by key" {
		t.Errorf("note %q", note)
	}
	got := map[string]Mark{}
	for _, r := range rows {
		got[r.Key] = r.Mark()
	}
	want := map[string]Mark{"a.x": Same, "a.y.0": Same, "a.y.1": Changed, "b": Changed, "gone": OnlyA, "new": OnlyB}
	for k, m := range want {
		if got[k] != m {
			t.Errorf("%s: %v, want %v (rows %+v)", k, got[k], m, rows)
		}
	}
}

func TestABodyThatIsNotJSONIsSaidAndComparedByLine(t *testing.T) {
	rows, note := Bodies([]byte(`{"a":1}`), []byte("{\"a\":1,\n oops"))
	if !strings.Contains(note, "the right is not JSON") {
		t.Errorf("note %q", note)
	}
	if Differences(rows) == 0 {
		t.Error("no difference found")
	}
}

func TestMarksReadWithoutColour(t *testing.T) {
	th, err := theme.New(nil, true, true) // NO_COLOR
	if err != nil {
		t.Fatal(err)
	}
	out := ansi.Strip(strings.Join(Lines(th, 100, "one", "two", []Section{BodySection("Body", []byte(`{"k":"v","o":1}`), []byte(`{"k":"w","n":2}`))}), "\n"))
	for _, want := range []string{"≠ k", "− o", "+ n", "3 differences"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

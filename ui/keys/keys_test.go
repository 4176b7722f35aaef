package keys

import (
	"strings"
	"testing"

	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

func TestDefaultsAreComplete(t *testing.T) {
	m := Default()
	names := map[string]bool{}
	for _, b := range m.All() {
		if b.Name == "" || len(b.Keys) == 0 || b.Desc == "" || b.Scope == "" {
			t.Errorf("incomplete binding %+v", b)
		}
		if names[b.Name] {
			t.Errorf("%s named twice", b.Name)
		}
		names[b.Name] = true
	}
	if !m.Quit.Matches(uitest.Key("q")) || m.Quit.Matches(uitest.Key("x")) {
		t.Error("q should quit and x should not")
	}
}

func TestOverrides(t *testing.T) {
	m, err := New(map[string]string{"quit": "x, ctrl+q", "open": "o"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Quit.Matches(uitest.Key("x")) || !m.Quit.Matches(uitest.Key("ctrl+q")) || m.Quit.Matches(uitest.Key("q")) {
		t.Errorf("quit keys: %v", m.Quit.Keys)
	}
	if m.Quit.Label() != "x/ctrl+q" {
		t.Errorf("label %q", m.Quit.Label())
	}
	if !strings.Contains(Markdown(m), "| `x` `ctrl+q` | quit | everywhere | `quit` |") {
		t.Errorf("the table does not follow the override:\n%s", Markdown(m))
	}
	for _, c := range []struct {
		over map[string]string
		want string
	}{
		{map[string]string{"frobnicate": "x"}, `unknown binding "frobnicate"`},
		{map[string]string{"quit": " , "}, "no keys given"},
		{map[string]string{"sort": "j"}, `"j" is bound to both down and sort`},
		{map[string]string{"help": "q"}, `"q" is bound to both quit and help`},
		{map[string]string{"quit": "x\x1b[31m"}, "control characters"},
	} {
		if _, err := New(c.over, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.over, err, c.want)
		}
	}
	// The same key in scopes never live together is fine: enter opens a
	// task and keeps a filter.
	if _, err := New(map[string]string{"filter_keep": "enter"}, false); err != nil {
		t.Error(err)
	}
}

func TestReadOnlyDropsDangerousBindings(t *testing.T) {
	rw := Default()
	if !rw.Resend.Matches(uitest.Key("r")) {
		t.Fatal("resend does not work when not read-only")
	}
	ro, err := New(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	dangerous := []*Binding{ro.NewEndpoint, ro.EditEndpoint, ro.ToggleEndpoint, ro.DeleteEndpoint, ro.TestEndpoint, ro.Recover, ro.Resend}
	for _, b := range dangerous {
		if !b.Dangerous {
			t.Errorf("%s changes data but is not marked dangerous", b.Name)
		}
		if ro.byName(b.Name) != nil {
			t.Errorf("read-only mode lists %s", b.Name)
		}
		if len(b.Off) == 0 || b.Matches(uitest.Key(b.Off[0])) || b.Disabled == "" {
			t.Errorf("read-only mode leaves %s live", b.Name)
		}
		if len(Footer(b)) != 0 || strings.Contains(Markdown(ro), "`"+b.Name+"`") {
			t.Errorf("%s shows in the footer or the table", b.Name)
		}
	}
	for _, b := range ro.All() {
		if b.Dangerous {
			t.Errorf("read-only mode keeps dangerous %s", b.Name)
		}
	}
	// A refused key says why; the same letter in another pane's scope is
	// not this binding's business.
	if b := ro.Refused(uitest.Key("r"), Global, List, Deliveries); b != ro.Resend || !strings.Contains(b.Disabled, "read-only") {
		t.Errorf("r in the deliveries pane: refused by %v", b)
	}
	if b := ro.Refused(uitest.Key("D"), Global, List, Endpoints); b != ro.DeleteEndpoint {
		t.Errorf("D in the endpoints pane: refused by %v", b)
	}
	if b := ro.Refused(uitest.Key("r"), Global, List, Tasks); b != nil {
		t.Errorf("r in the grid is refused by %s", b.Name)
	}
	if b := ro.Refused(uitest.Key("a"), Global, List, Deliveries); b != nil {
		t.Errorf("a live key is refused by %s", b.Name)
	}
	if err := ro.Add(&Binding{Name: "quit", Keys: []string{"z"}, Desc: "x", Scope: Global}, false); err == nil {
		t.Error("a second binding named quit was accepted")
	}
}

func TestRefusedExplainsADisabledBinding(t *testing.T) {
	m := Default()
	m.Resend.Disabled = "this API does not offer resend"
	if b := m.Refused(uitest.Key("r"), Global, List, Deliveries); b != m.Resend {
		t.Errorf("refused by %v", b)
	}
	m.Resend.Disabled = ""
	if b := m.Refused(uitest.Key("r"), Global, List, Deliveries); b != nil {
		t.Errorf("a live binding is refused: %v", b.Name)
	}
}

func TestDisabledBindingExplainsItself(t *testing.T) {
	m := Default()
	m.Sort.Disabled = "no tasks to sort"
	if m.Sort.Matches(uitest.Key("s")) {
		t.Error("a disabled binding fires")
	}
	if m.Sort.Key().Enabled() {
		t.Error("a disabled binding is enabled for bubbles' help")
	}
	if len(Footer(m.Sort)) != 0 {
		t.Error("a disabled binding shows in the footer")
	}
}

func TestMarkdownListsEveryBinding(t *testing.T) {
	m := Default()
	md := Markdown(m)
	for _, b := range m.All() {
		if !strings.Contains(md, "| "+TableDesc(b)+" | "+string(b.Scope)+" | `"+b.Name+"` |") {
			t.Errorf("table lacks %s", b.Name)
		}
	}
}

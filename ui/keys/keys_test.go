package keys

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "ctrl+q":
		return tea.KeyPressMsg{Code: 'q', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

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
	if !m.Quit.Matches(press("q")) || m.Quit.Matches(press("x")) {
		t.Error("q should quit and x should not")
	}
}

func TestOverrides(t *testing.T) {
	m, err := New(map[string]string{"quit": "x, ctrl+q", "open": "o"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Quit.Matches(press("x")) || !m.Quit.Matches(press("ctrl+q")) || m.Quit.Matches(press("q")) {
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
	resend := func() *Binding {
		return &Binding{Name: "resend", Keys: []string{"r"}, Desc: "resend the delivery", Scope: Tasks, Footer: true, Dangerous: true}
	}
	rw := Default()
	if err := rw.Add(resend(), false); err != nil {
		t.Fatal(err)
	}
	if b := rw.byName("resend"); b == nil || !b.Matches(press("r")) {
		t.Fatal("a dangerous binding works when not read-only")
	}
	ro := Default()
	b := resend()
	if err := ro.Add(b, true); err != nil {
		t.Fatal(err)
	}
	if ro.byName("resend") != nil {
		t.Error("read-only mode lists a dangerous binding")
	}
	if b.Matches(press("r")) || b.Disabled == "" {
		t.Error("read-only mode leaves a dangerous binding live")
	}
	if len(Footer(b)) != 0 || strings.Contains(Markdown(ro), "resend") {
		t.Error("a dropped binding shows in the footer or the table")
	}
	if err := ro.Add(&Binding{Name: "quit", Keys: []string{"z"}, Desc: "x", Scope: Global}, false); err == nil {
		t.Error("a second binding named quit was accepted")
	}
}

func TestDisabledBindingExplainsItself(t *testing.T) {
	m := Default()
	m.Sort.Disabled = "no tasks to sort"
	if m.Sort.Matches(press("s")) {
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
		if !strings.Contains(md, "| "+b.Desc+" | "+string(b.Scope)+" | `"+b.Name+"` |") {
			t.Errorf("table lacks %s", b.Name)
		}
	}
}

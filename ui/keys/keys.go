// Package keys owns every key binding of the dashboard, as data: the keys,
// what the binding does, where it applies, whether the footer shows it,
// whether it changes anything on the server (Dangerous) and, when it is off
// right now, why. The `?` help, the footer and the README's key table are
// all generated from here, and the config file's [keys] table overrides the
// keys by binding name.
package keys

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
)

// Scope is where a binding applies.
type Scope string

// Scopes, in the order help lists them.
const (
	Global Scope = "everywhere"
	List   Scope = "lists and views"
	Tasks  Scope = "tasks"
	Filter Scope = "typing a filter"
)

// scopeOrder is the order of help and the README.
var scopeOrder = []Scope{Global, List, Tasks, Filter}

// contexts are the sets of scopes live at the same moment; a key may be
// bound once per context. A pane added later adds its scope to a context
// here (and to scopeOrder).
var contexts = [][]Scope{
	{Global, List, Tasks},
	{Filter},
}

// Binding is one action and the keys that trigger it.
type Binding struct {
	Name      string   // the name in the config file's [keys] table
	Keys      []string // as tea.KeyPressMsg.String() spells them
	Desc      string
	Hint      string // the footer's shorter word for Desc, when it needs one
	Scope     Scope
	Footer    bool // shown in the footer's hints
	Dangerous bool // changes something on the server; dropped by --read-only
	// Disabled, when set, says why the binding does nothing right now; it
	// is shown dimmed in help with the reason and left out of the footer.
	Disabled string
}

// Matches reports whether msg triggers the binding.
func (b *Binding) Matches(msg tea.KeyPressMsg) bool {
	if b == nil || b.Disabled != "" {
		return false
	}
	s := msg.String()
	for _, k := range b.Keys {
		if k == s {
			return true
		}
	}
	return false
}

// display spells a key for people.
var display = map[string]string{
	"up": "↑", "down": "↓", "left": "←", "right": "→",
	"pgdown": "pgdn", "space": "space",
}

// Label is the binding's keys as help shows them: "j/↓".
func (b *Binding) Label() string {
	parts := make([]string, len(b.Keys))
	for i, k := range b.Keys {
		if d, ok := display[k]; ok {
			k = d
		}
		parts[i] = k
	}
	return strings.Join(parts, "/")
}

// Key is the binding as bubbles' key.Binding, for help.KeyMap (whose short
// form is the footer, so it carries the Hint).
func (b *Binding) Key() key.Binding {
	desc := b.Hint
	if desc == "" {
		desc = b.Desc
	}
	kb := key.NewBinding(key.WithKeys(b.Keys...), key.WithHelp(b.Label(), desc))
	if b.Disabled != "" {
		kb.SetEnabled(false)
	}
	return kb
}

// Map is every binding. The named fields are what panes match against; All
// is the same bindings in help's order.
type Map struct {
	Quit, Help, NextPane, PrevPane, Back, Log                 *Binding
	Up, Down, PageUp, PageDown, HalfUp, HalfDown, Top, Bottom *Binding
	Open, Filter, Sort, Reverse, FailedOnly, ActiveOnly       *Binding
	FilterKeep, FilterClear                                   *Binding
	all                                                       []*Binding
}

func defaults() *Map {
	m := &Map{
		Quit:     &Binding{Name: "quit", Keys: []string{"q", "ctrl+c"}, Desc: "quit", Scope: Global, Footer: true},
		Help:     &Binding{Name: "help", Keys: []string{"?"}, Desc: "help", Scope: Global, Footer: true},
		NextPane: &Binding{Name: "next_pane", Keys: []string{"tab"}, Desc: "next pane", Scope: Global, Footer: true},
		PrevPane: &Binding{Name: "prev_pane", Keys: []string{"shift+tab"}, Desc: "previous pane", Scope: Global},
		Back:     &Binding{Name: "back", Keys: []string{"esc"}, Desc: "back; close; clear the filter", Hint: "back", Scope: Global},
		Log:      &Binding{Name: "log", Keys: []string{"L"}, Desc: "event log (skipped and unknown events)", Hint: "log", Scope: Global},

		Up:       &Binding{Name: "up", Keys: []string{"k", "up"}, Desc: "up", Scope: List},
		Down:     &Binding{Name: "down", Keys: []string{"j", "down"}, Desc: "down", Scope: List},
		PageUp:   &Binding{Name: "page_up", Keys: []string{"pgup"}, Desc: "page up", Scope: List},
		PageDown: &Binding{Name: "page_down", Keys: []string{"pgdown"}, Desc: "page down", Scope: List},
		HalfUp:   &Binding{Name: "half_page_up", Keys: []string{"ctrl+u"}, Desc: "half a page up", Scope: List},
		HalfDown: &Binding{Name: "half_page_down", Keys: []string{"ctrl+d"}, Desc: "half a page down", Scope: List},
		Top:      &Binding{Name: "top", Keys: []string{"g", "home"}, Desc: "first row", Scope: List},
		Bottom:   &Binding{Name: "bottom", Keys: []string{"G", "end"}, Desc: "last row", Scope: List},

		Open:       &Binding{Name: "open", Keys: []string{"enter"}, Desc: "open the task", Hint: "open", Scope: Tasks, Footer: true},
		Filter:     &Binding{Name: "filter", Keys: []string{"/"}, Desc: "filter task and asset ids (! inverts)", Hint: "filter", Scope: Tasks, Footer: true},
		Sort:       &Binding{Name: "sort", Keys: []string{"s"}, Desc: "sort by: last update, created, failed first, id", Hint: "sort", Scope: Tasks, Footer: true},
		Reverse:    &Binding{Name: "reverse_sort", Keys: []string{"S"}, Desc: "reverse the sort", Hint: "reverse", Scope: Tasks},
		FailedOnly: &Binding{Name: "failed_only", Keys: []string{"f"}, Desc: "only tasks with a failed feature", Hint: "failed", Scope: Tasks, Footer: true},
		ActiveOnly: &Binding{Name: "active_only", Keys: []string{"a"}, Desc: "only active tasks", Hint: "active", Scope: Tasks, Footer: true},

		FilterKeep:  &Binding{Name: "filter_keep", Keys: []string{"enter"}, Desc: "keep the filter and go back to the rows", Hint: "keep filter", Scope: Filter, Footer: true},
		FilterClear: &Binding{Name: "filter_clear", Keys: []string{"esc"}, Desc: "clear the filter", Hint: "clear", Scope: Filter, Footer: true},
	}
	m.all = []*Binding{
		m.Quit, m.Help, m.NextPane, m.PrevPane, m.Back, m.Log,
		m.Up, m.Down, m.PageUp, m.PageDown, m.HalfUp, m.HalfDown, m.Top, m.Bottom,
		m.Open, m.Filter, m.Sort, m.Reverse, m.FailedOnly, m.ActiveOnly,
		m.FilterKeep, m.FilterClear,
	}
	return m
}

// Default is every binding with its default keys.
func Default() *Map {
	m, err := New(nil, false)
	if err != nil {
		panic("keys: the defaults conflict: " + err.Error())
	}
	return m
}

// New applies the config file's [keys] table (binding name = "key, key")
// to the defaults and checks that no key is bound twice where both could
// fire. readOnly drops the dangerous bindings.
func New(overrides map[string]string, readOnly bool) (*Map, error) {
	m := defaults()
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		b := m.byName(name)
		if b == nil {
			return nil, fmt.Errorf("keys: unknown binding %q; the names are %s", api.Clip(name, 40), strings.Join(m.names(), ", "))
		}
		ks, err := parseKeys(overrides[name])
		if err != nil {
			return nil, fmt.Errorf("keys: %s: %v", name, err)
		}
		b.Keys = ks
	}
	if readOnly {
		m.dropDangerous()
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

// parseKeys reads "k, up" or "k up". A lone "," or " " cannot be bound.
func parseKeys(v string) ([]string, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("no keys given (write them like \"k, up\" or \"ctrl+d\")")
	}
	for _, f := range fields {
		if api.Clean(f) != f {
			return nil, fmt.Errorf("key %q holds control characters", api.Clip(f, 20))
		}
	}
	return fields, nil
}

func (m *Map) byName(name string) *Binding {
	for _, b := range m.all {
		if b.Name == name {
			return b
		}
	}
	return nil
}

func (m *Map) names() []string {
	out := make([]string, len(m.all))
	for i, b := range m.all {
		out[i] = b.Name
	}
	sort.Strings(out)
	return out
}

// Add registers a binding a pane brings (and checks it conflicts with
// nothing). Panes built after the dashboard's first version use it.
func (m *Map) Add(b *Binding, readOnly bool) error {
	if m.byName(b.Name) != nil {
		return fmt.Errorf("keys: %q is bound twice", b.Name)
	}
	m.all = append(m.all, b)
	if readOnly {
		m.dropDangerous()
	}
	return m.check()
}

// dropDangerous removes every binding that changes something on the
// server: in read-only mode they neither fire nor show.
func (m *Map) dropDangerous() {
	kept := m.all[:0]
	for _, b := range m.all {
		if b.Dangerous {
			b.Keys = nil
			b.Disabled = "read-only mode"
			continue
		}
		kept = append(kept, b)
	}
	m.all = kept
}

func (m *Map) check() error {
	for _, ctx := range contexts {
		seen := map[string]*Binding{}
		for _, b := range m.all {
			if !inScopes(b.Scope, ctx) {
				continue
			}
			for _, k := range b.Keys {
				if prev, ok := seen[k]; ok && prev != b {
					return fmt.Errorf("keys: %q is bound to both %s and %s", k, prev.Name, b.Name)
				}
				seen[k] = b
			}
		}
	}
	return nil
}

func inScopes(s Scope, set []Scope) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

// All is every binding, in help's order.
func (m *Map) All() []*Binding { return m.all }

// InScope is the bindings of one scope, in help's order.
func (m *Map) InScope(s Scope) []*Binding {
	var out []*Binding
	for _, b := range m.all {
		if b.Scope == s {
			out = append(out, b)
		}
	}
	return out
}

// Scopes lists the scopes that hold at least one binding, in help's order.
func (m *Map) Scopes() []Scope {
	var out []Scope
	for _, s := range scopeOrder {
		if len(m.InScope(s)) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// KeyBindings turns bindings into bubbles' form for help.KeyMap.
func KeyBindings(bs ...*Binding) []key.Binding {
	out := make([]key.Binding, 0, len(bs))
	for _, b := range bs {
		if b != nil && len(b.Keys) > 0 {
			out = append(out, b.Key())
		}
	}
	return out
}

// Footer filters bindings to those the footer shows.
func Footer(bs ...*Binding) []*Binding {
	var out []*Binding
	for _, b := range bs {
		if b != nil && b.Footer && b.Disabled == "" && len(b.Keys) > 0 {
			out = append(out, b)
		}
	}
	return out
}

// Markdown is the README's key table.
func Markdown(m *Map) string {
	var b strings.Builder
	b.WriteString("| keys | what it does | where | name in `[keys]` |\n|---|---|---|---|\n")
	for _, s := range m.Scopes() {
		for _, k := range m.InScope(s) {
			fmt.Fprintf(&b, "| %s | %s | %s | `%s` |\n", mdKeys(k.Keys), k.Desc, s, k.Name)
		}
	}
	b.WriteString("| mouse wheel, click | scroll; select a row or focus a pane | everywhere | |\n")
	return b.String()
}

func mdKeys(ks []string) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		if k == "|" {
			k = `\|`
		}
		parts[i] = "`" + k + "`"
	}
	return strings.Join(parts, " ")
}

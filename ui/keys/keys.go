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
	Global     Scope = "everywhere"
	List       Scope = "lists and views"
	Tasks      Scope = "tasks"
	Endpoints  Scope = "endpoints"
	Deliveries Scope = "deliveries and attempts"
	Filter     Scope = "typing a filter"
	Dialog     Scope = "forms and dialogs"
)

// scopeOrder is the order of help and the README.
var scopeOrder = []Scope{Global, List, Tasks, Endpoints, Deliveries, Filter, Dialog}

// contexts are the sets of scopes live at the same moment; a key may be
// bound once per context. A pane added later adds its scope to a context
// here (and to scopeOrder). Forms and dialogs take every key while open,
// so they form a context of their own, as the filter line does.
var contexts = [][]Scope{
	{Global, List, Tasks},
	{Global, List, Endpoints},
	{Global, List, Deliveries},
	{Filter},
	{Dialog},
}

// Binding is one action and the keys that trigger it.
type Binding struct {
	Name string   // the name in the config file's [keys] table
	Keys []string // as tea.KeyPressMsg.String() spells them
	// Off is the keys a read-only dashboard took away, kept so that a
	// press can be answered with why nothing happens.
	Off       []string
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
	return has(b.Keys, msg.String())
}

// Pressed reports whether msg is one of the binding's keys (or the keys
// read-only mode took from it), whether or not the binding is off.
func (b *Binding) Pressed(msg tea.KeyPressMsg) bool {
	if b == nil {
		return false
	}
	s := msg.String()
	return has(b.Keys, s) || has(b.Off, s)
}

func has(ks []string, k string) bool {
	for _, x := range ks {
		if x == k {
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
	ks := b.Keys
	if len(ks) == 0 {
		ks = b.Off // read-only mode took them; a refusal still names them
	}
	parts := make([]string, len(ks))
	for i, k := range ks {
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
	Webhooks, Zoom                                            *Binding
	NewEndpoint, EditEndpoint, ToggleEndpoint, DeleteEndpoint *Binding
	TestEndpoint, Recover                                     *Binding
	OpenAttempt, Resend, AllAttempts, GoToTask                *Binding
	FilterKeep, FilterClear                                   *Binding
	NextField, PrevField, Submit, Cancel, Confirm, Copy       *Binding
	all                                                       []*Binding
	gone                                                      []*Binding // dropped by read-only mode
}

func defaults() *Map {
	m := &Map{
		Quit:     &Binding{Name: "quit", Keys: []string{"q", "ctrl+c"}, Desc: "quit", Scope: Global, Footer: true},
		Help:     &Binding{Name: "help", Keys: []string{"?"}, Desc: "help", Scope: Global, Footer: true},
		NextPane: &Binding{Name: "next_pane", Keys: []string{"tab"}, Desc: "next pane", Scope: Global, Footer: true},
		PrevPane: &Binding{Name: "prev_pane", Keys: []string{"shift+tab"}, Desc: "previous pane", Scope: Global},
		Back:     &Binding{Name: "back", Keys: []string{"esc"}, Desc: "back; close; clear the filter", Hint: "back", Scope: Global},
		Log:      &Binding{Name: "log", Keys: []string{"L"}, Desc: "event log (skipped and unknown events)", Hint: "log", Scope: Global},
		Zoom:     &Binding{Name: "zoom", Keys: []string{"z"}, Desc: "zoom the focused side pane to the whole window, or back", Hint: "zoom", Scope: Global},

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
		Webhooks:   &Binding{Name: "task_webhooks", Keys: []string{"w"}, Desc: "webhook messages and attempts about the task", Hint: "webhooks", Scope: Tasks, Footer: true},

		NewEndpoint:    &Binding{Name: "new_endpoint", Keys: []string{"n"}, Desc: "create an endpoint (its secret is shown once)", Hint: "new", Scope: Endpoints, Footer: true, Dangerous: true},
		EditEndpoint:   &Binding{Name: "edit_endpoint", Keys: []string{"e"}, Desc: "edit the endpoint", Hint: "edit", Scope: Endpoints, Footer: true, Dangerous: true},
		ToggleEndpoint: &Binding{Name: "toggle_endpoint", Keys: []string{"d"}, Desc: "disable or enable the endpoint", Hint: "disable/enable", Scope: Endpoints, Footer: true, Dangerous: true},
		DeleteEndpoint: &Binding{Name: "delete_endpoint", Keys: []string{"D"}, Desc: "delete the endpoint (asks first)", Hint: "delete", Scope: Endpoints, Footer: true, Dangerous: true},
		TestEndpoint:   &Binding{Name: "test_endpoint", Keys: []string{"t"}, Desc: "send the endpoint a test event", Hint: "test", Scope: Endpoints, Footer: true, Dangerous: true},
		Recover:        &Binding{Name: "recover", Keys: []string{"R"}, Desc: "resend what failed to reach the endpoint since a time", Hint: "recover", Scope: Endpoints, Footer: true, Dangerous: true},

		OpenAttempt: &Binding{Name: "open_attempt", Keys: []string{"enter"}, Desc: "open the attempt: payload, response, every try", Hint: "open", Scope: Deliveries, Footer: true},
		Resend:      &Binding{Name: "resend", Keys: []string{"r"}, Desc: "resend the message to its endpoint, once", Hint: "resend", Scope: Deliveries, Footer: true, Dangerous: true},
		AllAttempts: &Binding{Name: "all_attempts", Keys: []string{"a"}, Desc: "show all attempts, or failed ones only", Hint: "all/failed", Scope: Deliveries, Footer: true},
		GoToTask:    &Binding{Name: "go_to_task", Keys: []string{"T"}, Desc: "go to the task the message is about, in the grid", Hint: "task", Scope: Deliveries, Footer: true},

		FilterKeep:  &Binding{Name: "filter_keep", Keys: []string{"enter"}, Desc: "keep the filter and go back to the rows", Hint: "keep filter", Scope: Filter, Footer: true},
		FilterClear: &Binding{Name: "filter_clear", Keys: []string{"esc"}, Desc: "clear the filter", Hint: "clear", Scope: Filter, Footer: true},

		NextField: &Binding{Name: "next_field", Keys: []string{"tab", "down"}, Desc: "next field or choice", Hint: "next", Scope: Dialog, Footer: true},
		PrevField: &Binding{Name: "prev_field", Keys: []string{"shift+tab", "up"}, Desc: "previous field or choice", Hint: "previous", Scope: Dialog},
		Submit:    &Binding{Name: "submit", Keys: []string{"enter"}, Desc: "send the form; choose; close a message", Hint: "ok", Scope: Dialog, Footer: true},
		Cancel:    &Binding{Name: "cancel", Keys: []string{"esc"}, Desc: "cancel; close", Hint: "cancel", Scope: Dialog, Footer: true},
		Confirm:   &Binding{Name: "confirm", Keys: []string{"y"}, Desc: "confirm (delete, recover)", Hint: "yes", Scope: Dialog, Footer: true},
		Copy:      &Binding{Name: "copy", Keys: []string{"c"}, Desc: "copy the new endpoint's secret to the clipboard (OSC 52)", Hint: "copy", Scope: Dialog, Footer: true},
	}
	m.all = []*Binding{
		m.Quit, m.Help, m.NextPane, m.PrevPane, m.Back, m.Log,
		m.Up, m.Down, m.PageUp, m.PageDown, m.HalfUp, m.HalfDown, m.Top, m.Bottom,
		m.Zoom,
		m.Open, m.Filter, m.Sort, m.Reverse, m.FailedOnly, m.ActiveOnly, m.Webhooks,
		m.NewEndpoint, m.EditEndpoint, m.ToggleEndpoint, m.DeleteEndpoint, m.TestEndpoint, m.Recover,
		m.OpenAttempt, m.Resend, m.AllAttempts, m.GoToTask,
		m.FilterKeep, m.FilterClear,
		m.NextField, m.PrevField, m.Submit, m.Cancel, m.Confirm, m.Copy,
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

// ReadOnlyReason is why a dangerous binding is off in read-only mode.
const ReadOnlyReason = "read-only mode (--read-only or read_only in the config file)"

// dropDangerous removes every binding that changes something on the
// server: in read-only mode they neither fire nor show.
func (m *Map) dropDangerous() {
	kept := m.all[:0]
	for _, b := range m.all {
		if b.Dangerous {
			b.Off = append(b.Off, b.Keys...)
			b.Keys = nil
			b.Disabled = ReadOnlyReason
			m.gone = append(m.gone, b)
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

// Refused is the binding that msg would trigger in one of scopes, were it
// not off (read-only mode, or a feature the API does not offer), so the
// dashboard can say why nothing happened. It is nil when msg triggers a
// live binding of those scopes or belongs to no binding there.
func (m *Map) Refused(msg tea.KeyPressMsg, scopes ...Scope) *Binding {
	var off *Binding
	for _, b := range m.all {
		if !inScopes(b.Scope, scopes) {
			continue
		}
		if b.Matches(msg) {
			return nil
		}
		if off == nil && b.Disabled != "" && b.Pressed(msg) {
			off = b
		}
	}
	if off != nil {
		return off
	}
	// Read-only mode drops its bindings from the list; their keys stay on
	// the bindings themselves.
	for _, b := range m.gone {
		if inScopes(b.Scope, scopes) && b.Pressed(msg) {
			return b
		}
	}
	return nil
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
			fmt.Fprintf(&b, "| %s | %s | %s | `%s` |\n", mdKeys(k.Keys), TableDesc(k), s, k.Name)
		}
	}
	b.WriteString("| mouse wheel, click | scroll; select a row or focus a pane | everywhere | |\n")
	return b.String()
}

// TableDesc is what the README's table says a binding does: its
// description, and for one that changes data, that read-only mode turns it
// off.
func TableDesc(b *Binding) string {
	if b.Dangerous {
		return b.Desc + " (off with `--read-only`)"
	}
	return b.Desc
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

package keys

import (
	"fmt"

	"charm.land/bubbles/v2/key"

	tea "charm.land/bubbletea/v2"
)

// Map is every binding of the dashboard. The named fields are what panes
// build their Actions from; All is the same bindings in help's order,
// which is the order defaults declares them in.
type Map struct {
	Quit, Help, NextPane, PrevPane, Back, Log, Zoom *Binding
	Moves
	Open, Filter, Sort, Reverse, FailedOnly, ActiveOnly       *Binding
	Webhooks                                                  *Binding
	IndexFilter, Names                                        *Binding
	NewEndpoint, EditEndpoint, ToggleEndpoint, DeleteEndpoint *Binding
	TestEndpoint, Recover                                     *Binding
	OpenAttempt, Resend, AllAttempts, GoToTask                *Binding
	Search, Mark, Compare, Export, Fixture                    *Binding
	FilterKeep, FilterClear                                   *Binding
	NextField, PrevField, Submit, Cancel, Confirm, Copy       *Binding
	all                                                       []*Binding
	gone                                                      []*Binding // dropped by read-only mode
}

// defaults declares every binding once: its field, its name in the
// config file, its keys and words. A new key is one line here and one row
// in the Actions of the pane that handles it.
func defaults() *Map {
	m := &Map{}
	add := func(field **Binding, b Binding) {
		*field = &b
		m.all = append(m.all, &b)
	}
	add(&m.Quit, Binding{Name: "quit", Keys: []string{"q", "ctrl+c"}, Desc: "quit", Scope: Global, Footer: true})
	add(&m.Help, Binding{Name: "help", Keys: []string{"?"}, Desc: "help", Scope: Global, Footer: true})
	add(&m.NextPane, Binding{Name: "next_pane", Keys: []string{"tab"}, Desc: "next pane", Scope: Global, Footer: true})
	add(&m.PrevPane, Binding{Name: "prev_pane", Keys: []string{"shift+tab"}, Desc: "previous pane", Scope: Global})
	add(&m.Back, Binding{Name: "back", Keys: []string{"esc"}, Desc: "back; close; clear the filter", Hint: "back", Scope: Global})
	add(&m.Log, Binding{Name: "log", Keys: []string{"L"}, Desc: "event log (skipped and unknown events)", Hint: "log", Scope: Global})
	add(&m.Zoom, Binding{Name: "zoom", Keys: []string{"z"}, Desc: "zoom the focused side pane to the whole window, or back", Hint: "zoom", Scope: Global, Footer: true})

	m.Moves = DefaultMoves()
	m.all = append(m.all, m.Moves.List()...)

	add(&m.Open, Binding{Name: "open", Keys: []string{"enter"}, Desc: "open the task", Hint: "open", Scope: Tasks, Footer: true})
	add(&m.Filter, Binding{Name: "filter", Keys: []string{"/"}, Desc: "filter by task id, asset id or asset name (! inverts)", Hint: "filter", Scope: Tasks, Footer: true})
	add(&m.Sort, Binding{Name: "sort", Keys: []string{"s"}, Desc: "sort by: last update, created, failed first, id, asset name", Hint: "sort", Scope: Tasks, Footer: true})
	add(&m.Reverse, Binding{Name: "reverse_sort", Keys: []string{"S"}, Desc: "reverse the sort", Hint: "reverse", Scope: Tasks})
	add(&m.FailedOnly, Binding{Name: "failed_only", Keys: []string{"f"}, Desc: "only tasks with a failed feature", Hint: "failed", Scope: Tasks, Footer: true})
	add(&m.ActiveOnly, Binding{Name: "active_only", Keys: []string{"a"}, Desc: "only active tasks", Hint: "active", Scope: Tasks, Footer: true})
	add(&m.Webhooks, Binding{Name: "task_webhooks", Keys: []string{"w"}, Desc: "webhook messages and attempts about the task", Hint: "webhooks", Scope: Tasks, Footer: true})
	add(&m.IndexFilter, Binding{Name: "index_filter", Keys: []string{"i"}, Desc: "only one index's tasks: the next index, then all", Hint: "index", Scope: Tasks})
	add(&m.Names, Binding{Name: "asset_names", Keys: []string{"N"}, Desc: "asset names or asset ids in the grid", Hint: "names/ids", Scope: Tasks})

	add(&m.NewEndpoint, Binding{Name: "new_endpoint", Keys: []string{"n"}, Desc: "create an endpoint (its secret is shown once)", Hint: "new", Scope: Endpoints, Footer: true, Dangerous: true})
	add(&m.EditEndpoint, Binding{Name: "edit_endpoint", Keys: []string{"e"}, Desc: "edit the endpoint", Hint: "edit", Scope: Endpoints, Footer: true, Dangerous: true})
	add(&m.ToggleEndpoint, Binding{Name: "toggle_endpoint", Keys: []string{"d"}, Desc: "disable or enable the endpoint", Hint: "disable/enable", Scope: Endpoints, Footer: true, Dangerous: true})
	add(&m.DeleteEndpoint, Binding{Name: "delete_endpoint", Keys: []string{"D"}, Desc: "delete the endpoint (asks first)", Hint: "delete", Scope: Endpoints, Footer: true, Dangerous: true})
	add(&m.TestEndpoint, Binding{Name: "test_endpoint", Keys: []string{"t"}, Desc: "send the endpoint a test event", Hint: "test", Scope: Endpoints, Footer: true, Dangerous: true})
	add(&m.Recover, Binding{Name: "recover", Keys: []string{"R"}, Desc: "resend what failed to reach the endpoint since a time", Hint: "recover", Scope: Endpoints, Footer: true, Dangerous: true})

	add(&m.OpenAttempt, Binding{Name: "open_attempt", Keys: []string{"enter"}, Desc: "open the attempt: payload, response, every try", Hint: "open", Scope: Deliveries, Footer: true})
	add(&m.Resend, Binding{Name: "resend", Keys: []string{"r"}, Desc: "resend the message to its endpoint, once", Hint: "resend", Scope: Deliveries, Footer: true, Dangerous: true})
	add(&m.AllAttempts, Binding{Name: "all_attempts", Keys: []string{"a"}, Desc: "show all attempts, or failed ones only", Hint: "all/failed", Scope: Deliveries, Footer: true})
	add(&m.GoToTask, Binding{Name: "go_to_task", Keys: []string{"T"}, Desc: "go to the task the message is about, in the grid", Hint: "task", Scope: Deliveries, Footer: true})

	add(&m.Search, Binding{Name: "search", Keys: []string{"/"}, Desc: "search payloads and responses: text or path=value", Hint: "search", Scope: Deliveries, Footer: true})
	add(&m.Mark, Binding{Name: "mark", Keys: []string{"m"}, Desc: "mark the attempt, to compare another with it", Hint: "mark", Scope: Deliveries})
	add(&m.Compare, Binding{Name: "compare", Keys: []string{"="}, Desc: "compare the attempt with the marked one, side by side", Hint: "compare", Scope: Deliveries})
	add(&m.Export, Binding{Name: "export_curl", Keys: []string{"E"}, Desc: "copy a signed curl (OSC 52), write a signing script", Hint: "curl", Scope: Deliveries})
	add(&m.Fixture, Binding{Name: "export_fixture", Keys: []string{"F"}, Desc: "write a test fixture with Go, TS and Python tests", Hint: "fixture", Scope: Deliveries})

	add(&m.FilterKeep, Binding{Name: "filter_keep", Keys: []string{"enter"}, Desc: "keep the filter and go back to the rows", Hint: "keep filter", Scope: Filter, Footer: true})
	add(&m.FilterClear, Binding{Name: "filter_clear", Keys: []string{"esc"}, Desc: "clear the filter", Hint: "clear", Scope: Filter, Footer: true})

	add(&m.NextField, Binding{Name: "next_field", Keys: []string{"tab", "down"}, Desc: "next field or choice", Hint: "next", Scope: Dialog, Footer: true})
	add(&m.PrevField, Binding{Name: "prev_field", Keys: []string{"shift+tab", "up"}, Desc: "previous field or choice", Hint: "previous", Scope: Dialog})
	add(&m.Submit, Binding{Name: "submit", Keys: []string{"enter"}, Desc: "send the form; choose; close a message", Hint: "ok", Scope: Dialog, Footer: true})
	add(&m.Cancel, Binding{Name: "cancel", Keys: []string{"esc"}, Desc: "cancel; close", Hint: "cancel", Scope: Dialog, Footer: true})
	add(&m.Confirm, Binding{Name: "confirm", Keys: []string{"y"}, Desc: "confirm (delete, recover)", Hint: "yes", Scope: Dialog, Footer: true})
	add(&m.Copy, Binding{Name: "copy", Keys: []string{"c"}, Desc: "copy the new endpoint's secret to the clipboard (OSC 52)", Hint: "copy", Scope: Dialog, Footer: true})
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
	if err := Override(m.all, overrides, nil, Names(m.all)); err != nil {
		return nil, err
	}
	if readOnly {
		m.dropDangerous()
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

// Adopt makes m hold bs and nothing else: another screen's bindings (the
// listen screen's), with m's named fields pointing at those it shares
// with the dashboard. The config file's [keys] table is applied by name
// and conflicts are checked; a name only the dashboard has is accepted
// and ignored, a name neither has is an error.
func (m *Map) Adopt(bs []*Binding, overrides map[string]string) error {
	dashboard := defaults().all
	known := func(name string) bool { return find(dashboard, name) != nil }
	if err := Override(bs, overrides, known, Names(bs, dashboard)); err != nil {
		return err
	}
	m.all, m.gone = nil, nil
	for _, b := range bs {
		if err := m.Add(b, false); err != nil {
			return err
		}
	}
	return nil
}

func (m *Map) byName(name string) *Binding { return find(m.all, name) }

// Add registers a binding a pane brings (and checks it conflicts with
// nothing).
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
// not off (read-only mode, or a feature the API does not offer). It is nil
// when msg triggers a live binding of those scopes or belongs to no
// binding there. Panes answer refused keys through their Actions; this
// is the same question asked of the whole map.
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

// Package keys owns every key binding of both screens, as data: the keys,
// what the binding does, where it applies, whether the footer shows it,
// whether it changes anything on the server (Dangerous) and, when it is off
// for the session, why. A pane pairs the bindings it answers with their
// handlers in an Actions table (action.go); its footer is read from that
// table, and the `?` help and the README's key tables from the Map, so
// none of them can drift from the keys that work. The config file's [keys]
// table overrides the keys by binding name (parse.go); Moves is the
// movement set both screens share.
package keys

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
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

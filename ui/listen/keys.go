package listen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// Keys is the inbox's bindings, as data. The movements, quit, help, back
// and the filter keep the dashboard's names and default keys, so a [keys]
// table in the config file moves them in both screens; the rest are the
// inbox's own.
type Keys struct {
	*keys.Map
	Order, RefusedOnly, Clear, Copy, Replay *keys.Binding
}

func defaultKeys() *Keys {
	m := &keys.Map{
		Quit:     &keys.Binding{Name: "quit", Keys: []string{"q", "ctrl+c"}, Desc: "quit (the receiver stops)", Hint: "quit", Scope: keys.Global, Footer: true},
		Help:     &keys.Binding{Name: "help", Keys: []string{"?"}, Desc: "help", Scope: keys.Global, Footer: true},
		NextPane: &keys.Binding{Name: "next_pane", Keys: []string{"tab"}, Desc: "move between the list and the detail beside it", Hint: "next pane", Scope: keys.Global},
		Back:     &keys.Binding{Name: "back", Keys: []string{"esc"}, Desc: "back to the list; clear the filter", Hint: "back", Scope: keys.Global, Footer: true},

		Up:       &keys.Binding{Name: "up", Keys: []string{"k", "up"}, Desc: "up", Scope: keys.List},
		Down:     &keys.Binding{Name: "down", Keys: []string{"j", "down"}, Desc: "down", Scope: keys.List},
		PageUp:   &keys.Binding{Name: "page_up", Keys: []string{"pgup"}, Desc: "page up", Scope: keys.List},
		PageDown: &keys.Binding{Name: "page_down", Keys: []string{"pgdown"}, Desc: "page down", Scope: keys.List},
		HalfUp:   &keys.Binding{Name: "half_page_up", Keys: []string{"ctrl+u"}, Desc: "half a page up", Scope: keys.List},
		HalfDown: &keys.Binding{Name: "half_page_down", Keys: []string{"ctrl+d"}, Desc: "half a page down", Scope: keys.List},
		Top:      &keys.Binding{Name: "top", Keys: []string{"g", "home"}, Desc: "first row (newest first, the selection then follows new requests)", Scope: keys.List},
		Bottom:   &keys.Binding{Name: "bottom", Keys: []string{"G", "end"}, Desc: "last row (oldest first, the selection then follows new requests)", Scope: keys.List},

		Open:   &keys.Binding{Name: "open", Keys: []string{"enter"}, Desc: "open the request: diagnosis, headers, body, handler's answer", Hint: "open", Scope: keys.List, Footer: true},
		Filter: &keys.Binding{Name: "filter", Keys: []string{"/"}, Desc: "filter by path, event type or svix-id (! inverts)", Hint: "filter", Scope: keys.List, Footer: true},

		FilterKeep:  &keys.Binding{Name: "filter_keep", Keys: []string{"enter"}, Desc: "keep the filter and go back to the rows", Hint: "keep filter", Scope: keys.Filter, Footer: true},
		FilterClear: &keys.Binding{Name: "filter_clear", Keys: []string{"esc"}, Desc: "clear the filter", Hint: "clear", Scope: keys.Filter, Footer: true},
	}
	return &Keys{
		Map:         m,
		RefusedOnly: &keys.Binding{Name: "refused_only", Keys: []string{"v"}, Desc: "only refused requests", Hint: "refused", Scope: keys.List, Footer: true},
		Order:       &keys.Binding{Name: "order", Keys: []string{"o"}, Desc: "newest first or oldest first", Hint: "order", Scope: keys.List},
		Copy:        &keys.Binding{Name: "copy_body", Keys: []string{"y"}, Desc: "copy the request's raw body to the clipboard (OSC 52)", Hint: "copy body", Scope: keys.List, Footer: true},
		Replay:      &keys.Binding{Name: "replay", Keys: []string{"r"}, Desc: "replay to --forward-to, signed afresh", Hint: "replay", Scope: keys.List, Footer: true},
		Clear:       &keys.Binding{Name: "clear", Keys: []string{"c"}, Desc: "clear the list (the counts stay)", Hint: "clear", Scope: keys.List},
	}
}

// bindings is every binding in help's order.
func (k *Keys) bindings() []*keys.Binding {
	m := k.Map
	return []*keys.Binding{
		m.Quit, m.Help, m.NextPane, m.Back,
		m.Up, m.Down, m.PageUp, m.PageDown, m.HalfUp, m.HalfDown, m.Top, m.Bottom,
		m.Open, m.Filter, k.RefusedOnly, k.Order, k.Copy, k.Replay, k.Clear,
		m.FilterKeep, m.FilterClear,
	}
}

// NewKeys applies the config file's [keys] table to the inbox's defaults
// and checks that no key is bound twice where both could fire. A name only
// the dashboard has (sort, log, ...) is accepted and ignored; a name
// neither has is an error.
func NewKeys(overrides map[string]string) (*Keys, error) {
	k := defaultKeys()
	all := k.bindings()
	dashboard := map[string]bool{}
	for _, b := range keys.Default().All() {
		dashboard[b.Name] = true
	}
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		var b *keys.Binding
		for _, x := range all {
			if x.Name == name {
				b = x
			}
		}
		if b == nil {
			if dashboard[name] {
				continue
			}
			return nil, fmt.Errorf("keys: unknown binding %q; the names are %s", api.Clip(name, 40), strings.Join(bindingNames(all, dashboard), ", "))
		}
		ks, err := parseKeys(overrides[name])
		if err != nil {
			return nil, fmt.Errorf("keys: %s: %v", name, err)
		}
		b.Keys = ks
	}
	for _, b := range all {
		if err := k.Map.Add(b, false); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func bindingNames(inbox []*keys.Binding, dashboard map[string]bool) []string {
	set := map[string]bool{}
	for _, b := range inbox {
		set[b.Name] = true
	}
	for n := range dashboard {
		set[n] = true
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// parseKeys reads "k, up" or "k up", as the dashboard's [keys] table does.
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

// KeyTable is the README's table of the inbox's keys.
func KeyTable() string {
	k, err := NewKeys(nil)
	if err != nil {
		panic("inbox: the default keys conflict: " + err.Error())
	}
	return keys.Markdown(k.Map)
}

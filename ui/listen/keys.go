package listen

import "github.com/aspect-hq/aspect-tui/ui/keys"

// Keys is the listen screen's bindings, as data. The movements, quit,
// help, back and the filter are the dashboard's (the same names, keys and
// parser), so a [keys] table in the config file moves them in both
// screens; the rest are the screen's own.
type Keys struct {
	*keys.Map
	Order, RefusedOnly, Clear, Copy, Replay *keys.Binding
	Mark, Compare, Export, Fixture, Edit    *keys.Binding
	SaveEdit, SameID, NewID, CancelEdit     *keys.Binding
}

func defaultKeys() *Keys {
	mv := keys.DefaultMoves()
	mv.Top.Desc = "first row (newest first, the selection then follows new requests)"
	mv.Bottom.Desc = "last row (oldest first, the selection then follows new requests)"
	return &Keys{
		Map: &keys.Map{
			Quit:     &keys.Binding{Name: "quit", Keys: []string{"q", "ctrl+c"}, Desc: "quit (the receiver stops)", Hint: "quit", Scope: keys.Global, Footer: true},
			Help:     &keys.Binding{Name: "help", Keys: []string{"?"}, Desc: "help", Scope: keys.Global, Footer: true},
			NextPane: &keys.Binding{Name: "next_pane", Keys: []string{"tab"}, Desc: "move between the list and the detail beside it", Hint: "next pane", Scope: keys.Global},
			Back:     &keys.Binding{Name: "back", Keys: []string{"esc"}, Desc: "back to the list; clear the filter", Hint: "back", Scope: keys.Global},
			Moves:    mv,
			Open:     &keys.Binding{Name: "open", Keys: []string{"enter"}, Desc: "open the request: diagnosis, headers, body, handler's answer", Hint: "open", Scope: keys.List, Footer: true},
			Filter:   &keys.Binding{Name: "filter", Keys: []string{"/"}, Desc: "filter by path, event type, svix-id, body or handler's answer: text or path=value (! inverts)", Hint: "filter", Scope: keys.List, Footer: true},

			FilterKeep:  &keys.Binding{Name: "filter_keep", Keys: []string{"enter"}, Desc: "keep the filter and go back to the rows", Hint: "keep filter", Scope: keys.Filter, Footer: true},
			FilterClear: &keys.Binding{Name: "filter_clear", Keys: []string{"esc"}, Desc: "clear the filter", Hint: "clear", Scope: keys.Filter, Footer: true},
		},
		RefusedOnly: &keys.Binding{Name: "refused_only", Keys: []string{"v"}, Desc: "only refused requests", Hint: "refused", Scope: keys.List, Footer: true},
		Order:       &keys.Binding{Name: "order", Keys: []string{"o"}, Desc: "newest first or oldest first", Hint: "order", Scope: keys.List},
		Copy:        &keys.Binding{Name: "copy_body", Keys: []string{"y"}, Desc: "copy the request's raw body to the clipboard (OSC 52)", Hint: "copy body", Scope: keys.List, Footer: true},
		Replay:      &keys.Binding{Name: "replay", Keys: []string{"r"}, Desc: "replay to --forward-to, signed afresh", Hint: "replay", Scope: keys.List, Footer: true},
		Mark:        &keys.Binding{Name: "mark", Keys: []string{"m"}, Desc: "mark the request, to compare another with it", Hint: "mark", Scope: keys.List},
		Compare:     &keys.Binding{Name: "compare", Keys: []string{"="}, Desc: "compare the request with the marked one, side by side", Hint: "compare", Scope: keys.List},
		Edit:        &keys.Binding{Name: "edit_resend", Keys: []string{"e"}, Desc: "edit the body ($EDITOR, or here) and resend it to --forward-to, signed afresh", Hint: "edit+resend", Scope: keys.List, Footer: true},
		Export:      &keys.Binding{Name: "export_curl", Keys: []string{"E"}, Desc: "copy a signed curl (OSC 52), write a signing script", Hint: "curl", Scope: keys.List},
		Fixture:     &keys.Binding{Name: "export_fixture", Keys: []string{"F"}, Desc: "write a test fixture with Go, TS and Python tests", Hint: "fixture", Scope: keys.List},
		SaveEdit:    &keys.Binding{Name: "send_edit", Keys: []string{"ctrl+s"}, Desc: "send the edited body (the inline editor, when $EDITOR is unset)", Hint: "send", Scope: keys.Dialog, Footer: true},
		SameID:      &keys.Binding{Name: "same_id", Keys: []string{"s"}, Desc: "send the edit under the same svix-id (tests your handler's idempotency)", Hint: "same id", Scope: keys.Dialog, Footer: true},
		NewID:       &keys.Binding{Name: "new_id", Keys: []string{"n"}, Desc: "send the edit under a new svix-id", Hint: "new id", Scope: keys.Dialog, Footer: true},
		CancelEdit:  &keys.Binding{Name: "cancel", Keys: []string{"esc"}, Desc: "send nothing; close the editor", Hint: "cancel", Scope: keys.Dialog, Footer: true},
		Clear:       &keys.Binding{Name: "clear", Keys: []string{"c"}, Desc: "clear the list (the counts stay)", Hint: "clear", Scope: keys.List},
	}
}

// bindings is every binding in help's order.
func (k *Keys) bindings() []*keys.Binding {
	m := k.Map
	out := []*keys.Binding{m.Quit, m.Help, m.NextPane, m.Back}
	out = append(out, m.Moves.List()...)
	return append(out, m.Open, m.Filter, k.RefusedOnly, k.Order, k.Copy, k.Replay, k.Edit, k.Mark, k.Compare, k.Export, k.Fixture, k.Clear, m.FilterKeep, m.FilterClear, k.SaveEdit, k.SameID, k.NewID, k.CancelEdit)
}

// NewKeys applies the config file's [keys] table to the screen's defaults
// and checks that no key is bound twice where both could fire. A name only
// the dashboard has (sort, log, ...) is accepted and ignored; a name
// neither has is an error.
func NewKeys(overrides map[string]string) (*Keys, error) {
	k := defaultKeys()
	if err := k.Map.Adopt(k.bindings(), overrides); err != nil {
		return nil, err
	}
	return k, nil
}

// KeyTable is the README's table of the listen screen's keys.
func KeyTable() string {
	k, err := NewKeys(nil)
	if err != nil {
		panic("listen: the default keys conflict: " + err.Error())
	}
	return keys.Markdown(k.Map)
}

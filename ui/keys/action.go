package keys

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Action is a binding as a pane uses it: the binding (its keys, words,
// scope and Dangerous flag: the data the config file, the help and the
// README read), what it does, and why it does nothing right now. It is
// lazygit's types.Binding{Key, Handler, GetDisabledReason} and k9s's
// KeyAction{Action, Dangerous}: a pane's footer and its key handling are
// the same list, so they cannot drift apart.
type Action struct {
	*Binding
	// Do is the handler. A row without one only lists the key in the
	// footer: the pane's movement (Moves) handles it.
	Do func() tea.Cmd
	// Shown puts the action in this pane's footer even though the binding
	// is not a footer key everywhere (esc in a view that esc closes).
	Shown bool
	// FooterIf, if set, says whether the footer lists the action now
	// (when it has room, or where it does something): it still fires.
	FooterIf func() bool
	// When, if set, says whether the action applies at all right now (esc
	// unzooms only while zoomed): one that does not neither fires, nor is
	// refused, nor shows.
	When func() bool
	// Off, if set, says why the action does nothing right now ("" when it
	// would fire): a press says so, and the footer leaves it out.
	Off func() string
}

// Actions is a pane's key table, in the footer's order.
type Actions []Action

// Find is the action msg presses, live or refused: the first that applies
// now and has msg among its keys (or among the keys read-only mode took
// from it). It is nil when msg is none of the table's keys.
func (as Actions) Find(msg tea.KeyPressMsg) *Action {
	for i := range as {
		a := &as[i]
		if a.Pressed(msg) && (a.When == nil || a.When()) {
			return a
		}
	}
	return nil
}

// Reason is why the action is refused right now: the binding's own reason
// (read-only mode, a feature the API does not offer) or the pane's; ""
// when it would fire.
func (a *Action) Reason() string {
	if a.Disabled != "" {
		return a.Disabled
	}
	if len(a.Keys) == 0 {
		return ReadOnlyReason
	}
	if a.Off != nil {
		return a.Off()
	}
	return ""
}

// Footer appends the table's hints to out: the actions marked for the
// footer that apply and are live, in the table's order.
func (as Actions) Footer(out []key.Binding) []key.Binding {
	for i := range as {
		a := &as[i]
		if !(a.Binding.Footer || a.Shown) || len(a.Keys) == 0 || a.Disabled != "" {
			continue
		}
		if (a.When != nil && !a.When()) || (a.FooterIf != nil && !a.FooterIf()) || (a.Off != nil && a.Off() != "") {
			continue
		}
		out = append(out, a.Key())
	}
	return out
}

// Run runs the action msg presses: its handler, or refuse with why it is
// off. ok is false when msg is none of the table's keys.
func (as Actions) Run(msg tea.KeyPressMsg, refuse func(b *Binding, why string) tea.Cmd) (cmd tea.Cmd, ok bool) {
	a := as.Find(msg)
	if a == nil || a.Do == nil {
		return nil, false
	}
	if why := a.Reason(); why != "" {
		return refuse(a.Binding, why), true
	}
	return a.Do(), true
}

// Refusal is what a press of a key that is off says: "r (resend) is off:
// read-only mode …".
func Refusal(b *Binding, why string) string {
	what := b.Hint
	if what == "" {
		what = b.Desc
	}
	return b.Label() + " (" + what + ") is off: " + why
}

package keys

import tea "charm.land/bubbletea/v2"

// Moves is the movement set, shared by every list and scrolled view of
// both screens: one set of names and keys, read one way (Move).
type Moves struct {
	Up, Down, PageUp, PageDown, HalfUp, HalfDown, Top, Bottom *Binding
}

// DefaultMoves is the movement set with its default keys.
func DefaultMoves() Moves {
	return Moves{
		Up:       &Binding{Name: "up", Keys: []string{"k", "up"}, Desc: "up", Scope: List},
		Down:     &Binding{Name: "down", Keys: []string{"j", "down"}, Desc: "down", Scope: List},
		PageUp:   &Binding{Name: "page_up", Keys: []string{"pgup"}, Desc: "page up", Scope: List},
		PageDown: &Binding{Name: "page_down", Keys: []string{"pgdown"}, Desc: "page down", Scope: List},
		HalfUp:   &Binding{Name: "half_page_up", Keys: []string{"ctrl+u"}, Desc: "half a page up", Scope: List},
		HalfDown: &Binding{Name: "half_page_down", Keys: []string{"ctrl+d"}, Desc: "half a page down", Scope: List},
		Top:      &Binding{Name: "top", Keys: []string{"g", "home"}, Desc: "first row", Scope: List},
		Bottom:   &Binding{Name: "bottom", Keys: []string{"G", "end"}, Desc: "last row", Scope: List},
	}
}

// List is the set in help's order.
func (mv *Moves) List() []*Binding {
	return []*Binding{mv.Up, mv.Down, mv.PageUp, mv.PageDown, mv.HalfUp, mv.HalfDown, mv.Top, mv.Bottom}
}

// Where a Move goes when it is not by a number of rows.
const (
	ByRows = iota
	ToFirst
	ToLast
)

// Move is what a movement key asks for.
type Move struct {
	By   int // rows to move by (negative: up)
	View int // rows the view scrolls along with it (the page keys)
	To   int // ByRows, ToFirst or ToLast
}

// From is where the move leads from pos in n rows (not clamped).
func (v Move) From(pos, n int) int {
	switch v.To {
	case ToFirst:
		return 0
	case ToLast:
		return n - 1
	}
	return pos + v.By
}

// Move reads msg as a movement in a list or view showing page rows at a
// time; ok is false when msg is not a movement key.
func (mv *Moves) Move(msg tea.KeyPressMsg, page int) (Move, bool) {
	page = max(1, page)
	switch {
	case mv.Up.Matches(msg):
		return Move{By: -1}, true
	case mv.Down.Matches(msg):
		return Move{By: 1}, true
	case mv.PageUp.Matches(msg):
		return Move{By: -page, View: -page}, true
	case mv.PageDown.Matches(msg):
		return Move{By: page, View: page}, true
	case mv.HalfUp.Matches(msg):
		return Move{By: -page / 2}, true
	case mv.HalfDown.Matches(msg):
		return Move{By: page / 2}, true
	case mv.Top.Matches(msg):
		return Move{To: ToFirst}, true
	case mv.Bottom.Matches(msg):
		return Move{To: ToLast}, true
	}
	return Move{}, false
}

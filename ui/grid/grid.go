// Package grid is the task grid: one row per task with its feature states,
// overall state and age, kept in order incrementally as batches change
// tasks, filtered live, and drawn by a renderer that builds only the rows
// on screen.
package grid

import (
	"bytes"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// OpenMsg asks the root to open a task's detail.
type OpenMsg struct{ ID string }

// Model is the grid pane. It reads tasks from the store (owned by the same
// goroutine, the update loop) and keeps its own order of their ids.
type Model struct {
	ctx   *common.Context
	store *feed.Store

	entries map[string]*entry
	rows    *list    // the entries the filter lets through, in sort order
	scratch feed.Row // a task read for an update (Store.RowInto)
	sort    Sort
	reverse bool
	flt     filter
	editing bool

	sel            *entry
	cursor, offset int

	w, h    int
	focused bool
	empty   string // what an empty grid says

	extras    map[string]int // extra feature name → tasks that have it
	extraCols []string
	lay       layout
	layGen    uint32 // counts relayouts, so that rows are drawn anew
	buf       []*entry
	// The rows on screen as drawn last; a frame fills drawnNext, then the
	// two swap.
	drawn, drawnNext map[*entry]drawnRow
	out              bytes.Buffer // the frame being drawn, its memory kept
	view             string       // the frame drawn last

	// Asset names (names.go).
	cols         Columns
	byAsset      map[string][]*entry
	indexes      []api.Index
	indexNames   map[string]string
	pendingIndex string // the config's index filter, until the indexes are known
	indexGen     int    // counts SetIndexes, so that index cells are drawn anew
	want         []*entry

	actions, editActions keys.Actions
}

// New returns an empty grid over store.
func New(ctx *common.Context, store *feed.Store) *Model {
	m := &Model{
		ctx:     ctx,
		store:   store,
		entries: map[string]*entry{},
		extras:  map[string]int{},
		byAsset: map[string][]*entry{},
		cols:    DefaultColumns,
		focused: true,
		empty:   "No tasks yet.",
	}
	m.rows = newList(lessFor(m.sort, m.reverse))
	k := ctx.Keys
	m.actions = keys.Actions{
		{Binding: k.Open, Do: m.open},
		{Binding: k.Filter, Do: func() tea.Cmd { m.setEditing(true); return nil }},
		{Binding: k.Sort, Do: func() tea.Cmd {
			m.sort = (m.sort + 1) % sortCount
			m.reverse = false
			m.rebuild()
			return nil
		}},
		{Binding: k.Reverse, Do: func() tea.Cmd { m.reverse = !m.reverse; m.rebuild(); return nil }},
		{Binding: k.FailedOnly, Do: func() tea.Cmd {
			next := m.flt
			next.failedOnly = !next.failedOnly
			m.setFilter(next)
			return nil
		}},
		{Binding: k.ActiveOnly, Do: func() tea.Cmd {
			next := m.flt
			next.activeOnly = !next.activeOnly
			m.setFilter(next)
			return nil
		}},
		{Binding: k.IndexFilter, Do: func() tea.Cmd { m.cycleIndex(); return nil }},
		{Binding: k.Names, Do: func() tea.Cmd { m.toggleNames(); return nil }},
		{Binding: k.Back, Do: func() tea.Cmd {
			if m.flt.active() {
				m.setFilter(filter{})
			}
			return nil
		}},
	}
	m.editActions = keys.Actions{
		{Binding: k.FilterKeep, Do: func() tea.Cmd { m.setEditing(false); return nil }},
		{Binding: k.FilterClear, Do: func() tea.Cmd {
			m.setEditing(false)
			next := m.flt
			next.setText("")
			m.setFilter(next)
			return nil
		}},
	}
	return m
}

// SetEmptyText sets what the grid says while the store holds no task.
func (m *Model) SetEmptyText(s string) { m.empty = s }

// SetFocused implements common.Focusable.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Editing reports whether the filter is being typed (keys are text then).
func (m *Model) Editing() bool { return m.editing }

// Selected is the selected task's id.
func (m *Model) Selected() (string, bool) {
	if m.sel == nil {
		return "", false
	}
	return m.sel.id, true
}

// Len is how many rows the filter lets through.
func (m *Model) Len() int { return m.rows.len() }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	visible := m.h == 0 || m.offscreen() == ""
	m.w, m.h = w, h
	m.relayout()
	if visible {
		m.keepVisible()
	} else {
		m.offset = min(m.offset, max(0, m.rows.len()-m.visibleRows()))
	}
}

func (m *Model) visibleRows() int {
	n := m.h - 1 // the column header
	if m.editing {
		n-- // the filter line
	}
	return max(0, n)
}

// Apply brings the grid up to date with the store for the tasks a batch
// changed, moving only those rows.
func (m *Model) Apply(updated, removed []string) {
	if len(updated) == 0 && len(removed) == 0 {
		return
	}
	line, atTop := m.cursor-m.offset, m.offset == 0
	extrasBefore := len(m.extras)
	for _, id := range removed {
		e := m.entries[id]
		if e == nil {
			continue
		}
		m.rows.remove(e)
		m.countExtras(e, -1)
		m.untrack(e, e.assetID)
		delete(m.entries, id)
		if m.sel == e {
			m.sel = nil
		}
	}
	// A snapshot (thousands of tasks, most of them new) is sorted once
	// rather than inserted one by one: at 20,000 tasks that halves the
	// grid's share of the first screen's wait.
	bulk := len(updated) >= bulkApply && len(updated) > m.rows.len()
	if bulk && len(m.entries) == 0 {
		m.entries = make(map[string]*entry, len(updated))
		m.byAsset = make(map[string][]*entry, len(updated))
	}
	t := &m.scratch
	for _, id := range updated {
		if !m.store.RowInto(id, t) {
			continue
		}
		e := m.entries[id]
		if e == nil {
			e = &entry{}
			m.entries[id] = e
		} else {
			if !bulk {
				m.rows.remove(e)
			}
			m.countExtras(e, -1)
		}
		old := e.assetID
		if old != t.AssetID {
			e.named = named{}
		}
		e.set(t)
		m.track(e, old)
		m.countExtras(e, +1)
		if !bulk && m.flt.match(e) {
			m.rows.insert(e)
		}
	}
	if bulk {
		m.resort()
	}
	if len(m.extras) != extrasBefore || m.extrasChanged() {
		m.relayout()
	}
	m.reselect(line, atTop, true)
}

func (m *Model) countExtras(e *entry, d int) {
	for _, n := range e.extras {
		m.extras[n] += d
		if m.extras[n] <= 0 {
			delete(m.extras, n)
		}
	}
}

func (m *Model) extrasChanged() bool {
	if len(m.extras) != len(m.extraCols) {
		return true
	}
	for _, n := range m.extraCols {
		if _, ok := m.extras[n]; !ok {
			return true
		}
	}
	return false
}

// reselect puts the cursor back on the selected task after rows moved (or
// on its neighbour when it left). Scrolled down, the selected row keeps its
// line on screen. At the top, a live update keeps the top in view, for
// someone watching the newest rows, even if that pushes the selected task
// below the screen (the title then says where it is). After the user's own
// re-sort or filter, the view goes to the selection if it was on screen,
// else to the first row, which becomes the selection.
func (m *Model) reselect(line int, atTop, live bool) {
	n := m.rows.len()
	if m.sel != nil {
		if r := m.rows.rank(m.sel); r >= 0 {
			m.cursor = r
		} else {
			m.sel = nil
		}
	}
	if m.sel == nil {
		m.cursor = min(max(m.cursor, 0), max(n-1, 0))
		m.sel = m.rows.at(m.cursor)
	}
	if atTop && live {
		m.offset = 0
		return
	}
	if !atTop {
		m.offset = m.cursor - line
	}
	m.keepVisible()
}

// offscreen says where the selection is when it is not on screen.
func (m *Model) offscreen() string {
	if m.sel == nil {
		return ""
	}
	switch vis := m.visibleRows(); {
	case m.cursor < m.offset:
		return "selection above, row " + common.Count(m.cursor+1)
	case m.cursor >= m.offset+vis:
		return "selection below, row " + common.Count(m.cursor+1)
	}
	return ""
}

// setEditing opens or closes the filter line, which takes a row: a
// selection on screen stays on screen, one off it stays off.
func (m *Model) setEditing(on bool) {
	visible := m.offscreen() == ""
	m.editing = on
	if visible {
		m.keepVisible()
	}
}

func (m *Model) keepVisible() {
	n, vis := m.rows.len(), m.visibleRows()
	if vis <= 0 {
		m.offset = 0
		return
	}
	m.offset = min(m.offset, max(0, n-vis))
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+vis {
		m.offset = m.cursor - vis + 1
	}
	m.offset = max(0, m.offset)
}

func (m *Model) moveTo(r int) {
	n := m.rows.len()
	if n == 0 {
		m.cursor, m.sel = 0, nil
		return
	}
	m.cursor = min(max(r, 0), n-1)
	m.sel = m.rows.at(m.cursor)
	m.keepVisible()
}

// rebuild gathers and sorts every entry the filter lets through: on a new
// sort or a filter that is not a narrowing of the last one, never per frame.
func (m *Model) rebuild() {
	line, atTop := m.cursor-m.offset, m.offset == 0
	if m.offscreen() != "" {
		m.sel, m.cursor, m.offset, line, atTop = nil, 0, 0, 0, true
	}
	m.resort()
	m.reselect(line, atTop, false)
}

// bulkApply is how many changed tasks make Apply sort the whole grid once
// instead of moving each (when they also outnumber the rows listed).
const bulkApply = 1024

// resort lists every entry the filter matches, in order, from scratch.
func (m *Model) resort() {
	less := lessFor(m.sort, m.reverse)
	m.rows = newList(less)
	all := make([]*entry, 0, len(m.entries))
	for _, e := range m.entries {
		if m.flt.match(e) {
			all = append(all, e)
		}
	}
	slices.SortFunc(all, func(a, b *entry) int {
		if less(a, b) {
			return -1
		}
		return 1
	})
	m.rows.build(all)
}

// setFilter applies a new filter, in place when it only narrows the last.
func (m *Model) setFilter(next filter) {
	prev := m.flt
	m.flt = next
	if !prev.narrows(next) {
		m.rebuild()
		return
	}
	line, atTop := m.cursor-m.offset, m.offset == 0
	if m.offscreen() != "" {
		m.sel, m.cursor, m.offset, line, atTop = nil, 0, 0, 0, true
	}
	kept := make([]*entry, 0, m.rows.len())
	m.rows.each(func(e *entry) {
		if next.match(e) {
			kept = append(kept, e)
		}
	})
	m.rows.build(kept)
	m.reselect(line, atTop, false)
}

// Update implements common.Pane. Mouse coordinates are relative to the
// pane's content (the root subtracts the border).
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.editing {
			m.editKey(msg)
			return m, nil
		}
		return m, m.key(msg)
	case tea.PasteMsg:
		if m.editing {
			m.typeText(msg.Content)
		}
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft && msg.Y >= 1 && msg.Y-1 < m.visibleRows() {
			if r := m.offset + msg.Y - 1; r < m.rows.len() {
				m.moveTo(r)
			}
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.scroll(-3)
		case tea.MouseWheelDown:
			m.scroll(3)
		}
	}
	return m, nil
}

// scroll moves the view, dragging the selection along only when it would
// leave the screen.
func (m *Model) scroll(d int) {
	vis := m.visibleRows()
	m.offset = min(max(m.offset+d, 0), max(0, m.rows.len()-vis))
	switch {
	case m.cursor < m.offset:
		m.moveTo(m.offset)
	case m.cursor >= m.offset+vis:
		m.moveTo(m.offset + vis - 1)
	}
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if v, ok := m.ctx.Keys.Move(msg, m.visibleRows()); ok {
		m.offset += v.View
		m.moveTo(v.From(m.cursor, m.rows.len()))
		return nil
	}
	cmd, _ := common.Press(m.actions, msg)
	return cmd
}

func (m *Model) open() tea.Cmd {
	if m.sel != nil {
		id := m.sel.id
		return func() tea.Msg { return OpenMsg{ID: id} }
	}
	return nil
}

func (m *Model) editKey(msg tea.KeyPressMsg) {
	if _, ok := common.Press(m.editActions, msg); ok {
		return
	}
	switch msg.String() {
	case "up":
		m.moveTo(m.cursor - 1)
	case "down":
		m.moveTo(m.cursor + 1)
	default:
		if t, ok := common.EditLine(m.flt.text, msg); ok {
			m.setText(t)
		}
	}
}

func (m *Model) typeText(s string) {
	if s = common.Typed(s); s != "" {
		m.setText(m.flt.text + s)
	}
}

func (m *Model) setText(s string) {
	next := m.flt
	next.setText(s)
	m.setFilter(next)
}

// FilterText is the filter as typed ("" when none).
func (m *Model) FilterText() string { return m.flt.text }

// Title implements common.Pane.
func (m *Model) Title() string {
	var b strings.Builder
	b.WriteString("Tasks ")
	if m.flt.active() {
		b.WriteString(common.Count(m.rows.len()))
		b.WriteString(" of ")
	}
	b.WriteString(common.Count(len(m.entries)))
	b.WriteString(" · ")
	b.WriteString(m.sort.String())
	if m.reverse {
		b.WriteString(" ↑")
	} else {
		b.WriteString(" ↓")
	}
	if m.flt.query != "" {
		b.WriteString(" · /")
		b.WriteString(m.flt.text)
	}
	if m.flt.failedOnly {
		b.WriteString(" · failed only")
	}
	if m.flt.activeOnly {
		b.WriteString(" · active only")
	}
	if m.flt.index != "" {
		b.WriteString(" · index " + m.IndexName(m.flt.index))
	}
	if where := m.offscreen(); where != "" {
		b.WriteString(" · " + where)
	}
	if n := m.lay.hidden; n == 1 {
		b.WriteString(" · 1 feature column hidden: widen the window")
	} else if n > 1 {
		b.WriteString(" · " + common.Count(n) + " feature columns hidden: widen the window")
	}
	return b.String()
}

// ShortHelp implements help.KeyMap: the footer's hints.
func (m *Model) ShortHelp() []key.Binding {
	if m.editing {
		return common.Hints(m.editActions)
	}
	return common.Hints(m.actions)
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{
		keys.KeyBindings(k.InScope(keys.List)...),
		keys.KeyBindings(k.InScope(keys.Tasks)...),
		keys.KeyBindings(k.InScope(keys.Filter)...),
	}
}

// sortedExtras is the extra feature columns, alphabetically.
func (m *Model) sortedExtras() []string {
	out := make([]string, 0, len(m.extras))
	for n := range m.extras {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Select puts the selection on a task, clearing a filter that hides it
// (the user asked for that task), and reports false when the grid does
// not hold it.
func (m *Model) Select(id string) bool {
	e := m.entries[id]
	if e == nil {
		return false
	}
	if m.editing {
		m.setEditing(false)
	}
	if !m.flt.match(e) {
		m.setFilter(filter{})
	}
	r := m.rows.rank(e)
	if r < 0 {
		return false
	}
	m.moveTo(r)
	return true
}

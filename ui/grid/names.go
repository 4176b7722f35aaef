package grid

import (
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/assets"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// named is what the grid knows of a task's asset: its display name once
// fetched, whether the API said it does not exist, and its index. The
// name as cut for the column is kept with the width it was cut for, so a
// frame cuts nothing it cut before.
type named struct {
	assetID string
	name    string // assets.DisplayName; "" until known
	key     string // name lowercased, for the sort
	missing bool   // GET /assets/{id} answered 404
	known   bool   // the asset was fetched (its name may still be empty)
	indexID string
	// The cells as drawn last, and what they were drawn for: a frame
	// redraws a row without cutting or padding anything again.
	cut         string
	cutKey      int
	indexCut    string
	indexCutKey int
}

func (n *named) nameLower() string {
	if n.key == "" {
		return ""
	}
	return " " + n.key
}

// cell is the asset column, w cells: the name cut in the middle when
// names are shown and it is known, else the id's prefix, marked when the
// API has no such asset.
func (n *named) cell(w int, names bool) string {
	key := w
	if names {
		key |= 1 << 20
	}
	if n.cutKey == key {
		return n.cut
	}
	id := common.Short(api.Clean(n.assetID), assetW)
	switch {
	case names && n.name != "":
		n.cut = common.Fit(assets.Shorten(n.name, w), w)
	case n.missing && w >= assetW+len(notFound):
		n.cut = common.Fit(id+notFound, w)
	default:
		n.cut = common.Fit(id, w)
	}
	n.cutKey = key
	return n.cut
}

func byName(a, b *entry) bool {
	if (a.key == "") != (b.key == "") {
		return a.key != ""
	}
	if a.key != b.key {
		return a.key < b.key
	}
	return a.id < b.id
}

// Columns says which of the optional columns the grid draws.
type Columns struct {
	Task  bool // the task id
	Names bool // the asset's name (its id until known); false: the asset id
	Index bool // the asset's index, by name
}

// DefaultColumns is every column, names on.
var DefaultColumns = Columns{Task: true, Names: true, Index: true}

// SetColumns chooses the optional columns (the config's `columns`).
func (m *Model) SetColumns(c Columns) {
	m.cols = c
	m.relayout()
}

// toggleNames switches the asset column between names and ids.
func (m *Model) toggleNames() {
	m.cols.Names = !m.cols.Names
	m.relayout()
}

// SetIndexes gives the grid the account's index names, by id.
func (m *Model) SetIndexes(list []api.Index) {
	m.indexes = list
	m.indexGen++
	m.indexNames = make(map[string]string, len(list))
	for _, ix := range list {
		m.indexNames[ix.ID] = api.Clean(ix.Name)
	}
	if m.pendingIndex != "" {
		m.FilterIndex(m.pendingIndex)
	}
}

// FilterIndex limits the rows to one index, by name or id ("" for all);
// it reports false when no index is called that.
func (m *Model) FilterIndex(name string) bool {
	next := m.flt
	next.index = ""
	if name != "" {
		for _, ix := range m.indexes {
			if strings.EqualFold(ix.Name, name) || ix.ID == name {
				next.index = ix.ID
			}
		}
		if next.index == "" {
			m.pendingIndex = name
			return false
		}
	}
	m.pendingIndex = ""
	m.setFilter(next)
	return true
}

// cycleIndex moves the index filter to the next index, then back to all.
func (m *Model) cycleIndex() {
	next := m.flt
	switch i := m.indexPos(next.index); {
	case len(m.indexes) == 0:
		return
	case i+1 < len(m.indexes):
		next.index = m.indexes[i+1].ID
	default:
		next.index = ""
	}
	m.setFilter(next)
}

func (m *Model) indexPos(id string) int {
	for i, ix := range m.indexes {
		if ix.ID == id {
			return i
		}
	}
	return -1
}

// IndexName is an index's name for the screen, or its short id.
func (m *Model) IndexName(id string) string {
	if n, ok := m.indexNames[id]; ok && n != "" {
		return n
	}
	return common.Short(api.Clean(id), idW)
}

// Named tells the grid what became known of an asset: its display name
// ("" when it has none), its index, or that the API has no such asset.
// Every task of that asset moves to where the sort and the filter now put
// it; nothing else does.
func (m *Model) Named(assetID, name, indexID string, missing bool) {
	list := m.byAsset[assetID]
	if len(list) == 0 {
		return
	}
	line, atTop := m.cursor-m.offset, m.offset == 0
	for _, e := range list {
		m.rows.remove(e)
		e.name, e.key, e.indexID, e.missing, e.known = name, strings.ToLower(name), indexID, missing, !missing
		e.cutKey, e.indexCutKey = 0, 0
		e.lower = ""
		e.ver++
		if m.flt.match(e) {
			m.rows.insert(e)
		}
	}
	m.reselect(line, atTop, true)
}

// track keeps the asset → entries index as entries come and go.
func (m *Model) track(e *entry, oldAsset string) {
	if oldAsset == e.assetID && oldAsset != "" {
		return
	}
	if oldAsset != "" {
		m.untrack(e, oldAsset)
	}
	m.byAsset[e.assetID] = append(m.byAsset[e.assetID], e)
}

func (m *Model) untrack(e *entry, assetID string) {
	list := m.byAsset[assetID]
	for i, x := range list {
		if x == e {
			list[i] = list[len(list)-1]
			list = list[:len(list)-1]
			break
		}
	}
	if len(list) == 0 {
		delete(m.byAsset, assetID)
	} else {
		m.byAsset[assetID] = list
	}
}

// Wanted appends to dst the assets whose names the screen needs: the rows
// on screen first, then a page below, then a page above, each once and
// only those not named yet. The root asks the Book for them.
func (m *Model) Wanted(dst []string) []string {
	vis := max(m.visibleRows(), 1)
	from := max(0, m.offset-vis)
	m.want = m.rows.window(m.want[:0], from, m.offset+2*vis-from)
	seen := make(map[string]bool, len(m.want))
	add := func(e *entry) {
		if !e.known && !e.missing && e.assetID != "" && !seen[e.assetID] {
			seen[e.assetID] = true
			dst = append(dst, e.assetID)
		}
	}
	above := m.offset - from
	for _, e := range m.want[above:] {
		add(e)
	}
	for i := above - 1; i >= 0; i-- {
		add(m.want[i])
	}
	return dst
}

// WantedSelected is the selected task's asset, when its name is not known.
func (m *Model) WantedSelected() string {
	if m.sel == nil || m.sel.known || m.sel.missing {
		return ""
	}
	return m.sel.assetID
}

// notFound marks an asset the API said does not exist.
const notFound = " not found"

// assetCell draws the asset column, and the index column after it: the
// name when known (cut in the middle, the cut kept for the next frame),
// else the id's prefix, marked when the API has no such asset.
func (m *Model) assetCell(e *entry, text, dim theme.Paint, put func(theme.Paint, string, int)) {
	w := m.lay.assetW
	p := dim
	if m.cols.Names && e.name != "" {
		p = text
	}
	put(p, e.cell(w, m.cols.Names), w)
	if iw := m.lay.indexW; iw > 0 {
		put(text, " ", 1)
		if key := iw | m.indexGen<<16; e.indexCutKey != key {
			name := ""
			if e.indexID != "" {
				name = m.IndexName(e.indexID)
			}
			e.indexCut, e.indexCutKey = common.Fit(name, iw), key
		}
		put(dim, e.indexCut, iw)
	}
}

// PageRows is how many rows one screen of the grid shows.
func (m *Model) PageRows() int { return m.visibleRows() }

package grid

import (
	"bytes"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// FlashFor is how long a cell that just changed stays marked.
const FlashFor = 1500 * time.Millisecond

const (
	gutterW  = 2 // "▸ " on the selected row
	idW      = 8
	assetW   = 8  // an asset id's prefix
	nameMin  = 12 // an asset's name, cut in the middle (80 columns leave it 13)...
	nameWant = 20 // ...and what a wide window gives it first
	nameMax  = 40
	indexMin = 8
	indexMax = 14
	overallW = 8 // "✗ failed"
	ageW     = 4
	longW    = 2 + theme.LongWordWidth  // "▂ processing"
	shortW   = 2 + theme.ShortWordWidth // "▂ running"
	maxFeatW = 16
)

// layout is the columns that fit the pane's width.
type layout struct {
	feats  []string
	widths []int
	short  bool // short state words
	hidden int  // feature columns that did not fit
	taskW  int  // 0: no task column
	assetW int
	indexW int // 0: no index column
}

// assetMin is the asset column's narrowest: a name needs more than an id.
func (m *Model) assetMin() int {
	if m.cols.Names {
		return nameMin
	}
	return assetW
}

// fixedW is the width of the columns other than the features, at their
// narrowest.
func (m *Model) fixedW() int {
	w := gutterW + m.assetMin() + 1 + overallW + 1 + ageW
	if m.cols.Task {
		w += idW + 1
	}
	return w
}

// spread gives what the columns left over to the asset's name, then to the
// index column, up to their widest.
func (m *Model) spread(l *layout, total int) {
	spare := max(0, m.w-total)
	if m.cols.Task {
		l.taskW = idW
	}
	l.assetW = m.assetMin()
	if m.cols.Names {
		grow := min(spare, nameWant-l.assetW)
		l.assetW += grow
		spare -= grow
	}
	if m.cols.Index && spare >= indexMin+1 {
		l.indexW = min(spare-1, indexMax)
		spare -= l.indexW + 1
	}
	if m.cols.Names {
		grow := min(spare, nameMax-l.assetW)
		l.assetW += grow
	}
}

func (m *Model) relayout() {
	m.layGen++
	m.extraCols = m.sortedExtras()

	names := append(append([]string{}, api.FeatureNames...), m.extraCols...)
	fixed := m.fixedW()
	try := func(short bool, n int) (layout, bool) {
		l := layout{feats: names[:n], short: short, hidden: len(names) - n}
		total := fixed
		for _, name := range l.feats {
			w := shortW
			if !short {
				w = min(max(longW, common.Width(api.Clean(name))), maxFeatW)
			}
			l.widths = append(l.widths, w)
			total += w + 1
		}
		m.spread(&l, total)
		return l, total <= m.w
	}
	for n := len(names); n >= 0; n-- {
		if l, ok := try(false, n); ok && n == len(names) {
			m.lay = l
			return
		}
		if l, ok := try(true, n); ok {
			m.lay = l
			return
		}
	}
	m.lay, _ = try(true, 0)
}

// Want is the width the grid needs to show every feature column with full
// words, so a wide window can give it that before the side panes.
func (m *Model) Want() int {
	w := m.fixedW()
	if m.cols.Names {
		w += nameWant - nameMin
	}
	// The index column takes what is left: it is not worth narrowing
	// the webhook panes for.
	for _, name := range append(append([]string{}, api.FeatureNames...), m.extraCols...) {
		w += min(max(longW, common.Width(api.Clean(name))), maxFeatW) + 1
	}
	return w
}

// View implements common.Pane: the header, then only the rows on screen.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	b := &m.out
	b.Reset()
	m.header(b)
	vis := m.visibleRows()
	lines := 1
	switch {
	case len(m.entries) == 0:
		lines += m.message(b, m.empty, vis)
	case m.rows.len() == 0:
		lines += m.message(b, "No task matches "+m.describeFilter()+". Esc clears the filter.", vis)
	default:
		m.buf = m.rows.window(m.buf[:0], m.offset, vis)
		if m.drawnNext == nil {
			m.drawn, m.drawnNext = map[*entry]drawnRow{}, map[*entry]drawnRow{}
		}
		for i, e := range m.buf {
			b.WriteByte('\n')
			m.row(b, e, m.offset+i == m.cursor)
		}
		// Only the rows on screen keep what they drew.
		m.drawn, m.drawnNext = m.drawnNext, m.drawn
		clear(m.drawnNext)
		lines += len(m.buf)
	}
	for ; lines < m.h-btoi(m.editing); lines++ {
		b.WriteByte('\n')
		b.WriteString(common.Spaces(m.w))
	}
	if m.editing {
		b.WriteByte('\n')
		m.filterLine(b)
	}
	// A frame that reads as the last is the last's string: no copy, and
	// the box around it, compared with it, is not drawn again.
	if string(b.Bytes()) != m.view {
		m.view = b.String()
	}
	return m.view
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (m *Model) describeFilter() string {
	var parts []string
	if m.flt.query != "" {
		parts = append(parts, "/"+m.flt.text)
	}
	if m.flt.failedOnly {
		parts = append(parts, "failed only")
	}
	if m.flt.activeOnly {
		parts = append(parts, "active only")
	}
	return strings.Join(parts, " + ")
}

func (m *Model) message(b *bytes.Buffer, msg string, vis int) int {
	if vis <= 0 {
		return 0
	}
	b.WriteByte('\n')
	b.WriteString(common.Fit("  "+m.ctx.Theme.MutedStyle.Render(msg), m.w))
	return 1
}

func (m *Model) filterLine(b *bytes.Buffer) {
	th := m.ctx.Theme
	hint := "  enter keeps · esc clears · ! inverts"
	line := th.AccentStyle.Render("/") + th.Input.Render(api.Clean(m.flt.text)) + th.Cursor.Render(" ") + th.MutedStyle.Render(hint)
	b.WriteString(common.Fit(line, m.w))
}

func (m *Model) header(b *bytes.Buffer) {
	p := m.ctx.Theme.Header[theme.Normal]
	var h strings.Builder
	h.WriteString(common.Spaces(gutterW))
	if m.lay.taskW > 0 {
		h.WriteString(common.Fit("TASK", m.lay.taskW))
		h.WriteByte(' ')
	}
	h.WriteString(common.Fit("ASSET", m.lay.assetW))
	if m.lay.indexW > 0 {
		h.WriteByte(' ')
		h.WriteString(common.Fit("INDEX", m.lay.indexW))
	}
	for i, name := range m.lay.feats {
		h.WriteByte(' ')
		h.WriteString(common.Fit(strings.ToUpper(api.Clean(name)), m.lay.widths[i]))
	}
	h.WriteByte(' ')
	h.WriteString(common.Fit("STATE", overallW))
	h.WriteByte(' ')
	h.WriteString(common.PadLeft("AGE", ageW))
	p.W(b, common.Fit(h.String(), m.w))
}

// drawnRow is a row as drawn last and what it was drawn for (Model.drawn).
// Most rows on screen read the same from one frame to the next, even when
// they moved: the cache spares building them again.
type drawnRow struct {
	key  rowKey
	text string
}

// rowKey is everything a row's text depends on besides its entry (ver).
type rowKey struct {
	ver    uint32
	layGen uint32 // the columns and their widths, the names toggle
	index  int    // Model.indexGen: the index names
	theme  *theme.Theme
	sel    bool
	flash  bool
	frame  int   // the spinner's frame, while the row has one turning
	age    int64 // ageStep of the row's age
}

// row draws one task from what its entry holds, or writes the row as
// drawn last when nothing it shows has changed. Every piece, gaps
// included, is painted with the row's variant so the selection's
// background runs unbroken.
func (m *Model) row(b *bytes.Buffer, e *entry, selected bool) {
	th := m.ctx.Theme
	age := time.Duration(0)
	if e.stamped {
		age = m.ctx.ServerNow().Sub(time.Unix(0, e.updated))
	}
	flashing := e.flashing(m.ctx.Now)
	key := rowKey{ver: e.ver, layGen: m.layGen, index: m.indexGen, theme: th, sel: selected,
		flash: flashing, frame: -1, age: ageStep(age)}
	if !e.stamped {
		key.age = -1
	}
	if e.spins {
		key.frame = m.ctx.Frame
	}
	if d, ok := m.drawn[e]; ok && d.key == key {
		b.WriteString(d.text)
		m.drawnNext[e] = d
		return
	}
	start := b.Len()
	v := theme.Normal
	if selected {
		v = theme.Selected
	}
	text, dim := th.Text[v], th.Dim[v]
	used := 0
	put := func(p theme.Paint, s string, w int) {
		p.W(b, s)
		used += w
	}
	if selected {
		put(text, "▸ ", 2)
	} else {
		put(text, "  ", 2)
	}
	if m.lay.taskW > 0 {
		put(text, common.Fit(common.Short(api.Clean(e.id), idW), idW)+" ", idW+1)
	}
	m.assetCell(e, text, dim, put)

	for i, name := range m.lay.feats {
		w := m.lay.widths[i]
		put(text, " ", 1)
		st, changed, has := e.state(name)
		if !has {
			put(dim, theme.AbsentGlyph+common.Spaces(w-1), w)
			continue
		}
		cv := v
		if flashing && changed {
			cv |= theme.Flash
		}
		put(th.StatePaints(st)[cv], cell(theme.Glyph(st, m.ctx.Frame), theme.Word(st, m.lay.short), w), w)
	}
	put(text, " ", 1)
	put(th.Overall[e.overall][v], cell(theme.OverallGlyph(e.overall), string(e.overall), overallW), overallW)
	put(text, " ", 1)
	ageText := ""
	if e.stamped {
		ageText = common.Age(age)
	}
	put(dim, common.PadLeft(ageText, ageW), ageW)
	if rest := m.w - used; rest > 0 {
		put(text, common.Spaces(rest), rest)
	}
	m.drawnNext[e] = drawnRow{key: key, text: string(b.Bytes()[start:])}
}

// ageStep numbers what common.Age shows for d: two durations with the same
// step read the same.
func ageStep(d time.Duration) int64 {
	switch {
	case d < time.Minute:
		return int64(max(d, 0) / time.Second)
	case d < time.Hour:
		return 100 + int64(d/time.Minute)
	case d < 48*time.Hour:
		return 200 + int64(d/time.Hour)
	}
	return 300 + int64(d/(24*time.Hour))
}

// cell is a one-cell glyph, a space and a word, fitted to w cells. The
// glyphs are one cell wide by choice, so only an unusual word (a state this
// version does not know) is measured.
func cell(glyph, word string, w int) string {
	n := 2 + len(word)
	if !ascii(word) {
		n = 2 + common.Width(word)
	}
	if n == w {
		return glyph + " " + word
	}
	if n < w {
		return glyph + " " + word + common.Spaces(w-n)
	}
	return glyph + " " + common.Clip(word, w-2)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// ExactLines tells the root that every line View returns is exactly the
// pane's width, so it need not measure them.
func (m *Model) ExactLines() bool { return true }

// Animating reports whether what the grid shows now changes with time
// faster than once a second: a processing feature on screen, or a cell
// still marked as just changed.
func (m *Model) Animating() bool {
	for _, e := range m.buf {
		if e.spins || e.flashing(m.ctx.Now) {
			return true
		}
	}
	return false
}

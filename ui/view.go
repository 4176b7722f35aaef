package ui

import (
	"bytes"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// wideFrom is the width from which the side panes stand beside the grid
// rather than below it.
const wideFrom = 140

func (m *Model) resize(w, h int) {
	m.w, m.h = w, h
	m.ctx.Width, m.ctx.Height = w, h
	m.layout()
}

// layout places the areas: the side panes beside the main area when the
// window is wide, below it when narrow (and out of the way while a narrow
// window shows a task or the log, which need the height).
func (m *Model) layout() {
	m.rects = [areaCount]rect{}
	w, h := m.w, m.h
	if !m.chrome.Fits(w, h) {
		return
	}
	bodyY, bodyH := 1, h-3 // header above; hints and status below
	switch {
	case m.zoom && m.sideFocused():
		m.rects[m.areaOf(m.focus)] = rect{0, bodyY, w, bodyH}
	case w >= wideFrom:
		// The grid gets what its columns want; the side panes the rest,
		// between 44 and 72 columns.
		mw := min(max(w-72, m.grid.Want()+2), w-44)
		sw := w - mw
		epH := max(6, bodyH/3)
		m.rects[mainArea] = rect{0, bodyY, mw, bodyH}
		m.rects[topSide] = rect{mw, bodyY, sw, epH}
		m.rects[bottomSide] = rect{mw, bodyY + epH, sw, bodyH - epH}
	case m.main != common.Tasks:
		m.rects[mainArea] = rect{0, bodyY, w, bodyH}
	default:
		sh := 7
		if bodyH >= 34 {
			sh = 10
		}
		half := w / 2
		m.rects[mainArea] = rect{0, bodyY, w, bodyH - sh}
		m.rects[topSide] = rect{0, bodyY + bodyH - sh, half, sh}
		m.rects[bottomSide] = rect{half, bodyY + bodyH - sh, w - half, sh}
	}
	// Every pane of the main area takes its size, so a view opened later
	// draws at once; a side pane only while it is on screen.
	for i, row := range panes {
		if r := m.rects[row.area]; m.shown(row.area) {
			m.panes[i].SetSize(r.w-2, r.h-2)
		}
	}
	if !m.shown(m.areaOf(m.focus)) {
		m.setFocus(m.main)
	}
	m.helpH = bodyH - 2
}

// View draws the whole screen. It does no I/O and reads no clock.
func (m *Model) View() tea.View {
	var content string
	switch {
	case m.quitting:
		content = ""
	case m.w == 0 || m.h == 0:
		content = ""
	case !m.chrome.Fits(m.w, m.h):
		content = m.chrome.TooSmall(m.w, m.h)
	default:
		content = m.screen()
	}
	v := tea.NewView(content)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "aspect-tui · " + m.host()
	if m.opts.Label != "" {
		v.WindowTitle = "aspect-tui " + m.opts.Label + " · " + m.host()
	}
	return v
}

func (m *Model) screen() string {
	th := m.ctx.Theme
	lines := make([]string, 0, m.h)
	lines = append(lines, m.status.Header(m.w, m.opts.Label))
	var left, right []string // a body drawn beside another (joinScreen)

	if m.chrome.ShowHelp {
		lines = append(lines, m.chrome.HelpBox(th, m.helpContent(m.w-2), m.w, m.h-3)...)
	} else if m.zoom {
		r := m.rects[m.areaOf(m.focus)]
		p := m.pane(m.focus)
		lines = append(lines, common.Box(th, p.Title()+" · "+m.ctx.Keys.Zoom.Label()+" or "+m.ctx.Keys.Back.Label()+" unzooms", paneLines(p, r), r.w, r.h, true)...)
	} else {
		mainBox := m.boxOf(mainArea, m.main, m.mainFocused())
		var side []string
		if m.shown(topSide) {
			ep, dl := m.sideBox(topSide), m.sideBox(bottomSide)
			if m.w >= wideFrom {
				side = append(ep, dl...)
			} else {
				side = common.SideBySide(ep, dl)
			}
		}
		switch {
		case side == nil:
			lines = append(lines, mainBox...)
		case m.w >= wideFrom:
			left, right = mainBox, side
		default:
			lines = append(lines, mainBox...)
			lines = append(lines, side...)
		}
	}
	if p := m.overlayPane(); p != nil && !m.chrome.ShowHelp {
		if left != nil {
			lines = append(lines, common.SideBySide(left, right)...)
			left, right = nil, nil
		}
		overlay(th, lines, p.(common.Overlayer).Overlay(), m.w)
	}
	b := &m.joined
	b.Reset()
	joinScreen(b, lines, left, right, m.hints(), m.status.View(m.w))
	// A screen that reads as the last is the last's string: the renderer
	// then compares one pointer, and nothing is copied.
	if string(b.Bytes()) != m.lastScreen {
		m.lastScreen = b.String()
	}
	return m.lastScreen
}

// joinScreen joins the screen's lines into b: top, then each of left
// beside the same line of right, then the two last lines. A body drawn
// beside another is joined here, once, rather than line by line and then
// again.
func joinScreen(b *bytes.Buffer, top, left, right []string, hints, status string) {
	for _, l := range top {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for i := range max(len(left), len(right)) {
		if i < len(left) {
			b.WriteString(left[i])
		}
		if i < len(right) {
			b.WriteString(right[i])
		}
		b.WriteByte('\n')
	}
	b.WriteString(hints)
	b.WriteByte('\n')
	b.WriteString(status)
}

// sideBox is a side area's pane in its box (boxOf).
func (m *Model) sideBox(a area) []string { return m.boxOf(a, m.side[a], m.focus == m.side[a]) }

// boxOf is pane id in its box in area a, drawn again only when its view,
// title, place, focus or theme changed: most frames change the grid's
// rows, not the panes beside it, and a frame that changes nothing on
// screen (an age that still reads the same) changes no box at all.
func (m *Model) boxOf(a area, id common.PaneID, focused bool) []string {
	r := m.rects[a]
	p := m.pane(id)
	key := boxKey{view: p.View(), title: p.Title(), r: r, focused: focused, theme: m.ctx.Theme}
	c := &m.boxes[a]
	if c.lines == nil || c.key != key {
		c.key = key
		c.lines = common.Box(m.ctx.Theme, key.title, fitLines(p, key.view, r), r.w, r.h, key.focused)
	}
	return c.lines[:len(c.lines):len(c.lines)]
}

// boxKey is everything a side area's box is drawn from.
type boxKey struct {
	view, title string
	r           rect
	focused     bool
	theme       *theme.Theme
}

// boxed is a side area's box as last drawn.
type boxed struct {
	key   boxKey
	lines []string
}

// overlay draws a dialog's box over the body, centred, replacing the
// cells beneath it.
func overlay(th *theme.Theme, lines []string, o *common.Overlay, w int) {
	body := len(lines) - 1 // below the header
	bw := min(o.Width+4, w)
	inner := bw - 4
	content := make([]string, 0, len(o.Lines)+1)
	for _, l := range o.Lines {
		content = append(content, " "+common.Fit(l, inner)+" ")
	}
	content = append(content, common.Spaces(inner+2))
	bh := min(len(content)+2, body)
	box := common.Box(th, o.Title, content, bw, bh, true)
	x := (w - bw) / 2
	y := 1 + max(0, (body-bh)/3)
	for i, l := range box {
		if y+i >= len(lines) {
			break
		}
		under := lines[y+i]
		left := ansi.Truncate(under, x, "")
		right := ansi.TruncateLeft(under, x+bw, "")
		lines[y+i] = left + "\x1b[m" + l + "\x1b[m" + right
	}
}

// paneLines is a pane's view cut into the lines of its box. Panes draw
// exactly their size; the grid, which is drawn on every frame, is trusted
// to, and the others are fitted.
func paneLines(p common.Pane, r rect) []string { return fitLines(p, p.View(), r) }

// fitLines is paneLines for a view already drawn.
func fitLines(p common.Pane, v string, r rect) []string {
	w, h := r.w-2, r.h-2
	ls := strings.Split(v, "\n")
	if e, ok := p.(common.Exact); ok && e.ExactLines() && len(ls) == h {
		return ls
	}
	if len(ls) == h {
		exact := true
		for _, l := range ls {
			if !fits(l, w) {
				exact = false
				break
			}
		}
		if exact {
			return ls
		}
	}
	return common.Lines(v, w, h)
}

// fits is a cheap check that a line is w cells: for a line holding only
// printable ASCII and escape sequences, count the printable bytes outside
// the sequences; anything else is measured properly.
func fits(s string, w int) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0x1b:
			i++
			if i < len(s) && s[i] == '[' {
				for i++; i < len(s) && (s[i] < 0x40 || s[i] > 0x7e); i++ {
				}
			}
		case c >= 0x80:
			return common.Width(s) == w
		default:
			n++
		}
	}
	return n == w
}

// hints is the footer's first line: the focused pane's keys, then the
// global ones.
func (m *Model) hints() string {
	th := m.ctx.Theme
	var bs []key.Binding
	switch p := m.overlayPane(); {
	case m.chrome.ShowHelp:
		bs = m.chrome.HelpHints(m.ctx.Keys)
	case p != nil:
		bs = p.ShortHelp()
	case m.typing():
		bs = m.focused().ShortHelp()
	default:
		bs = m.actions.Footer(m.focused().ShortHelp())
	}
	var key strings.Builder
	for _, b := range bs {
		key.WriteString(b.Help().Key)
		key.WriteByte(0)
		key.WriteString(b.Help().Desc)
		key.WriteByte(0)
	}
	if m.hintsCache.theme == th && m.hintsCache.w == m.w && m.hintsCache.key == key.String() {
		return m.hintsCache.line
	}
	h := help.New()
	h.Styles = help.Styles{ShortKey: th.HelpKey, ShortDesc: th.HelpDesc, ShortSeparator: th.HelpSep, Ellipsis: th.HelpSep}
	h.SetWidth(m.w - 1)
	line := common.Fit(" "+h.ShortHelpView(bs), m.w)
	m.hintsCache.theme, m.hintsCache.w, m.hintsCache.key, m.hintsCache.line = th, m.w, key.String(), line
	return line
}

// helpLines is how many lines the help body has.
func (m *Model) helpLines() int { return len(m.helpContent(max(20, m.w-2))) }

// helpContent is every binding by scope, in two columns when the window is
// wide enough, then the legend of states and the mouse.
func (m *Model) helpContent(w int) []string {
	th := m.ctx.Theme
	km := m.ctx.Keys
	labelW := 0
	for _, b := range km.All() {
		labelW = max(labelW, common.Width(b.Label()))
	}
	labelW = min(labelW, 22)
	var blocks [][]string
	for _, s := range km.Scopes() {
		block := []string{th.Bold.Render(capitalize(string(s)))}
		for _, b := range km.InScope(s) {
			block = append(block, "  "+common.HelpLine(th, b, labelW))
		}
		blocks = append(blocks, block)
	}
	legend := []string{th.Bold.Render("States")}
	for _, l := range theme.Legend() {
		words := l[1]
		if l[2] != "" && l[2] != l[1] {
			words += " (" + l[2] + " when narrow)"
		}
		legend = append(legend, "  "+l[0]+"  "+words)
	}
	legend = append(legend, "", th.Bold.Render("Mouse"), "  the wheel scrolls; a click selects a row or focuses a pane")
	blocks = append(blocks, legend)

	var flat []string
	for i, b := range blocks {
		if i > 0 {
			flat = append(flat, "")
		}
		flat = append(flat, b...)
	}
	colW := (w - 3) / 2
	if colW < 40 {
		return indent(flat)
	}
	// Two columns: blocks fill the left until about half the lines.
	half := (len(flat) + 1) / 2
	var left, right []string
	for _, b := range blocks {
		if len(left) < half {
			if len(left) > 0 {
				left = append(left, "")
			}
			left = append(left, b...)
		} else {
			if len(right) > 0 {
				right = append(right, "")
			}
			right = append(right, b...)
		}
	}
	out := make([]string, max(len(left), len(right)))
	for i := range out {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = " " + common.Fit(l, colW) + "  " + r
	}
	return out
}

func indent(ls []string) []string {
	for i, l := range ls {
		ls[i] = " " + l
	}
	return ls
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

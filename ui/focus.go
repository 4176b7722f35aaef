package ui

import "github.com/aspect-hq/aspect-tui/ui/common"

// focused is the pane that gets keys: the main area's pane or a side pane.
func (m *Model) focused() common.Pane { return m.pane(m.focus) }

// mainFocused reports whether the main area has the focus.
func (m *Model) mainFocused() bool { return m.focus == m.main }

// shown reports whether an area is on screen.
func (m *Model) shown(a area) bool { return m.rects[a].w > 0 }

func (m *Model) setFocus(id common.PaneID) {
	m.focus = id
	for i, p := range m.panes {
		if f, ok := p.(common.Focusable); ok {
			f.SetFocused(common.PaneID(i) == id)
		}
	}
}

// focusArea gives the focus to the pane an area shows.
func (m *Model) focusArea(a area) { m.setFocus(m.inArea(a)) }

// cycleFocus moves the focus d areas along, among those on screen.
func (m *Model) cycleFocus(d int) {
	var ring []area
	i := 0
	for a := mainArea; a < areaCount; a++ {
		if m.shown(a) {
			if m.inArea(a) == m.focus {
				i = len(ring)
			}
			ring = append(ring, a)
		}
	}
	if len(ring) > 0 {
		m.focusArea(ring[(i+d+len(ring))%len(ring)])
	}
}

// sideFocused reports whether a side pane has the focus.
func (m *Model) sideFocused() bool { return m.areaOf(m.focus) != mainArea }

// toggleZoom gives the focused side pane the whole body, or takes it back.
func (m *Model) toggleZoom() {
	if m.zoom {
		m.unzoom()
		return
	}
	if !m.sideFocused() {
		m.status.SetNote(m.ctx.Now, "zoom enlarges the endpoints or deliveries pane: focus one with "+m.ctx.Keys.NextPane.Label()+" first", int(common.Info))
		return
	}
	m.zoom = true
	m.layout()
}

func (m *Model) unzoom() {
	if m.zoom {
		m.zoom = false
		m.layout()
	}
}

// overlayPane is the pane whose dialog is open, if any: the side panes'
// first, then the main area's.
func (m *Model) overlayPane() common.Pane {
	for a := topSide; a < areaCount; a++ {
		if p := m.pane(m.side[a]); hasOverlay(p) {
			return p
		}
	}
	if p := m.pane(m.main); hasOverlay(p) {
		return p
	}
	return nil
}

func hasOverlay(p common.Pane) bool {
	o, ok := p.(common.Overlayer)
	return ok && o.Overlay() != nil
}

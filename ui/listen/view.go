package listen

import (
	"net/url"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/compare"
	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// wideFrom is the width from which the detail stands beside the list
// rather than replacing it.
const wideFrom = 180

// maxWarnings is how many of the receiver's warnings keep a line under
// the header (a non-loopback address, a secret without its prefix).
const maxWarnings = 2

// top is how many lines stand above the body: the two header lines and
// the warnings.
func (m *Model) top() int { return 2 + min(len(m.warnings), maxWarnings) }

func (m *Model) wide() bool { return m.w >= wideFrom }

// bodyH is the body's height: all but the lines above and the hints.
func (m *Model) bodyH() int { return max(0, m.h-m.top()-1) }

// detailW is the width of the detail's box.
func (m *Model) detailW() int {
	if !m.wide() || m.fullDetail() {
		return m.w
	}
	return min(max(m.w/2, 64), 120)
}

// listW is the width of the list's box.
func (m *Model) listW() int {
	if !m.wide() {
		return m.w
	}
	return m.w - m.detailW()
}

// detailH is how many detail lines show.
func (m *Model) detailH() int { return max(0, m.bodyH()-2) }

// fullDetail reports whether the detail takes the whole body: a
// comparison or the inline editor needs the room.
func (m *Model) fullDetail() bool { return m.cmp != nil || (m.edit != nil && m.edit.inline != nil) }

// detailShown reports whether the detail is on screen.
func (m *Model) detailShown() bool { return m.inDetail || m.wide() }

func (m *Model) resize(w, h int) {
	m.w, m.h = w, h
	m.ctx.Width, m.ctx.Height = w, h
	m.layout()
}

// layout sizes the list for the window and the filter line.
func (m *Model) layout() {
	rows := m.bodyH() - 2 - 1 // the box's border and the column header
	if m.editing {
		rows--
	}
	m.list.setHeight(max(0, rows))
	m.clampDetail()
	m.sizeEditor()
}

// syncDetail rebuilds the detail's lines when what it shows changed: the
// selection, the width, the theme or the request's replays. It runs at the
// end of Update, so View only reads.
func (m *Model) syncDetail() {
	if c := m.cmp; c != nil {
		d := &m.det
		th, w := m.ctx.Theme, m.detailW()-2
		if d.cmp != c.id || d.th != th || d.w != w {
			if d.cmp != c.id {
				d.Offset = 0
			}
			d.seq, d.cmp, d.th, d.w = -1, c.id, th, w
			d.Lines = compare.Lines(th, w-1, c.left, c.right, c.sections())
			m.clampDetail()
		}
		return
	}
	m.det.cmp = 0
	e := m.list.sel
	if e == nil {
		m.det = detailView{}
		if m.inDetail {
			m.setDetail(false)
		}
		return
	}
	if !m.detailShown() {
		return
	}
	d := &m.det
	th, w := m.ctx.Theme, m.detailW()-2
	if d.seq == e.d.Seq && d.th == th && d.w == w && d.replays == len(e.replays) {
		return
	}
	if d.seq != e.d.Seq {
		d.Offset = 0
	}
	d.seq, d.th, d.w, d.replays = e.d.Seq, th, w, len(e.replays)
	d.Lines = buildDetail(th, e, m.secretList, w)
	m.clampDetail()
}

// View draws the whole screen. It does no I/O and reads no clock.
func (m *Model) View() tea.View {
	var content string
	switch {
	case m.quitting, m.w == 0 || m.h == 0:
	case !m.chrome.Fits(m.w, m.h):
		content = m.chrome.TooSmall(m.w, m.h, "Still receiving: "+common.Count(m.counts.received)+" so far, "+common.Count(m.counts.refused)+" refused.")
	default:
		content = m.screen()
	}
	v := tea.NewView(content)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "aspect-tui listen · " + m.host()
	return v
}

func (m *Model) host() string {
	u, err := url.Parse(m.url)
	if err != nil || u.Host == "" {
		return m.url
	}
	return api.Clean(u.Host)
}

func (m *Model) screen() string {
	th := m.ctx.Theme
	lines := make([]string, 0, m.h)
	lines = append(lines, m.identity(), m.tallies())
	for _, w := range m.warnings[:min(len(m.warnings), maxWarnings)] {
		lines = append(lines, common.Fit(" "+th.WarnP.S("⚠ "+w), m.w))
	}
	bh := m.bodyH()
	switch {
	case m.chrome.ShowHelp:
		lines = append(lines, m.chrome.HelpBox(th, m.helpContent(m.w-2), m.w, bh)...)
	case m.wide() && !m.fullDetail():
		lw := m.listW()
		left := common.Box(th, m.listTitle(), m.listLines(lw-2, bh-2), lw, bh, !m.inDetail)
		right := common.Box(th, m.detailTitle(), m.detailLines(m.w-lw-2, bh-2), m.w-lw, bh, m.inDetail)
		lines = append(lines, common.SideBySide(left, right)...)
	case m.inDetail:
		lines = append(lines, common.Box(th, m.detailTitle(), m.detailLines(m.w-2, bh-2), m.w, bh, true)...)
	default:
		lines = append(lines, common.Box(th, m.listTitle(), m.listLines(m.w-2, bh-2), m.w, bh, true)...)
	}
	lines = append(lines, m.hints())
	return strings.Join(lines, "\n")
}

// identity is the first line: where the receiver listens, the secrets it
// verifies with (masked, numbered as the verdicts name them) and where it
// forwards.
func (m *Model) identity() string {
	th := m.ctx.Theme
	sep := th.MutedP.S("  ·  ")
	head := " " + th.FocusTitleP.S("aspect-tui listen") + "  " + m.url
	forward := th.MutedP.S("not forwarding: verified requests get 204")
	if f := m.forward; f != "" {
		forward = th.MutedP.S("forwarding to ") + f
	}
	var secrets strings.Builder
	for i, s := range m.secretList {
		if i > 0 {
			secrets.WriteString("  ")
		}
		secrets.WriteString(th.MutedP.S("secret "+strconv.Itoa(i+1)+" ") + s)
	}
	line := head + sep + secrets.String() + sep + forward
	if common.Width(line) > m.w {
		// Narrow: where requests go matters more than the secrets' list,
		// which the detail of each request shows anyway.
		line = head + sep + forward + sep + secrets.String()
	}
	return common.Fit(line, m.w)
}

// tallies is the second line: the session's counts, each with a glyph and
// a word so it reads without colour.
func (m *Model) tallies() string {
	th := m.ctx.Theme
	c := m.counts
	sep := th.MutedP.S(" · ")
	pieces := []string{
		"received " + common.Count(c.received),
		th.OKP.S("✓ " + common.Count(c.verified) + " verified"),
		paintIf(c.refused > 0, th.ErrorP, th.MutedP).S("✗ " + common.Count(c.refused) + " refused"),
	}
	if m.forward != "" {
		pieces = append(pieces, "handler "+th.OKP.S("→ "+common.Count(c.fwdOK)+" ok")+", "+
			paintIf(c.fwdFailed > 0, th.ErrorP, th.MutedP).S(common.Count(c.fwdFailed)+" failed"))
	}
	pieces = append(pieces, paintIf(c.repeats > 0, th.WarnP, th.MutedP).S("↻ "+plural(c.repeats, "repeat")))
	drop := th.MutedP.S("busy " + common.Count(int(m.busy)))
	if m.busy > 0 {
		drop = th.WarnP.S("⚠ busy " + common.Count(int(m.busy)) + " (answered 503: the screen fell behind; senders retry)")
	}
	pieces = append(pieces, drop)
	if m.closed {
		pieces = append(pieces, th.ErrorP.S("✗ the receiver stopped"))
	}
	return common.Fit(" "+strings.Join(pieces, sep), m.w)
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return common.Count(n) + " " + s + "s"
}

func paintIf[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

func (m *Model) listTitle() string {
	l := m.list
	var b strings.Builder
	b.WriteString("Requests ")
	if l.flt.active() {
		b.WriteString(common.Count(l.len()) + " of ")
	}
	b.WriteString(common.Count(len(l.all)))
	if l.oldestFirst {
		b.WriteString(" · oldest first")
	} else {
		b.WriteString(" · newest first")
	}
	if l.len() > 0 && l.following() && !l.hold {
		b.WriteString(" · following")
	}
	if l.unseen > 0 {
		if l.oldestFirst {
			b.WriteString(" · ↓ " + common.Count(l.unseen) + " new (" + m.keys.Bottom.Label() + ")")
		} else {
			b.WriteString(" · ↑ " + common.Count(l.unseen) + " new (" + m.keys.Top.Label() + ")")
		}
	}
	if d := l.flt.describe(); d != "" {
		b.WriteString(" · " + d)
	}
	if l.evicted > 0 {
		b.WriteString(" · " + common.Count(l.evicted) + " oldest let go (" + common.Count(l.limit) + " kept)")
	}
	return b.String()
}

// listLines is the list's box content: the column header, the rows on
// screen, and the filter line while it is typed.
func (m *Model) listLines(w, h int) []string {
	th := m.ctx.Theme
	l := m.list
	cols := layoutColumns(w, m.forward != "")
	out := make([]string, 0, h)
	out = append(out, cols.header(th, w))
	rows := h - 1
	if m.editing {
		rows--
	}
	var msg string
	switch {
	case len(l.all) == 0 && l.cleared == 0 && l.evicted == 0:
		msg = "Waiting for requests. Point a webhook endpoint at " + m.url + " (any path): each request shows here as it is answered, verified or refused, with the reason."
	case len(l.all) == 0:
		msg = "Cleared. New requests show here as they arrive."
	case l.len() == 0:
		msg = "No request matches " + l.flt.describe() + ". Esc clears the filter."
	}
	if msg != "" {
		for _, s := range strings.Split(ansi.Wordwrap(msg, max(10, w-4), ""), "\n") {
			if len(out) < 1+rows {
				out = append(out, common.Fit("  "+th.MutedP.S(s), w))
			}
		}
	}
	for i := 0; msg == "" && i < rows; i++ {
		e := l.at(l.offset + i)
		if e == nil {
			break
		}
		out = append(out, cols.row(m.paint, e, e == l.sel, w))
	}
	for len(out) < 1+rows {
		out = append(out, common.Spaces(w))
	}
	if m.editing {
		line := th.AccentP.S("/") + th.Input.Render(api.Clean(l.flt.text)) + th.Cursor.Render(" ") +
			th.MutedP.S("  path, event type, svix-id, body or answer; path=value in JSON · enter keeps · esc clears · ! inverts")
		out = append(out, common.Fit(line, w))
	}
	return out[:min(len(out), h)]
}

func (m *Model) detailTitle() string {
	if ed := m.edit; ed != nil && ed.inline != nil {
		return "Edit #" + strconv.Itoa(ed.seq) + "'s body · " + m.keys.SaveEdit.Label() + " sends · " + m.keys.CancelEdit.Label() + " cancels"
	}
	if c := m.cmp; c != nil {
		return c.title + " · " + m.keys.Back.Label() + " back"
	}
	e := m.list.sel
	if e == nil {
		return "Detail"
	}
	t := "#" + strconv.Itoa(e.d.Seq) + " " + e.d.Method + " " + common.Clip(e.d.Path, 40)
	d := &m.det
	if h := m.detailH(); len(d.Lines) > h {
		t += " · lines " + strconv.Itoa(d.Offset+1) + "–" + strconv.Itoa(min(len(d.Lines), d.Offset+h)) + " of " + strconv.Itoa(len(d.Lines))
	}
	if m.inDetail {
		t += " · esc back"
	} else {
		t += " · enter or tab to scroll"
	}
	return t
}

func (m *Model) detailLines(w, h int) []string {
	if ed := m.edit; ed != nil && ed.inline != nil {
		return common.Lines(ed.inline.View(), w, h)
	}
	if m.list.sel == nil && m.cmp == nil {
		return common.Lines("  "+m.ctx.Theme.MutedP.S("Select a request to see it whole."), w, h)
	}
	d := &m.det
	end := min(d.Offset+h, len(d.Lines))
	out := make([]string, h)
	for i := range out {
		if j := d.Offset + i; j < end {
			out[i] = common.Fit(d.Lines[j], w)
		} else {
			out[i] = common.Spaces(w)
		}
	}
	return out
}

// hints is the footer: a notice when there is one, else the keys that
// apply right now.
func (m *Model) hints() string {
	th := m.ctx.Theme
	if m.notice != "" {
		return common.Fit(" "+th.AccentP.S(m.notice), m.w)
	}
	var bs []key.Binding
	switch {
	case m.edit != nil && m.edit.inline != nil:
		bs = keys.KeyBindings(m.keys.SaveEdit, m.keys.CancelEdit)
	case m.edit != nil && m.edit.body != nil:
		return common.Fit(" "+th.AccentP.S(m.editPrompt()), m.w)
	case m.editing:
		bs = common.Hints(m.editActions)
	case m.chrome.ShowHelp:
		bs = m.chrome.HelpHints(m.keys.Map)
	case m.inDetail:
		bs = m.global.Footer(common.Hints(m.detailActions))
	default:
		bs = m.global.Footer(common.Hints(m.listActions))
	}
	return m.shortHelp(bs)
}

func (m *Model) shortHelp(bs []key.Binding) string {
	th := m.ctx.Theme
	h := help.New()
	h.Styles = help.Styles{ShortKey: th.HelpKey, ShortDesc: th.HelpDesc, ShortSeparator: th.HelpSep, Ellipsis: th.HelpSep}
	h.SetWidth(m.w - 1)
	return common.Fit(" "+h.ShortHelpView(bs), m.w)
}

// helpContent is every binding by scope, then what the list's glyphs mean:
// side by side when the window is wide enough, else one after the other.
func (m *Model) helpContent(w int) []string {
	th := m.ctx.Theme
	km := m.keys.Map
	labelW := 0
	for _, b := range km.All() {
		labelW = max(labelW, common.Width(b.Label()))
	}
	var bindings []string
	for _, s := range km.Scopes() {
		if len(bindings) > 0 {
			bindings = append(bindings, "")
		}
		bindings = append(bindings, " "+th.Bold.Render(capitalize(string(s))))
		for _, b := range km.InScope(s) {
			bindings = append(bindings, "   "+common.HelpLine(th, b, labelW))
		}
	}
	legend := []string{" " + th.Bold.Render("The list")}
	for _, l := range [][2]string{
		{"✓ secret N", "verified with the Nth --secret (shown masked above)"},
		{"✗ reason", "refused with a 4xx; the detail says why and what to check"},
		{"STATUS", "what this receiver answered the sender"},
		{"→ 200 12ms", "forwarded: the handler's status and how long it took"},
		{"↻ #N", "a repeat: the same svix-id as request #N (a retry or a resend)"},
		{"following", "on the newest and moving with new ones; g goes back to it"},
	} {
		legend = append(legend, "   "+th.HelpKey.Render(common.Fit(l[0], 10))+"  "+l[1])
	}
	legend = append(legend, "", " "+th.Bold.Render("Mouse"), "   the wheel scrolls; a click selects a request or focuses the detail")

	colW := (w - 2) / 2
	if colW < 78 {
		out := append(append(bindings, ""), legend...)
		for i, l := range out {
			out[i] = common.Clip(l, w)
		}
		return out
	}
	out := make([]string, max(len(bindings), len(legend)))
	for i := range out {
		var l, r string
		if i < len(bindings) {
			l = bindings[i]
		}
		if i < len(legend) {
			r = legend[i]
		}
		out[i] = common.Fit(l, colW) + "  " + common.Clip(r, w-colW-2)
	}
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mouse: the wheel scrolls what is under the pointer; a click selects a
// row, or focuses the detail beside the list.
func (m *Model) mouse(msg tea.MouseMsg) {
	if m.chrome.ShowHelp {
		m.chrome.HelpMouse(msg, len(m.helpContent(m.w-2)), m.bodyH()-2)
		return
	}
	mo := msg.Mouse()
	bodyTop := m.top()
	if mo.Y < bodyTop || mo.Y >= bodyTop+m.bodyH() {
		return
	}
	onDetail := m.inDetail && !m.wide() || m.wide() && mo.X >= m.listW()
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		d := 0
		switch msg.Button {
		case tea.MouseWheelUp:
			d = -3
		case tea.MouseWheelDown:
			d = 3
		}
		if onDetail {
			m.det.Offset += d
			m.clampDetail()
		} else {
			m.list.scroll(d)
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || m.editing {
			return
		}
		if onDetail {
			if m.wide() && m.list.sel != nil {
				m.setDetail(true)
			}
			return
		}
		// The rows start below the box's top border and the column header.
		if r := mo.Y - bodyTop - 2; r >= 0 && r < m.list.h {
			if m.list.offset+r < m.list.len() {
				m.list.moveTo(m.list.offset + r)
			}
		}
		if m.inDetail {
			m.setDetail(false)
		}
	}
}

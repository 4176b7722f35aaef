package listen

import (
	"strconv"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/dustin/go-humanize"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if m.editing {
		m.editKey(msg)
		return nil
	}
	if m.showHelp {
		switch {
		case k.Quit.Matches(msg):
			return m.quit()
		case k.Help.Matches(msg), k.Back.Matches(msg):
			m.showHelp = false
		default:
			m.help.Key(k.Map, msg, len(m.helpContent(m.w-2)), m.bodyH()-2)
		}
		return nil
	}
	switch {
	case k.Quit.Matches(msg):
		return m.quit()
	case k.Help.Matches(msg):
		m.showHelp, m.help = true, common.Cursor{}
		return nil
	case k.Copy.Matches(msg):
		return m.copyBody()
	case k.Replay.Matches(msg):
		return m.replay()
	case k.NextPane.Matches(msg):
		if m.wide() && m.list.sel != nil {
			m.setDetail(!m.inDetail)
		}
		return nil
	}
	if m.inDetail {
		m.detailKey(msg)
		return nil
	}
	m.listKey(msg)
	return nil
}

func (m *Model) listKey(msg tea.KeyPressMsg) {
	k := m.keys
	l := m.list
	page := max(1, l.h)
	c := l.cursor()
	switch {
	case k.Up.Matches(msg):
		l.moveTo(c - 1)
	case k.Down.Matches(msg):
		l.moveTo(c + 1)
	case k.PageUp.Matches(msg):
		l.offset -= page
		l.moveTo(c - page)
	case k.PageDown.Matches(msg):
		l.offset += page
		l.moveTo(c + page)
	case k.HalfUp.Matches(msg):
		l.moveTo(c - page/2)
	case k.HalfDown.Matches(msg):
		l.moveTo(c + page/2)
	case k.Top.Matches(msg):
		l.moveTo(0)
	case k.Bottom.Matches(msg):
		l.moveTo(l.len() - 1)
	case k.Open.Matches(msg):
		if l.sel != nil {
			m.setDetail(true)
		}
	case k.Filter.Matches(msg):
		m.setEditing(true)
	case k.RefusedOnly.Matches(msg):
		f := l.flt
		f.refusedOnly = !f.refusedOnly
		l.setFilter(f)
	case k.Order.Matches(msg):
		l.setOrder(!l.oldestFirst)
	case k.Clear.Matches(msg):
		l.clear()
	case k.Back.Matches(msg):
		if l.flt.active() {
			l.setFilter(filter{})
		}
	}
}

// setDetail gives the keys to the detail or back to the list. The
// selection stays put while the detail is read: new requests do not
// replace what is on screen.
func (m *Model) setDetail(on bool) {
	m.inDetail = on
	m.list.hold = on
	m.layout()
}

func (m *Model) detailKey(msg tea.KeyPressMsg) {
	k := m.keys
	h := m.detailH()
	page := max(1, h)
	d := &m.det
	switch {
	case k.Back.Matches(msg), k.Open.Matches(msg) && m.wide():
		m.setDetail(false)
		return
	case k.Up.Matches(msg):
		d.offset--
	case k.Down.Matches(msg):
		d.offset++
	case k.PageUp.Matches(msg):
		d.offset -= page
	case k.PageDown.Matches(msg):
		d.offset += page
	case k.HalfUp.Matches(msg):
		d.offset -= page / 2
	case k.HalfDown.Matches(msg):
		d.offset += page / 2
	case k.Top.Matches(msg):
		d.offset = 0
	case k.Bottom.Matches(msg):
		d.offset = len(d.lines)
	}
	m.clampDetail()
}

func (m *Model) clampDetail() {
	d := &m.det
	d.offset = min(max(d.offset, 0), max(0, len(d.lines)-m.detailH()))
}

// setEditing opens or closes the filter line, which takes a row of the
// list.
func (m *Model) setEditing(on bool) {
	m.editing = on
	m.layout()
}

func (m *Model) editKey(msg tea.KeyPressMsg) {
	k := m.keys
	l := m.list
	switch {
	case k.FilterKeep.Matches(msg):
		m.setEditing(false)
		return
	case k.FilterClear.Matches(msg):
		m.setEditing(false)
		f := l.flt
		f.setText("")
		l.setFilter(f)
		return
	}
	switch msg.String() {
	case "backspace":
		if r := []rune(l.flt.text); len(r) > 0 {
			m.setFilterText(string(r[:len(r)-1]))
		}
	case "ctrl+u":
		m.setFilterText("")
	case "ctrl+w":
		m.setFilterText(strings.TrimRightFunc(strings.TrimRightFunc(l.flt.text, unicode.IsSpace), func(r rune) bool { return !unicode.IsSpace(r) }))
	case "up":
		l.moveTo(l.cursor() - 1)
	case "down":
		l.moveTo(l.cursor() + 1)
	default:
		if msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 && msg.Text != "" {
			m.typeText(msg.Text)
		}
	}
}

func (m *Model) typeText(s string) {
	s = api.Clean(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if s != "" {
		m.setFilterText(m.list.flt.text + s)
	}
}

func (m *Model) setFilterText(s string) {
	f := m.list.flt
	f.setText(api.Clip(s, 200))
	m.list.setFilter(f)
}

// copyBody puts the selected request's body, byte for byte as received, on
// the clipboard with OSC 52 (the terminal must allow it).
func (m *Model) copyBody() tea.Cmd {
	e := m.list.sel
	switch {
	case e == nil:
		return m.say("nothing selected to copy")
	case e.bodyGone:
		return m.say("#" + strconv.Itoa(e.d.Seq) + "'s body is no longer kept (the oldest bodies go first)")
	case len(e.d.Body) == 0:
		return m.say("#" + strconv.Itoa(e.d.Seq) + " has no body to copy")
	}
	n := len(e.d.Body)
	return tea.Batch(
		tea.SetClipboard(string(e.d.Body)),
		m.say("copied #"+strconv.Itoa(e.d.Seq)+"'s body ("+humanize.IBytes(uint64(n))+", as received) with OSC 52; a terminal that does not allow it copies nothing"),
	)
}

// replay sends the selected request to the handler again, signed afresh
// by the receiver.
func (m *Model) replay() tea.Cmd {
	e := m.list.sel
	switch {
	case e == nil:
		return m.say("nothing selected to replay")
	case !e.d.Verified:
		return m.say("#" + strconv.Itoa(e.d.Seq) + " was refused: only verified requests are replayed, since signing it afresh would vouch for what nobody signed")
	case e.bodyGone:
		return m.say("#" + strconv.Itoa(e.d.Seq) + "'s body is no longer kept, so it cannot be replayed")
	}
	rx, ctx, d := m.rx, m.opts.Context, e.d
	clock := m.ctx.Clock
	return tea.Batch(
		m.say("replaying #"+strconv.Itoa(d.Seq)+" to "+m.forward+"…"),
		func() tea.Msg {
			res, err := rx.Resend(ctx, d)
			return replayedMsg{seq: d.Seq, at: clock(), res: res, err: err}
		},
	)
}

func (m *Model) replayed(msg replayedMsg) tea.Cmd {
	r := replay{at: msg.at, res: msg.res}
	if msg.err != nil {
		r.err = api.Clean(msg.err.Error())
	}
	if e := m.list.bySeq(msg.seq); e != nil {
		e.replays = append(e.replays, r)
	}
	what := "replayed #" + strconv.Itoa(msg.seq) + ": "
	switch {
	case r.err != "":
		return m.say(what + "not sent: " + r.err)
	case r.res.Status == 0:
		return m.say(what + "no answer: " + r.res.Err)
	}
	return m.say(what + "→ " + strconv.Itoa(r.res.Status) + " in " + latency(r.res.Latency))
}

package listen

import (
	"strconv"

	tea "charm.land/bubbletea/v2"
	"github.com/dustin/go-humanize"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// bindActions is the screen's keys and what each does, in the footer's
// order: the list's or the detail's first, then the global ones.
func (m *Model) bindActions() {
	k := m.keys
	done := func(f func()) func() tea.Cmd { return func() tea.Cmd { f(); return nil } }
	m.global = keys.Actions{
		{Binding: k.Copy, Do: m.copyBody},
		{Binding: k.Replay, Do: m.replay},
		{Binding: k.NextPane, Shown: true, FooterIf: m.wide, Do: done(func() {
			if m.wide() && m.list.sel != nil {
				m.setDetail(!m.inDetail)
			}
		})},
		{Binding: k.Help, Do: done(m.chrome.OpenHelp)},
		{Binding: k.Quit, Do: m.quit},
	}
	l := m.list
	m.listActions = keys.Actions{
		{Binding: k.Open, Do: done(func() {
			if l.sel != nil {
				m.setDetail(true)
			}
		})},
		{Binding: k.Filter, Do: done(func() { m.setEditing(true) })},
		{Binding: k.RefusedOnly, Do: done(func() {
			f := l.flt
			f.refusedOnly = !f.refusedOnly
			l.setFilter(f)
		})},
		{Binding: k.Order, Do: done(func() { l.setOrder(!l.oldestFirst) })},
		{Binding: k.Edit, Do: m.startEdit},
		{Binding: k.Mark, Do: m.markIt},
		{Binding: k.Compare, Do: m.compareIt},
		{Binding: k.Export, Do: m.exportCurl},
		{Binding: k.Fixture, Do: m.exportFixture},
		{Binding: k.Clear, Do: done(l.clear)},
		{Binding: k.Back, Do: done(func() {
			if l.flt.active() {
				l.setFilter(filter{})
			}
		})},
	}
	m.detailActions = keys.Actions{
		{Binding: k.Back, When: func() bool { return m.cmp != nil }, Do: done(m.closeComparison)},
		{Binding: k.Back, Shown: true, Do: done(func() { m.setDetail(false) })},
		{Binding: k.Open, When: m.wide, Do: done(func() { m.setDetail(false) })},
	}
	m.editActions = keys.Actions{
		{Binding: k.FilterKeep, Do: done(func() { m.setEditing(false) })},
		{Binding: k.FilterClear, Do: done(func() {
			m.setEditing(false)
			f := l.flt
			f.setText("")
			l.setFilter(f)
		})},
	}
}

// refuse says in the footer why a key that is off did nothing.
func (m *Model) refuse(b *keys.Binding, why string) tea.Cmd { return m.say(keys.Refusal(b, why)) }

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if m.edit != nil && (m.edit.inline != nil || m.edit.body != nil) {
		return m.editorKey(msg)
	}
	if m.editing {
		m.editKey(msg)
		return nil
	}
	if m.chrome.ShowHelp {
		if m.chrome.HelpKey(m.keys.Map, msg, len(m.helpContent(m.w-2)), m.bodyH()-2) {
			return m.quit()
		}
		return nil
	}
	if cmd, ok := m.global.Run(msg, m.refuse); ok {
		return cmd
	}
	if m.inDetail {
		if cmd, ok := m.detailActions.Run(msg, m.refuse); ok {
			return cmd
		}
		m.clampDetail()
		m.det.Key(&m.keys.Moves, msg)
		return nil
	}
	if cmd, ok := m.listActions.Run(msg, m.refuse); ok {
		return cmd
	}
	l := m.list
	if v, ok := m.keys.Move(msg, l.h); ok {
		l.offset += v.View
		l.moveTo(v.From(l.cursor(), l.len()))
	}
	return nil
}

// setDetail gives the keys to the detail or back to the list. The
// selection stays put while the detail is read: new requests do not
// replace what is on screen.
func (m *Model) setDetail(on bool) {
	m.inDetail = on
	m.list.hold = on
	m.layout()
}

func (m *Model) clampDetail() {
	m.det.H = m.detailH()
	m.det.Clamp()
}

// setEditing opens or closes the filter line, which takes a row of the
// list.
func (m *Model) setEditing(on bool) {
	m.editing = on
	m.layout()
}

func (m *Model) editKey(msg tea.KeyPressMsg) {
	if _, ok := m.editActions.Run(msg, m.refuse); ok {
		return
	}
	l := m.list
	switch msg.String() {
	case "up":
		l.moveTo(l.cursor() - 1)
	case "down":
		l.moveTo(l.cursor() + 1)
	default:
		if t, ok := common.EditLine(l.flt.text, msg); ok {
			m.setFilterText(t)
		}
	}
}

func (m *Model) typeText(s string) {
	if s = common.Typed(s); s != "" {
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

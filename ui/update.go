package ui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/detail"
	"github.com/aspect-hq/aspect-tui/ui/eventlog"
	"github.com/aspect-hq/aspect-tui/ui/grid"
	"github.com/aspect-hq/aspect-tui/ui/theme"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// Messages the root model makes for itself.
type (
	batchMsg struct{ b feed.Batch }
	// feedDoneMsg: the batches channel closed; err is why (nil when the
	// context ended).
	feedDoneMsg struct{ err error }
	// refetchedMsg: tasks a resync missed, fetched one by one.
	refetchedMsg struct {
		tasks []api.Task
		err   error
	}
	tickMsg struct{}
)

// Update routes: it applies feed batches itself and hands everything else
// to the pane it belongs to.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.ctx.Now = m.ctx.Clock()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		m.setDark(msg.IsDark())
	case batchMsg:
		return m, tea.Batch(m.applyBatch(&msg.b), m.waitBatch())
	case feedDoneMsg:
		m.feedDone(msg.err)
	case refetchedMsg:
		m.refetched(msg)
	case tickMsg:
		return m, m.tick()
	case common.PaneMsg:
		return m, m.routePane(msg)
	case grid.OpenMsg:
		m.open(common.Detail, msg.ID)
	case detail.BackMsg, eventlog.BackMsg, common.BackMsg:
		m.goBack()
	case common.NoteMsg, common.NotOfferedMsg, common.RefreshMsg,
		webhooks.OpenAttemptMsg, webhooks.GoToTaskMsg, webhooks.WatchMsg:
		return m, m.webhookMsg(msg)
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		return m, m.mouse(msg)
	case tea.PasteMsg:
		if p := m.overlayPane(); p != nil {
			_, cmd := p.Update(msg)
			return m, cmd
		}
		if m.main == common.Tasks && m.focus == common.Tasks {
			_, cmd := m.grid.Update(msg)
			return m, cmd
		}
	}
	return m, nil
}

// waitBatch receives one batch from the feed and returns it as a message;
// Update asks again after applying it (Charm's realtime pattern).
func (m *Model) waitBatch() tea.Cmd {
	ch, wait := m.opts.Batches, m.opts.FeedErr
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		b, ok := <-ch
		if !ok {
			var err error
			if wait != nil {
				err = wait()
			}
			return feedDoneMsg{err: err}
		}
		return batchMsg{b: b}
	}
}

func (m *Model) applyBatch(b *feed.Batch) tea.Cmd {
	now := m.ctx.Now
	m.status.Record(now, b.Received)
	if b.Conn != nil {
		m.status.SetConn(*b.Conn)
		m.grid.SetEmptyText(m.emptyText())
	}
	m.observeClock(b)
	ch := m.store.ApplyBatch(b)
	for i := range b.Events {
		if i >= len(ch.Outcomes) {
			break
		}
		ev := &b.Events[i]
		switch ch.Outcomes[i] {
		case feed.Applied:
			if t := ev.Env.Data.Task; t != nil {
				m.raw.put(t.ID, ev.Raw, ev.ID)
			}
		case feed.UnknownType:
			m.log.Unknown(*ev)
		}
	}
	m.log.Skips(b.Skips)
	for _, id := range ch.Removed {
		m.raw.drop(id)
	}
	want := m.grid.Want()
	m.grid.Apply(ch.Updated, ch.Removed)
	if m.grid.Want() != want {
		m.layout()
	}
	m.afterChange(ch.Updated, ch.Removed)
	if len(ch.Missing) > 0 && m.opts.Client != nil {
		c, base, ids := m.opts.Client, m.opts.Context, ch.Missing
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(base, time.Minute)
			defer cancel()
			tasks, err := feed.Refetch(ctx, c, ids)
			return refetchedMsg{tasks: tasks, err: err}
		}
	}
	return nil
}

// afterChange refreshes what depends on changed tasks: the open detail and
// the tallies.
func (m *Model) afterChange(updated, removed []string) {
	if m.main == common.Detail {
		id := m.detail.ID()
		for _, list := range [][]string{updated, removed} {
			for _, x := range list {
				if x == id {
					m.detail.Refresh()
					break
				}
			}
		}
	}
	c := m.store.Counts()
	m.status.SetCounts(c, m.log.Events())
	m.log.SetCounts(c)
}

// refetched applies the tasks a resync missed. A task the API answered
// 404 for no longer exists: it leaves the store and the grid rather than
// staying pending forever. Only the other failures are logged as such.
func (m *Model) refetched(msg refetchedMsg) {
	ids := make([]string, 0, len(msg.tasks))
	for _, t := range msg.tasks {
		if m.store.ApplyTask(t) {
			ids = append(ids, t.ID)
		}
	}
	var removed []string
	var gone *feed.GoneError
	if errors.As(msg.err, &gone) {
		for _, id := range gone.IDs {
			if m.store.Forget(id) {
				m.raw.drop(id)
				removed = append(removed, id)
			}
		}
	}
	m.grid.Apply(ids, removed)
	m.afterChange(ids, removed)
	if len(removed) > 0 {
		m.log.Note(m.ctx.Now, "gone", gone.Error()+"; removed from the grid")
	}
	if err := withoutGone(msg.err); err != nil {
		m.log.Note(m.ctx.Now, "fetch failed", "could not fetch tasks that finished while events were missed: "+err.Error())
	}
	if pe := (*feed.PanicError)(nil); errors.As(msg.err, &pe) && m.caught == nil {
		m.caught = pe // for the crash report when the program ends
	}
	if len(removed) > 0 || msg.err != nil {
		m.status.SetCounts(m.store.Counts(), m.log.Events())
	}
}

// withoutGone is err less the *feed.GoneError that Refetch joins into it.
func withoutGone(err error) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	var keep []error
	for _, e := range errs {
		if _, gone := e.(*feed.GoneError); !gone {
			keep = append(keep, e)
		}
	}
	return errors.Join(keep...)
}

func (m *Model) feedDone(err error) {
	reason := "the feed ended"
	if err != nil {
		reason = err.Error()
	}
	if pe := (*feed.PanicError)(nil); errors.As(err, &pe) {
		reason = "the live feed stopped on " + reason + "; the webhook panes still work, and quitting writes a crash report"
	}
	if m.status.Conn().Phase != feed.PhaseStopped || err != nil {
		m.status.Stopped(reason)
	}
	m.grid.SetEmptyText(m.emptyText())
}

// Animation runs at a few frames per second only while something on
// screen moves (a processing feature, a cell just changed); otherwise the
// clock ticks once a second, on the second, for the ages.
const (
	frameEvery = 250 * time.Millisecond
	idleEvery  = time.Second
)

func (m *Model) animating() bool {
	if m.main == common.Detail {
		if t, ok := m.store.Task(m.detail.ID()); ok && !t.Done() {
			return true
		}
	}
	return m.main == common.Tasks && m.grid.Animating()
}

func (m *Model) nextTick() tea.Cmd {
	d := idleEvery - time.Duration(m.ctx.Now.UnixNano())%idleEvery
	if m.animating() {
		d = frameEvery
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{} })
}

func (m *Model) tick() tea.Cmd {
	m.status.Advance(m.ctx.Now)
	if m.animating() {
		m.ctx.Frame = (m.ctx.Frame + 1) % (theme.Frames * 1000)
	}
	switch m.main {
	case common.Detail:
		m.detail.Refresh()
	case common.Attempt:
		m.attempt.Refresh()
	}
	return m.nextTick()
}

func (m *Model) routePane(msg common.PaneMsg) tea.Cmd {
	p := m.pane(msg.Pane)
	if p == nil {
		return nil
	}
	_, cmd := p.Update(msg.Msg)
	return cmd
}

func (m *Model) pane(id common.PaneID) common.Pane {
	switch id {
	case common.Tasks:
		return m.grid
	case common.Detail:
		return m.detail
	case common.Log:
		return m.log
	case common.Endpoints:
		return m.endpoints
	case common.Deliveries:
		return m.deliveries
	case common.Attempt:
		return m.attempt
	case common.Hooks:
		return m.hooks
	}
	return nil
}

// focused is the pane that gets keys: the main area's pane or a side pane.
func (m *Model) focused() common.Pane {
	if m.focus == common.Tasks {
		return m.pane(m.main)
	}
	return m.pane(m.focus)
}

func (m *Model) setFocus(id common.PaneID) {
	m.focus = id
	for _, p := range []common.PaneID{common.Tasks, common.Endpoints, common.Deliveries} {
		if f, ok := m.pane(p).(common.Focusable); ok {
			f.SetFocused(p == id)
		}
	}
}

var focusRing = []common.PaneID{common.Tasks, common.Endpoints, common.Deliveries}

func (m *Model) cycleFocus(d int) {
	var ring []common.PaneID
	i := 0
	for _, id := range focusRing {
		if _, shown := m.rects[id]; shown {
			if id == m.focus {
				i = len(ring)
			}
			ring = append(ring, id)
		}
	}
	if len(ring) > 0 {
		m.setFocus(ring[(i+d+len(ring))%len(ring)])
	}
}

// place is what the screen showed: the main area's view, the focus, and
// whether the focused side pane was zoomed.
type place struct {
	main, focus common.PaneID
	zoom        bool
}

// open shows a view in the main area, remembering where it was opened
// from for esc.
func (m *Model) open(which common.PaneID, id string) {
	if which != m.main || m.focus != common.Tasks {
		m.from = append(m.from, place{m.main, m.focus, m.zoom})
	}
	m.main, m.zoom = which, false
	m.setFocus(common.Tasks)
	m.layout()
	if which == common.Detail {
		m.detail.Open(id)
	}
}

// goBack returns to where the view in the main area was opened from.
func (m *Model) goBack() {
	left := m.main
	back := place{main: common.Tasks, focus: common.Tasks}
	if n := len(m.from); n > 0 {
		back, m.from = m.from[n-1], m.from[:n-1]
	}
	m.main, m.focus, m.zoom = back.main, back.focus, back.zoom
	m.layout()
	if _, shown := m.rects[back.focus]; shown {
		m.setFocus(back.focus)
	} else {
		m.zoom = false
		m.layout()
		m.setFocus(common.Tasks)
	}
	m.closeIfGone(left)
}

// closeIfGone stops a view that left the screen from following the API,
// unless esc can still lead back to it.
func (m *Model) closeIfGone(id common.PaneID) {
	if id == m.main {
		return
	}
	for _, p := range m.from {
		if p.main == id {
			return
		}
	}
	switch id {
	case common.Attempt:
		m.attempt.Close()
	case common.Hooks:
		m.hooks.Close()
	}
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if p := m.overlayPane(); p != nil {
		// A dialog takes every key until it closes.
		_, cmd := p.Update(msg)
		return cmd
	}
	if m.main == common.Tasks && m.focus == common.Tasks && m.grid.Editing() {
		_, cmd := m.grid.Update(msg)
		return cmd
	}
	if m.showHelp {
		switch {
		case k.Quit.Matches(msg):
			return m.quit()
		case k.Help.Matches(msg), k.Back.Matches(msg):
			m.showHelp = false
		default:
			m.help.Key(k, msg, m.helpLines(), m.helpH)
		}
		return nil
	}
	switch {
	case k.Quit.Matches(msg):
		return m.quit()
	case k.Help.Matches(msg):
		m.showHelp, m.help = true, common.Cursor{}
		return nil
	case k.NextPane.Matches(msg):
		m.unzoom()
		m.cycleFocus(1)
		return nil
	case k.PrevPane.Matches(msg):
		m.unzoom()
		m.cycleFocus(-1)
		return nil
	case k.Log.Matches(msg):
		m.open(common.Log, "")
		return nil
	case k.Zoom.Matches(msg):
		m.toggleZoom()
		return nil
	case k.Back.Matches(msg) && m.zoom:
		m.unzoom()
		return nil
	case k.Back.Matches(msg) && m.focus != common.Tasks:
		m.setFocus(common.Tasks)
		return nil
	case k.Webhooks.Matches(msg) && m.main == common.Tasks && m.focus == common.Tasks:
		return m.openHooks()
	}
	if b := k.Refused(msg, m.scopes()...); b != nil {
		what := b.Hint
		if what == "" {
			what = b.Desc
		}
		return common.Note(common.Warn, b.Label()+" ("+what+") is off: "+b.Disabled)
	}
	_, cmd := m.focused().Update(msg)
	return cmd
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	return tea.Quit
}

// mouse: a click focuses the pane under the pointer and goes to it; the
// wheel scrolls the pane under the pointer. Coordinates are made relative
// to the pane's content.
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	if m.overlayPane() != nil {
		return nil
	}
	if m.showHelp {
		if w, ok := msg.(tea.MouseWheelMsg); ok {
			m.help.Mouse(w, 0, m.helpLines(), m.helpH)
		}
		return nil
	}
	mo := msg.Mouse()
	for _, id := range focusRing {
		r, ok := m.rects[id]
		if !ok || !r.contains(mo.X, mo.Y) {
			continue
		}
		x, y := mo.X-r.x-1, mo.Y-r.y-1
		var local tea.Msg
		switch msg := msg.(type) {
		case tea.MouseClickMsg:
			if m.main == common.Tasks && m.grid.Editing() && id != common.Tasks {
				return nil
			}
			m.setFocus(id)
			msg.X, msg.Y = x, y
			local = msg
		case tea.MouseWheelMsg:
			msg.X, msg.Y = x, y
			local = msg
		default:
			return nil
		}
		p := m.pane(id)
		if id == common.Tasks {
			p = m.pane(m.main)
		}
		_, cmd := p.Update(local)
		return cmd
	}
	return nil
}

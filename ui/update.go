package ui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/deliveries"
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
	// skipMsg: the API client could not read a field of an answer.
	skipMsg struct{ s api.FieldSkip }
)

// Update routes: it applies feed batches itself and hands everything else
// to the pane it belongs to.
func (m *Model) Update(msg tea.Msg) (_ tea.Model, cmd tea.Cmd) {
	m.ctx.Now = m.ctx.Clock()
	if asksNames(msg) {
		defer func() { cmd = tea.Batch(cmd, m.askNames()) }()
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		if m.chrome.SetDark(m.ctx, msg.IsDark()) {
			m.detail.Refresh()
		}
	case batchMsg:
		m.namesMsg(assetsMsg{}) // the names that came since: same frame
		return m, tea.Batch(m.applyBatch(&msg.b), m.waitBatch())
	case skipMsg:
		m.log.FieldSkip(m.ctx.Now, msg.s)
		return m, m.waitSkip()
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
		return m, m.opened(msg.ID)
	case assetMsg, assetsMsg, assetsRetryMsg, indexesMsg, indexMsg, accountMsg, accountTickMsg:
		return m, m.namesMsg(msg)
	case detail.BackMsg, eventlog.BackMsg, common.BackMsg:
		m.goBack()
	case common.NoteMsg, common.NotOfferedMsg, common.RefreshMsg,
		webhooks.OpenAttemptMsg, webhooks.GoToTaskMsg, webhooks.WatchMsg, webhooks.SentHereMsg:
		return m, m.webhookMsg(msg)
	case webhooks.ActMsg:
		return m, m.act(msg)
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		return m, m.mouse(msg)
	case tea.PasteMsg:
		if p := m.overlayPane(); p != nil {
			_, cmd := p.Update(msg)
			return m, cmd
		}
		if m.focus == common.Tasks {
			_, cmd := m.grid.Update(msg)
			return m, cmd
		}
		if m.focus == common.Deliveries {
			m.deliveries.Paste(msg.Content)
		}
	}
	return m, nil
}

// waitSkip receives the next field the API client skipped.
func (m *Model) waitSkip() tea.Cmd {
	ch := m.opts.Skipped
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return skipMsg{s: s}
	}
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
	m.resumed(b, ch.Caught)
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
	if m.opts.OnRefetched != nil && len(msg.tasks) > 0 {
		m.opts.OnRefetched(msg.tasks)
	}
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

// Animation runs at three frames a second only while something on screen
// moves (a processing feature, a cell just changed), and the ages change
// with its frames; otherwise the clock ticks once a second, on the second,
// for the ages. Both tick on their beat. Three, not four: an
// idle screen with work in progress on it cost 0.67% of a core at four
// frames a second and 0.57% at three, against a budget of 0.5% (0.37% with
// no spinner at all); a rising and falling bar still reads as live.
const (
	frameEvery = time.Second / 3
	idleEvery  = time.Second
)

func (m *Model) animating() bool {
	if m.opts.NoAnimation {
		return false
	}
	if m.main == common.Detail {
		if t, ok := m.store.Task(m.detail.ID()); ok && !t.Done() {
			return true
		}
	}
	return m.main == common.Tasks && m.grid.Animating()
}

func (m *Model) nextTick() tea.Cmd {
	every := idleEvery
	if m.animating() {
		every = frameEvery
	}
	// On the beat: ticks keep their rhythm whatever else woke the program.
	d := every - time.Duration(m.ctx.Now.UnixNano())%every
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{} })
}

func (m *Model) tick() tea.Cmd {
	m.status.Advance(m.ctx.Now)
	if m.animating() {
		m.ctx.Frame = (m.ctx.Frame + 1) % (theme.Frames * 1000)
	}
	if t := panes[m.main].tick; t != nil {
		t(m)
	}
	return m.nextTick()
}

func (m *Model) routePane(msg common.PaneMsg) tea.Cmd {
	p := m.pane(msg.Pane)
	if p == nil {
		return nil
	}
	// The endpoints' health takes a deliveries refresh first: the pane's
	// forecasts read it.
	var alerts tea.Cmd
	if l, ok := msg.Msg.(deliveries.ListedMsg); ok {
		alerts = m.observeHealth(l)
	}
	_, cmd := p.Update(msg.Msg)
	return tea.Batch(cmd, alerts)
}

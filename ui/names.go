package ui

import (
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/feed/assets"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/grid"
)

// Names: the dashboard names tasks by their assets. The grid says which
// assets the screen needs (the rows on screen and a page around them), the
// Book (feed/assets) which of those to fetch now, and each fetch is a
// tea.Cmd whose answer goes into an inbox. The answers reach the model
// together, at most once a frame interval (assetsMsg): a busy account
// starts a hundred tasks a second, and one message (one Update, one View,
// one frame) per name was a hundred frames a second. Nothing here runs
// while a frame is drawn.

type (
	// assetMsg is one GET /assets/{id} answered.
	assetMsg struct {
		id    string
		asset api.Asset
		err   error
	}
	// assetsMsg: answers are waiting in the inbox.
	assetsMsg struct{}
	// assetsRetryMsg: a 429's pause is over; ask again.
	assetsRetryMsg struct{}
	// indexesMsg is GET /indexes answered.
	indexesMsg struct {
		list []api.Index
		err  error
	}
	// indexMsg is GET /indexes/{id} answered, for the task view's totals.
	indexMsg struct {
		index api.Index
		err   error
	}
	// accountMsg is GET /users/me answered.
	accountMsg struct {
		user api.User
		err  error
	}
	// accountTickMsg: time to read the account's tokens again.
	accountTickMsg struct{}
)

// names is the root's part in naming tasks.
type names struct {
	book     *assets.Book
	inbox    *assetInbox
	want     []string
	retrying bool // an assetsRetryMsg is on its way
	noMe     bool // GET /users/me is not offered: stop asking
}

// accountEvery is how often the header's token count is read again.
func (m *Model) accountEvery() time.Duration { return max(5*m.opts.Refresh, 10*time.Second) }

// initNames starts what naming needs: the indexes, and the account's
// tokens read again now and then.
func (m *Model) initNames() tea.Cmd {
	if m.opts.Client == nil {
		return nil
	}
	c, ctx := m.opts.Client, m.opts.Context
	indexes := func() tea.Msg {
		list, err := c.Indexes(ctx)
		return indexesMsg{list: list, err: err}
	}
	account := m.accountLater()
	if m.opts.Account == nil {
		// Not read before the start (a test, a replay's client): now.
		account = func() tea.Msg { return accountTickMsg{} }
	}
	return tea.Batch(indexes, account)
}

func (m *Model) accountLater() tea.Cmd {
	return tea.Tick(m.accountEvery(), func(time.Time) tea.Msg { return accountTickMsg{} })
}

// assetName is an asset's display name when the Book holds it.
func (m *Model) assetName(id string) string {
	if a, st := m.names.book.Lookup(id); st == assets.Known {
		return assets.DisplayName(a.Name)
	}
	return ""
}

// assetOf is what the task view shows of an asset.
func (m *Model) assetOf(id string) (*api.Asset, assets.State, *api.Index) {
	a, st := m.names.book.Lookup(id)
	if a == nil {
		return nil, st, nil
	}
	if ix, ok := m.names.book.Index(a.IndexID); ok {
		return a, st, &ix
	}
	return a, st, nil
}

// namesMsg handles the answers.
func (m *Model) namesMsg(msg tea.Msg) tea.Cmd {
	now := m.ctx.Now
	switch msg := msg.(type) {
	case assetsMsg:
		for _, a := range m.names.inbox.take() {
			m.namesMsg(a)
		}
	case assetMsg:
		out := m.names.book.Finish(now, msg.id, &msg.asset, msg.err)
		if out.Log != "" {
			m.log.Note(now, "asset", out.Log)
		}
		if m.main == common.Detail && m.detail.AssetID() == msg.id {
			m.detail.Refresh()
		}
	case assetsRetryMsg:
		m.names.retrying = false
	case indexesMsg:
		if msg.err != nil {
			m.log.Note(now, "indexes", "GET /indexes: "+api.Brief(msg.err)+"; indexes are shown by id")
			return nil
		}
		m.names.book.SetIndexes(msg.list)
		m.grid.SetIndexes(m.names.book.Indexes())
	case indexMsg:
		if msg.err != nil {
			m.log.Note(now, "index", "GET /indexes/{id}: "+api.Brief(msg.err)+"; the task view shows the totals GET /indexes gave")
			return nil
		}
		m.names.book.PutIndex(msg.index)
		if m.main == common.Detail {
			m.detail.Refresh()
		}
	case accountTickMsg:
		if m.names.noMe || m.opts.Client == nil {
			return nil
		}
		c, ctx := m.opts.Client, m.opts.Context
		return func() tea.Msg {
			u, err := c.Me(ctx)
			return accountMsg{user: u, err: err}
		}
	case accountMsg:
		switch {
		case msg.err == nil:
			m.status.SetAccount(&msg.user, m.opts.TokensWarn)
		case api.IsNoRoute(msg.err):
			m.names.noMe = true
			return nil
		default:
			m.log.Note(now, "account", "GET /users/me: "+api.Brief(msg.err)+"; the tokens shown may be old")
		}
		return m.accountLater()
	}
	return nil
}

// asksNames says whether a message can change which assets the screen
// needs: the rows moved, the window changed, an answer came.
func asksNames(msg tea.Msg) bool {
	switch msg.(type) {
	case batchMsg, refetchedMsg, tea.KeyPressMsg, tea.MouseMsg, tea.WindowSizeMsg, grid.OpenMsg,
		assetMsg, assetsMsg, assetsRetryMsg, indexesMsg, common.PaneMsg:
		return true
	}
	return false
}

// assetInbox holds the answers of asset fetches until the model takes
// them: with each feed batch, which comes at most once a frame interval,
// or, when no batch took them within an interval, with an assetsMsg of
// their own. A busy account names a hundred new tasks a second, and a
// message per name was a frame per name, besides the feed's.
type assetInbox struct {
	mu      sync.Mutex
	answers []assetMsg
	taken   time.Time
}

// put keeps an answer. The answer that finds the inbox empty waits out
// the frame interval since the last take, and then, if no batch took the
// answers meanwhile, returns assetsMsg; the others return nothing.
func (b *assetInbox) put(a assetMsg) tea.Msg {
	b.mu.Lock()
	first := len(b.answers) == 0
	b.answers = append(b.answers, a)
	wait := feed.DefaultFrameInterval - time.Since(b.taken)
	b.mu.Unlock()
	if !first {
		return nil
	}
	if wait > 0 {
		time.Sleep(wait)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.answers) == 0 {
		return nil
	}
	return assetsMsg{}
}

// take returns the answers waiting.
func (b *assetInbox) take() []assetMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.answers
	b.answers, b.taken = nil, time.Now()
	return out
}

// askNames names the rows whose assets the Book holds, and fetches, within
// its bounds, those it does not.
func (m *Model) askNames() tea.Cmd {
	if m.names.book.Off() != "" {
		return nil
	}
	want := m.names.want[:0]
	if m.main == common.Detail {
		if id := m.detail.AssetID(); id != "" {
			want = append(want, id)
		}
	}
	if id := m.grid.WantedSelected(); id != "" {
		want = append(want, id)
	}
	want = m.grid.Wanted(want)
	if m.shown(m.areaOf(common.Deliveries)) || m.main == common.Attempt {
		want = m.deliveries.WantedAssets(want)
	}
	if m.main == common.Attempt {
		if id := m.attempt.AssetID(); id != "" {
			want = append(want, id)
		}
	}
	m.names.want = want
	start := want[:0:0]
	for _, id := range want {
		switch a, st := m.names.book.Lookup(id); st {
		case assets.Known:
			m.grid.Named(id, assets.DisplayName(a.Name), a.IndexID, false)
		case assets.Missing:
			m.grid.Named(id, "", "", true)
		case assets.Unknown:
			start = append(start, id)
		}
	}
	if len(start) == 0 || m.opts.Client == nil {
		return nil
	}
	ids := m.names.book.Start(m.ctx.Now, start)
	cmds := make([]tea.Cmd, 0, len(ids)+1)
	c, ctx, inbox := m.opts.Client, m.opts.Context, m.names.inbox
	for _, id := range ids {
		cmds = append(cmds, func() tea.Msg {
			a, err := c.Asset(api.NoRetry(ctx), id)
			return inbox.put(assetMsg{id: id, asset: a, err: err})
		})
	}
	if until := m.names.book.PausedUntil(); len(ids) == 0 && until.After(m.ctx.Now) && !m.names.retrying {
		m.names.retrying = true
		cmds = append(cmds, tea.Tick(until.Sub(m.ctx.Now), func(time.Time) tea.Msg { return assetsRetryMsg{} }))
	}
	return tea.Batch(cmds...)
}

// opened is a task the user opened: its asset is asked for again if it
// failed, and its index read afresh for the task view's totals.
func (m *Model) opened(taskID string) tea.Cmd {
	t, ok := m.store.Task(taskID)
	if !ok {
		return nil
	}
	m.names.book.Forget(t.AssetID)
	a, st := m.names.book.Lookup(t.AssetID)
	if st != assets.Known || a.IndexID == "" || m.opts.Client == nil {
		return nil
	}
	c, ctx, id := m.opts.Client, m.opts.Context, a.IndexID
	return func() tea.Msg {
		ix, err := c.Index(ctx, id)
		return indexMsg{index: ix, err: err}
	}
}

// Package deliveries is the deliveries pane, the webhook log: delivery
// attempts across every endpoint, newest first, failed ones by default and
// all of them on a key. It refreshes on its own (backing off while the API
// fails), at once after an action, and marks the rows that are new. From a
// row, `r` resends the message to its endpoint once, `enter` opens the
// attempt whole and `T` goes to the task the message is about.
package deliveries

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/health"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// Limits on what the pane keeps.
const (
	maxWatched  = 20   // message and endpoint pairs shown whatever the filter
	maxMessages = 5000 // messages cached by id
	// NewFor is how long a row that just appeared stays marked.
	NewFor = 10 * time.Second
	// fastEvery is the refresh while a resend waits for its attempt.
	fastEvery = 500 * time.Millisecond
	// lookAgain is how long a message not found waits before it is
	// looked for again.
	lookAgain = time.Minute
	// checksPer is how many failures older than the recent attempts cover
	// are checked per refresh, message by message; checkAgain is how long a
	// checked failure waits before it is checked again.
	checksPer  = 8
	checkAgain = 30 * time.Second
	// maxLatest bounds the remembered newest attempt per message and
	// endpoint; past it, pairs no longer shown are forgotten.
	maxLatest = 20000
)

// Model is the deliveries pane.
type Model struct {
	ctx    *common.Context
	base   context.Context
	client webhooks.Client
	resend *webhooks.Resender
	poll   common.Poller

	all   bool
	eps   int
	items []api.Attempt // shown, newest first
	nums  map[string]int
	first map[string]time.Time // when each attempt id was first seen
	// latest is the newest attempt seen of each message to each endpoint,
	// kept across refreshes so that what one refresh saw delivered is not
	// forgotten by the next.
	latest map[webhooks.Pair]api.Attempt
	// covered is, per endpoint, since when the recent attempts read have
	// covered everything without a gap; a failure from before that is
	// known only once its pair has been checked (checked holds when).
	covered map[string]time.Time
	newest  map[string]time.Time
	checked map[webhooks.Pair]time.Time
	failing int            // messages whose latest known attempt failed
	unknown int            // failed messages whose fate is not known yet
	then    map[string]int // a failed attempt's id → the number of the attempt that delivered it since
	watched []webhooks.Pair

	msgs      map[string]api.Message
	assetIDs  map[string]string // message id → its task's asset (assets.go)
	msgOrder  []string
	notFound  map[string]time.Time
	lookingUp bool

	err     error
	loaded  bool
	offered bool
	cur     common.Cursor
	w, h    int
	focused bool
	actions keys.Actions
	health  *health.Model // every endpoint's recent attempts, for the forecast (forecast.go)
	fc      *forecasts    // made from them once per refresh; nil until then
	find    search
}

// New returns the pane; client may be nil (no API: the pane says so).
func New(ctx *common.Context, base context.Context, client webhooks.Client, every time.Duration, rs *webhooks.Resender) *Model {
	m := &Model{ctx: ctx, base: base, client: client, resend: rs, offered: true,
		nums: map[string]int{}, first: map[string]time.Time{}, msgs: map[string]api.Message{}, notFound: map[string]time.Time{},
		latest: map[webhooks.Pair]api.Attempt{}, covered: map[string]time.Time{}, newest: map[string]time.Time{}, checked: map[webhooks.Pair]time.Time{}}
	m.poll = common.Poller{Every: every, Fast: rs.Active, FastEvery: fastEvery}
	m.actions = m.keyActions()
	return m
}

// Init starts the first fetch.
func (m *Model) Init() tea.Cmd { return m.poll.Now(m.fetch()) }

// RefreshNow fetches at once (after an action).
func (m *Model) RefreshNow() tea.Cmd {
	if m.client == nil || !m.offered {
		return nil
	}
	return m.poll.Now(m.fetch())
}

// Watch shows every attempt of p from now on, whatever the filter.
func (m *Model) Watch(p webhooks.Pair) tea.Cmd {
	for _, w := range m.watched {
		if w == p {
			return m.RefreshNow()
		}
	}
	m.watched = append(m.watched, p)
	if len(m.watched) > maxWatched {
		m.watched = m.watched[1:]
	}
	return m.RefreshNow()
}

// SetFocused implements common.Focusable.
func (m *Model) SetFocused(f bool) { m.focused = f }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.cur.Clamp(len(m.items), m.rowsH())
}

// rowsH is how many rows show under the column header.
func (m *Model) rowsH() int { return max(0, m.h-1-m.forecastH()) }

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case ListedMsg:
		if m.searching() {
			// The rows are a search's results; the refresh goes on.
			return m, m.poll.Done(common.Deliveries, msg.Err, m.fetch())
		}
		return m, m.listed(msg)
	case SearchedMsg:
		m.searched(msg)
	case MessagesMsg:
		m.lookingUp = false
		for id, msg := range msg.Messages {
			m.remember(msg)
			delete(m.notFound, id)
		}
		for _, id := range msg.Asked {
			if _, ok := m.msgs[id]; !ok {
				m.notFound[id] = m.ctx.Now
			}
		}
	case common.PollMsg:
		return m, m.poll.Tick(msg, m.fetch())
	case webhooks.RedeliveredMsg:
		return m, m.resend.Redelivered(msg)
	case webhooks.ResentMsg:
		return m, m.resend.Sent(msg)
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseWheelMsg:
		m.cur.Mouse(msg, 0, len(m.items), m.rowsH())
	case tea.MouseClickMsg:
		m.cur.Mouse(msg, msg.Y-1, len(m.items), m.rowsH())
	}
	return m, nil
}

// Message is a cached message, for the attempt detail.
func (m *Model) Message(id string) (api.Message, bool) {
	msg, ok := m.msgs[id]
	return msg, ok
}

// Selected is the selected attempt.
func (m *Model) Selected() (api.Attempt, bool) {
	if m.cur.Pos < len(m.items) {
		return m.items[m.cur.Pos], true
	}
	return api.Attempt{}, false
}

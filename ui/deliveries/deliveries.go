// Package deliveries is the deliveries pane, the webhook log: delivery
// attempts across every endpoint, newest first, failed ones by default and
// all of them on a key. It refreshes on its own (backing off while the API
// fails), at once after an action, and marks the rows that are new. From a
// row, `r` resends the message to its endpoint once, `enter` opens the
// attempt whole and `T` goes to the task the message is about.
package deliveries

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// PerEndpoint is how many attempts are read per endpoint, newest first.
const PerEndpoint = 200

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

// ListedMsg is a finished fetch: the endpoints, their attempts, and the
// attempts of the pairs being watched. With failed attempts only, Recent
// is each endpoint's latest attempts of any status, which say whether a
// failed message was delivered since, and Checked holds every attempt of
// the failures too old for Recent to cover (CheckedPairs names them, so a
// pair with no attempt left is known too).
type ListedMsg struct {
	Endpoints    []api.Endpoint
	Attempts     []api.Attempt
	Recent       []api.Attempt
	Watched      []api.Attempt
	Checked      []api.Attempt
	CheckedPairs []webhooks.Pair
	All          bool // whether Attempts holds every status or failed ones only
	Err          error
}

// MessagesMsg is a finished lookup of the messages attempts belong to.
type MessagesMsg struct {
	Messages map[string]api.Message
	Asked    []string
	Err      error
}

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
	msgOrder  []string
	notFound  map[string]time.Time
	lookingUp bool

	err     error
	loaded  bool
	offered bool
	cur     common.Cursor
	w, h    int
	focused bool
}

// New returns the pane; client may be nil (no API: the pane says so).
func New(ctx *common.Context, base context.Context, client webhooks.Client, every time.Duration, rs *webhooks.Resender) *Model {
	m := &Model{ctx: ctx, base: base, client: client, resend: rs, offered: true,
		nums: map[string]int{}, first: map[string]time.Time{}, msgs: map[string]api.Message{}, notFound: map[string]time.Time{},
		latest: map[webhooks.Pair]api.Attempt{}, covered: map[string]time.Time{}, newest: map[string]time.Time{}, checked: map[webhooks.Pair]time.Time{}}
	m.poll = common.Poller{Every: every, Fast: rs.Active, FastEvery: fastEvery}
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

func (m *Model) fetch() tea.Cmd {
	if m.client == nil {
		return nil
	}
	c, base, all := m.client, m.base, m.all
	pairs := append(append([]webhooks.Pair{}, m.watched...), m.resend.Pairs()...)
	checks := m.toCheck()
	return common.Tag(common.Deliveries, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, webhooks.CallTimeout)
		defer cancel()
		return list(ctx, c, all, pairs, checks)
	})
}

// toCheck picks the failures whose fate the recent attempts do not cover
// and that were not checked lately, the rows on screen first.
func (m *Model) toCheck() []webhooks.Pair {
	if m.all {
		return nil
	}
	var out []webhooks.Pair
	seen := map[webhooks.Pair]bool{}
	consider := func(a api.Attempt) {
		p := webhooks.PairOf(a)
		if len(out) >= checksPer || seen[p] || a.Status != api.AttemptFailed {
			return
		}
		seen[p] = true
		if m.known(a) {
			return
		}
		if t, ok := m.checked[p]; ok && m.ctx.Now.Sub(t) < checkAgain {
			return
		}
		out = append(out, p)
	}
	end := min(len(m.items), m.cur.Offset+m.rowsH())
	for i := m.cur.Offset; i < end; i++ {
		consider(m.items[i])
	}
	for _, a := range m.items {
		consider(a)
	}
	return out
}

// known reports whether the pane can tell if a's message has been
// delivered to its endpoint since: the recent attempts read cover the time
// after it, or its pair was checked.
func (m *Model) known(a api.Attempt) bool {
	if t, ok := m.covered[a.EndpointID]; ok && !a.Timestamp.Before(t) {
		return true
	}
	_, ok := m.checked[webhooks.PairOf(a)]
	return ok
}

// list reads every endpoint's latest attempts, the watched pairs' and the
// checked pairs'. One endpoint failing does not hide the others'.
func list(ctx context.Context, c webhooks.Client, all bool, pairs, checks []webhooks.Pair) ListedMsg {
	eps, err := c.ListEndpoints(ctx)
	if err != nil {
		return ListedMsg{Err: err, All: all}
	}
	q := api.AttemptQuery{Limit: PerEndpoint, Max: PerEndpoint}
	if !all {
		failed := api.AttemptFailed
		q.Status = &failed
	}
	out := ListedMsg{Endpoints: eps, All: all}
	var errs []error
	for _, ep := range eps {
		q.EndpointID = ep.ID
		as, err := c.ListAttempts(ctx, q)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out.Attempts = append(out.Attempts, as...)
		if !all {
			recent, err := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.ID, Limit: PerEndpoint, Max: PerEndpoint})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out.Recent = append(out.Recent, recent...)
		}
	}
	seen := map[webhooks.Pair]bool{}
	for _, p := range pairs {
		if seen[p] {
			continue
		}
		seen[p] = true
		as, err := c.ListAttempts(ctx, api.AttemptQuery{MessageID: p.Msg, EndpointID: p.Endpoint, Limit: 50, Max: 50})
		if err != nil {
			// A deleted endpoint or an evicted message: nothing to watch.
			if api.StatusOf(err) != 404 {
				errs = append(errs, err)
			}
			continue
		}
		out.Watched = append(out.Watched, as...)
	}
	for _, p := range checks {
		as, err := c.ListAttempts(ctx, api.AttemptQuery{MessageID: p.Msg, EndpointID: p.Endpoint, Limit: 50, Max: 50})
		if err != nil && api.StatusOf(err) != 404 {
			errs = append(errs, err)
			continue
		}
		out.Checked = append(out.Checked, as...)
		out.CheckedPairs = append(out.CheckedPairs, p)
	}
	out.Err = errors.Join(errs...)
	return out
}

// SetFocused implements common.Focusable.
func (m *Model) SetFocused(f bool) { m.focused = f }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.cur.Clamp(len(m.items), m.rowsH())
}

// rowsH is how many rows show under the column header.
func (m *Model) rowsH() int { return max(0, m.h-1) }

// Scopes implements common.Scoped.
func (m *Model) Scopes() []keys.Scope { return []keys.Scope{keys.Global, keys.List, keys.Deliveries} }

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case ListedMsg:
		return m, m.listed(msg)
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

func (m *Model) listed(msg ListedMsg) tea.Cmd {
	if msg.All != m.all {
		// A fetch from before the filter changed: the next one is coming.
		return m.poll.Done(common.Deliveries, nil, m.fetch())
	}
	m.err = msg.Err
	if msg.Err != nil && msg.Endpoints == nil {
		if api.IsNotOffered(msg.Err) || api.IsUnauthorized(msg.Err) {
			m.offered = false
			m.poll.Stop()
			return nil
		}
		return m.poll.Done(common.Deliveries, msg.Err, m.fetch())
	}
	selected := ""
	if m.cur.Pos < len(m.items) {
		selected = m.items[m.cur.Pos].ID
	}
	byID := make(map[string]bool, len(msg.Attempts)+len(msg.Watched))
	items := make([]api.Attempt, 0, len(msg.Attempts)+len(msg.Watched))
	for _, list := range [][]api.Attempt{msg.Attempts, msg.Watched} {
		for _, a := range list {
			if !byID[a.ID] {
				byID[a.ID] = true
				items = append(items, a)
			}
		}
	}
	webhooks.NewestFirst(items)
	now := m.ctx.Now
	for _, a := range items {
		if _, ok := m.first[a.ID]; !ok {
			if m.loaded {
				m.first[a.ID] = now
			} else {
				m.first[a.ID] = time.Time{} // there at the start: not new
			}
		}
	}
	for id := range m.first {
		if !byID[id] {
			delete(m.first, id)
		}
	}
	shown := make(map[string]bool, len(items))
	for _, a := range items {
		shown[a.MsgID] = true
	}
	for id := range m.notFound {
		if !shown[id] {
			delete(m.notFound, id)
		}
	}
	m.items, m.eps, m.loaded = items, len(msg.Endpoints), true
	m.nums = webhooks.Numbers(items)
	m.learn(msg, items)
	m.failing, m.unknown = m.stillFailing()
	m.then = map[string]int{}
	for _, a := range items {
		if later, ok := m.deliveredSince(a); ok {
			m.then[a.ID] = m.numberOf(later)
		}
	}
	// Unfocused, the pane is a live view: the newest rows. Focused, the
	// selection stays on its attempt; rows pushed above the view are
	// counted in the title.
	m.cur.Pos = 0
	if m.focused {
		for i, a := range items {
			if a.ID == selected {
				m.cur.Pos = i
				break
			}
		}
	} else {
		m.cur.Offset = 0
	}
	m.cur.Clamp(len(m.items), m.rowsH())
	return tea.Batch(m.resend.Seen(append(msg.Attempts, msg.Watched...)), m.lookup(), m.poll.Done(common.Deliveries, msg.Err, m.fetch()))
}

// deliveredSince is the later attempt that delivered a's message to its
// endpoint, if one is known: the failure no longer needs anything done.
func (m *Model) deliveredSince(a api.Attempt) (api.Attempt, bool) {
	if a.Status == api.AttemptSuccess {
		return api.Attempt{}, false
	}
	l, ok := m.latest[webhooks.PairOf(a)]
	if !ok || l.ID == a.ID || l.Status != api.AttemptSuccess || !l.Timestamp.After(a.Timestamp.Time) {
		return api.Attempt{}, false
	}
	return l, true
}

// learn keeps what a fetch says about each pair's newest attempt, and how
// far back the recent attempts cover each endpoint without a gap.
func (m *Model) learn(msg ListedMsg, items []api.Attempt) {
	for _, list := range [][]api.Attempt{items, msg.Recent, msg.Checked} {
		for _, a := range list {
			p := webhooks.PairOf(a)
			if l, ok := m.latest[p]; !ok || a.Timestamp.After(l.Timestamp.Time) {
				m.latest[p] = a
			}
		}
	}
	now := m.ctx.Now
	for _, p := range msg.CheckedPairs {
		m.checked[p] = now
	}
	if !msg.All {
		oldest, newest := map[string]time.Time{}, map[string]time.Time{}
		count := map[string]int{}
		for _, a := range msg.Recent {
			t := a.Timestamp.Time
			count[a.EndpointID]++
			if o, ok := oldest[a.EndpointID]; !ok || t.Before(o) {
				oldest[a.EndpointID] = t
			}
			if n := newest[a.EndpointID]; t.After(n) {
				newest[a.EndpointID] = t
			}
		}
		for _, ep := range msg.Endpoints {
			floor := oldest[ep.ID]
			if count[ep.ID] < PerEndpoint {
				floor = time.Time{} // the endpoint's whole history was read
			}
			prev, had := m.covered[ep.ID]
			// The window reaches back to the last one's newest attempt: no
			// gap, so the coverage from before still holds.
			if had && !floor.After(m.newest[ep.ID]) && prev.Before(floor) {
				floor = prev
			}
			m.covered[ep.ID] = floor
			if n, ok := newest[ep.ID]; ok {
				m.newest[ep.ID] = n
			}
		}
	}
	if len(m.latest) > maxLatest || len(m.checked) > maxLatest {
		shown := make(map[webhooks.Pair]bool, len(items))
		for _, a := range items {
			shown[webhooks.PairOf(a)] = true
		}
		for p := range m.latest {
			if !shown[p] {
				delete(m.latest, p)
			}
		}
		for p := range m.checked {
			if !shown[p] {
				delete(m.checked, p)
			}
		}
	}
}

// stillFailing counts the failed messages not known to have been delivered
// since, and those whose fate is not known yet (older than what the recent
// attempts cover, and not checked yet).
func (m *Model) stillFailing() (failing, unknown int) {
	seen := map[webhooks.Pair]bool{}
	for _, a := range m.items {
		p := webhooks.PairOf(a)
		if a.Status != api.AttemptFailed || seen[p] {
			continue
		}
		seen[p] = true
		if _, ok := m.deliveredSince(a); ok {
			continue
		}
		if m.known(a) {
			failing++
		} else {
			unknown++
		}
	}
	return failing, unknown
}

// lookup fetches the messages of the attempts shown that are not cached.
func (m *Model) lookup() tea.Cmd {
	if m.lookingUp || m.client == nil {
		return nil
	}
	want := webhooks.Earliest(m.items, func(id string) bool {
		if _, ok := m.msgs[id]; ok {
			return true
		}
		t, missed := m.notFound[id]
		return missed && m.ctx.Now.Sub(t) < lookAgain
	})
	if len(want) == 0 {
		return nil
	}
	m.lookingUp = true
	c, base := m.client, m.base
	return common.Tag(common.Deliveries, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, webhooks.CallTimeout)
		defer cancel()
		found, err := webhooks.FindMessages(ctx, c, want)
		asked := make([]string, 0, len(want))
		for id := range want {
			asked = append(asked, id)
		}
		return MessagesMsg{Messages: found, Asked: asked, Err: err}
	})
}

func (m *Model) remember(msg api.Message) {
	if _, ok := m.msgs[msg.ID]; !ok {
		m.msgOrder = append(m.msgOrder, msg.ID)
	}
	m.msgs[msg.ID] = msg
	for len(m.msgOrder) > maxMessages {
		delete(m.msgs, m.msgOrder[0])
		m.msgOrder = m.msgOrder[1:]
	}
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

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	if m.cur.Key(k, msg, len(m.items), m.rowsH()) {
		return nil
	}
	switch {
	case k.AllAttempts.Matches(msg):
		m.all = !m.all
		m.items, m.loaded, m.cur = nil, false, common.Cursor{}
		return m.RefreshNow()
	}
	a, ok := m.Selected()
	if !ok {
		return nil
	}
	switch {
	case k.OpenAttempt.Matches(msg):
		var msgp *api.Message
		if mm, ok := m.msgs[a.MsgID]; ok {
			msgp = &mm
		}
		return func() tea.Msg { return webhooks.OpenAttemptMsg{Attempt: a, Message: msgp} }
	case k.Resend.Matches(msg):
		return m.resend.Start(common.Deliveries, webhooks.PairOf(a), webhooks.Label(a.URL))
	case k.GoToTask.Matches(msg):
		mm, ok := m.msgs[a.MsgID]
		if !ok {
			return common.Note(common.Warn, "the message of this attempt is not loaded (it may be older than the messages read); open it with enter to look it up")
		}
		id := mm.TaskID()
		if id == "" {
			return common.Note(common.Warn, "message "+api.Clip(mm.ID, 40)+" is not about a task (no data.task.id)")
		}
		return func() tea.Msg { return webhooks.GoToTaskMsg{TaskID: id} }
	}
	return nil
}

// Title implements common.Pane.
func (m *Model) Title() string {
	name := "Failed deliveries"
	if m.all {
		name = "Deliveries · all"
	}
	t := name
	if m.loaded {
		t += " " + common.Count(len(m.items))
		if !m.all && len(m.items) > 0 {
			t += " · " + common.Count(m.failing) + " still failing"
			if m.unknown > 0 {
				t += " · " + common.Count(m.unknown) + " checking"
			}
		}
		if m.cur.Offset > 0 {
			t += " · ↑ " + common.Count(m.cur.Offset) + " above"
		}
	}
	if m.err != nil && m.offered && !m.poll.Stopped() {
		t += " · retry in " + common.Age(m.poll.Wait())
	}
	return t
}

// View implements common.Pane.
func (m *Model) View() string {
	th := m.ctx.Theme
	var lines []string
	switch {
	case m.client == nil && !m.loaded:
		lines = common.Wrap(th.MutedStyle.Render("No API client: deliveries are not listed."), m.w)
	case m.err != nil && !m.offered:
		lines = common.Wrap(th.WarnStyle.Render("Deliveries are not listed: "+api.Clean(m.err.Error())), m.w)
	case m.err != nil && !m.loaded:
		lines = common.Wrap(th.ErrorStyle.Render("Could not list deliveries: ")+api.Clean(m.err.Error())+th.MutedStyle.Render(" (trying again in "+common.Age(m.poll.Wait())+")"), m.w)
	case !m.loaded && m.all:
		lines = []string{th.MutedStyle.Render(" Listing attempts…")}
	case !m.loaded:
		lines = []string{th.MutedStyle.Render(" Listing failed deliveries…")}
	case m.eps == 0 && len(m.items) == 0:
		lines = common.Wrap(th.MutedStyle.Render("No endpoints, so no deliveries."), m.w)
	case len(m.items) == 0 && m.all:
		lines = common.Wrap(th.MutedStyle.Render("No attempts yet to "+plural(m.eps, "endpoint")+"."), m.w)
	case len(m.items) == 0:
		lines = common.Wrap(th.OKStyle.Render("✓ ")+th.MutedStyle.Render("No failed deliveries to "+plural(m.eps, "endpoint")+". "+m.ctx.Keys.AllAttempts.Label()+" shows every attempt."), m.w)
	default:
		return m.table()
	}
	return strings.Join(common.Lines(strings.Join(lines, "\n"), m.w, m.h), "\n")
}

// table is the header and the rows on screen, each line exactly the
// pane's width, so that nothing measures them again.
func (m *Model) table() string {
	th := m.ctx.Theme
	cols := m.columns()
	var b strings.Builder
	b.Grow(m.h * (m.w + 80)) // the text and its colours
	b.WriteString(m.header(cols))
	n := 1
	rows := m.rowsH()
	for i := m.cur.Offset; i < len(m.items) && i < m.cur.Offset+rows; i++ {
		b.WriteByte('\n')
		b.WriteString(m.row(cols, m.items[i], i == m.cur.Pos && m.focused))
		n++
	}
	if m.err != nil && n < m.h {
		b.WriteByte('\n')
		b.WriteString(common.Fit(th.WarnStyle.Render(" last refresh failed: ")+api.Brief(m.err), m.w))
		n++
	}
	for ; n < m.h; n++ {
		b.WriteByte('\n')
		b.WriteString(common.Spaces(m.w))
	}
	return b.String()
}

// ExactLines implements common.Exact: every View line is the pane's width.
func (m *Model) ExactLines() bool { return true }

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return strconv.Itoa(n) + " " + s + "s"
}

// columns is which columns fit the width: time, status and the endpoint
// always; latency, event type, attempt number and trigger as room allows.
type columns struct {
	event, latency, number, then, trigger, msg bool
	endpointW                                  int
}

const (
	markW    = 2
	timeW    = 8
	statusW  = 11
	latencyW = 6
	eventW   = 14
	numberW  = 3
	thenW    = 8
	triggerW = 9
	msgW     = 22
)

func (m *Model) columns() columns {
	c := columns{}
	used := markW + timeW + 1 + statusW + 1
	// With one endpoint, its column tells nothing: the event type gets
	// the room first.
	need := 0
	if m.eps > 1 {
		need = 12
	}
	add := func(on *bool, w, rest int) {
		if m.w-used-w-1 >= rest {
			*on = true
			used += w + 1
		}
	}
	add(&c.event, eventW, need)
	add(&c.latency, latencyW, need)
	add(&c.number, numberW, 20)
	if !m.all {
		add(&c.then, thenW, 20)
	}
	add(&c.trigger, triggerW, 20)
	add(&c.msg, msgW, 30)
	c.endpointW = max(0, m.w-used)
	return c
}

func (m *Model) header(c columns) string {
	var b strings.Builder
	b.WriteString(common.Spaces(markW))
	b.WriteString(common.Fit("TIME", timeW) + " " + common.Fit("STATUS", statusW) + " ")
	if c.latency {
		b.WriteString(common.PadLeft("TOOK", latencyW) + " ")
	}
	if c.event {
		b.WriteString(common.Fit("EVENT", eventW) + " ")
	}
	if c.number {
		b.WriteString(common.Fit("#", numberW) + " ")
	}
	if c.then {
		b.WriteString(common.Fit("THEN", thenW) + " ")
	}
	if c.trigger {
		b.WriteString(common.Fit("TRIGGER", triggerW) + " ")
	}
	if c.msg {
		b.WriteString(common.Fit("MESSAGE", msgW) + " ")
	}
	b.WriteString(common.Fit("ENDPOINT", c.endpointW))
	return m.ctx.Theme.Header[theme.Normal].S(common.Fit(b.String(), m.w))
}

func (m *Model) row(c columns, a api.Attempt, selected bool) string {
	th := m.ctx.Theme
	var b strings.Builder
	b.Grow(m.w + 80)
	switch {
	case selected:
		b.WriteString(th.AccentP.S("▸"))
	default:
		b.WriteString(" ")
	}
	fresh := false
	if t := m.first[a.ID]; !t.IsZero() && m.ctx.Now.Sub(t) < NewFor {
		fresh = true
	}
	if fresh {
		b.WriteString(th.WarnP.S("◆"))
	} else {
		b.WriteString(" ")
	}
	stamp := common.Fit(webhooks.Stamp(a.Timestamp.Time), timeW)
	if fresh {
		stamp = th.Text[theme.Flash].S(stamp)
	} else {
		stamp = th.MutedP.S(stamp)
	}
	b.WriteString(stamp + " ")
	st, paint := webhooks.Status(th, a)
	later, delivered := m.then[a.ID]
	if delivered {
		// Delivered since: shown, but quiet, and said in words too when
		// there is no room for the THEN column ("✗ 500 ✓#3").
		paint = th.MutedP
		if !c.then {
			if more := st + " ✓#" + strconv.Itoa(later); common.Width(more) <= statusW {
				st = more
			} else {
				st = strings.TrimRight(common.Fit(st, statusW-2), " ") + " ✓"
			}
		}
	}
	if m.resend.Pending(webhooks.PairOf(a)) && m.newestOfPair(a) {
		st, paint = "◌ resending", th.AccentP
	}
	b.WriteString(paint.S(common.Fit(st, statusW)) + " ")
	if c.latency {
		b.WriteString(th.MutedP.S(common.PadLeft(webhooks.Took(a), latencyW)) + " ")
	}
	if c.event {
		ev := "…" // being looked up
		if m.client == nil {
			ev = "–"
		}
		if mm, ok := m.msgs[a.MsgID]; ok {
			ev = api.Clean(mm.EventType)
		} else if _, missed := m.notFound[a.MsgID]; missed {
			ev = "?"
		}
		b.WriteString(common.Fit(ev, eventW) + " ")
	}
	if c.number {
		b.WriteString(common.Fit("#"+strconv.Itoa(m.nums[a.ID]), numberW) + " ")
	}
	if c.then {
		then := ""
		switch {
		case delivered:
			then = "✓ #" + strconv.Itoa(later)
		case a.Status == api.AttemptFailed && !m.all && !m.known(a):
			then = "…" // being checked
		}
		b.WriteString(th.OKP.S(common.Fit(then, thenW)) + " ")
	}
	if c.trigger {
		tr := webhooks.Trigger(a)
		if a.TriggerType == api.TriggerManual {
			b.WriteString(th.AccentP.S(common.Fit(tr, triggerW)) + " ")
		} else {
			b.WriteString(th.MutedP.S(common.Fit(tr, triggerW)) + " ")
		}
	}
	if c.msg {
		b.WriteString(th.MutedP.S(common.Fit(api.Clean(a.MsgID), msgW)) + " ")
	}
	b.WriteString(common.Fit(webhooks.FitURL(a.URL, c.endpointW), c.endpointW))
	return b.String()
}

// numberOf is an attempt's number among those of its pair that the pane
// knows (shown or recent).
func (m *Model) numberOf(a api.Attempt) int {
	if n, ok := m.nums[a.ID]; ok {
		return n
	}
	p := webhooks.PairOf(a)
	n := 0
	for _, x := range m.items {
		if webhooks.PairOf(x) == p && !x.Timestamp.After(a.Timestamp.Time) {
			n++
		}
	}
	return n + 1
}

// newestOfPair reports whether a is the newest attempt shown of its
// message to its endpoint: the row that says "resending".
func (m *Model) newestOfPair(a api.Attempt) bool {
	p := webhooks.PairOf(a)
	for _, b := range m.items {
		if webhooks.PairOf(b) == p {
			return b.ID == a.ID
		}
	}
	return false
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	return keys.KeyBindings(keys.Footer(k.OpenAttempt, k.Resend, k.AllAttempts, k.GoToTask, k.Zoom)...)
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{keys.KeyBindings(k.InScope(keys.List)...), keys.KeyBindings(k.InScope(keys.Deliveries)...)}
}

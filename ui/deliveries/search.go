package deliveries

import (
	"context"
	"errors"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// Bounds on one search: how many attempts are read per endpoint (pages
// older than the pane shows included), and how many payloads are fetched
// one by one when the messages listed came without them.
const (
	SearchPerEndpoint = 1000
	searchPayloads    = 200
)

// search is `/` in the pane: what is typed, and the last search's result.
type search struct {
	typing  bool
	text    string
	q       common.Query // what was searched
	running bool
	done    bool // results stand in for the pane's rows until cleared
	matched int
	read    int // attempts searched
	partial string
	seq     int
}

// SearchedMsg is a finished search.
type SearchedMsg struct {
	seq      int
	Matches  []api.Attempt
	Read     int
	Messages map[string]api.Message
	Err      error
	// Partial says what the bounds left out, when they did.
	Partial string
}

// Editing reports whether a search is being typed (keys are text then).
func (m *Model) Editing() bool { return m.find.typing }

// searching reports whether the rows are a search's results.
func (m *Model) searching() bool { return m.find.done || m.find.running }

func (m *Model) searchKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	switch {
	case k.FilterKeep.Matches(msg):
		m.find.typing = false
		return m.runSearch()
	case k.FilterClear.Matches(msg):
		return m.clearSearch()
	}
	if t, ok := common.EditLine(m.find.text, msg); ok {
		m.find.text = api.Clip(t, 200)
	}
	return nil
}

// Paste types pasted text into the search.
func (m *Model) Paste(s string) {
	if m.find.typing {
		m.find.text = api.Clip(m.find.text+common.Typed(s), 200)
	}
}

func (m *Model) clearSearch() tea.Cmd {
	m.find = search{seq: m.find.seq + 1}
	m.items, m.loaded, m.cur = nil, false, common.Cursor{}
	return m.RefreshNow()
}

func (m *Model) runSearch() tea.Cmd {
	q := common.ParseQuery(m.find.text)
	if q.Empty() {
		return m.clearSearch()
	}
	if m.client == nil {
		return common.Note(common.Warn, "no API to search")
	}
	m.find.seq++
	m.find.q, m.find.running, m.find.done = q, true, false
	c, base, all, seq := m.client, m.base, m.all, m.find.seq
	cached := make(map[string]api.Message, len(m.msgs))
	for id, msg := range m.msgs {
		cached[id] = msg
	}
	return common.Tag(common.Deliveries, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, 3*webhooks.CallTimeout)
		defer cancel()
		out := searchAttempts(ctx, c, all, q, cached)
		out.seq = seq
		return out
	})
}

// searchAttempts reads up to SearchPerEndpoint attempts of each endpoint,
// the messages they belong to, and keeps the attempts whose payload or
// response body matches q.
func searchAttempts(ctx context.Context, c webhooks.Client, all bool, q common.Query, cached map[string]api.Message) SearchedMsg {
	eps, err := c.ListEndpoints(ctx)
	if err != nil {
		return SearchedMsg{Err: err}
	}
	aq := api.AttemptQuery{Limit: PerEndpoint, Max: SearchPerEndpoint}
	if !all {
		failed := api.AttemptFailed
		aq.Status = &failed
	}
	var out SearchedMsg
	var errs []error
	var as []api.Attempt
	for _, ep := range eps {
		aq.EndpointID = ep.ID
		got, err := c.ListAttempts(ctx, aq)
		if err != nil {
			errs = append(errs, err)
		}
		if len(got) >= SearchPerEndpoint {
			out.Partial = "the newest " + common.Count(SearchPerEndpoint) + " attempts of each endpoint searched"
		}
		as = append(as, got...)
	}
	out.Read = len(as)
	want := webhooks.Earliest(as, func(id string) bool {
		m, ok := cached[id]
		return ok && m.HasPayload()
	})
	found, err := webhooks.FindMessages(ctx, c, want)
	if err != nil {
		errs = append(errs, err)
	}
	fetched := 0
	for id := range want {
		if m, ok := found[id]; ok && m.HasPayload() {
			continue
		}
		if fetched == searchPayloads {
			out.Partial = "payloads of " + strconv.Itoa(len(want)-searchPayloads) + " messages not read (at most " + strconv.Itoa(searchPayloads) + " are fetched one by one)"
			break
		}
		fetched++
		if m, err := c.Message(ctx, id); err == nil {
			found[id] = m
		}
	}
	for id, m := range cached {
		if _, ok := found[id]; !ok {
			found[id] = m
		}
	}
	out.Messages = map[string]api.Message{}
	for _, a := range as {
		msg, ok := found[a.MsgID]
		if (ok && q.Match(msg.Payload)) || q.Match([]byte(a.Response)) {
			out.Matches = append(out.Matches, a)
			if ok {
				out.Messages[a.MsgID] = msg
			}
		}
	}
	webhooks.NewestFirst(out.Matches)
	out.Err = errors.Join(errs...)
	return out
}

func (m *Model) searched(msg SearchedMsg) {
	if msg.seq != m.find.seq {
		return
	}
	for _, mm := range msg.Messages {
		m.remember(mm)
	}
	m.find.running, m.find.done = false, true
	m.find.matched, m.find.read, m.find.partial = len(msg.Matches), msg.Read, msg.Partial
	m.err = msg.Err
	m.items, m.loaded, m.cur = msg.Matches, true, common.Cursor{}
	m.nums = webhooks.Numbers(msg.Matches)
}

// searchTitle is the title while searching or showing a search's results.
func (m *Model) searchTitle() string {
	f := m.find
	switch {
	case f.typing:
		return "Search: " + f.text + "█ · " + m.ctx.Keys.FilterKeep.Label() + " searches · " + m.ctx.Keys.FilterClear.Label() + " clears"
	case f.running:
		return "Searching /" + f.q.Text + "…"
	}
	t := common.Count(f.matched) + " matched of " + common.Count(f.read) + " attempts · /" + f.q.Text
	if f.partial != "" {
		t += " (" + f.partial + ")"
	}
	return t
}

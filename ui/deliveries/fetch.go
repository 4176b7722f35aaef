package deliveries

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// PerEndpoint is how many attempts are read per endpoint, newest first.
const PerEndpoint = 200

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

package deliveries

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

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
	// Re-deliveries made from this machine show beside Aspect's attempts,
	// marked as such; they do not change what Aspect knows of the pair.
	items = append(items, m.resend.SentHere()...)
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
	m.fc = nil // the forecasts are made again from what this refresh read
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
			if a.FromHere {
				continue // Aspect still holds the pair as it was
			}
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
		if a.Status != api.AttemptFailed || a.FromHere || seen[p] {
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

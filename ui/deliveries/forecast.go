package deliveries

import (
	"strconv"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/health"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// nextW is the NEXT column: when Svix tries the message again.
const nextW = 10

// UseHealth is where the pane reads each endpoint's attempts and failing
// run, for the retry forecast.
func (m *Model) UseHealth(h *health.Model) { m.health = h }

// forecasts are the retry forecasts of the pairs shown, and the newest
// attempt shown of each pair; made once per refresh (the first frame
// after it, once the endpoints' health has taken the refresh too), since
// a frame draws dozens of rows.
type forecasts struct {
	items  []api.Attempt // the rows they were made for
	byPair map[webhooks.Pair]api.Forecast
	newest map[webhooks.Pair]string
}

// forecast is what Svix does next with a's message to its endpoint, from
// every attempt of the pair the dashboard has read.
func (m *Model) forecast(a api.Attempt) api.Forecast {
	return m.forecastsNow().byPair[webhooks.PairOf(a)]
}

// newestShown reports whether a is the newest attempt shown of its pair.
func (m *Model) newestShown(a api.Attempt) bool {
	return m.forecastsNow().newest[webhooks.PairOf(a)] == a.ID
}

func (m *Model) forecastsNow() *forecasts {
	// The rows change with a refresh, a search or the filter: whatever
	// set them, forecasts made for other rows are made again.
	if m.fc != nil && sameRows(m.fc.items, m.items) {
		return m.fc
	}
	fc := &forecasts{items: m.items, byPair: map[webhooks.Pair]api.Forecast{}, newest: map[webhooks.Pair]string{}}
	byPair := map[webhooks.Pair][]api.Attempt{}
	seen := map[string]bool{}
	keep := func(x api.Attempt) {
		p := webhooks.PairOf(x)
		if _, shown := fc.newest[p]; shown && !seen[x.ID] {
			seen[x.ID] = true
			byPair[p] = append(byPair[p], x)
		}
	}
	eps := map[string]bool{}
	for _, x := range m.items { // newest first
		p := webhooks.PairOf(x)
		if _, ok := fc.newest[p]; !ok {
			fc.newest[p] = x.ID
		}
		eps[x.EndpointID] = true
	}
	for _, x := range m.items {
		keep(x)
	}
	if m.health != nil {
		for ep := range eps {
			for _, x := range m.health.Attempts(ep) {
				keep(x)
			}
		}
	}
	for p := range fc.newest {
		if l, ok := m.latest[p]; ok {
			keep(l)
		}
		fc.byPair[p] = m.schedule().Forecast(byPair[p])
	}
	m.fc = fc
	return fc
}

func (m *Model) schedule() api.Schedule {
	if m.health == nil {
		return api.Schedule{}
	}
	return m.health.Schedule()
}

// nextCell is the NEXT column of a row: on the newest attempt of a
// message still failing, when Svix tries again ("~" when estimated from
// the schedule) or that it gave up.
func (m *Model) nextCell(a api.Attempt) string {
	th := m.ctx.Theme
	if a.FromHere || !m.newestShown(a) {
		return common.Spaces(nextW)
	}
	f := m.forecast(a)
	switch f.Fate {
	case api.FateRetrying:
		return th.WarnP.S(common.Fit(m.dueIn(f), nextW))
	case api.FateGaveUp:
		return th.ErrorP.S(common.Fit("gave up", nextW))
	case api.FateSending:
		return th.AccentP.S(common.Fit("sending", nextW))
	case api.FateStopped:
		return th.MutedP.S(common.Fit("stopped", nextW))
	}
	return common.Spaces(nextW)
}

// dueIn is "in 25m" ("~25m" when estimated), or "due now".
func (m *Model) dueIn(f api.Forecast) string {
	left := f.Next.Sub(m.ctx.Now)
	if left <= 0 {
		return "due now"
	}
	if f.NextFromAPI {
		return "in " + health.Span(left)
	}
	return "~" + health.Span(left)
}

// forecastH is the lines the forecast of the selected row takes under the
// rows, while the pane has the focus and the row's message is still
// failing.
func (m *Model) forecastH() int { return len(m.forecastLines()) }

// forecastLines is the selected message's retry forecast in words:
// "↻ attempt 3 of Svix's 8 · next in 25m, at 14:32:05 (estimated from
// Svix's schedule) · gives up Mar 3 12:35", and, when its endpoint is
// failing, "its endpoint has failed since 09:14: disabled in 4d 3h unless
// a delivery succeeds".
func (m *Model) forecastLines() []string {
	if !m.focused || !m.loaded || m.h < 4 {
		return nil
	}
	a, ok := m.Selected()
	if !ok || a.FromHere || a.Status == api.AttemptSuccess {
		return nil
	}
	f := m.forecast(a)
	th := m.ctx.Theme
	muted := th.MutedP.S
	made := "attempt " + strconv.Itoa(f.Made) + " of Svix's " + strconv.Itoa(api.MaxAttempts)
	var s, givesUp string
	switch f.Fate {
	case api.FateRetrying:
		next := " · next in " + health.Span(f.Next.Sub(m.ctx.Now)) + ", at " + clock(f.Next, m.ctx.Now) + " (" + source(f) + ")"
		if !f.Next.After(m.ctx.Now) {
			next = " · next due now (since " + clock(f.Next, m.ctx.Now) + ", " + source(f) + ")"
		}
		s = th.WarnP.S("↻ "+made) + muted(next)
		givesUp = muted(" · gives up " + clock(f.GiveUp, m.ctx.Now))
	case api.FateGaveUp:
		s = th.ErrorP.S("✗ Svix gave up after all "+strconv.Itoa(f.Made)+" attempts") + muted(" ("+clock(f.GiveUp, m.ctx.Now)+")")
	case api.FateSending:
		s = th.AccentP.S("◌ " + made + " is being made")
	default:
		return nil
	}
	lines := []string{common.Fit(" "+s+givesUp, m.w)}
	if m.health != nil {
		if fl, ok := m.health.Failing(a.EndpointID); ok {
			left := m.schedule().DisableAt(fl).Sub(m.ctx.Now)
			since := clock(fl.Since, m.ctx.Now)
			if fl.AtLeast {
				since += " at least"
			}
			ep := muted("  its endpoint has failed since "+since+": ") + th.WarnP.S(health.DisableText(left, fl.AtLeast))
			if m.h >= 6 {
				lines = append(lines, common.Fit(ep, m.w))
			}
		}
	}
	return lines
}

// source says where a forecast's next attempt comes from.
func source(f api.Forecast) string {
	if f.NextFromAPI {
		return "as the API says"
	}
	return "estimated from Svix's schedule"
}

// clock is a time of day, with the date when it is not today.
func clock(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04:05")
	}
	return t.Format("Jan 2 15:04")
}

// sameRows reports whether a and b are the same slice of rows.
func sameRows(a, b []api.Attempt) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

package attempt

import (
	"strconv"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/health"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// UseHealth is where the view reads the endpoint's failing run and the
// speed of Svix's schedule, for the retry forecast.
func (m *Model) UseHealth(h *health.Model) { m.health = h }

func (m *Model) schedule() api.Schedule {
	if m.health == nil {
		return api.Schedule{}
	}
	return m.health.Schedule()
}

// forecast is what Svix does next with the message to this endpoint.
func (m *Model) forecast() api.Forecast {
	all := append([]api.Attempt{}, m.timeline...)
	if len(all) == 0 {
		all = append(all, m.a)
	}
	if m.health != nil {
		seen := map[string]bool{}
		for _, x := range all {
			seen[x.ID] = true
		}
		for _, x := range m.health.Pair(webhooks.PairOf(m.a)) {
			if !seen[x.ID] {
				all = append(all, x)
			}
		}
	}
	return m.schedule().Forecast(all)
}

// forecastLines is the retry forecast: the attempts made of Svix's eight,
// when the next is due (from the API's next attempt, or estimated from the
// schedule, and it says which), when Svix gives up, and when it disables
// the endpoint if it goes on failing. label pads a field's name.
func (m *Model) forecastLines(label func(string) string) []string {
	if !m.loaded || m.a.FromHere {
		return nil
	}
	th := m.ctx.Theme
	muted := th.MutedStyle.Render
	now := m.ctx.Now
	f := m.forecast()
	made := strconv.Itoa(f.Made) + " of Svix's " + strconv.Itoa(api.MaxAttempts) + " scheduled"
	var out []string
	switch f.Fate {
	case api.FateDelivered:
		out = append(out, " "+label("fate")+th.OKStyle.Render("✓ delivered")+muted(" · Svix tries it no more"))
	case api.FateRetrying:
		src := "estimated from Svix's schedule"
		if f.NextFromAPI {
			src = "as the API says"
		}
		out = append(out,
			" "+label("attempts")+made+" made, the last failed",
			" "+label("next try")+th.WarnStyle.Render(when(f.Next, now))+muted("  ("+src+")"),
			" "+label("gives up")+when(f.GiveUp, now)+muted("  (its last attempt, if every one fails)"))
	case api.FateGaveUp:
		out = append(out, " "+label("fate")+th.ErrorStyle.Render("✗ Svix gave up")+muted(" after all "+made+" attempts failed ("+when(f.GiveUp, now)+")"))
	case api.FateSending:
		out = append(out, " "+label("attempts")+made+th.AccentStyle.Render(" · one is being made now"))
	case api.FateStopped:
		out = append(out, " "+label("fate")+muted("canceled: the endpoint was disabled or deleted; Svix tries no more ("+made+" made)"))
	default:
		return nil
	}
	if m.health != nil && f.Fate != api.FateDelivered {
		if fl, ok := m.health.Failing(m.a.EndpointID); ok {
			at := fl.Since.Local().Format("Jan 2 15:04:05")
			if n := now.Local(); fl.Since.Local().YearDay() == n.YearDay() && fl.Since.Year() == n.Year() {
				at = fl.Since.Local().Format("15:04:05")
			}
			since := "failing since " + at
			if fl.AtLeast {
				since += " at least"
			}
			left := m.schedule().DisableAt(fl).Sub(now)
			out = append(out, " "+label("endpoint")+muted(since+" · ")+th.WarnStyle.Render(health.DisableText(left, fl.AtLeast)))
		}
	}
	return out
}

// when is "2026-03-03 12:35:05 (in 4h 10m)" or "(25m ago)".
func when(t, now time.Time) string {
	s := t.Local().Format("2006-01-02 15:04:05")
	if d := t.Sub(now); d > 0 {
		return s + " (in " + health.Span(d) + ")"
	}
	return s + " (" + common.Age(now.Sub(t)) + " ago)"
}

// forecastNote is Svix's schedule in a few words, and its speed here when
// the API runs it faster (the demo).
func (m *Model) forecastNote() string {
	s := "(Svix: 8 attempts over 27h35m; an endpoint failing 5 days is disabled"
	if sc := m.schedule().Scale; sc > 1 {
		s += "; this API runs the schedule " + strconv.FormatFloat(sc, 'f', -1, 64) + "× faster"
	}
	return s + ")"
}

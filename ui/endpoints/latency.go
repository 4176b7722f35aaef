package endpoints

import (
	"strconv"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/health"
)

// sparkCells is how many slices of the hour the latency sparkline shows.
const sparkCells = 12

// UseHealth is where the pane reads each endpoint's latency, alerts and
// failing run (from the attempts the deliveries pane reads).
func (m *Model) UseHealth(h *health.Model) { m.health = h }

// alerted reports whether an alert is raised about the endpoint.
func (m *Model) alerted(e api.Endpoint) bool {
	return m.health != nil && len(m.health.AlertsOf(e.ID)) > 0
}

// disableNote is "✗ since 09:14, disabled in 4d 3h", or "" (the
// deliveries pane and the attempt view say it in full).
func (m *Model) disableNote(e api.Endpoint) string {
	if m.health == nil || e.Disabled {
		return ""
	}
	f, ok := m.health.Failing(e.ID)
	if !ok {
		return ""
	}
	left := m.health.Schedule().DisableAt(f).Sub(m.ctx.Now)
	since, now := f.Since.Local(), m.ctx.Now.Local()
	at := since.Format("Jan 2 15:04")
	if since.YearDay() == now.YearDay() && since.Year() == now.Year() {
		at = since.Format("15:04")
	}
	if left <= 0 {
		return "✗ since " + at + ", disabled any moment"
	}
	word := "in "
	if f.AtLeast {
		word = "in at most "
	}
	return "✗ since " + at + ", disabled " + word + health.Span(left)
}

// secondLine puts the endpoint's latency at the right of its second line,
// left the rest as room allows; a failing endpoint's warning (in left)
// wins over the latency.
func (m *Model) secondLine(e api.Endpoint, left string) string {
	inner := max(1, m.w-4)
	lat := m.latencyText(e, inner, true)
	if lat == "" {
		return "    " + common.Clip(left, inner)
	}
	if common.Width(left)+common.Width(lat)+2 > inner {
		lat = m.latencyText(e, inner, false) // the sparkline gives way first
	}
	lw := inner - common.Width(lat) - 2
	// Then the latency, to a warning that the endpoint will be disabled.
	if lw < 12 || common.Width(left) > lw && m.disableNote(e) != "" {
		return "    " + common.Clip(left, inner)
	}
	l := common.Clip(left, lw)
	return "    " + l + common.Spaces(inner-common.Width(l)-common.Width(lat)) + lat
}

// latencyText is "p50 84ms p95 1.2s max 3.1s ▁▁▂▁█" for the last hour
// (the sparkline when spark is set and there is room),
// measured against Svix's 15 s limit: from 10 s a figure is a warning, at
// 15 s an error (Svix counted the attempt as failed).
func (m *Model) latencyText(e api.Endpoint, room int, spark bool) string {
	if m.health == nil {
		return ""
	}
	l := m.health.Latency(e.ID, m.ctx.Now, sparkCells)
	if l.N == 0 || room < 40 {
		return ""
	}
	th := m.ctx.Theme
	muted := th.MutedStyle.Render
	s := muted("p50 ") + m.paintLatency(l.P50, fmtLatency(l.P50)) + muted(" p95 ") + m.paintLatency(l.P95, fmtLatency(l.P95)) +
		muted(" max ") + m.paintLatency(l.Max, fmtLatency(l.Max))
	if spark && room >= 50 {
		s += " " + m.spark(l)
	}
	return s
}

func (m *Model) paintLatency(d time.Duration, s string) string {
	th := m.ctx.Theme
	switch {
	case d >= api.DeliveryTimeout:
		return th.ErrorStyle.Render(s)
	case d >= api.SlowAnswer:
		return th.WarnStyle.Render(s)
	}
	return s
}

var bars = []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// spark draws the slowest answer of each slice of the hour, scaled to the
// slowest of all, coloured against Svix's limit; "·" where nothing was
// tried.
func (m *Model) spark(l health.Latency) string {
	th := m.ctx.Theme
	top := max(l.Max, time.Millisecond)
	var b strings.Builder
	for _, d := range l.Spark {
		if d < 0 {
			b.WriteString(th.MutedP.S("·"))
			continue
		}
		bar := bars[min(len(bars)-1, int(int64(d)*int64(len(bars))/int64(top+1)))]
		switch {
		case d >= api.DeliveryTimeout:
			b.WriteString(th.ErrorP.S(bar))
		case d >= api.SlowAnswer:
			b.WriteString(th.WarnP.S(bar))
		default:
			b.WriteString(th.AccentP.S(bar))
		}
	}
	return b.String()
}

// fmtLatency is "84ms", "1.2s" or "12s".
func fmtLatency(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return strconv.Itoa(int(d/time.Second)) + "s"
}

// roomForNote cuts an endpoint's description short enough that the
// warning of its disabling, drawn after it, stays on the line.
func (m *Model) roomForNote(e api.Endpoint, desc string) string {
	note := m.disableNote(e)
	if note == "" {
		return desc
	}
	room := m.w - 4 - common.Width(note) - 3 - 2 // and "…" for the parts after it
	if src := sourceText(e); src != "" {
		room -= common.Width(src) + 3
	}
	return common.Clip(desc, max(10, room))
}

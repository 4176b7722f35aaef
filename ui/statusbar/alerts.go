package statusbar

import (
	"strconv"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/health"
)

// SetAlerts records the alerts raised now, the most serious first.
func (m *Model) SetAlerts(a []health.Alert) { m.alerts = a }

// alertsText is "⚠ hooks.example.com failed 35% of 20 attempts in the last
// 10m (+1 alert)", or "" when none is raised.
func (m *Model) alertsText(wide bool) string {
	if len(m.alerts) == 0 {
		return ""
	}
	th := m.ctx.Theme
	s := "⚠ " + api.Clean(m.alerts[0].Text)
	if !wide {
		s = "⚠ " + api.Clip(api.Clean(m.alerts[0].Text), 48)
	}
	if n := len(m.alerts) - 1; n > 0 {
		s += " (+" + strconv.Itoa(n) + " alert"
		if n > 1 {
			s += "s"
		}
		s += ")"
	}
	return th.ErrorP.S(s)
}

package cmd

import (
	"fmt"

	"github.com/aspect-hq/aspect-tui/ui"
	"github.com/aspect-hq/aspect-tui/ui/health"
)

// readAlerts takes the alert settings from the file, with their defaults,
// and refuses a share or window that could never raise an alert.
func (c *config) readAlerts(fc fileConfig) error {
	c.Alerts = fc.Alerts == nil || *fc.Alerts
	c.AlertFailShare, c.AlertWindow = health.DefaultFailShare, health.DefaultWindow
	if fc.AlertFailShare != nil {
		if v := *fc.AlertFailShare; !(v > 0 && v <= 1) {
			return fmt.Errorf("alert_fail_share = %g in %s: a share of failing messages is more than 0 and at most 1 (0.2 is 20%%)", v, orDefault(c.File, "the config file"))
		}
		c.AlertFailShare = *fc.AlertFailShare
	}
	if fc.AlertWindow.Duration < 0 {
		return fmt.Errorf("alert_window = %s in %s: the window must be positive, like 10m", fc.AlertWindow.Duration, orDefault(c.File, "the config file"))
	}
	if fc.AlertWindow.Duration > 0 {
		c.AlertWindow = fc.AlertWindow.Duration
	}
	return nil
}

// notifyOf is how the dashboard tells the terminal of an alert: not at all
// with alerts = false, else what the terminal is known to show.
func notifyOf(c config, getenv func(string) string) ui.Notify {
	if !c.Alerts {
		return ui.NotifyOff
	}
	return ui.DetectNotify(getenv)
}

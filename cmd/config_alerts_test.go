package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/ui"
)

func TestConfigAlerts(t *testing.T) {
	load := func(body string, env map[string]string) (config, error) {
		dir := writeConfig(t, body, 0o600)
		return loadConfig(overrides{}, func(k string) string {
			if k == "XDG_CONFIG_HOME" {
				return dir
			}
			return env[k]
		})
	}
	iterm := map[string]string{"TERM_PROGRAM": "iTerm.app"}
	c, err := load("", iterm)
	if err != nil || !c.Alerts || c.AlertFailShare != 0.2 || c.AlertWindow != 10*time.Minute || notifyOf(c, func(k string) string { return iterm[k] }) != ui.NotifyOSC9 {
		t.Fatalf("defaults: %+v %v; want alerts on, 0.2 over 10m, OSC 9 in iTerm2", c, err)
	}
	c, err = load("alerts = false\nalert_fail_share = 0.5\nalert_window = \"30m\"\n", iterm)
	if err != nil || c.Alerts || c.AlertFailShare != 0.5 || c.AlertWindow != 30*time.Minute || notifyOf(c, func(k string) string { return iterm[k] }) != ui.NotifyOff {
		t.Fatalf("set: %+v %v; want alerts off (no notification), 0.5 over 30m", c, err)
	}
	for body, want := range map[string]string{
		"alert_fail_share = 1.5":   "alert_fail_share = 1.5 in ",
		"alert_fail_share = 0":     "a share of failing messages is more than 0 and at most 1",
		"alert_window = \"-5m\"":   "the window must be positive",
		"alert_window = \"often\"": "is not a duration",
	} {
		if _, err := load(body, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error saying %q", body, err, want)
		}
	}
}

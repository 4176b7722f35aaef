package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// What each environment variable and config file key means, for every
// command's help and the man page.
var (
	envHelp = map[string]string{
		envAPIURL:        "API base URL (default https://api.aspect.inc)",
		envAPIKey:        "API key (sk_...); never taken on the command line",
		envWebhookSecret: "endpoint signing secret (whsec_...)",
		envConfig:        "config file path (default $XDG_CONFIG_HOME/aspect-tui/config.toml)",
		"NO_COLOR":       "any value turns colours off",
		"EDITOR":         "the editor listen's edit-and-resend key opens (unset: an inline editor)",
	}
	keyHelp = map[string]string{
		"api_url":          "API base URL",
		"api_key":          "API key (sk_...)",
		"webhook_secret":   "signing secret (whsec_...), or a list of them during a rotation",
		"refresh":          "how often the endpoints and deliveries panes refresh, like 5s",
		"stall_window":     "a stream silent this long is reconnected (default 45s)",
		"read_only":        "true hides every action that changes anything",
		"theme":            "[theme] table: colours by name (#rrggbb, #rgb or 0-255)",
		"keys":             "[keys] table: key bindings by name",
		"poll_interval":    "how often GET /tasks/active is read when there is no live stream (default 5s)",
		"events_path":      "where the event stream lives when not at /events: a path or an absolute URL",
		"endpoints":        "endpoint ids to show when the API has no route that lists them",
		"animations":       "false stops the processing spinner (a still glyph instead; --no-animation does the same)",
		"endpoint_secrets": "[endpoint_secrets] table: whsec_ secrets by endpoint id, to re-deliver from this machine when the API has no resend route",
		"fresh":            "true: every start is like --fresh (no resume from the last session's event)",
		"alerts":           "false keeps alerts off the terminal's notifications (OSC 9, OSC 777 or the bell); the status line still flags them",
		"alert_fail_share": "an endpoint failing this share of its messages (retries failing too) over alert_window raises an alert (default 0.2)",
		"alert_window":     "the span alert_fail_share covers, like 10m (default 10m)",
		"columns":          `the grid's optional columns, of "task", "name", "index" (default all three; without "name" the asset column shows ids)`,
		"tokens_warn":      "the header warns when the account's tokens fall below this (default 10000)",
		"index":            "show only the tasks of this index, by name (i cycles through them)",
	}
)

// Annotations a command carries: the environment variables and config
// file keys it reads, space-separated.
const (
	annEnv  = "aspect-tui/env"
	annKeys = "aspect-tui/config-keys"
)

// reads records what c reads besides its flags and writes it under its
// summary, which is what fang shows first in its help. Commands take no
// arguments.
func reads(c *cobra.Command, getenv func(string) string, env, keys []string) *cobra.Command {
	c.Annotations = map[string]string{annEnv: strings.Join(env, " "), annKeys: strings.Join(keys, " ")}
	c.Args = noArgs
	c.ValidArgsFunction = cobra.NoFileCompletions
	var b strings.Builder
	b.WriteString(c.Short)
	if c.Long != "" {
		b.WriteString("\n\n" + c.Long)
	}
	if len(env) > 0 {
		b.WriteString("\n\nEnvironment:")
		for _, n := range env {
			fmt.Fprintf(&b, "\n  %-22s %s", n, envHelp[n])
		}
	}
	if len(keys) > 0 {
		path := orDefault(configPath(getenv), "$XDG_CONFIG_HOME/aspect-tui/config.toml")
		fmt.Fprintf(&b, "\n\nConfig file %s (optional; flags, then environment, then file):", path)
		for _, k := range keys {
			fmt.Fprintf(&b, "\n  %-22s %s", k, keyHelp[k])
		}
	}
	c.Long = b.String()
	return c
}

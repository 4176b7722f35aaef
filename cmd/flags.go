package cmd

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// apiFlags registers the flags every command that talks to the API shares.
// The API key has no flag on purpose: command lines end up in shell history
// and process lists.
func apiFlags(fs *pflag.FlagSet) *overrides {
	o := &overrides{}
	fs.StringVar(&o.APIURL, "api-url", "", "the API base URL (overrides "+envAPIURL+"; default https://api.aspect.inc)")
	fs.StringVar(&o.ConfigPath, "config", "", "config file (default $XDG_CONFIG_HOME/aspect-tui/config.toml)")
	return o
}

// feedFlags registers what decides how the commands that follow tasks get
// them: where the stream lives, and how often to poll when there is none.
func feedFlags(fs *pflag.FlagSet, o *overrides) {
	eventsFlag(fs, o)
	fs.DurationVar(&o.PollInterval, "poll-interval", 0, "how often GET /tasks/active is read when there is no live stream (default 5s; config: poll_interval)")
	hideDefault(fs, "poll-interval")
}

// eventsFlag registers where the event stream lives.
func eventsFlag(fs *pflag.FlagSet, o *overrides) {
	fs.StringVar(&o.EventsURL, "events-url", "", "where the event stream lives when not at the API's /events: a path or an absolute URL (config: events_path)")
}

var apiEnv = []string{envAPIURL, envAPIKey, envConfig}

// hideDefault keeps a flag's zero default out of its help, where the
// usage text says what the real default is (5s, or the config file's).
func hideDefault(fs *pflag.FlagSet, name string) {
	fs.Lookup(name).DefValue = ""
}

// gnuArgs spells -name as --name for each long flag of the command args
// run: before cobra, Go's flag package read one dash or two, and scripts
// written then keep working. Values are left alone (--secret -x stays).
func gnuArgs(root *cobra.Command, args []string) []string {
	c, _, err := root.Find(args)
	if err != nil {
		c = root
	}
	c.InitDefaultHelpFlag()
	c.InitDefaultVersionFlag()
	out := make([]string, 0, len(args))
	value := false // the previous argument was a flag that takes this one
	for i, a := range args {
		switch {
		case a == "--":
			return append(out, args[i:]...)
		case value:
			value = false
			out = append(out, a)
			continue
		case len(a) > 2 && a[0] == '-' && a[1] != '-':
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && c.Flags().Lookup(name) != nil {
				a = "-" + a
			}
		}
		if strings.HasPrefix(a, "--") {
			name, _, withValue := strings.Cut(a[2:], "=")
			if f := c.Flags().Lookup(name); f != nil && f.NoOptDefVal == "" && !withValue {
				value = true
			}
		}
		out = append(out, a)
	}
	return out
}

// exportDirFlag registers where exports (curl scripts, test fixtures) are
// written.
func exportDirFlag(fs *pflag.FlagSet, dir *string) {
	fs.StringVar(dir, "export-dir", "", "where exported curl scripts and test fixtures are written, 0600 (default the current directory)")
}

package main

import "flag"

// apiFlags registers the flags every command that talks to the API shares.
// The API key has no flag on purpose: command lines end up in shell history
// and process lists.
func apiFlags(fs *flag.FlagSet) *overrides {
	o := &overrides{}
	fs.StringVar(&o.APIURL, "api-url", "", "API base URL (overrides "+envAPIURL+"; default https://api.aspect.inc)")
	fs.StringVar(&o.ConfigPath, "config", "", "config file (default $XDG_CONFIG_HOME/aspect-tui/config.toml)")
	return o
}

var apiEnv = []string{envAPIURL, envAPIKey, envConfig}

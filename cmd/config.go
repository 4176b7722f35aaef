package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/grid"
)

// fileConfig is the optional config file, config.toml under the XDG config
// directory. Every field may be absent; flags and the environment win.
type fileConfig struct {
	APIURL        string            `toml:"api_url"`
	APIKey        string            `toml:"api_key"`
	WebhookSecret secretList        `toml:"webhook_secret"`
	Refresh       duration          `toml:"refresh"`
	StallWindow   duration          `toml:"stall_window"`
	ReadOnly      bool              `toml:"read_only"`
	Theme         map[string]string `toml:"theme"`
	Keys          map[string]string `toml:"keys"`
	// PollInterval is how often GET /tasks/active is read when there is no
	// live stream; EventsPath is where the stream lives when not at
	// /events (a path or an absolute URL).
	PollInterval duration `toml:"poll_interval"`
	EventsPath   string   `toml:"events_path"`
	// Endpoints are endpoint ids to show when the API does not list them;
	// EndpointSecrets sign re-deliveries from this machine, by endpoint id.
	Endpoints       []string          `toml:"endpoints"`
	EndpointSecrets map[string]string `toml:"endpoint_secrets"`
	// Columns are the grid's optional columns (task, name, index);
	// TokensWarn the balance under which the header warns; Index an index
	// to show alone, by name (config_names.go).
	Columns    *[]string `toml:"columns"`
	TokensWarn int64     `toml:"tokens_warn"`
	Index      string    `toml:"index"`
	// Animations = false stops the processing spinner (absent: true).
	Animations *bool `toml:"animations"`
	// Fresh: every start is as with --fresh (no resume).
	Fresh bool `toml:"fresh"`
	// Alerts: an endpoint failing AlertFailShare of its messages over
	// AlertWindow raises an alert; alerts = false keeps the terminal's
	// notification quiet (the status line still flags it).
	Alerts         *bool    `toml:"alerts"`
	AlertFailShare *float64 `toml:"alert_fail_share"`
	AlertWindow    duration `toml:"alert_window"`
}

// secretList reads webhook_secret as one string or a list of them (during
// a rotation).
type secretList []string

func (l *secretList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*l = secretList{v}
		return nil
	case []any:
		out := make(secretList, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return errors.New("webhook_secret must be a string or a list of strings")
			}
			out = append(out, s)
		}
		*l = out
		return nil
	}
	return errors.New("webhook_secret must be a string or a list of strings")
}

// duration reads "5s", "2m" from TOML.
type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration like 5s or 2m", string(b))
	}
	d.Duration = v
	return nil
}

// config is the resolved configuration: flags, then environment, then file,
// then defaults.
type config struct {
	APIURL          string
	APIKey          string
	WebhookSecrets  []string
	Refresh         time.Duration
	StallWindow     time.Duration
	ReadOnly        bool
	Theme           map[string]string
	Keys            map[string]string
	PollInterval    time.Duration
	EventsURL       string // "" is the API's /events
	ExportDir       string // --export-dir: where exports are written ("" the current directory)
	Endpoints       []string
	EndpointSecrets map[string]string
	NoAnimation     bool // animations = false, or --no-animation
	Alerts          bool // notify the terminal of a new alert
	AlertFailShare  float64
	AlertWindow     time.Duration
	File            string   // the config file read, or ""
	Warnings        []string // shown before the program starts
	Fresh           bool     // start without resuming from the last session's event
	Columns         *grid.Columns
	TokensWarn      int64
	Index           string
}

const (
	envAPIURL        = "ASPECT_API_URL"
	envAPIKey        = "ASPECT_API_KEY"
	envWebhookSecret = "ASPECT_WEBHOOK_SECRET"
	envConfig        = "ASPECT_TUI_CONFIG"
)

const (
	defaultRefresh     = 5 * time.Second
	defaultStallWindow = 45 * time.Second
	// defaultPollInterval is Aspect's own SDK's: it watches a task by
	// reading it every 5 s.
	defaultPollInterval = 5 * time.Second
)

// configPath is where the config file lives: $ASPECT_TUI_CONFIG, else
// $XDG_CONFIG_HOME/aspect-tui/config.toml, else ~/.config/aspect-tui/config.toml.
func configPath(getenv func(string) string) string {
	if p := getenv(envConfig); p != "" {
		return p
	}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "aspect-tui", "config.toml")
}

// readConfigFile reads the file at path. A missing file is no error unless
// the user named it explicitly.
func readConfigFile(path string, explicit bool) (fileConfig, []string, error) {
	var fc fileConfig
	if path == "" {
		return fc, nil, nil
	}
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return fc, nil, nil
	}
	if err != nil {
		return fc, nil, fmt.Errorf("config file: %w", err)
	}
	md, err := toml.DecodeFile(path, &fc)
	if err != nil {
		// A parse error quotes the line it stopped at, which may hold a key.
		return fc, nil, fmt.Errorf("config file %s: %s", path, api.MaskSecrets(err.Error()))
	}
	var warnings []string
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = k.String()
		}
		// A key pasted onto a line of its own reads as an unknown key.
		warnings = append(warnings, fmt.Sprintf("config file %s: unknown keys ignored: %s", path, api.MaskSecrets(strings.Join(keys, ", "))))
	}
	if (fc.APIKey != "" || len(fc.WebhookSecret) > 0 || len(fc.EndpointSecrets) > 0) && info.Mode().Perm()&0o077 != 0 {
		warnings = append(warnings, fmt.Sprintf("config file %s holds secrets and is readable by others (mode %04o); run: chmod 600 %s", path, info.Mode().Perm(), path))
	}
	return fc, warnings, nil
}

// overrides are what flags set; empty means "not given".
type overrides struct {
	APIURL         string
	WebhookSecrets []string
	Refresh        time.Duration
	ReadOnly       bool
	ConfigPath     string
	// DefaultRefresh replaces the usual default refresh when neither the
	// flag nor the file sets one (demo: its simulator is local, so 2 s).
	DefaultRefresh time.Duration
	PollInterval   time.Duration
	EventsURL      string
	Fresh          bool
	ExportDir      string
	NoAnimation    bool
}

// loadConfig resolves flags, environment, file and defaults, in that order.
func loadConfig(o overrides, getenv func(string) string) (config, error) {
	path, explicit := o.ConfigPath, o.ConfigPath != ""
	if !explicit {
		path = configPath(getenv)
		explicit = getenv(envConfig) != ""
	}
	fc, warnings, err := readConfigFile(path, explicit)
	if err != nil {
		return config{}, err
	}
	c := config{
		APIURL:          pick(o.APIURL, getenv(envAPIURL), fc.APIURL, api.DefaultBaseURL),
		APIKey:          pick(getenv(envAPIKey), fc.APIKey),
		Refresh:         pickDuration(o.Refresh, fc.Refresh.Duration, o.DefaultRefresh, defaultRefresh),
		StallWindow:     pickDuration(fc.StallWindow.Duration, defaultStallWindow),
		ReadOnly:        o.ReadOnly || fc.ReadOnly,
		Theme:           fc.Theme,
		Keys:            fc.Keys,
		Warnings:        warnings,
		PollInterval:    pickDuration(o.PollInterval, fc.PollInterval.Duration, defaultPollInterval),
		EventsURL:       pick(o.EventsURL, fc.EventsPath),
		ExportDir:       o.ExportDir,
		Endpoints:       fc.Endpoints,
		EndpointSecrets: fc.EndpointSecrets,
		NoAnimation:     o.NoAnimation || fc.Animations != nil && !*fc.Animations,
		Fresh:           o.Fresh || fc.Fresh,
	}
	if _, statErr := os.Stat(path); statErr == nil {
		c.File = path
	}
	if err := c.readAlerts(fc); err != nil {
		return config{}, err
	}
	if err := c.naming(fc); err != nil {
		return config{}, err
	}
	switch {
	case len(o.WebhookSecrets) > 0:
		c.WebhookSecrets = o.WebhookSecrets
	case getenv(envWebhookSecret) != "":
		c.WebhookSecrets = []string{getenv(envWebhookSecret)}
	default:
		c.WebhookSecrets = fc.WebhookSecret
	}
	return c, nil
}

// validateAPI checks what talking to the API needs, before anything takes
// the terminal: a usable URL and a key.
func (c config) validateAPI() error {
	if _, err := api.ValidateBaseURL(c.APIURL); err != nil {
		return err
	}
	if c.APIKey == "" {
		return errors.New("no API key: set ASPECT_API_KEY, or api_key in " + orDefault(c.File, "the config file") +
			" (try `aspect-tui demo` to run without an account)")
	}
	if strings.ContainsAny(c.APIKey, " \t\r\n") || api.Clean(c.APIKey) != c.APIKey {
		return errors.New("the API key holds spaces or control characters; check ASPECT_API_KEY")
	}
	if c.EventsURL != "" {
		if _, err := feed.ResolveEventsURL(c.APIURL, c.EventsURL); err != nil {
			return fmt.Errorf("--events-url or events_path %q: %w", api.Clip(c.EventsURL, 80), err)
		}
	}
	for id, secret := range c.EndpointSecrets {
		if !strings.HasPrefix(secret, "whsec_") {
			return fmt.Errorf("[endpoint_secrets] %q in %s: a signing secret starts with whsec_ (it is returned when the endpoint is created)", api.Clip(id, 40), orDefault(c.File, "the config file"))
		}
	}
	return nil
}

func pick(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func pickDuration(vals ...time.Duration) time.Duration {
	for _, v := range vals {
		if v > 0 {
			return v
		}
	}
	return 0
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

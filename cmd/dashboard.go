package cmd

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/feed/record"
	"github.com/aspect-hq/aspect-tui/ui"
	"github.com/aspect-hq/aspect-tui/ui/render"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// pingTimeout bounds the one call made before the dashboard takes the
// terminal, so a wrong URL or key is a plain error, not a screen. Tests
// shorten it.
var pingTimeout = 10 * time.Second

// dashboardCommand is the root command, aspect-tui with no command, and
// under use "dashboard" the same as a command of its own.
func dashboardCommand(io *stdio, use string) *cobra.Command {
	var o *overrides
	var recordPath string
	c := &cobra.Command{
		Use:   use,
		Short: "the live dashboard against the configured API",
		RunE: func(c *cobra.Command, _ []string) error {
			return failed("dashboard", runDashboardCommand(c.Context(), io, *o, recordPath))
		},
	}
	if use == "aspect-tui" {
		c.Short = "a terminal dashboard for Aspect's media API and its webhooks"
		c.Long = "With no command: the live dashboard against the configured API."
	}
	o = apiFlags(c.Flags())
	feedFlags(c.Flags(), o)
	c.Flags().BoolVar(&o.ReadOnly, "read-only", false, "hide every action that changes anything (create, edit, delete, resend, recover)")
	c.Flags().DurationVar(&o.Refresh, "refresh", 0, "how often the endpoints and deliveries panes refresh (default 5s; longer while the API fails)")
	hideDefault(c.Flags(), "refresh")
	freshFlag(c.Flags(), o)
	exportDirFlag(c.Flags(), &o.ExportDir)
	c.Flags().BoolVar(&o.NoAnimation, "no-animation", false, "a still glyph for processing instead of the spinner (config: animations = false)")
	c.Flags().StringVar(&recordPath, "record", "", "also record the session to `FILE` (mode 0600; no key or secret): the events applied and the webhook messages and attempts fetched, for aspect-tui replay")
	return reads(c, io.getenv, append(append([]string{}, apiEnv...), envWebhookSecret, "NO_COLOR"),
		[]string{"api_url", "api_key", "refresh", "stall_window", "poll_interval", "events_path", "read_only", "endpoints", "endpoint_secrets", "webhook_secret", "theme", "keys", "animations", "fresh", "alerts", "alert_fail_share", "alert_window", "columns", "tokens_warn", "index"})
}

func runDashboardCommand(ctx context.Context, io *stdio, o overrides, recordPath string) error {
	cfg, err := loadConfig(o, io.getenv)
	if err != nil {
		return err
	}
	if err := cfg.validateAPI(); err != nil {
		return err
	}
	skips := make(chan api.FieldSkip, skipBuffer)
	client, err := api.NewClient(cfg.APIURL, cfg.APIKey, api.WithUserAgent("aspect-tui/"+appVersion()), reportSkips(skips))
	if err != nil {
		return err
	}
	return runDashboard(ctx, io, dashboardRun{client: client, cfg: cfg, skips: skips, record: recordPath})
}

// skipBuffer is how many field skips wait for the dashboard to log them;
// past it a skip is counted in the next one's reason instead.
const skipBuffer = 256

// reportSkips sends the client's field skips to the dashboard's log
// without ever blocking a fetch; one that finds the buffer full is
// counted, and the count rides on the next skip that gets through.
func reportSkips(ch chan<- api.FieldSkip) api.Option {
	var mu sync.Mutex
	missed := 0
	return api.WithSkipReport(func(s api.FieldSkip) {
		mu.Lock()
		defer mu.Unlock()
		if missed > 0 {
			s.Reason += fmt.Sprintf(" (and %d more skips not logged: the log fell behind)", missed)
		}
		select {
		case ch <- s:
			missed = 0
		default:
			missed++
		}
	})
}

// dashboardRun is what the dashboard needs from a command: an API client
// and the resolved configuration (theme, keys, read-only, refresh).
type dashboardRun struct {
	client *api.Client
	cfg    config
	label  string // shown in the header: "demo"
	// extra are secrets the configuration does not hold (the demo's
	// simulator key and endpoint secret).
	extra []string
	// skips are the fields the client could not read, for the log.
	skips <-chan api.FieldSkip
	// noState keeps the endpoints made in this run out of the state file
	// (the demo's simulator is gone when it ends).
	noState bool
	// timeScale is the speed of the API's Svix (the demo's simulator's
	// --time-scale); zero is Svix's own.
	timeScale float64
	// record is the --record file ("" for none).
	record string
}

// runDashboard checks everything it can while the terminal is still plain
// (the config's theme and keys, and one call to the API), then starts the
// feed and runs the program until the user quits or ctx ends.
func runDashboard(ctx context.Context, io *stdio, d dashboardRun) error {
	for _, w := range d.cfg.Warnings {
		fmt.Fprintln(io.err, "aspect-tui: "+w)
	}
	hooks := &api.Directory{Client: d.client}
	if !d.noState {
		state := newEndpointState(io.getenv, d.client.BaseURL())
		hooks.Known = knownEndpoints(d.cfg, state)
		// A state directory that cannot be written costs only the memory
		// of this endpoint in the next session; the endpoint works now.
		hooks.Remember = func(k api.KnownEndpoint) { _ = state.Remember(k) }
	}
	var rec *record.Writer
	var uiHooks webhooks.Client = hooks
	if d.record != "" {
		var err error
		if rec, err = record.Create(d.record, record.Header{AppVersion: appVersion(), APIURL: d.client.BaseURL(), Started: time.Now(), Recorder: record.RecorderDashboard}); err != nil {
			return err
		}
		defer rec.Close()
		uiHooks = recordingHooks{Client: hooks, w: rec}
	}
	opts := ui.Options{
		Client:          d.client,
		Hooks:           uiHooks,
		Skipped:         d.skips,
		EndpointSecrets: d.cfg.EndpointSecrets,
		WebhookSecret:   oneSecret(d.cfg.WebhookSecrets),
		APIURL:          d.client.BaseURL(),
		Label:           d.label,
		Theme:           d.cfg.Theme,
		Keys:            d.cfg.Keys,
		ReadOnly:        d.cfg.ReadOnly,
		NoAnimation:     d.cfg.NoAnimation,
		Refresh:         d.cfg.Refresh,
		ExportDir:       d.cfg.ExportDir,
		NoColor:         io.getenv("NO_COLOR") != "",
		AlertFailShare:  d.cfg.AlertFailShare,
		AlertWindow:     d.cfg.AlertWindow,
		Notify:          notifyOf(d.cfg, io.getenv),
		TimeScale:       d.timeScale,
		TokensWarn:      d.cfg.TokensWarn,
		Columns:         d.cfg.Columns,
		Index:           d.cfg.Index,
	}
	if err := ui.Check(opts); err != nil {
		return fmt.Errorf("config file %s: %w", orDefault(d.cfg.File, "(none)"), err)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	// While the API answers, on another core, so the first frame does
	// not wait for it.
	go render.Warm()
	// The key is checked while the feed connects, not before: the start
	// waits for the slower of the two, not for both one after the other.
	keyc := make(chan keyAnswer, 1)
	go func() {
		// A third of the start's bound: an API that does not answer is
		// then reported by the feed's first snapshot, within its own.
		pctx, cancel := context.WithTimeout(ctx, pingTimeout/3)
		defer cancel()
		account, err := checkKey(pctx, d.client)
		keyc <- keyAnswer{account, err}
	}()
	fo := feedOptions(d.cfg)
	defer d.resume(io.getenv, &fo, &opts).keep(ctx)()
	f, account, err := startFeed(ctx, d, fo, keyc)
	if err != nil {
		return err
	}
	opts.Account = account
	opts.Context, opts.Batches, opts.FeedErr = ctx, f.Batches(), f.Wait
	if rec != nil {
		opts.Batches = recordBatches(ctx, f.Batches(), rec)
		opts.OnRefetched = func(tasks []api.Task) { _ = rec.Tasks(time.Now(), tasks) }
	}
	// The feed is ready, so its first batch, the snapshot, is on its way:
	// taken here, it is in the first frame.
	select {
	case b, ok := <-opts.Batches:
		if ok {
			opts.First = &b
		} else {
			opts.Batches = closedBatches
		}
	case <-ctx.Done():
	}
	m, err := ui.New(opts)
	opts.First = nil // the model's store holds the snapshot now
	if err != nil {
		return err
	}
	runErr := runProgram(ctx, io, m, d.command(), d.secrets())
	stop()
	feedErr := f.Wait()
	if rec != nil {
		if err := rec.Close(); err != nil {
			fmt.Fprintf(io.err, "aspect-tui: %v\n", err)
		}
	}
	if runErr != nil {
		return runErr
	}
	if feedErr != nil && api.IsUnauthorized(feedErr) {
		return feedErr
	}
	if err := feedCrash(feedErr, d.command(), d.secrets(), io); err != feedErr {
		return err
	}
	if pe := m.Caught(); pe != nil {
		return feedCrash(pe, d.command(), d.secrets(), io)
	}
	return nil
}

// closedBatches stands in for a feed that ended before its first batch:
// the program reads its end (and why) at once.
var closedBatches = func() <-chan feed.Batch {
	ch := make(chan feed.Batch)
	close(ch)
	return ch
}()

func (d dashboardRun) command() string {
	if d.label != "" {
		return d.label
	}
	return "dashboard"
}

// secrets are what a crash report must not hold.
func (d dashboardRun) secrets() []string {
	out := append(append([]string{d.cfg.APIKey}, d.cfg.WebhookSecrets...), d.extra...)
	for _, s := range d.cfg.EndpointSecrets {
		out = append(out, s)
	}
	return out
}

// feedOptions is how the configuration asks the feed to follow tasks.
func feedOptions(cfg config) feed.Options {
	return feed.Options{StallWindow: cfg.StallWindow, PollInterval: cfg.PollInterval, EventsURL: cfg.EventsURL, APIKey: cfg.APIKey}
}

// oneSecret is the webhook secret when there is exactly one (a rotation's
// two cannot say which signs a re-delivery).
func oneSecret(ss []string) string {
	if len(ss) == 1 {
		return ss[0]
	}
	return ""
}

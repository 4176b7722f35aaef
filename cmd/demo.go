package cmd

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/sim"
)

// The demo's simulator: lively enough that something changes every moment
// (tasks start twice a second, and time runs ten times fast, so a task
// takes seconds, not minutes), with a backlog so the first screen is full.
// Its one webhook endpoint is the `listen` receiver, verifying every
// signature and answering a share of deliveries 500 on purpose, so the
// deliveries pane has failures to open, resend and recover within seconds.
const (
	demoRate      = 2
	demoTimeScale = 10
	demoBacklog   = 40
	demoFailRate  = 0.15
	// demoRefresh: the simulator is local, so the webhook panes can ask
	// it often and show failures within a couple of seconds.
	demoRefresh = 2 * time.Second
	// demoPath is where the demo receiver takes deliveries.
	demoPath = "/webhooks/aspect"
)

// demoFlags are the demo's flags.
type demoFlags struct {
	seed                  int64
	rate, scale, failRate float64
	readOnly              bool
	noAnimation           bool
	refresh               time.Duration
	config                string
	exportDir             string
}

func demoCommand(io *stdio) *cobra.Command {
	var f demoFlags
	c := &cobra.Command{
		Use:   "demo",
		Short: "the dashboard against an embedded simulator: no account, no network",
		RunE: func(c *cobra.Command, _ []string) error {
			return failed("demo", runDemo(c.Context(), io, f))
		},
	}
	fs := c.Flags()
	fs.Int64Var(&f.seed, "seed", 1, "simulator seed: the same seed gives the same tasks")
	fs.Float64Var(&f.rate, "rate", demoRate, "new tasks per second")
	fs.Float64Var(&f.scale, "time-scale", demoTimeScale, "how much faster than real time tasks progress and retries come")
	fs.Float64Var(&f.failRate, "fail-rate", demoFailRate, "share of deliveries the demo endpoint answers 500")
	fs.BoolVar(&f.readOnly, "read-only", false, "hide every action that changes anything")
	fs.DurationVar(&f.refresh, "refresh", 0, "how often the endpoints and deliveries panes refresh (longer while the API fails); default: the config file's refresh, else 2s")
	hideDefault(fs, "refresh")
	exportDirFlag(fs, &f.exportDir)
	fs.BoolVar(&f.noAnimation, "no-animation", false, "a still glyph for processing instead of the spinner (config: animations = false)")
	fs.StringVar(&f.config, "config", "", "config file for colours and keys (default $XDG_CONFIG_HOME/aspect-tui/config.toml)")
	return reads(c, io.getenv, []string{envConfig, "NO_COLOR"}, []string{"refresh", "stall_window", "read_only", "theme", "keys", "animations", "alerts", "alert_fail_share", "alert_window", "columns", "tokens_warn", "index"})
}

func runDemo(ctx context.Context, io *stdio, f demoFlags) (err error) {
	// Only the look, the keys and the refresh come from the
	// config; the API is the simulator's.
	cfg, err := loadConfig(overrides{ConfigPath: f.config, ReadOnly: f.readOnly, NoAnimation: f.noAnimation, Refresh: f.refresh, DefaultRefresh: demoRefresh, ExportDir: f.exportDir}, io.getenv)
	if err != nil {
		return err
	}
	if f.rate < 0 || f.scale <= 0 {
		return fmt.Errorf("--rate must be zero or more and --time-scale more than zero")
	}
	if f.failRate < 0 || f.failRate > 1 {
		return fmt.Errorf("--fail-rate must be between 0 and 1")
	}
	// A panic in the simulator's goroutines stops the demo the
	// way one in the dashboard does: terminal given back, then a
	// crash report.
	type caught struct {
		value any
		stack []byte
	}
	var simPanic atomic.Pointer[caught]
	ctx, stopDemo := context.WithCancel(ctx)
	defer stopDemo()
	s, err := sim.New(sim.Options{
		Addr:      "127.0.0.1:0",
		Seed:      f.seed,
		Rate:      f.rate,
		TimeScale: f.scale,
		Backlog:   demoBacklog,
		OnPanic: func(v any, stack []byte) {
			simPanic.CompareAndSwap(nil, &caught{v, stack})
			stopDemo()
		},
	})
	if err != nil {
		return err
	}
	secrets := append([]string{cfg.APIKey, s.APIKey()}, cfg.WebhookSecrets...)
	defer func() {
		// Whatever the demo was doing when the simulator broke
		// (starting, or running the dashboard), the panic is
		// what to report.
		if c := simPanic.Load(); c != nil {
			err = crashReport(c.value, c.stack, "demo (in the simulator)", secrets, io)
		}
	}()
	if err := s.Start(); err != nil {
		return err
	}
	defer func() {
		if simPanic.Load() == nil {
			s.Close() // a broken simulator may not close; the process ends anyway
		}
	}()
	skips := make(chan api.FieldSkip, skipBuffer)
	client, err := api.NewClient(s.URL(), s.APIKey(), api.WithUserAgent("aspect-tui/"+appVersion()), reportSkips(skips))
	if err != nil {
		return err
	}
	stop, secret, err := startDemoReceiver(ctx, client, f.failRate, f.seed)
	if err != nil {
		return err
	}
	defer stop()
	secrets = append(secrets, secret)
	// The demo endpoint's secret, so that an export from the demo is signed
	// (the user's own secrets belong to no endpoint of the simulator).
	cfg.WebhookSecrets = []string{secret}
	return runDashboard(ctx, io, dashboardRun{client: client, cfg: cfg, label: "demo", extra: []string{s.APIKey(), secret}, skips: skips, noState: true, timeScale: f.scale})
}

// startDemoReceiver makes the `listen` receiver the demo's webhook
// endpoint. The endpoint's secret comes from creating it, and creating it
// needs the receiver's URL: so the port is taken first, the endpoint made,
// and the receiver, holding the secret, served on that port.
func startDemoReceiver(ctx context.Context, client *api.Client, failRate float64, seed int64) (stop func(), secret string, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("demo receiver: %w", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	created, err := client.CreateEndpoint(cctx, api.EndpointIn{
		URL:         "http://" + ln.Addr().String() + demoPath,
		Description: "the demo's receiver (aspect-tui listen), failing a share on purpose",
		EventTypes:  []string{"task.*"},
		Version:     1,
	})
	cancel()
	if err != nil {
		ln.Close()
		return nil, "", fmt.Errorf("demo receiver: creating its endpoint: %w", err)
	}
	rcv, err := listen.New(listen.Options{Addr: ln.Addr().String(), Secrets: []string{created.Secret}, FailRate: failRate, Seed: seed, Unwatched: true})
	if err != nil {
		ln.Close()
		return nil, "", fmt.Errorf("demo receiver: %w", err)
	}
	srv := &http.Server{Handler: rcv.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	served := make(chan struct{})
	go func() {
		defer close(served)
		// Serve ends with Shutdown; should it fail before, the deliveries
		// pane shows every attempt failing with no answer.
		_ = srv.Serve(ln)
	}()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
		cancel()
		<-served
		rcv.Close()
	}, created.Secret, nil
}

package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
)

// The demo's simulator: lively enough that something changes every moment
// (tasks start twice a second, and time runs ten times fast, so a task
// takes seconds, not minutes), with a backlog so the first screen is full,
// and the simulator's own echo endpoint failing now and then so the
// deliveries pane has something to show.
const (
	demoRate         = 2
	demoTimeScale    = 10
	demoBacklog      = 40
	demoEchoFailRate = 0.15
)

func demoCommand() *command {
	return &command{
		name:    "demo",
		summary: "the dashboard against an embedded simulator: no account, no network",
		usage:   "demo [flags]",
		env:     []string{"NO_COLOR"},
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			seed := fs.Int64("seed", 1, "simulator seed: the same seed gives the same tasks")
			rate := fs.Float64("rate", demoRate, "new tasks per second")
			scale := fs.Float64("time-scale", demoTimeScale, "how much faster than real time tasks progress")
			readOnly := fs.Bool("read-only", false, "hide every action that changes anything")
			cfgPath := fs.String("config", "", "config file for colours and keys (default $XDG_CONFIG_HOME/aspect-tui/config.toml)")
			return func(ctx context.Context, io *stdio) error {
				// Only the look and the keys come from the config; the API is
				// the simulator's.
				cfg, err := loadConfig(overrides{ConfigPath: *cfgPath, ReadOnly: *readOnly}, io.getenv)
				if err != nil {
					return err
				}
				if *rate < 0 || *scale <= 0 {
					return fmt.Errorf("--rate must be zero or more and --time-scale more than zero")
				}
				s, err := sim.New(sim.Options{
					Addr:         "127.0.0.1:0",
					Seed:         *seed,
					Rate:         *rate,
					TimeScale:    *scale,
					Backlog:      demoBacklog,
					Echo:         true,
					EchoFailRate: demoEchoFailRate,
				})
				if err != nil {
					return err
				}
				if err := s.Start(); err != nil {
					return err
				}
				defer s.Close()
				client, err := api.NewClient(s.URL(), s.APIKey(), api.WithUserAgent("aspect-tui/"+appVersion()))
				if err != nil {
					return err
				}
				return runDashboard(ctx, io, dashboardRun{client: client, cfg: cfg, label: "demo"})
			}
		},
	}
}

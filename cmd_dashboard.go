package main

import (
	"context"
	"flag"
)

func dashboardCommand() *command {
	return &command{
		name:    "dashboard",
		summary: "the live dashboard against the configured API",
		usage:   "[flags]",
		env:     append(append([]string{}, apiEnv...), "NO_COLOR"),
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			o := apiFlags(fs)
			fs.BoolVar(&o.ReadOnly, "read-only", false, "hide every action that changes anything (create, edit, delete, resend, recover)")
			fs.DurationVar(&o.Refresh, "refresh", 0, "how often the deliveries pane refreshes (default 5s)")
			return func(ctx context.Context, io *stdio) error {
				cfg, err := loadConfig(*o, io.getenv)
				if err != nil {
					return err
				}
				if err := cfg.validateAPI(); err != nil {
					return err
				}
				return notBuilt("the dashboard")
			}
		},
	}
}

package main

import (
	"context"
	"flag"
)

func demoCommand() *command {
	return &command{
		name:    "demo",
		summary: "the dashboard against an embedded simulator: no account, no network",
		usage:   "demo [flags]",
		env:     []string{"NO_COLOR"},
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			seed := fs.Int64("seed", 1, "simulator seed: the same seed gives the same tasks")
			_ = seed
			return func(ctx context.Context, io *stdio) error {
				return notBuilt("demo")
			}
		},
	}
}

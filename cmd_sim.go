package main

import (
	"context"
	"flag"
)

func simCommand() *command {
	return &command{
		name:    "sim",
		summary: "the simulator alone, for developing a webhook handler and for tests",
		usage:   "sim [--addr HOST:PORT] [--api-key KEY] [flags]",
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			fs.String("addr", "127.0.0.1:8080", "address to serve on (port 0 picks a free one)")
			fs.String("api-key", "sk_sim_local", "the one API key the simulator accepts")
			return func(ctx context.Context, io *stdio) error {
				return notBuilt("the simulator")
			}
		},
	}
}

package main

import (
	"context"
	"flag"
)

func listenCommand() *command {
	return &command{
		name:    "listen",
		summary: "a local webhook receiver that verifies signatures and explains failures",
		usage:   "listen [--addr HOST:PORT] [--secret whsec_...] [--forward-to URL] [--json]",
		env:     []string{envWebhookSecret, "NO_COLOR"},
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			var secrets stringList
			fs.String("addr", "127.0.0.1:8787", "address to listen on (loopback by default)")
			fs.Var(&secrets, "secret", "endpoint signing secret, whsec_... (repeat for rotation; default $"+envWebhookSecret+")")
			fs.String("forward-to", "", "after verifying, forward each delivery to this URL")
			fs.Bool("json", false, "print one JSON line per request instead of the inbox")
			return func(ctx context.Context, io *stdio) error {
				return notBuilt("listen")
			}
		},
	}
}

package main

import (
	"context"
	"flag"
)

func tailCommand() *command {
	return &command{
		name:    "tail",
		summary: "no screen: print each event as it arrives",
		usage:   "tail [--json] [flags]",
		env:     apiEnv,
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			o := apiFlags(fs)
			fs.Bool("json", false, "print each envelope as one JSON line, exactly as received")
			return func(ctx context.Context, io *stdio) error {
				cfg, err := loadConfig(*o, io.getenv)
				if err != nil {
					return err
				}
				if err := cfg.validateAPI(); err != nil {
					return err
				}
				return notBuilt("tail")
			}
		},
	}
}

package cmd

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/aspect-hq/aspect-tui/cmd/doctor"
)

// doctorCommand asks the API what it offers and says what the dashboard
// will do with it. It never creates, changes or sends anything.
func doctorCommand(io *stdio) *cobra.Command {
	var asJSON bool
	var o *overrides
	c := &cobra.Command{
		Use:   "doctor",
		Short: "what this API offers, read-only: every route, the stream, the key, the clock, and what the dashboard will do",
		Long: "Asks every route the app uses (a route that writes is asked with GET: 405 means it is there) and reports " +
			"whether it answered, its status and latency, whether its answer has the shape the app reads, the event stream's " +
			"content type and first event, the key, the clock skew, and what the dashboard will do. It finishes within 15 s " +
			"and exits 0 when the dashboard can run, 1 when it cannot. Attach `aspect-tui doctor --json` to a bug report.",
		RunE: func(c *cobra.Command, _ []string) error {
			return failed("doctor", runDoctor(c.Context(), io, *o, asJSON))
		},
	}
	o = apiFlags(c.Flags())
	eventsFlag(c.Flags(), o)
	c.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON, for a bug report (the key masked)")
	return reads(c, io.getenv, apiEnv, []string{"api_url", "api_key", "events_path"})
}

func runDoctor(ctx context.Context, io *stdio, o overrides, asJSON bool) error {
	cfg, err := loadConfig(o, io.getenv)
	if err != nil {
		return err
	}
	if err := cfg.validateAPI(); err != nil {
		return err
	}
	r, err := doctor.Run(ctx, doctor.Options{BaseURL: cfg.APIURL, APIKey: cfg.APIKey, EventsURL: cfg.EventsURL, UserAgent: "aspect-tui/" + appVersion()})
	if err != nil {
		return err
	}
	if asJSON {
		err = r.WriteJSON(io.out)
	} else {
		err = r.WriteTable(io.out)
	}
	if err != nil {
		return err
	}
	if !r.CanRun {
		return &exitError{code: exitFailed, err: errors.New("the dashboard cannot run against this API (see the report)")}
	}
	return nil
}

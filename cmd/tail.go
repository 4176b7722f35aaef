package cmd

import (
	"bufio"
	"context"
	"fmt"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/spf13/cobra"
)

func tailCommand(io *stdio) *cobra.Command {
	var asJSON bool
	var record, recordErrors string
	var o *overrides
	c := &cobra.Command{
		Use:   "tail",
		Short: "no screen: print each event as it arrives",
		RunE: func(c *cobra.Command, _ []string) error {
			if recordErrors != "stop" && recordErrors != "warn" {
				return usageError(c, fmt.Errorf("--record-errors is stop or warn, not %q", recordErrors))
			}
			return failed("tail", runTail(c.Context(), io, *o, asJSON, record, recordErrors == "warn"))
		},
	}
	o = apiFlags(c.Flags())
	feedFlags(c.Flags(), o)
	c.Flags().BoolVar(&asJSON, "json", false, "print each envelope as one JSON line, exactly as received (connection changes and skipped events go to stderr)")
	c.Flags().StringVar(&record, "record", "", "also append every event as received to `FILE`, in text/event-stream form, for replay")
	c.Flags().StringVar(&recordErrors, "record-errors", "stop", "when writing the --record file fails (a full disk): `stop` tail with an error, or warn once and go on without recording")
	return reads(c, io.getenv, apiEnv, []string{"api_url", "api_key", "stall_window", "poll_interval", "events_path"})
}

func runTail(ctx context.Context, io *stdio, o overrides, asJSON bool, record string, recordWarn bool) error {
	cfg, err := loadConfig(o, io.getenv)
	if err != nil {
		return err
	}
	if err := cfg.validateAPI(); err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(io.err, "warning:", w)
	}
	c, err := api.NewClient(cfg.APIURL, cfg.APIKey, api.WithUserAgent("aspect-tui/"+appVersion()))
	if err != nil {
		return err
	}
	// Reach the API before printing anything: a refused key or a
	// wrong URL is a plain error and a non-zero exit, not a retry
	// loop.
	active, err := c.ActiveTasks(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	var rec *recorder
	if record != "" {
		if rec, err = openRecorder(record, c.BaseURL()); err != nil {
			return err
		}
		rec.warn = recordWarn
	}
	noun := "active tasks"
	if len(active) == 1 {
		noun = "active task"
	}
	fmt.Fprintf(io.err, "connected to %s: %d %s; opening the event stream\n", c.BaseURL(), len(active), noun)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := feed.Start(ctx, c, feedOptions(cfg))
	if tailStarted != nil {
		tailStarted(f)
	}
	return feedCrash(tail(f, cancel, io, asJSON, rec), "tail", append([]string{cfg.APIKey}, cfg.WebhookSecrets...), io)
}

// tailStarted, when set, is given each feed tail starts: tests read how
// much it holds.
var tailStarted func(*feed.Feed)

// tail prints batches until the feed stops. Each event is printed once per
// event_id (replays after a reconnect are dropped by the store), in the
// order the stream delivered it. stop ends the feed early when the output
// cannot be written.
func tail(f *feed.Feed, stop context.CancelFunc, io *stdio, asJSON bool, rec *recorder) error {
	out := bufio.NewWriter(io.out)
	store := feed.NewStore(feed.StoreOptions{})
	status := connPrinter{w: io.err}
	var writeErr error
	polledOnce := false // the first poll is the snapshot, not changes
	for b := range f.Batches() {
		if writeErr != nil {
			continue // draining, so the feed can stop
		}
		if rec != nil {
			if err := rec.batch(&b); err != nil {
				if !rec.warn {
					// Said at once, as the error tail exits with.
					writeErr = fmt.Errorf("%w; tail stopped (--record-errors=warn goes on without recording)", err)
					stop()
					continue
				}
				fmt.Fprintf(io.err, "warning: %v; going on without recording\n", err)
				rec.close()
				rec = nil
			}
		}
		changes := store.ApplyBatch(&b)
		// A live state came before the batch's events (events arrive
		// only while live): say so first. Any other state ended them.
		liveFirst := b.Conn != nil && b.Conn.Phase == feed.PhaseLive
		if liveFirst {
			status.print(*b.Conn)
		}
		byEvent := map[string]bool{}
		for i := range b.Events {
			if changes.Outcomes[i] == feed.Duplicate {
				continue
			}
			if t := b.Events[i].Env.Data.Task; t != nil {
				byEvent[t.ID] = true
			}
			if asJSON {
				out.Write(ndjsonLine(b.Events[i].Raw))
				out.WriteByte('\n')
			} else {
				out.WriteString(plainEvent(&b.Events[i], changes.Outcomes[i]))
			}
		}
		if b.Poll != nil {
			// Without a stream, what a poll found changed is printed in
			// the events' place, marked as polled.
			for _, id := range changes.Updated {
				t, ok := store.Task(id)
				if !polledOnce || byEvent[id] || !ok {
					continue
				}
				if asJSON {
					out.Write(polledLine(t))
				} else {
					out.WriteString(plainPolled(t))
				}
			}
			polledOnce = true
		}
		if err := out.Flush(); err != nil {
			writeErr = fmt.Errorf("writing output: %w", err)
			stop()
			continue
		}
		for _, s := range b.Skips {
			fmt.Fprintf(io.err, "skipped event %s (%s, %d bytes): %s\n", orDefault(s.ID, "without id"), orDefault(s.Type, "no type"), s.Size, s.Reason)
		}
		if b.Conn != nil && !liveFirst {
			status.print(*b.Conn)
		}
	}
	err := f.Wait()
	if rec != nil {
		if recErr := rec.close(); recErr != nil && writeErr == nil {
			writeErr = recErr
		}
	}
	if writeErr != nil {
		return writeErr
	}
	return err
}

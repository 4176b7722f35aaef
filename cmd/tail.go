package cmd

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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
	names := tailNames(ctx, c, asJSON)
	defer names.stop()
	return feedCrash(tail(f, cancel, io, asJSON, rec, names), "tail", append([]string{cfg.APIKey}, cfg.WebhookSecrets...), io)
}

// tailStarted, when set, is given each feed tail starts: tests read how
// much it holds.
var tailStarted func(*feed.Feed)

// tail prints batches until the feed stops. Each event is printed once per
// event_id (replays after a reconnect are dropped by the store), in the
// order the stream delivered it. stop ends the feed early when the output
// cannot be written.
func tail(f *feed.Feed, stop context.CancelFunc, io *stdio, asJSON bool, rec *recorder, names *assetNames) error {
	out := bufio.NewWriter(io.out)
	store := feed.NewStore(feed.StoreOptions{})
	status := connPrinter{w: io.err}
	var writeErr error
	polledOnce := false // the first poll is the snapshot, not changes
	gaps := gapFinder{}
	lastPrinted := "" // the last event printed, for a gap's "after"
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
		if b.Resync != nil {
			gaps.resync(store, b.Resync)
		}
		changes := store.ApplyBatch(&b)
		if b.Resync != nil {
			gaps.missing(store, changes.Missing)
		}
		// A live state came before the batch's events (events arrive
		// only while live): say so first. Any other state ended them.
		liveFirst := b.Conn != nil && b.Conn.Phase == feed.PhaseLive
		if liveFirst {
			status.print(*b.Conn)
		}
		byEvent := map[string]bool{}
		for i := range b.Events {
			if missed := gaps.event(&b.Events[i]); missed != nil {
				fmt.Fprintln(io.err, gapNote(missed, lastPrinted))
				if asJSON {
					out.Write(gapLine(missed, lastPrinted))
				}
			}
			if changes.Outcomes[i] == feed.Duplicate {
				continue
			}
			lastPrinted = b.Events[i].ID
			if t := b.Events[i].Env.Data.Task; t != nil {
				byEvent[t.ID] = true
			}
			if asJSON {
				out.Write(ndjsonLine(b.Events[i].Raw))
				out.WriteByte('\n')
			} else {
				out.WriteString(plainEvent(&b.Events[i], changes.Outcomes[i], names.name))
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
		for _, line := range names.drain() {
			fmt.Fprintln(io.err, "asset names: "+line)
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

// gapFinder tells when the stream resumed past events the server no longer
// held. After a reconnect, the snapshot (taken once the stream is open)
// shows what changed while tail was away; the server's replay after
// Last-Event-ID must bring, for each task the snapshot moved, the event that
// moved it, and it comes before any event newer than the snapshot. So once
// an event goes past the snapshot, the tasks still unexplained changed
// without an event tail saw: a gap. How many events that was is not known.
type gapFinder struct {
	synced bool                 // the first snapshot is the start, not a gap
	snap   map[string]time.Time // each snapshot task's `updated`
	open   map[string]unseen    // moved by the snapshot, no event yet
}

// unseen is a task a snapshot moved: the event that moved it is due.
type unseen struct {
	task api.Task // as the snapshot shows it, or as last known if it left the list
	left bool     // the snapshot no longer lists it: any event for it explains it
}

// resync notes, before the store applies it, what a snapshot moved.
func (g *gapFinder) resync(store *feed.Store, tasks []api.Task) {
	first := !g.synced
	g.synced = true
	g.snap, g.open = nil, nil
	if first {
		return
	}
	g.snap, g.open = map[string]time.Time{}, map[string]unseen{}
	for _, t := range tasks {
		g.snap[t.ID] = t.Updated.Time
		if had, ok := store.Task(t.ID); !ok || t.Updated.After(had.Updated.Time) {
			g.open[t.ID] = unseen{task: t}
		}
	}
}

// missing adds the tasks the snapshot no longer lists: any event for one
// explains it.
func (g *gapFinder) missing(store *feed.Store, ids []string) {
	if g.open == nil {
		return
	}
	for _, id := range ids {
		t, ok := store.Task(id)
		if !ok {
			t = api.Task{ID: id}
		}
		g.open[id] = unseen{task: t, left: true}
	}
}

// event returns the tasks that changed unseen, once an event shows the
// stream has gone past the snapshot with some left unexplained.
func (g *gapFinder) event(e *feed.Event) []api.Task {
	t := e.Env.Data.Task
	if g.open == nil || t == nil {
		return nil
	}
	if o, ok := g.open[t.ID]; ok && (o.left || t.Updated.Equal(o.task.Updated.Time)) {
		delete(g.open, t.ID)
	}
	if at, ok := g.snap[t.ID]; !ok || !t.Updated.After(at) {
		return nil // still before the snapshot
	}
	missed := make([]api.Task, 0, len(g.open))
	for _, o := range g.open {
		missed = append(missed, o.task)
	}
	slices.SortFunc(missed, func(a, b api.Task) int { return strings.Compare(a.ID, b.ID) })
	g.snap, g.open = nil, nil
	if len(missed) == 0 {
		return nil
	}
	return missed
}

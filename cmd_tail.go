package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

func tailCommand() *command {
	return &command{
		name:    "tail",
		summary: "no screen: print each event as it arrives",
		usage:   "tail [--json] [--record FILE] [flags]",
		env:     apiEnv,
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			o := apiFlags(fs)
			asJSON := fs.Bool("json", false, "print each envelope as one JSON line, exactly as received (connection changes and skipped events go to stderr)")
			record := fs.String("record", "", "also append every event as received to `FILE`, in text/event-stream form, for replay")
			return func(ctx context.Context, io *stdio) error {
				cfg, err := loadConfig(*o, io.getenv)
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
				if *record != "" {
					if rec, err = openRecorder(*record, c.BaseURL()); err != nil {
						return err
					}
				}
				noun := "active tasks"
				if len(active) == 1 {
					noun = "active task"
				}
				fmt.Fprintf(io.err, "connected to %s: %d %s; opening the event stream\n", c.BaseURL(), len(active), noun)
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				f := feed.Start(ctx, c, feed.Options{StallWindow: cfg.StallWindow})
				return feedCrash(tail(f, cancel, io, *asJSON, rec), "tail", append([]string{cfg.APIKey}, cfg.WebhookSecrets...), io)
			}
		},
	}
}

// tail prints batches until the feed stops. Each event is printed once per
// event_id (replays after a reconnect are dropped by the store), in the
// order the stream delivered it. stop ends the feed early when the output
// cannot be written.
func tail(f *feed.Feed, stop context.CancelFunc, io *stdio, asJSON bool, rec *recorder) error {
	out := bufio.NewWriter(io.out)
	store := feed.NewStore(feed.StoreOptions{})
	status := connPrinter{w: io.err}
	var writeErr error
	for b := range f.Batches() {
		if writeErr != nil {
			continue // draining, so the feed can stop
		}
		if rec != nil {
			rec.batch(&b)
		}
		changes := store.ApplyBatch(&b)
		// A live state came before the batch's events (events arrive
		// only while live): say so first. Any other state ended them.
		liveFirst := b.Conn != nil && b.Conn.Phase == feed.PhaseLive
		if liveFirst {
			status.print(*b.Conn)
		}
		for i := range b.Events {
			if changes.Outcomes[i] == feed.Duplicate {
				continue
			}
			if asJSON {
				out.Write(ndjsonLine(b.Events[i].Raw))
				out.WriteByte('\n')
			} else {
				out.WriteString(plainEvent(&b.Events[i], changes.Outcomes[i]))
			}
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
		if recErr := rec.close(); recErr != nil {
			fmt.Fprintf(io.err, "warning: recording incomplete: %v\n", recErr)
		}
	}
	if writeErr != nil {
		return writeErr
	}
	return err
}

// connPrinter says on stderr when the connection is lost and found again.
// A refused key is the command's error, printed by main.
type connPrinter struct {
	w          io.Writer
	reconnects int
	live       bool // the stream has been open once
}

func (p *connPrinter) print(s feed.ConnState) {
	switch s.Phase {
	case feed.PhaseLive:
		if !p.live {
			// Said only once the stream is open: an event sent before
			// that is not printed.
			p.live = true
			fmt.Fprintln(p.w, "streaming events (Ctrl-C stops)")
		}
		// A drop and its recovery may fall within one batch, which then
		// carries only the live state: the tally tells.
		if s.Reconnects > p.reconnects {
			fmt.Fprintf(p.w, "live again (the stream was lost %d time(s) so far; last: %s)\n", s.Reconnects, s.LastDrop)
		}
		p.reconnects = s.Reconnects
	case feed.PhaseReconnecting:
		wait := s.NextTry.Sub(s.Since).Round(10 * time.Millisecond)
		fmt.Fprintf(p.w, "reconnecting in %s (attempt %d): %s\n", wait, s.Attempt, s.Reason)
	}
}

// plainEvent is one readable line: when, what, which task, its features.
func plainEvent(e *feed.Event, o feed.Outcome) string {
	var b strings.Builder
	at := e.Env.Timestamp.Time
	if at.IsZero() {
		at = e.Received
	}
	typ := e.Env.EventType
	if typ == "" {
		typ = e.Type
	}
	fmt.Fprintf(&b, "%s  %-15s", at.Local().Format("15:04:05.000"), api.Clip(typ, 40))
	t := e.Env.Data.Task
	switch {
	case o == feed.UnknownType:
		fmt.Fprintf(&b, "  %s  (an event type this version does not know; not applied)", api.Clip(e.Env.EventID, 40))
	case t == nil:
		fmt.Fprintf(&b, "  %s  (no task in the event)", api.Clip(e.Env.EventID, 40))
	default:
		fmt.Fprintf(&b, "  %s", api.Clip(t.ID, 40))
		for _, name := range t.FeatureOrder() {
			fmt.Fprintf(&b, "  %s:%s", api.Clip(name, 24), api.Clip(string(t.Features[name].State), 24))
		}
		if o == feed.Stale {
			b.WriteString("  (older than what is known; not applied)")
		}
	}
	b.WriteByte('\n')
	return b.String()
}

// ndjsonLine is an event's data for one line of NDJSON: exactly as received
// except that the line breaks between `data:` lines become spaces, and
// characters that could drive a terminal (C1 controls, DEL, bidirectional
// overrides) or are not UTF-8 are written as \u escapes. In valid JSON such
// characters can only sit inside strings, where the escape means the same.
func ndjsonLine(raw []byte) []byte {
	plain := true
	for _, c := range raw {
		if c < 0x20 || c >= 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return raw
	}
	out := make([]byte, 0, len(raw)+16)
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\n' || c == '\r':
			out = append(out, ' ')
			i++
			continue
		case c == 0x7f:
			out = append(out, `\u007f`...)
			i++
			continue
		case c < 0x80:
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			out = append(out, `\ufffd`...)
		case r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c:
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, raw[i:i+size]...)
		}
		i += size
	}
	return out
}

// recorder appends every event as received, duplicates and unreadable ones
// included, in text/event-stream form: serving the file as a stream replays
// the session.
type recorder struct {
	f   *os.File
	w   *bufio.Writer
	err error
}

func openRecorder(path, from string) (*recorder, error) {
	// The events hold the account's task and user ids: readable by the
	// user only.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--record: %w", err)
	}
	r := &recorder{f: f, w: bufio.NewWriter(f)}
	fmt.Fprintf(r.w, ": recorded by aspect-tui tail from %s at %s\n\n", from, time.Now().UTC().Format(time.RFC3339))
	return r, r.flush()
}

func (r *recorder) batch(b *feed.Batch) {
	if r.err != nil {
		return
	}
	for i := range b.Events {
		r.event(b.Events[i].ID, b.Events[i].Type, b.Events[i].Raw)
	}
	for _, s := range b.Skips {
		if s.Raw != nil {
			r.event(s.ID, s.Type, s.Raw)
		} else {
			fmt.Fprintf(r.w, ": skipped %s (%s): %s\n\n", oneLine(s.ID), oneLine(s.Type), oneLine(s.Reason))
		}
	}
	r.err = r.flush()
}

func (r *recorder) event(id, typ string, data []byte) {
	if id != "" {
		fmt.Fprintf(r.w, "id: %s\n", oneLine(id))
	}
	if typ != "" {
		fmt.Fprintf(r.w, "event: %s\n", oneLine(typ))
	}
	for _, line := range strings.Split(string(data), "\n") {
		r.w.WriteString("data: ")
		r.w.WriteString(line)
		r.w.WriteByte('\n')
	}
	r.w.WriteByte('\n')
}

// oneLine keeps a field on its line: the parser has already split lines,
// but a recorded id or reason must not break the file's framing.
func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

func (r *recorder) flush() error {
	if err := r.w.Flush(); err != nil {
		return fmt.Errorf("--record %s: %w", r.f.Name(), err)
	}
	return nil
}

// close flushes and closes the file, and returns the first error the
// recording met.
func (r *recorder) close() error {
	err := errors.Join(r.flush(), r.f.Close())
	if r.err != nil {
		return r.err
	}
	return err
}

package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/feed"
)

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

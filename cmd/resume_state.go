package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui"
)

// markState keeps, per API URL, the last event the dashboard applied, so
// that the next start resumes the stream after it. It holds event ids and
// times only, never a secret, in $XDG_STATE_HOME/aspect-tui/resume.json
// (mode 0600). The dashboard hands it every batch's mark; it writes at
// most once per markEvery, and once more when the dashboard ends.
type markState struct {
	path string
	api  string

	mu      sync.Mutex
	cur     feed.Mark
	written feed.Mark
}

// markEvery spaces the writes of the mark: a storm of events must not
// become a storm of file writes. A crash loses at most this much, which
// the next start then sees again (the store drops what it holds twice).
// Each write reads the file, writes a new one and renames it, 2 ms of CPU
// here: every 2 s that was 6% of the dashboard's CPU at 10 events a
// second.
const markEvery = 10 * time.Second

func newMarkState(getenv func(string) string, apiURL string) *markState {
	return &markState{path: statePath(getenv, "resume.json"), api: apiURL}
}

// markFile is the file's shape: API URL → the last event applied there.
type markFile map[string]feed.Mark

func (s *markState) read() markFile {
	out := markFile{}
	if s.path == "" {
		return out
	}
	b, err := os.ReadFile(s.path)
	if err != nil || json.Unmarshal(b, &out) != nil {
		return markFile{} // missing or damaged: start fresh, not fatal
	}
	return out
}

// Last is where the previous session against this API left off; a zero
// Mark when there was none.
func (s *markState) Last() feed.Mark {
	m := s.read()[s.api]
	s.mu.Lock()
	s.written = m
	s.mu.Unlock()
	return m
}

// Note records the mark; cheap, for every batch.
func (s *markState) Note(m feed.Mark) {
	s.mu.Lock()
	s.cur = m
	s.mu.Unlock()
}

// Flush writes the mark if it moved since the last write.
func (s *markState) Flush() error {
	if s.path == "" {
		return errors.New("no state directory: set XDG_STATE_HOME or HOME")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.ID == "" || s.cur.ID == s.written.ID {
		return nil
	}
	all := s.read()
	all[s.api] = s.cur
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	if err := writeState(s.path, b); err != nil {
		return err
	}
	s.written = s.cur
	return nil
}

// keep writes the mark every markEvery until the func it returns is
// called, which writes it once more. A state directory that cannot be
// written costs only the resume of the next session: the dashboard works
// now. A nil markState keeps nothing.
func (s *markState) keep(ctx context.Context) (stop func()) {
	if s == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(markEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = s.Flush()
			}
		}
	}()
	return func() {
		cancel()
		<-done
		_ = s.Flush()
	}
}

// resume sets the dashboard up to pick up where the last session against
// this API left off (unless --fresh) and to keep its own mark for the
// next. The demo keeps nothing: its simulator is gone when it ends.
func (d dashboardRun) resume(getenv func(string) string, fo *feed.Options, opts *ui.Options) *markState {
	if d.noState {
		return nil
	}
	s := newMarkState(getenv, d.client.BaseURL())
	if !d.cfg.Fresh {
		fo.Resume = s.Last()
	}
	opts.Marked = s.Note
	return s
}

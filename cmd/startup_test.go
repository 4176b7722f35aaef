package cmd

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/sim"
)

// TestFirstFrameShowsTheTasks: the first screen the dashboard draws already
// holds the task rows, laid out for the window, rather than an empty grid
// that fills a frame later.
func TestFirstFrameShowsTheTasks(t *testing.T) {
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 1, Backlog: 30})
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	testScreen.w, testScreen.h = 160, 45
	t.Cleanup(func() { testScreen.w, testScreen.h = 0, 0 })
	client, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	out := &firstScreen{screen: clitest.NewScreen(t, 160, 45, clitest.NotATTY), drawn: make(chan string, 1)}
	keys, typing := io.Pipe()
	defer typing.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- runDashboard(ctx, &stdio{in: keys, out: out, err: io.Discard, getenv: func(string) string { return "" }},
			dashboardRun{client: client, cfg: config{}, noState: true})
	}()
	var first string
	select {
	case first = <-out.drawn:
	case err := <-done:
		t.Fatalf("the dashboard ended before drawing: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("nothing drawn within a minute")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !taskRow.MatchString(first) {
		t.Fatalf("the first frame shows no task row:\n%s", first)
	}
	if lines := strings.Split(strings.TrimRight(first, "\n "), "\n"); len(lines) < 40 {
		t.Fatalf("the first frame is not laid out for the 45-line window (%d lines):\n%s", len(lines), first)
	}
}

// firstScreen keeps the screen as it stood after the first frame: the
// write that enters the alt screen (queries to the terminal may come
// before it).
type firstScreen struct {
	mu     sync.Mutex
	screen *clitest.Screen
	done   bool
	drawn  chan string
}

func (w *firstScreen) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.screen.Write(p)
	if !w.done && strings.Contains(string(p), ansi.SetModeAltScreenSaveCursor) {
		w.done = true
		w.drawn <- w.screen.Text()
	}
	return n, err
}

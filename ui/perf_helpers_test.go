package ui

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
	"github.com/aspect-hq/aspect-tui/ui/render"
)

// terminal stands in for the user's terminal in the tests and benchmarks
// that run the dashboard in a real Bubble Tea program: it counts what the
// program writes. Bubble Tea's renderer writes each frame with one Write
// (it builds the frame in a buffer and copies it out), so each write is a
// frame. With a screen, each frame is also drawn on it and what the screen
// then shows is kept.
type terminal struct {
	mu      sync.Mutex
	screen  *uitest.Screen
	screens []string // the screen after each frame, with a screen
	total   int
	wrote   chan struct{} // a token after each write
	frames  int
}

func newTerminal(screen *uitest.Screen) *terminal {
	return &terminal{screen: screen, wrote: make(chan struct{}, 1)}
}

func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.frames++
	t.total += len(p)
	if t.screen != nil {
		t.screen.Write(p)
		t.screens = append(t.screens, t.screen.Text())
	}
	t.mu.Unlock()
	select {
	case t.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

// count is how many frames were written so far, and how many bytes.
func (t *terminal) count() (frames, total int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.frames, t.total
}

// shown is what the screen showed after the i-th frame (with a screen).
func (t *terminal) shown(i int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i < len(t.screens) {
		return t.screens[i]
	}
	return ""
}

// waitFrames waits until at least n frames were written; false if that
// did not happen within the time given.
func (t *terminal) waitFrames(n int, within time.Duration) bool {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		if f, _ := t.count(); f >= n {
			return true
		}
		select {
		case <-t.wrote:
		case <-deadline.C:
			return false
		}
	}
}

// runProgram runs model as cmd runs the dashboard (render.Run, frames
// drawn when the view changes), drawing to out as a 160×45 true-colour
// terminal would show it, without a keyboard. Ctrl+C (SIGINT) still ends
// the program, which ends a long soak cleanly. filter, if given, sees each
// message first (tea.WithFilter). The program is stopped when the test
// ends; the returned channel yields Run's result.
func runProgram(tb testing.TB, model tea.Model, out io.Writer, filter ...func(tea.Model, tea.Msg) tea.Msg) (*tea.Program, <-chan error) {
	tb.Helper()
	tc := colorprofile.TrueColor
	o := render.RunOptions{
		In:      render.NoInput,
		Out:     out,
		Env:     []string{"TERM=xterm-256color"},
		Profile: &tc,
		Every:   FrameInterval, // as cmd runs it
		Width:   160,
		Height:  45,
	}
	if len(filter) > 0 {
		o.Filter = filter[0]
	}
	started := make(chan *tea.Program, 1)
	o.OnStart = func(p *tea.Program) { started <- p }
	done := make(chan error, 1)
	go func() {
		_, err := render.Run(context.Background(), model, o)
		done <- err
	}()
	var p *tea.Program
	select {
	case p = <-started:
	case err := <-done:
		tb.Fatalf("the program did not start: %v", err)
	}
	result := make(chan error, 1)
	stopped := make(chan struct{})
	go func() {
		err := <-done
		result <- err
		close(stopped)
	}()
	tb.Cleanup(func() {
		p.Quit()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			tb.Error("the program did not stop")
		}
	})
	return p, result
}

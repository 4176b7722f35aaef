package clitest

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/vt"
)

// Screen is a terminal of a fixed size that a program's output is written
// into: Text and Lines read back what it shows now.
type Screen struct {
	mu      sync.Mutex
	emu     *vt.Emulator
	onlcr   bool
	watches []func(string)
}

// Option changes how a Screen reads what it is given.
type Option func(*Screen)

// NotATTY is for a program writing straight into the test, not through a
// pseudo-terminal: Bubble Tea then leaves the output as a cooked tty
// would have it and ends lines with a bare \n, counting on the tty's
// output processing (ONLCR) to add the carriage return. The screen adds
// it, as the tty would. Bytes read off a pty need no option: the line
// discipline has already done it.
func NotATTY(s *Screen) { s.onlcr = true }

// NewScreen is a w×h terminal, closed when the test ends. Its answers to
// the program's queries (cursor position, colours) are dropped: the
// program's input is the test's keys.
func NewScreen(t testing.TB, w, h int, opts ...Option) *Screen {
	s := &Screen{emu: vt.NewEmulator(w, h)}
	for _, o := range opts {
		o(s)
	}
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		io.Copy(io.Discard, s.emu)
	}()
	t.Cleanup(func() {
		s.mu.Lock()
		// Closing the answers' pipe ends the drain; the emulator's own
		// Close would race with the read in progress.
		s.emu.InputPipe().(*io.PipeWriter).Close()
		s.mu.Unlock()
		<-drained
	})
	return s
}

// Write feeds the program's output to the terminal, then shows the screen
// to every watch.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(p)
	if s.onlcr {
		p = bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))
	}
	_, err := s.emu.Write(p)
	if len(s.watches) > 0 {
		text := s.text()
		for _, w := range s.watches {
			w(text)
		}
	}
	return n, err
}

// Watch calls f with the screen's text after every write from now on, so
// a test can check that something never shows, not only that it does not
// show at the end. f runs with the screen locked: it must not call s.
func (s *Screen) Watch(f func(text string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watches = append(s.watches, f)
}

// Text is what the screen shows, one line per row, trailing blanks cut.
func (s *Screen) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.text()
}

func (s *Screen) text() string {
	rows := strings.Split(s.emu.String(), "\n")
	for i, r := range rows {
		rows[i] = strings.TrimRight(r, " ")
	}
	return strings.TrimRight(strings.Join(rows, "\n"), "\n")
}

// Lines is Text split into rows.
func (s *Screen) Lines() []string { return strings.Split(s.Text(), "\n") }

// Contains reports whether the screen shows sub on one of its rows.
func (s *Screen) Contains(sub string) bool { return strings.Contains(s.Text(), sub) }

// WaitFor waits until the screen shows sub, failing the test with the
// screen as it was after Patience or once stopped (the program exited).
func (s *Screen) WaitFor(t testing.TB, sub string, stopped <-chan struct{}) {
	t.Helper()
	Wait(t, "the screen to show "+quote(sub), func() bool { return s.Contains(sub) }, stopped, func() string { return "the screen:\n" + s.Text() })
}

// WaitUntil waits until cond holds for the screen's text.
func (s *Screen) WaitUntil(t testing.TB, what string, cond func(text string) bool, stopped <-chan struct{}) {
	t.Helper()
	Wait(t, what, func() bool { return cond(s.Text()) }, stopped, func() string { return "the screen:\n" + s.Text() })
}

func quote(s string) string { return "\"" + s + "\"" }

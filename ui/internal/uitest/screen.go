package uitest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// Screen is a terminal: a program's output written to it (it is an
// io.Writer, for tea.WithOutput) or a model's View drawn on it (Draw) is
// read back as the cells a user would see. It is safe to write from the
// program's goroutine while the test reads.
type Screen struct {
	mu      sync.Mutex
	em      *vt.Emulator
	wrote   chan struct{} // a token after each write
	stopped atomic.Bool
	answers atomic.Value // of writer: where the terminal's answers go
	onlcr   bool
}

// Option changes how a Screen reads what it is given.
type Option func(*Screen)

// NotATTY is for a program whose output is written straight into the
// screen (tea.WithOutput), not through a pseudo-terminal: Bubble Tea then
// ends lines with a bare \n, counting on the tty's output processing
// (ONLCR) to add the carriage return. The screen adds it, as the tty
// would; without it each line after the first starts where the one above
// ended.
func NotATTY(s *Screen) { s.onlcr = true }

type writer struct{ io.Writer }

// AnswerTo sends what the terminal answers to a program's queries (its
// modes, such as the grapheme widths of mode 2027) to w, a program's
// input, as a real terminal would. Without it the answers are dropped and
// the program keeps its defaults: text whose width differs between the
// two ways of counting then lands in other cells than the program thinks.
func (s *Screen) AnswerTo(w io.Writer) { s.answers.Store(writer{w}) }

// NewScreen is a w×h terminal, closed when the test ends.
func NewScreen(tb testing.TB, w, h int, opts ...Option) *Screen {
	s := &Screen{em: vt.NewEmulator(w, h), wrote: make(chan struct{}, 1)}
	for _, o := range opts {
		o(s)
	}
	// The emulator answers queries (modes, sizes) into its input: drain it
	// or a program's query would block the write that asked.
	go func() {
		buf := make([]byte, 256)
		for {
			// Not under mu: a Write holding it may be waiting for this
			// read.
			n, _ := s.em.Read(buf)
			if s.stopped.Load() {
				return
			}
			if w, ok := s.answers.Load().(writer); ok && n > 0 {
				w.Write(buf[:n])
			}
		}
	}()
	tb.Cleanup(s.close)
	return s
}

func (s *Screen) close() {
	if s.stopped.Swap(true) {
		return
	}
	s.em.InputPipe().Write([]byte{0}) // wakes the drain to see it stopped
}

// Write feeds the terminal what a program wrote.
func (s *Screen) Write(p []byte) (int, error) {
	n := len(p)
	if s.onlcr {
		p = bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))
	}
	s.mu.Lock()
	_, err := s.em.Write(p)
	s.mu.Unlock()
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return n, err
}

// Draw shows content (a View's Content: lines joined by "\n", styled)
// on a cleared screen, each line from the left edge of its row, as the
// renderer would place it.
func (s *Screen) Draw(content string) {
	var b strings.Builder
	b.WriteString("\x1b[m\x1b[H\x1b[2J")
	for i, l := range strings.Split(content, "\n") {
		fmt.Fprintf(&b, "\x1b[%d;1H%s\x1b[m", i+1, l)
	}
	s.Write([]byte(b.String()))
}

// Resize changes the terminal's size, as a window resize does.
func (s *Screen) Resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.em.Width() != w || s.em.Height() != h {
		s.em.Resize(w, h)
	}
}

// Lines are the screen's rows as text, each as wide as the screen (a wide
// glyph counts once), without colours or attributes.
func (s *Screen) Lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, h := s.em.Width(), s.em.Height()
	out := make([]string, h)
	var b strings.Builder
	for y := range h {
		b.Reset()
		for x := 0; x < w; x++ {
			c := s.em.CellAt(x, y)
			switch {
			case c == nil:
				b.WriteByte(' ')
			case c.Width == 0 && c.Content == "":
				// The second column of a wide glyph.
			case c.Content == "":
				b.WriteByte(' ')
			default:
				b.WriteString(c.Content)
			}
		}
		out[y] = b.String()
	}
	return out
}

// Text is the screen's rows joined by newlines.
func (s *Screen) Text() string { return strings.Join(s.Lines(), "\n") }

// Find is the column and row of the first cell of sub on screen, counted
// in cells; ok is false when sub is not on screen. sub must lie within a
// row.
func (s *Screen) Find(sub string) (x, y int, ok bool) {
	for y, l := range s.Lines() {
		if i := strings.Index(l, sub); i >= 0 {
			return ansi.StringWidth(l[:i]), y, true
		}
	}
	return 0, 0, false
}

// Style is the style of the cell at x, y (its colours and attributes).
func (s *Screen) Style(x, y int) uv.Style {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.em.CellAt(x, y); c != nil {
		return c.Style
	}
	return uv.Style{}
}

// WaitFor waits until every want is on screen at once, or fails the test
// after within, showing the screen.
func (s *Screen) WaitFor(tb testing.TB, within time.Duration, want ...string) {
	tb.Helper()
	s.WaitUntil(tb, within, fmt.Sprintf("%q", want), func(text string) bool { return containsAll(text, want) })
}

// WaitUntil waits until cond holds for the screen's text, or fails the
// test after within, showing the screen.
func (s *Screen) WaitUntil(tb testing.TB, within time.Duration, what string, cond func(text string) bool) {
	tb.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		if cond(s.Text()) {
			return
		}
		select {
		case <-s.wrote:
		case <-time.After(50 * time.Millisecond):
		case <-deadline.C:
			tb.Fatalf("waited %s for %s; the screen:\n%s", within, what, s.Text())
		}
	}
}

func containsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// Package render draws a Bubble Tea program's views to a terminal when
// they change, and only then.
//
// Bubble Tea v2's own renderer flushes on a ticker: at 30 frames a second
// it wakes the process 30 times a second whether or not anything changed
// (0.5–0.65% of a core on the 2-vCPU machine the README names, which is
// the whole of the dashboard's idle budget), a change waits up to a frame
// for the next tick, and every frame parses the whole screen's text again.
// This renderer does the same drawing with the same library (ultraviolet's
// TerminalRenderer, the cell diff Bubble Tea uses), but
//
//   - it is woken by a new view, not a clock: with nothing changing it
//     costs nothing;
//   - a view that comes after a quiet spell is drawn at once, and views
//     that come faster are drawn at most once per frame interval, the
//     newest winning;
//   - only the lines whose text changed are parsed into cells and diffed.
//
// Run (run.go) runs a program with it. The program itself is built
// WithoutRenderer, so terminal modes (raw input, alt screen, mouse,
// bracketed paste, keyboard enhancements, window title) are set here, as
// Bubble Tea's cursed renderer sets them. What the dashboard's views do
// not use (a visible cursor, terminal colours, progress bars) is left out.
package render

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// Renderer turns views into the bytes that update a terminal's screen.
// Show may be called from any goroutine; drawing happens on the
// renderer's own.
type Renderer struct {
	w     io.Writer
	every time.Duration // the least time between two frames

	mu      sync.Mutex
	scr     *uv.TerminalRenderer
	buf     bytes.Buffer // what scr writes; copied to w once a frame
	cells   uv.ScreenBuffer
	lines   []string // the text of each line as drawn into cells
	width   int
	height  int
	next    tea.View // the newest view
	pending bool     // next has not been drawn
	shown   *tea.View
	syncd   bool // the terminal takes synchronized output (mode 2026)
	input   bool // keys are read: keyboard enhancements are asked for
	mapNL   bool
	env     []string
	profile colorprofile.Profile
	last    time.Time // when the last frame was written
	err     error     // the first write that failed
	closed  bool

	wake    chan struct{}
	done    chan struct{}
	stopped chan struct{}

	// OnFrame, when set before the first Show, is called after each
	// frame is written, with the time the write began and its size (for
	// benchmarks). It must not block, nor call the renderer.
	OnFrame func(start time.Time, n int)
}

// Options configure a Renderer.
type Options struct {
	Width, Height int
	// Every is the least time between two frames (default 1/30 s).
	Every time.Duration
	// Env is the program's environment ($TERM).
	Env []string
	// Profile is the terminal's colour profile.
	Profile colorprofile.Profile
	// Input is true when the program reads keys from a terminal; it asks
	// for keyboard enhancements, as Bubble Tea does.
	Input bool
	// Raw is true when the terminal is in raw mode (a newline does not
	// return the carriage).
	Raw bool
}

// New returns a renderer writing to w; it draws nothing until Show.
func New(w io.Writer, o Options) *Renderer {
	if o.Every <= 0 {
		o.Every = time.Second / 30
	}
	r := &Renderer{
		w: w, every: o.Every, width: o.Width, height: o.Height,
		input: o.Input, mapNL: !o.Raw && runtime.GOOS != "windows",
		wake: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{}),
	}
	r.env, r.profile = o.Env, o.Profile
	r.cells = uv.NewScreenBuffer(o.Width, o.Height)
	r.newScreen()
	go r.loop()
	return r
}

// newScreen starts the terminal's model afresh, in inline mode as Bubble
// Tea's does; the first frame enters the alt screen. r.mu is held (or r
// is new).
func (r *Renderer) newScreen() {
	r.scr = uv.NewTerminalRenderer(&r.buf, r.env)
	r.scr.SetColorProfile(r.profile)
	r.scr.SetRelativeCursor(true)
	r.scr.SetFullscreen(false)
	r.scr.SetTabStops(-1)
	r.scr.SetMapNewline(r.mapNL)
	// Bubble Tea leaves scrolling optimisations off on Windows, where some
	// terminals get them wrong.
	r.scr.SetScrollOptim(runtime.GOOS != "windows")
	r.scr.Resize(r.width, r.height)
}

// Show hands the renderer the program's newest view. A view equal to the
// one last drawn costs a comparison; a new one is drawn by the renderer's
// goroutine at once if the last frame is at least a frame interval old,
// else when it is, so the program's loop goes on to its next message
// while the frame is drawn.
func (r *Renderer) Show(v tea.View) {
	r.mu.Lock()
	if r.closed || (!r.pending && r.shown != nil && sameView(r.shown, &v)) {
		r.mu.Unlock()
		return
	}
	r.next, r.pending = v, true
	r.mu.Unlock()
	r.poke()
}

// Flush draws the newest view now, if it has not been drawn, whatever the
// time since the last frame.
func (r *Renderer) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frame(false)
}

// Resize sets the screen's size; the next frame repaints it all.
func (r *Renderer) Resize(width, height int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.width, r.height = width, height
	r.scr.Erase()
	r.scr.Resize(width, height)
	r.cells.Resize(width, height)
	r.lines = nil
	if r.shown != nil && !r.pending {
		r.next, r.pending = *r.shown, true
	}
	r.poke()
}

func (r *Renderer) size() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.width, r.height
}

// SetColorProfile sets how colours are written.
func (r *Renderer) SetColorProfile(p colorprofile.Profile) {
	r.mu.Lock()
	r.profile = p
	r.scr.SetColorProfile(p)
	r.mu.Unlock()
}

// SetSynchronized turns synchronized output (mode 2026) on: each frame is
// written between its begin and end marks, so the terminal shows it whole.
func (r *Renderer) SetSynchronized(on bool) {
	r.mu.Lock()
	r.syncd = on
	r.mu.Unlock()
}

// SetGraphemeWidth measures text by grapheme clusters (mode 2027), for a
// terminal that said it does.
func (r *Renderer) SetGraphemeWidth() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cells.Method == ansi.GraphemeWidth {
		return
	}
	_, _ = r.scr.WriteString(ansi.SetModeUnicodeCore)
	r.cells.Method = ansi.GraphemeWidth
	r.lines = nil // re-measure every line
	if r.shown != nil && !r.pending {
		r.next, r.pending = *r.shown, true
	}
	r.poke()
}

// Raw writes s to the terminal now, between frames (a notification, the
// clipboard, a query).
func (r *Renderer) Raw(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := io.WriteString(r.w, s); err != nil && r.err == nil {
		r.err = err
	}
}

// Err is the first error writing to the terminal, if any.
func (r *Renderer) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *Renderer) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// loop draws a frame each time Show brings a new view, at most one per
// interval.
func (r *Renderer) loop() {
	defer close(r.stopped)
	var timer *time.Timer
	for {
		select {
		case <-r.done:
			return
		case <-r.wake:
		}
		r.mu.Lock()
		wait := r.every - time.Since(r.last)
		r.mu.Unlock()
		if wait > 0 {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			select {
			case <-r.done:
				timer.Stop()
				return
			case <-timer.C:
			}
		}
		r.mu.Lock()
		r.frame(false)
		r.mu.Unlock()
	}
}

// frame draws the pending view and writes it. r.mu is held.
func (r *Renderer) frame(closing bool) {
	if !r.pending {
		return
	}
	v := r.next
	r.pending = false
	first := r.shown == nil
	if first && v.AltScreen {
		r.scr.SaveCursor()
		r.scr.SetFullscreen(true)
		r.scr.SetRelativeCursor(false)
		r.scr.Erase()
	}
	r.modes(&v, closing)
	r.draw(v.Content)
	r.scr.Render(r.cells.RenderBuffer)
	if !v.AltScreen {
		if x, y := r.scr.Position(); x >= r.width-1 {
			r.scr.MoveTo(0, y)
		}
	}
	_ = r.scr.Flush()

	var out bytes.Buffer
	if first && v.AltScreen {
		if r.input {
			out.WriteString(ansi.ResetModifyOtherKeys)
		}
		out.WriteString(ansi.SetModeAltScreenSaveCursor)
	}
	updates := r.buf.Len() > 0
	if r.syncd && updates {
		out.WriteString(ansi.SetModeSynchronizedOutput)
	}
	if first {
		out.WriteString(ansi.ResetModeTextCursorEnable)
	}
	out.Write(r.buf.Bytes())
	r.buf.Reset()
	if r.syncd && updates {
		out.WriteString(ansi.ResetModeSynchronizedOutput)
	}
	r.shown = &v
	if out.Len() == 0 {
		return
	}
	start := time.Now()
	r.last = start
	if _, err := r.w.Write(out.Bytes()); err != nil && r.err == nil {
		r.err = err
	}
	if r.OnFrame != nil {
		r.OnFrame(start, out.Len())
	}
}

// modes writes what changed in the view's terminal modes. r.mu is held.
func (r *Renderer) modes(v *tea.View, closing bool) {
	last := r.shown
	if last == nil || v.DisableBracketedPasteMode != last.DisableBracketedPasteMode {
		if !v.DisableBracketedPasteMode {
			_, _ = r.scr.WriteString(ansi.SetModeBracketedPaste)
		} else if last != nil {
			_, _ = r.scr.WriteString(ansi.ResetModeBracketedPaste)
		}
	}
	if last == nil || v.ReportFocus != last.ReportFocus {
		if v.ReportFocus {
			_, _ = r.scr.WriteString(ansi.SetModeFocusEvent)
		} else if last != nil {
			_, _ = r.scr.WriteString(ansi.ResetModeFocusEvent)
		}
	}
	if last == nil || v.MouseMode != last.MouseMode {
		var was tea.MouseMode
		if last != nil {
			was = last.MouseMode
		}
		if was != tea.MouseModeNone {
			_, _ = r.scr.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
		}
		switch v.MouseMode {
		case tea.MouseModeCellMotion:
			_, _ = r.scr.WriteString(ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr)
		case tea.MouseModeAllMotion:
			_, _ = r.scr.WriteString(ansi.SetModeMouseAnyEvent + ansi.SetModeMouseExtSgr)
		}
	}
	if (last == nil && v.WindowTitle != "") || (last != nil && v.WindowTitle != last.WindowTitle) {
		_, _ = r.scr.WriteString(ansi.SetWindowTitle(v.WindowTitle))
	}
	if r.input && (last == nil || v.KeyboardEnhancements != last.KeyboardEnhancements) {
		_, _ = r.scr.WriteString(ansi.SetModifyOtherKeys2)
		if last == nil {
			_, _ = r.scr.WriteString(ansi.PushKittyKeyboard(kittyFlags(v.KeyboardEnhancements)))
		} else {
			_, _ = r.scr.WriteString(ansi.KittyKeyboard(kittyFlags(v.KeyboardEnhancements), 1))
		}
		if !closing {
			_, _ = r.scr.WriteString(ansi.RequestKittyKeyboard)
		}
	}
}

// draw puts content into the cell buffer, parsing only the lines whose
// text differs from what is there. Each line is drawn on its own, as the
// whole text would draw it: every line a view holds starts from the
// default style (lipgloss styles each line by itself), which the tests
// check against Bubble Tea's whole-text drawing. r.mu is held.
func (r *Renderer) draw(content string) {
	if len(r.lines) != r.height {
		r.lines = make([]string, r.height)
		r.cells.Clear()
		for y := range r.lines {
			r.lines[y] = "\x00" // drawn by no text: every line is drawn
		}
	}
	rest := content
	for y := 0; y < r.height; y++ {
		line := ""
		if rest != "" {
			if i := strings.IndexByte(rest, '\n'); i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				line, rest = rest, ""
			}
			line = strings.TrimSuffix(line, "\r")
		}
		if line == r.lines[y] {
			continue
		}
		// Draw blanks the line's cells before it prints the text.
		uv.NewStyledString(line).Draw(r.cells, uv.Rect(0, y, r.width, 1))
		r.lines[y] = line
	}
}

// Close draws the last view shown, then puts the terminal's modes back
// as they were before the first frame (main screen, cursor, mouse off).
// The renderer draws nothing after it.
func (r *Renderer) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return r.err
	}
	r.closed = true
	r.mu.Unlock()
	close(r.done)
	<-r.stopped
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frame(true)
	r.restore()
	return r.err
}

// Release gives the terminal to another program (an editor): the last
// frame is drawn and the modes are put back; Resume takes it again and
// repaints everything.
func (r *Renderer) Release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frame(true)
	r.restore()
}

// Resume takes the terminal back after Release and repaints it.
func (r *Renderer) Resume() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.shown != nil && !r.pending {
		r.next, r.pending = *r.shown, true
	}
	r.shown = nil
	r.lines = nil
	r.newScreen()
	r.last = time.Time{}
	r.poke()
}

// restore writes what undoes the modes of the last frame. r.mu is held.
func (r *Renderer) restore() {
	lv := r.shown
	if lv == nil {
		return
	}
	var out bytes.Buffer
	if r.input {
		out.WriteString(ansi.ResetModifyOtherKeys)
		out.WriteString(ansi.PopKittyKeyboard(1))
	}
	r.scr.MoveTo(0, r.cells.Height()-1)
	_ = r.scr.Flush()
	out.Write(r.buf.Bytes())
	r.buf.Reset()
	if lv.AltScreen {
		r.scr.Erase()
		r.scr.SetRelativeCursor(true)
		r.scr.SetFullscreen(false)
		out.WriteString(ansi.ResetModeAltScreenSaveCursor)
		r.scr.RestoreCursor()
	} else {
		out.WriteString(ansi.EraseScreenBelow)
	}
	out.WriteString(ansi.SetModeTextCursorEnable)
	if !lv.DisableBracketedPasteMode {
		out.WriteString(ansi.ResetModeBracketedPaste)
	}
	if lv.ReportFocus {
		out.WriteString(ansi.ResetModeFocusEvent)
	}
	if lv.MouseMode != tea.MouseModeNone {
		out.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
	}
	if lv.WindowTitle != "" {
		out.WriteString(ansi.SetWindowTitle(""))
	}
	if r.cells.Method == ansi.GraphemeWidth {
		out.WriteString(ansi.ResetModeUnicodeCore)
	}
	_ = r.scr.Flush()
	out.Write(r.buf.Bytes())
	r.buf.Reset()
	if _, err := r.w.Write(out.Bytes()); err != nil && r.err == nil {
		r.err = err
	}
}

// sameView reports whether b would draw exactly what a drew.
func sameView(a, b *tea.View) bool {
	return a.Content == b.Content &&
		a.AltScreen == b.AltScreen &&
		a.DisableBracketedPasteMode == b.DisableBracketedPasteMode &&
		a.ReportFocus == b.ReportFocus &&
		a.MouseMode == b.MouseMode &&
		a.WindowTitle == b.WindowTitle &&
		a.KeyboardEnhancements == b.KeyboardEnhancements
}

// kittyFlags are the Kitty keyboard flags Bubble Tea asks for.
func kittyFlags(ke tea.KeyboardEnhancements) int {
	flags := ansi.KittyDisambiguateEscapeCodes
	if ke.ReportEventTypes {
		flags |= ansi.KittyReportEventTypes
	}
	if ke.ReportAlternateKeys {
		flags |= ansi.KittyReportAlternateKeys
	}
	if ke.ReportAllKeysAsEscapeCodes {
		flags |= ansi.KittyReportAllKeysAsEscapeCodes
	}
	if ke.ReportAssociatedText {
		flags |= ansi.KittyReportAssociatedKeys
	}
	return flags
}

// Package render draws a Bubble Tea program's views to a terminal when
// they change, and only then.
//
// Bubble Tea v2's own renderer flushes on a ticker: at 30 frames a second
// it wakes the process 30 times a second whether or not anything changed
// (0.5–0.65% of a core on the 2-vCPU machine the README names, which is
// the whole of the dashboard's idle budget), a change waits up to a frame
// for the next tick, and every frame parses the whole screen's text into
// cells with style objects and diffs them all. This renderer
//
//   - is woken by a new view, not a clock: with nothing changing it costs
//     nothing;
//   - draws a view that comes after a quiet spell at once, and views that
//     come faster at most once per frame interval, the newest winning;
//   - measures only the lines whose text changed, and writes each from its
//     first changed cell to its last (lines.go), copying the view's own
//     bytes, colours and all, rather than building and comparing cells.
//
// Run (run.go) runs a program with it. The program itself is built
// WithoutRenderer, so terminal modes (raw input, alt screen, mouse,
// bracketed paste, keyboard enhancements, window title) are set here, as
// Bubble Tea's cursed renderer sets them. Views are drawn as full screens,
// at absolute positions; what the dashboard's views do not use (inline
// drawing below a shell prompt, a visible cursor, hyperlinks, terminal
// colours, progress bars) is left out.
package render

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// Renderer turns views into the bytes that update a terminal's screen.
// Show may be called from any goroutine; drawing happens on the
// renderer's own.
type Renderer struct {
	w     io.Writer
	every time.Duration // the least time between two frames

	mu      sync.Mutex
	p       painter
	rows    []line // what each screen line shows
	scratch []cell // the cells of the line being measured
	clear   bool   // the next frame clears the screen and draws every line
	method  ansi.Method
	pre     string // modes the next frame sets before it draws
	width   int
	height  int
	next    tea.View // the newest view
	pending bool     // next has not been drawn
	shown   *tea.View
	syncd   bool      // the terminal takes synchronized output (mode 2026)
	input   bool      // keys are read: keyboard enhancements are asked for
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
	// Profile is the terminal's colour profile.
	Profile colorprofile.Profile
	// Input is true when the program reads keys from a terminal; it asks
	// for keyboard enhancements, as Bubble Tea does.
	Input bool
}

// Warm does now the one-time work the first frame would otherwise wait
// for: go-runewidth fills its width tables (2 MB) at the first character
// past U+02FF, such as a box's edge. A program can call it in the
// background while it waits for something else (the dashboard, for the
// API). It is safe to call at any time, from any goroutine, more than once.
func Warm() {
	ansi.WcWidth.StringWidth("┃")
	ansi.GraphemeWidth.StringWidth("┃")
}

// New returns a renderer writing to w; it draws nothing until Show.
func New(w io.Writer, o Options) *Renderer {
	if o.Every <= 0 {
		o.Every = time.Second / 30
	}
	r := &Renderer{
		w: w, every: o.Every, input: o.Input, method: ansi.WcWidth,
		wake: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{}),
	}
	r.p.profile = o.Profile
	r.setSize(o.Width, o.Height)
	go r.loop()
	return r
}

// setSize starts the screen afresh at a size: the next frame clears it
// and draws every line. r.mu is held (or r is new).
func (r *Renderer) setSize(width, height int) {
	r.width, r.height = max(width, 0), max(height, 0)
	if cap(r.rows) >= r.height {
		r.rows = r.rows[:r.height]
	} else {
		r.rows = make([]line, r.height)
	}
	r.clear = true
}

// Show hands the renderer the program's newest view. A view equal to the
// one last drawn costs a comparison; a new one is drawn at once if the
// last frame is at least a frame interval old, else by the renderer's
// goroutine when it is, so the program's loop goes on to its next message
// meanwhile.
func (r *Renderer) Show(v tea.View) {
	r.mu.Lock()
	if r.closed || (!r.pending && r.shown != nil && sameView(r.shown, &v)) {
		r.mu.Unlock()
		return
	}
	r.next, r.pending = v, true
	if time.Since(r.last) >= r.every {
		// Drawn here, on the caller's goroutine: waking the renderer's
		// for it cost more than the drawing.
		r.frame(false)
		r.mu.Unlock()
		return
	}
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
	r.setSize(width, height)
	r.repaint()
}

// repaint draws the last view shown again, whole. r.mu is held.
func (r *Renderer) repaint() {
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

// SetColorProfile sets how colours are written; a change repaints the
// screen in the new colours.
func (r *Renderer) SetColorProfile(p colorprofile.Profile) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p == r.p.profile {
		return
	}
	r.p.profile, r.p.sgr = p, nil
	r.clear = true
	r.repaint()
}

// SetSynchronized turns synchronized output (mode 2026) on: each frame is
// written between its begin and end marks, so the terminal shows it whole.
func (r *Renderer) SetSynchronized(on bool) {
	r.mu.Lock()
	r.syncd = on
	r.mu.Unlock()
}

// SetGraphemeWidth measures text by grapheme clusters (mode 2027), for a
// terminal that said it does; the screen is drawn again, measured so.
func (r *Renderer) SetGraphemeWidth() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.method == ansi.GraphemeWidth {
		return
	}
	r.pre += ansi.SetModeUnicodeCore
	r.method = ansi.GraphemeWidth
	r.clear = true
	r.repaint()
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
	body := &r.p.out
	body.Reset()
	body.WriteString(r.pre)
	r.pre = ""
	r.modes(&v, closing)
	if r.clear {
		body.WriteString(ansi.CursorHomePosition + ansi.EraseEntireScreen)
		for y := range r.rows {
			r.rows[y] = line{cells: r.rows[y].cells[:0]}
		}
		r.clear = false
	}
	r.draw(v.Content)

	var out bytes.Buffer
	if first && v.AltScreen {
		if r.input {
			out.WriteString(ansi.ResetModifyOtherKeys)
		}
		out.WriteString(ansi.SetModeAltScreenSaveCursor)
	}
	updates := body.Len() > 0
	if r.syncd && updates {
		out.WriteString(ansi.SetModeSynchronizedOutput)
	}
	if first {
		out.WriteString(ansi.ResetModeTextCursorEnable)
	}
	out.Write(body.Bytes())
	body.Reset()
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
			r.p.out.WriteString(ansi.SetModeBracketedPaste)
		} else if last != nil {
			r.p.out.WriteString(ansi.ResetModeBracketedPaste)
		}
	}
	if last == nil || v.ReportFocus != last.ReportFocus {
		if v.ReportFocus {
			r.p.out.WriteString(ansi.SetModeFocusEvent)
		} else if last != nil {
			r.p.out.WriteString(ansi.ResetModeFocusEvent)
		}
	}
	if last == nil || v.MouseMode != last.MouseMode {
		var was tea.MouseMode
		if last != nil {
			was = last.MouseMode
		}
		if was != tea.MouseModeNone {
			r.p.out.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
		}
		switch v.MouseMode {
		case tea.MouseModeCellMotion:
			r.p.out.WriteString(ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr)
		case tea.MouseModeAllMotion:
			r.p.out.WriteString(ansi.SetModeMouseAnyEvent + ansi.SetModeMouseExtSgr)
		}
	}
	if (last == nil && v.WindowTitle != "") || (last != nil && v.WindowTitle != last.WindowTitle) {
		r.p.out.WriteString(ansi.SetWindowTitle(v.WindowTitle))
	}
	if r.input && (last == nil || v.KeyboardEnhancements != last.KeyboardEnhancements) {
		r.p.out.WriteString(ansi.SetModifyOtherKeys2)
		if last == nil {
			r.p.out.WriteString(ansi.PushKittyKeyboard(kittyFlags(v.KeyboardEnhancements)))
		} else {
			r.p.out.WriteString(ansi.KittyKeyboard(kittyFlags(v.KeyboardEnhancements), 1))
		}
		if !closing {
			r.p.out.WriteString(ansi.RequestKittyKeyboard)
		}
	}
}

// draw writes what changed between the lines on screen and content's.
// Each line is drawn on its own, as the whole text would draw it: every
// line a view holds starts from the default style (lipgloss styles each
// line by itself), which the tests check against Bubble Tea's whole-text
// drawing. r.mu is held.
func (r *Renderer) draw(content string) {
	rest := content
	for y := range r.rows {
		src := ""
		if rest != "" {
			if i := strings.IndexByte(rest, '\n'); i >= 0 {
				src, rest = rest[:i], rest[i+1:]
			} else {
				src, rest = rest, ""
			}
			src = strings.TrimSuffix(src, "\r")
		}
		row := &r.rows[y]
		if row.src == src {
			continue
		}
		nw := line{cells: r.scratch}
		if !measure(src, r.width, r.method, &nw) {
			measure(clean(src, r.method), r.width, r.method, &nw)
			nw.src = src
		}
		r.p.update(y, row, &nw, r.width)
		r.scratch = row.cells[:0]
		*row = nw
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
	r.clear = true
	if r.method == ansi.GraphemeWidth {
		r.pre += ansi.SetModeUnicodeCore // restore reset it
	}
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
	if lv.AltScreen {
		out.WriteString(ansi.CursorHomePosition + ansi.EraseEntireScreen)
		out.WriteString(ansi.ResetModeAltScreenSaveCursor)
	} else {
		r.p.moveTo(0, r.height-1)
		out.Write(r.p.out.Bytes())
		r.p.out.Reset()
		out.WriteString("\r\n")
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
	if r.method == ansi.GraphemeWidth {
		out.WriteString(ansi.ResetModeUnicodeCore)
	}
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

package ui

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/render"
)

// TestRendererMatchesBubbleTeasDrawing throws views at the renderer that
// the dashboard's own rarely hold, changing a few lines at a time the way
// frames do, and after every frame compares the terminal, cell by cell,
// with a fresh terminal given the same view drawn whole by ultraviolet's
// TerminalRenderer (what Bubble Tea draws with), in the same colour
// profile: wide and combining characters, emoji and flags, colours that
// change where the text does not, lines longer than the screen, lines
// that shrink and grow, resizes, and control characters and escape
// sequences that must not move the cursor (expected as if absent).
func TestRendererMatchesBubbleTeasDrawing(t *testing.T) {
	for _, graphemes := range []bool{false, true} {
		for _, profile := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI, colorprofile.ASCII} {
			name := fmt.Sprintf("%s/wcwidth", profile)
			if graphemes {
				name = fmt.Sprintf("%s/graphemes", profile)
			}
			t.Run(name, func(t *testing.T) { drawLikeBubbleTea(t, profile, graphemes) })
		}
	}
}

// drawLikeBubbleTea is one run of the test above. The emulator measures
// text by grapheme clusters, as modern terminals do; with graphemes the
// renderer is told the terminal does (mode 2027) and the views hold
// clusters of several code points (flags, ZWJ sequences, marks); without,
// it measures with wcwidth and the views hold none, since wcwidth and the
// terminal disagree on those (TestRendererWritesClustersWhole).
func drawLikeBubbleTea(t *testing.T, profile colorprofile.Profile, graphemes bool) {
	rng := rand.New(rand.NewPCG(7, uint64(profile)))
	pieces := singleCodePoints
	if graphemes {
		pieces = append(append([]string(nil), singleCodePoints...), clusters...)
	}
	w, h := 60, 12
	term := vt.NewEmulator(w, h)
	go drainAnswers(term)
	r := render.New(term, render.Options{Width: w, Height: h, Every: time.Hour, Profile: profile})
	t.Cleanup(func() { _ = r.Close() })
	if graphemes {
		r.SetGraphemeWidth()
	}
	shown, want := make([]string, h), make([]string, h)
	for i := range shown {
		shown[i], want[i] = randomLine(rng, w, pieces)
	}
	for step := range 200 {
		switch {
		case step%97 == 96:
			w, h = 30+rng.IntN(60), 5+rng.IntN(15)
			term.Resize(w, h)
			r.Resize(w, h)
			for len(shown) < h {
				s, e := randomLine(rng, w, pieces)
				shown, want = append(shown, s), append(want, e)
			}
			shown, want = shown[:h], want[:h]
		case rng.IntN(3) == 0:
			// Lines move: a new line enters at the top and the rest move
			// down (the grid as tasks arrive), two swap, one is copied onto
			// another, or a new one enters at two rows.
			a, b := rng.IntN(h), rng.IntN(h)
			switch rng.IntN(4) {
			case 0:
				s, e := randomLine(rng, w, pieces)
				shown, want = append([]string{s}, shown[:h-1]...), append([]string{e}, want[:h-1]...)
			case 1:
				shown[a], shown[b], want[a], want[b] = shown[b], shown[a], want[b], want[a]
			case 2:
				shown[b], want[b] = shown[a], want[a]
			default:
				s, e := randomLine(rng, w, pieces)
				shown[a], want[a], shown[b], want[b] = s, e, s, e
			}
		default:
			for range 1 + rng.IntN(3) {
				y := rng.IntN(h)
				if rng.IntN(3) == 0 {
					shown[y], want[y] = recolour(rng, shown[y], want[y])
				} else {
					shown[y], want[y] = randomLine(rng, w, pieces)
				}
			}
		}
		v := tea.NewView(strings.Join(shown, "\n"))
		v.AltScreen = true
		r.Show(v)
		r.Flush()
		expect := drawnWhole(t, strings.Join(want, "\n"), w, h, profile, graphemes)
		bad := 0
		for y := range h {
			for x := 0; x < w; x++ {
				exp := expect.CellAt(x, y)
				if exp != nil && x+exp.Width > w {
					continue // a wide character cut by the edge: left out, not half drawn
				}
				if got := term.CellAt(x, y); !sameCell(got, exp) {
					if bad++; bad <= 3 {
						t.Errorf("step %d: cell %d,%d shows %s, Bubble Tea's drawing %s\nline: %q", step, x, y, describe(got), describe(exp), shown[y])
					}
				}
			}
		}
		if bad > 0 {
			t.FailNow()
		}
	}
}

// drawnWhole is the screen a fresh terminal shows after ultraviolet's
// TerminalRenderer draws text whole, as Bubble Tea's renderer would.
func drawnWhole(t *testing.T, text string, w, h int, profile colorprofile.Profile, graphemes bool) *vt.Emulator {
	t.Helper()
	var buf bytes.Buffer
	scr := uv.NewTerminalRenderer(&buf, []string{"TERM=xterm-256color"})
	scr.SetColorProfile(profile)
	scr.SetFullscreen(true)
	scr.SetRelativeCursor(false)
	scr.Resize(w, h)
	scr.Erase()
	cells := uv.NewScreenBuffer(w, h)
	if graphemes {
		cells.Method = ansi.GraphemeWidth
	}
	for y, l := range strings.Split(text, "\n") {
		if y < h {
			uv.NewStyledString(l).Draw(cells, uv.Rect(0, y, w, 1))
		}
	}
	scr.Render(cells.RenderBuffer)
	if err := scr.Flush(); err != nil {
		t.Fatal(err)
	}
	// No query is in what ultraviolet writes, so nothing answers: no
	// goroutine drains this emulator, and it is left to the collector
	// (closing it while a drain reads races inside vt).
	em := vt.NewEmulator(w, h)
	if _, err := em.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	return em
}

var (
	singleCodePoints = []string{
		"queued", "processing", "a", " ", "  ", "failed ✗", "│", "┃", "●", "…", "漢字", "ｗｉｄｅ", "👍", "na", "0123456789", "—",
	}
	clusters   = []string{"🇯🇵", "e\u0301", "👨\u200d👩\u200d👧", "❤\ufe0f"}
	lineStyles = []string{
		"\x1b[1m", "\x1b[38;2;200;80;40m", "\x1b[48;2;20;20;60m", "\x1b[38;5;208m", "\x1b[4m", "\x1b[7m", "\x1b[m", "\x1b[0m",
		"\x1b[1;38;2;90;200;120;48;2;0;0;0m", "\x1b[31m", "\x1b[22;39m",
	}
	// Not to be drawn: each must leave the cursor and the screen alone.
	lineJunk = []string{"\t", "\x07", "\x1b[2J", "\x1b[5;5H", "\x1b]0;title\x07", "\r", "\x7f"}
)

// randomLine is a line as a view holds it and as it should show: the same
// but for control characters and escape sequences other than colours.
func randomLine(rng *rand.Rand, w int, pieces []string) (shown, want string) {
	var s, e strings.Builder
	width := 0
	limit := w/2 + rng.IntN(w)
	if rng.IntN(8) == 0 {
		limit = w + 10 + rng.IntN(w) // longer than the screen
	}
	for width < limit {
		switch n := rng.IntN(10); {
		case n < 3:
			p := lineStyles[rng.IntN(len(lineStyles))]
			s.WriteString(p)
			e.WriteString(p)
		case n == 3 && rng.IntN(4) == 0:
			s.WriteString(lineJunk[rng.IntN(len(lineJunk))])
		default:
			p := pieces[rng.IntN(len(pieces))]
			s.WriteString(p)
			e.WriteString(p)
			width += len([]rune(p))
		}
	}
	if rng.IntN(2) == 0 {
		s.WriteString("\x1b[m")
		e.WriteString("\x1b[m")
	}
	return s.String(), e.String()
}

// recolour changes the colours of a line and not its text.
func recolour(rng *rand.Rand, shown, want string) (string, string) {
	c := lineStyles[rng.IntN(len(lineStyles))]
	at := func(s string) string {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return c + s
		}
		return s[:i] + c + s[i:]
	}
	return at(shown), at(want)
}

// A terminal may measure a cluster of several code points (a ZWJ family,
// a flag) narrower than wcwidth does, so the renderer's columns are not
// the terminal's past one: a line holding one is written whole and erased
// to its end, and shows what the terminal makes of it, with nothing of
// the line before it left over.
func TestRendererWritesClustersWhole(t *testing.T) {
	term := vt.NewEmulator(40, 3) // measures clusters as one glyph, two columns
	go drainAnswers(term)
	r := render.New(term, render.Options{Width: 40, Height: 3, Every: time.Hour, Profile: colorprofile.TrueColor})
	t.Cleanup(func() { _ = r.Close() })
	family := "👨\u200d👩\u200d👧" // six columns by wcwidth, two here
	for _, c := range []struct{ view, want string }{
		{"abcdefghij", "abcdefghij"},
		{family + " xyz", family + " xyz"},
		{family + " xyw", family + " xyw"},
		{"\x1b[1m" + family + "\x1b[m xyw!", family + " xyw!"},
	} {
		v := tea.NewView(c.view + "\nsecond line")
		v.AltScreen = true
		r.Show(v)
		r.Flush()
		var got strings.Builder
		for x := 0; x < 40; x++ {
			if cl := term.CellAt(x, 0); cl != nil && cl.Content != "" {
				got.WriteString(cl.Content)
			} else if cl == nil || cl.Width != 0 {
				got.WriteString(" ")
			}
		}
		if strings.TrimRight(got.String(), " ") != c.want {
			t.Fatalf("after %q the line shows %q, want %q", c.view, strings.TrimRight(got.String(), " "), c.want)
		}
	}
}

// A mark of no width with no character of its own before it (at the
// start of a line, or after a colour change) loses nothing after it.
func TestRendererKeepsTheLineAfterALoneMark(t *testing.T) {
	term := vt.NewEmulator(40, 3)
	go drainAnswers(term)
	r := render.New(term, render.Options{Width: 40, Height: 3, Every: time.Hour, Profile: colorprofile.TrueColor})
	t.Cleanup(func() { _ = r.Close() })
	for _, view := range []string{"\u0301after the mark", "x\x1b[1m\u0301after the mark"} {
		v := tea.NewView(view)
		v.AltScreen = true
		r.Show(v)
		r.Flush()
		var got strings.Builder
		for x := 0; x < 40; x++ {
			if cl := term.CellAt(x, 0); cl != nil {
				got.WriteString(cl.Content)
			}
		}
		if !strings.Contains(got.String(), "after the mark") {
			t.Fatalf("%q shows as %q: the text after the mark is lost", view, got.String())
		}
	}
}

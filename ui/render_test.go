package ui

import (
	"fmt"
	"image/color"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/render"
)

// TestRendererShowsWhatTheViewSays runs the dashboard's own views through
// the renderer cmd draws with (package render: only changed lines parsed,
// frames written as a diff) into a terminal emulator, and after every
// frame compares each cell the terminal shows, text and style, with the
// view parsed whole as Bubble Tea's renderer parses it. The views change
// the way a session does: rows arrive and move, panes open, the help
// covers the screen, the window shrinks and grows.
func TestRendererShowsWhatTheViewSays(t *testing.T) {
	h := newHarness(t, 160, 45)
	term := vt.NewEmulator(160, 45)
	go drainAnswers(term)
	r := render.New(term, render.Options{Width: 160, Height: 45, Every: time.Hour, Profile: colorprofile.TrueColor})
	t.Cleanup(func() { _ = r.Close() })

	step := 0
	check := func(what string) {
		t.Helper()
		step++
		v := h.m.View()
		r.Show(v)
		r.Flush()
		w, hh := term.Width(), term.Height()
		want := uv.NewScreenBuffer(w, hh)
		uv.NewStyledString(v.Content).Draw(want, want.Bounds())
		bad := 0
		for y := 0; y < hh; y++ {
			for x := 0; x < w; x++ {
				got, exp := term.CellAt(x, y), want.CellAt(x, y)
				if sameCell(got, exp) {
					continue
				}
				if bad++; bad <= 5 {
					t.Errorf("step %d (%s): cell %d,%d shows %s, the view says %s", step, what, x, y, describe(got), describe(exp))
				}
			}
		}
		if bad > 5 {
			t.Errorf("step %d (%s): %d cells differ in all", step, what, bad)
		}
	}

	check("empty")
	tasks := fleet(300)
	h.send(batchMsg{b: feed.Batch{Resync: tasks}})
	check("a screenful of tasks")
	for i := range 5 {
		up := tasks[i*7]
		up.Updated = api.Time{Time: t0.Add(time.Duration(i+1) * time.Second)}
		up.Features = map[string]api.Feature{"proxy": {State: api.StateFailed}, "visual": {State: api.StateProcessing}}
		h.apply(up)
		h.now = h.now.Add(300 * time.Millisecond)
		check(fmt.Sprintf("an update moves a row to the top (%d)", i))
	}
	h.press("j", "j", "j")
	check("the cursor moved")
	h.press("tab")
	check("the next pane")
	h.press("?")
	check("the help over everything")
	h.press("esc")
	check("the help closed")

	for _, size := range [][2]int{{100, 30}, {60, 12}, {180, 50}} {
		term.Resize(size[0], size[1])
		r.Resize(size[0], size[1])
		h.drive(h.m, size[0], size[1])
		check(fmt.Sprintf("resized to %d×%d", size[0], size[1]))
	}
}

// sameCell: two cells show the same thing (an empty cell is a space).
func sameCell(a, b *uv.Cell) bool {
	ac, bc := " ", " "
	var as, bs uv.Style
	if a != nil {
		if a.Content != "" || a.Width == 0 {
			ac = a.Content
		}
		as = a.Style
	}
	if b != nil {
		if b.Content != "" || b.Width == 0 {
			bc = b.Content
		}
		bs = b.Style
	}
	if ac != bc {
		return false
	}
	if ac == " " {
		// A space shows only its background, reverse video and underline:
		// the renderer may erase a run of spaces instead of writing them
		// with a foreground nobody sees, as Bubble Tea's does.
		const shown = uv.AttrReverse
		return colorEqual(as.Bg, bs.Bg) && as.Attrs&shown == bs.Attrs&shown && as.Underline == bs.Underline
	}
	return as.Equal(&bs)
}

func colorEqual(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

func describe(c *uv.Cell) string {
	if c == nil {
		return "nothing"
	}
	return fmt.Sprintf("%q %s", c.Content, c.Style.String())
}

// drainAnswers reads what the emulator answers to queries, which nobody
// reads here.
func drainAnswers(em *vt.Emulator) {
	buf := make([]byte, 256)
	for {
		if _, err := em.Read(buf); err != nil {
			return
		}
	}
}

package ui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/render"
)

// BenchmarkDraw is the renderer's cost per frame of the dashboard at
// 160×45 when tasks arrive fast: each frame a new task enters at the top,
// so every grid row moves down one while the panes beside it stay, the
// frame a busy account draws thirty times a second. ns/op is one frame of
// ours (package render), from the view's text to the bytes written. Its
// peer, timed in the same run over the same frames, is what Bubble Tea's
// renderer does with a frame: ultraviolet parses the whole view into a
// cell buffer and its TerminalRenderer diffs and writes it
// (uv-µs/frame, x-uv: that over ours).
func BenchmarkDraw(b *testing.B) {
	views := arrivals(b, 64)
	r := render.New(io.Discard, render.Options{Width: 160, Height: 45, Every: time.Nanosecond,
		Profile: colorprofile.TrueColor})
	defer r.Close()
	i := 0
	start := time.Now()
	for b.Loop() {
		r.Show(views[i%len(views)])
		r.Flush()
		i++
	}
	ours := time.Since(start) / time.Duration(i)

	var buf bytes.Buffer
	scr := uv.NewTerminalRenderer(&buf, []string{"TERM=xterm-256color"})
	scr.SetColorProfile(colorprofile.TrueColor)
	scr.SetFullscreen(true)
	scr.SetRelativeCursor(false)
	scr.Resize(160, 45)
	cells := uv.NewScreenBuffer(160, 45)
	n := max(i, 200)
	peer := time.Now()
	for j := range n {
		cells.Clear()
		uv.NewStyledString(views[j%len(views)].Content).Draw(cells, cells.Bounds())
		scr.Render(cells.RenderBuffer)
		_ = scr.Flush()
		buf.Reset()
	}
	theirs := time.Since(peer) / time.Duration(n)
	b.ReportMetric(float64(theirs.Microseconds()), "uv-µs/frame")
	b.ReportMetric(float64(theirs)/float64(ours), "x-uv")
}

// arrivals are n views of the dashboard, each with one more task at the
// top than the one before.
func arrivals(tb testing.TB, n int) []tea.View {
	h := newHarness(tb, 160, 45)
	tasks := fleet(300)
	h.send(batchMsg{b: feed.Batch{Resync: tasks}})
	out := make([]tea.View, 0, n)
	for i := range n {
		t := task(1000+i, t0.Add(time.Duration(i+1)*time.Second), api.StateProcessing, api.StateQueued, api.StateQueued, api.StateQueued)
		h.now = t0.Add(time.Duration(i+1) * time.Second)
		h.apply(t)
		v := h.m.View()
		if i == 0 && !strings.Contains(v.Content, "t0001000") {
			tb.Fatal("the first arrival is not on screen")
		}
		out = append(out, v)
	}
	return out
}

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
// ours (package render), from the view's text to the bytes written. Then
// 256 frames are drawn by ours and by its peer in turn (µs/frame,
// uv-µs/frame, x-uv: theirs over ours), whatever b.N was: the peer is
// what Bubble Tea's renderer does with a frame, ultraviolet parsing the
// whole view into a cell buffer and its TerminalRenderer diffing and
// writing it.
func BenchmarkDraw(b *testing.B) {
	views := arrivals(b, 64)
	r := render.New(io.Discard, render.Options{Width: 160, Height: 45, Every: time.Nanosecond, Profile: colorprofile.TrueColor})
	defer r.Close()
	i := 0
	ours := func() {
		r.Show(views[i%len(views)])
		r.Flush()
		i++
	}
	for b.Loop() {
		ours()
	}
	b.StopTimer()

	var buf bytes.Buffer
	scr := uv.NewTerminalRenderer(&buf, []string{"TERM=xterm-256color"})
	scr.SetColorProfile(colorprofile.TrueColor)
	scr.SetFullscreen(true)
	scr.SetRelativeCursor(false)
	scr.Resize(160, 45)
	cells := uv.NewScreenBuffer(160, 45)
	j := 0
	theirs := func() {
		cells.Clear()
		uv.NewStyledString(views[j%len(views)].Content).Draw(cells, cells.Bounds())
		scr.Render(cells.RenderBuffer)
		_ = scr.Flush()
		buf.Reset()
		j++
	}
	theirs() // the first frame paints everything, as ours did in the loop
	// The same frames for both, alternating, whatever b.N was.
	const frames = 256
	var usOurs, usTheirs time.Duration
	for range frames {
		t := time.Now()
		ours()
		usOurs += time.Since(t)
		t = time.Now()
		theirs()
		usTheirs += time.Since(t)
	}
	b.ReportMetric(float64(usOurs.Microseconds())/frames, "µs/frame")
	b.ReportMetric(float64(usTheirs.Microseconds())/frames, "uv-µs/frame")
	b.ReportMetric(float64(usTheirs)/float64(usOurs), "x-uv")
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

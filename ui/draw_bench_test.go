package ui

import (
	"fmt"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/render"
)

// BenchmarkDraw is the renderer's cost per frame of the dashboard at
// 160×45 when tasks arrive fast: each frame a new task enters at the top,
// so every grid row moves down one while the panes beside it stay, the
// frame a busy account draws thirty times a second. ns/op is one frame,
// from the view's text to the bytes written.
func BenchmarkDraw(b *testing.B) {
	views := arrivals(b, 64)
	r := render.New(io.Discard, render.Options{Width: 160, Height: 45, Every: time.Nanosecond, Raw: true,
		Env: []string{"TERM=xterm-256color"}, Profile: colorprofile.TrueColor})
	defer r.Close()
	i := 0
	for b.Loop() {
		r.Show(views[i%len(views)])
		r.Flush()
		i++
	}
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
		if i == 0 && len(v.Content) == 0 {
			tb.Fatal(fmt.Sprintf("empty view"))
		}
		out = append(out, v)
	}
	return out
}

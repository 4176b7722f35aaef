package ui

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// BenchmarkFrameBytes measures what the dashboard costs the terminal when
// one thing changes: a full 160×45 screen of tasks is drawn, then one event
// moves one feature of the top task to another state, and the bytes the
// program writes for that frame are counted, through Bubble Tea's real
// renderer and a counting writer standing in for the terminal. It reports
// bytes/frame, the full first frame (full-repaint-bytes) and their ratio
// (repaint-ratio; budget: at most 0.10).
//
// The frame holds what a user sees change with the event: the feature's
// cell and the task's overall state. The clock stands still and the
// animation ticks are left out, so the only change is the event's. Last, it
// reports what one animation tick a second later costs (tick-bytes:
// spinners of processing features, ages), the price of a live screen with
// nothing arriving.
func BenchmarkFrameBytes(b *testing.B) {
	const n = 200 // more than a screenful
	dark := true
	now := t0
	var clock sync.Mutex
	m, err := New(Options{APIURL: "https://api.aspect.inc", Dark: &dark, Clock: func() time.Time {
		clock.Lock()
		defer clock.Unlock()
		return now
	}})
	if err != nil {
		b.Fatal(err)
	}
	tasks := fleet(n)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 45})
	m.Update(batchMsg{b: feed.Batch{Resync: tasks, Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: t0.Add(-3 * time.Minute)}}})
	nameShown(b, m) // names_test.go: the frames are drawn with names
	// The newest task is the top row in the default order (last update
	// first); updating it again keeps it there, so one cell changes rather
	// than every row moving down one.
	top := tasks[n-1]
	seq := 0
	event := func() tea.Msg {
		seq++
		t := top
		t.Features = map[string]api.Feature{}
		for k, v := range top.Features {
			t.Features[k] = v
		}
		t.Updated = api.Time{Time: top.Updated.Add(time.Duration(seq) * time.Millisecond)}
		state := api.StateQueued
		if seq%2 == 1 {
			state = api.StateFailed
		}
		t.Features["transcription"] = api.Feature{State: state}
		env := api.Envelope{Timestamp: t.Updated, UserID: t.UserID, EventID: "evt_" + t.Updated.Format(time.RFC3339Nano), EventType: api.EventTaskProgress, Data: api.EnvelopeData{Task: &t}}
		raw, err := json.Marshal(env)
		if err != nil {
			b.Fatal(err)
		}
		return batchMsg{b: feed.Batch{Events: []feed.Event{{ID: env.EventID, Type: env.EventType, Raw: raw, Env: env, Received: t0}}, Received: 1}}
	}

	term := newTerminal(nil)
	noTicks := func(_ tea.Model, msg tea.Msg) tea.Msg {
		switch msg.(type) {
		case tickMsg:
			return nil
		case benchTick:
			return tickMsg{}
		}
		return msg
	}
	p, _ := runProgram(b, m, term, noTicks)
	if !term.waitFrames(1, 10*time.Second) {
		b.Fatal("the program drew nothing")
	}
	_, full := term.count()

	// One change before timing: the first marks the row as just changed,
	// which later changes keep.
	frame := func() int {
		before, bytesBefore := term.count()
		p.Send(event())
		if !term.waitFrames(before+1, 10*time.Second) {
			b.Fatal("no frame after an event")
		}
		_, after := term.count()
		return after - bytesBefore
	}
	frame()
	total, frames := 0, 0
	b.ResetTimer()
	for b.Loop() {
		total += frame()
		frames++
	}
	b.StopTimer()

	clock.Lock()
	now = now.Add(time.Second)
	clock.Unlock()
	before, bytesBefore := term.count()
	p.Send(benchTick{})
	if !term.waitFrames(before+1, 10*time.Second) {
		b.Fatal("no frame after a tick")
	}
	_, after := term.count()
	b.ReportMetric(float64(after-bytesBefore), "tick-bytes")

	per := float64(total) / float64(frames)
	b.ReportMetric(per, "bytes/frame")
	b.ReportMetric(float64(full), "full-repaint-bytes")
	b.ReportMetric(per/float64(full), "repaint-ratio")
}

// benchTick is a clock tick the benchmark sends itself; the program's own
// ticks are dropped so that they do not fall into a measured frame.
type benchTick struct{}

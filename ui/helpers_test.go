package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

func TestMain(m *testing.M) {
	// Timestamps in the detail view are local; pin the zone so screens are
	// the same on every machine.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// t0 is the fixed "now" of every test screen.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// harness drives the dashboard the way a user does: it sends keys and
// messages to Update, runs the Cmds they return to their end (see
// uitest.Driver), and reads the screen back from a terminal the View is
// drawn on.
type harness struct {
	*uitest.Driver
	t   testing.TB
	m   *Model
	now time.Time
	seq int
}

func newHarness(t testing.TB, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t, now: t0}
	dark := true
	m, err := New(Options{APIURL: "https://api.aspect.inc", Clock: func() time.Time { return hs.now }, Dark: &dark})
	if err != nil {
		t.Fatal(err)
	}
	hs.drive(m, w, h)
	hs.send(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: t0.Add(-3 * time.Minute)}}})
	return hs
}

// drive puts m on a w×h screen.
func (h *harness) drive(m *Model, w, hh int) {
	h.m = m
	h.Driver = uitest.NewDriver(h.t, m, w, hh)
	h.send(tea.WindowSizeMsg{Width: w, Height: hh})
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	h.Send(msg)
}

func (h *harness) press(names ...string) {
	h.t.Helper()
	h.Press(names...)
}

func (h *harness) typeText(s string) {
	h.t.Helper()
	h.Type(s)
}

func (h *harness) must(want ...string) {
	h.t.Helper()
	h.Must(want...)
}

func (h *harness) mustNot(bad ...string) {
	h.t.Helper()
	h.MustNot(bad...)
}

// screen is what the user sees, without colours or attributes.
func (h *harness) screen() string { return h.Text() }

func (h *harness) lines() []string { return h.Lines() }

// drawn are the lines of the View's Content without colours: what the
// model drew, unclipped and unpadded, for checks of its size.
func (h *harness) drawn() []string { return strings.Split(ansi.Strip(h.Content()), "\n") }

// row is the grid line holding a task's short id, or "".
func (h *harness) row(id string) string {
	for _, l := range h.lines() {
		if strings.Contains(l, "│ ") || strings.Contains(l, "┃ ") {
			if strings.Contains(l, " "+id[:8]+" ") {
				return l
			}
		}
	}
	return ""
}

// selected is the short id of the selected grid row, or "".
func (h *harness) selected() string {
	for _, l := range h.lines() {
		if i := strings.Index(l, "▸ "); i >= 0 && i < 6 {
			f := strings.Fields(l[i+len("▸ "):])
			if len(f) > 0 {
				return f[0]
			}
		}
	}
	return ""
}

// gridIDs are the short task ids on screen, top to bottom.
func (h *harness) gridIDs() []string {
	var ids []string
	for _, l := range h.lines() {
		l = strings.TrimLeft(l, "│┃ ▸")
		f := strings.Fields(l)
		if len(f) > 2 && len(f[0]) == 8 && strings.HasPrefix(f[0], "t") {
			ids = append(ids, f[0])
		}
	}
	return ids
}

// task makes a task whose id starts with "t" and a number, so ids sort as
// the numbers do.
func task(n int, updated time.Time, states ...api.State) api.Task {
	t := api.Task{
		ID:       fmt.Sprintf("t%07d-0000-4000-8000-%012d", n, n),
		AssetID:  fmt.Sprintf("a%07d-asset", n),
		UserID:   "usr_1",
		Features: map[string]api.Feature{},
		Created:  api.Time{Time: t0.Add(-time.Hour).Add(time.Duration(n) * time.Second)},
		Updated:  api.Time{Time: updated},
	}
	for i, s := range states {
		if i < len(api.FeatureNames) && s != "" {
			t.Features[api.FeatureNames[i]] = api.Feature{State: s}
		}
	}
	return t
}

// apply sends tasks as one batch of task.progress events.
func (h *harness) apply(tasks ...api.Task) {
	h.t.Helper()
	h.send(batchMsg{b: h.batch(tasks...)})
}

func (h *harness) batch(tasks ...api.Task) feed.Batch {
	var b feed.Batch
	for _, t := range tasks {
		h.seq++
		t := t
		typ := api.EventTaskProgress
		switch t.Overall() {
		case api.OverallFailed:
			typ = api.EventTaskFailed
		case api.OverallDone:
			typ = api.EventTaskCompleted
		}
		env := api.Envelope{Timestamp: t.Updated, UserID: t.UserID, EventID: fmt.Sprintf("evt_%06d", h.seq), EventType: typ, Data: api.EnvelopeData{Task: &t}}
		raw, err := json.Marshal(env)
		if err != nil {
			h.t.Fatal(err)
		}
		b.Events = append(b.Events, feed.Event{ID: env.EventID, Type: typ, Raw: raw, Env: env, Received: h.now})
		b.Received++
	}
	return b
}

// fleet is n tasks in a spread of states, updated a second apart (task 1
// the oldest).
func fleet(n int) []api.Task {
	q, p, c, f, x, na := api.StateQueued, api.StateProcessing, api.StateCompleted, api.StateFailed, api.StateCancelled, api.StateNA
	shapes := [][]api.State{
		{c, c, c, c}, {c, p, q, q}, {c, c, f, na}, {p, q, q, q}, {c, c, c, na}, {c, x, x, x}, {q, q, q, q}, {c, c, p, p},
	}
	out := make([]api.Task, n)
	for i := range out {
		out[i] = task(i+1, t0.Add(-time.Duration(n-i)*time.Second), shapes[i%len(shapes)]...)
	}
	return out
}

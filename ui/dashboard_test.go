package ui

import (
	"errors"
	"image/color"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/grid"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

func TestNavigation(t *testing.T) {
	h := newHarness(t, 80, 24)
	ts := fleet(40) // newest first on screen: t0000040, t0000039, ...
	h.apply(ts...)
	if got := h.selected(); got != "t0000040" {
		t.Fatalf("first row selected at start: got %q", got)
	}
	h.press("j", "j", "down")
	if got := h.selected(); got != "t0000037" {
		t.Fatalf("after j j ↓: %q, want t0000037", got)
	}
	h.press("k", "up")
	if got := h.selected(); got != "t0000039" {
		t.Fatalf("after k ↑: %q, want t0000039", got)
	}
	h.press("G")
	if got := h.selected(); got != "t0000001" {
		t.Fatalf("G selects the last row: %q", got)
	}
	h.must("t0000001")
	h.mustNot("t0000040")
	h.press("g")
	if got := h.selected(); got != "t0000040" {
		t.Fatalf("g selects the first row: %q", got)
	}
	h.press("end")
	if got := h.selected(); got != "t0000001" {
		t.Fatalf("end: %q", got)
	}
	h.press("home")
	if got := h.selected(); got != "t0000040" {
		t.Fatalf("home: %q", got)
	}

	// At 80×24 the grid shows 11 rows: a page moves by 11, half a page by 5.
	h.press("pgdown")
	if got := h.selected(); got != "t0000029" {
		t.Fatalf("pgdn: %q, want t0000029", got)
	}
	h.press("pgup")
	if got := h.selected(); got != "t0000040" {
		t.Fatalf("pgup: %q, want t0000040", got)
	}
	h.press("ctrl+d")
	if got := h.selected(); got != "t0000035" {
		t.Fatalf("ctrl+d: %q, want t0000035", got)
	}
	h.press("ctrl+u")
	if got := h.selected(); got != "t0000040" {
		t.Fatalf("ctrl+u: %q, want t0000040", got)
	}
	// Moving past either end stays on it.
	h.press("k")
	if got := h.selected(); got != "t0000040" {
		t.Fatalf("k at the top: %q", got)
	}
}

func TestMouseSelectsAndScrolls(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.apply(fleet(40)...)
	// The header is line 0, the grid's border line 1, its column header
	// line 2: the third task is on line 5.
	h.send(tea.MouseClickMsg{X: 10, Y: 5, Button: tea.MouseLeft})
	if got := h.selected(); got != "t0000038" {
		t.Fatalf("click on the third row selected %q", got)
	}
	h.send(tea.MouseWheelMsg{X: 10, Y: 5, Button: tea.MouseWheelDown})
	ids := h.gridIDs()
	if len(ids) == 0 || ids[0] != "t0000037" {
		t.Fatalf("wheel down by 3: first row %v, want t0000037", ids)
	}
	if got := h.selected(); got != "t0000037" {
		t.Fatalf("the selection is dragged along when it would leave the screen: %q", got)
	}
	// A click on the endpoints pane focuses it.
	h.send(tea.MouseClickMsg{X: 5, Y: 18, Button: tea.MouseLeft})
	if h.m.focus != common.Endpoints {
		t.Fatalf("click on the endpoints pane: focus %v", h.m.focus)
	}
}

// focusedTitle is the title in the heavy (focused) border.
func (h *harness) focusedTitle() string {
	for _, l := range h.lines() {
		if i := strings.Index(l, "┏━ "); i >= 0 {
			rest := l[i+len("┏━ "):]
			if j := strings.Index(rest, " ━"); j >= 0 {
				return rest[:j]
			}
			return rest
		}
	}
	return ""
}

func TestFocusMoves(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.apply(fleet(20)...)
	if got := h.focusedTitle(); !strings.HasPrefix(got, "Tasks") {
		t.Fatalf("the grid has the focus at start; focused: %q", got)
	}
	h.press("tab")
	if got := h.focusedTitle(); !strings.HasPrefix(got, "Endpoints") {
		t.Fatalf("tab: focused %q, want Endpoints", got)
	}
	// Keys go to the focused pane: j no longer moves the grid.
	h.press("j")
	if got := h.selected(); got != "t0000020" {
		t.Fatalf("j with the endpoints focused moved the grid to %q", got)
	}
	h.press("tab")
	if got := h.focusedTitle(); !strings.HasPrefix(got, "Failed deliveries") {
		t.Fatalf("tab tab: focused %q", got)
	}
	h.press("tab")
	if got := h.focusedTitle(); !strings.HasPrefix(got, "Tasks") {
		t.Fatalf("tab wraps to the grid: %q", got)
	}
	h.press("shift+tab")
	if got := h.focusedTitle(); !strings.HasPrefix(got, "Failed deliveries") {
		t.Fatalf("shift+tab goes back: %q", got)
	}
	h.press("esc")
	if got := h.focusedTitle(); !strings.HasPrefix(got, "Tasks") {
		t.Fatalf("esc returns the focus to the grid: %q", got)
	}
	// The footer shows the focused pane's keys.
	h.must("enter open", "/ filter")
}

func TestFilterAndItsInverse(t *testing.T) {
	h := newHarness(t, 80, 24)
	ts := fleet(30)
	h.apply(ts...)
	h.press("/")
	h.must("enter keeps · esc clears · ! inverts")
	h.typeText("t000001")
	if got := h.gridIDs(); len(got) != 10 || !allHave(got, "t000001") {
		t.Fatalf("filter t000001: rows %v", got)
	}
	h.must("Tasks 10 of 30")
	// Typing goes to the filter: q does not quit, s does not sort.
	h.typeText("q")
	if h.m.Quitting() {
		t.Fatal("q typed into the filter quit")
	}
	h.must("No task matches /t000001q")
	h.press("backspace")
	h.press("enter")
	h.mustNot("enter keeps")
	h.must("/t000001")
	if got := h.gridIDs(); len(got) != 10 {
		t.Fatalf("enter keeps the filter: %d rows", len(got))
	}
	// The filter also matches asset ids.
	h.press("/", "ctrl+u")
	h.typeText("a0000025")
	if got := h.gridIDs(); !slices.Equal(got, []string{"t0000025"}) {
		t.Fatalf("asset filter: %v", got)
	}
	// ! inverts.
	h.press("ctrl+u")
	h.typeText("!t000001")
	got := h.gridIDs()
	if len(got) == 0 || anyHas(got, "t000001") {
		t.Fatalf("inverted filter shows %v", got)
	}
	h.must("Tasks 20 of 30")
	// esc while typing clears the filter.
	h.press("esc")
	h.must("Tasks 30 ·")
	// esc on the grid clears a kept filter too.
	h.press("/")
	h.typeText("t0000002")
	h.press("enter", "esc")
	h.must("Tasks 30 ·")
}

func allHave(ids []string, s string) bool {
	for _, id := range ids {
		if !strings.HasPrefix(id, s) {
			return false
		}
	}
	return true
}

func anyHas(ids []string, s string) bool {
	for _, id := range ids {
		if strings.HasPrefix(id, s) {
			return true
		}
	}
	return false
}

func TestEachSort(t *testing.T) {
	h := newHarness(t, 160, 45)
	// Four tasks whose orders differ by each key.
	a := task(1, t0.Add(-1*time.Second), api.StateCompleted)  // newest update, done
	b := task(2, t0.Add(-4*time.Second), api.StateFailed)     // oldest update, failed
	c := task(3, t0.Add(-3*time.Second), api.StateProcessing) // active
	d := task(4, t0.Add(-2*time.Second), api.StateCompleted)  // done
	a.Created = api.Time{Time: t0.Add(-10 * time.Minute)}
	b.Created = api.Time{Time: t0.Add(-20 * time.Minute)}
	c.Created = api.Time{Time: t0.Add(-5 * time.Minute)}
	d.Created = api.Time{Time: t0.Add(-30 * time.Minute)}
	h.apply(a, b, c, d)
	cases := []struct {
		title string
		want  []string
	}{
		{"last update ↓", []string{"t0000001", "t0000004", "t0000003", "t0000002"}},
		{"created ↓", []string{"t0000003", "t0000001", "t0000002", "t0000004"}},
		{"failed first ↓", []string{"t0000002", "t0000003", "t0000001", "t0000004"}},
		{"id ↓", []string{"t0000001", "t0000002", "t0000003", "t0000004"}},
		{"name ↓", []string{"t0000001", "t0000002", "t0000003", "t0000004"}}, // no name known: by id (names_test.go sorts names)
		{"last update ↓", []string{"t0000001", "t0000004", "t0000003", "t0000002"}},
	}
	for i, c := range cases {
		if i > 0 {
			h.press("s")
		}
		h.must("Tasks 4 · " + c.title)
		if got := h.gridIDs(); !slices.Equal(got, c.want) {
			t.Fatalf("sort %q: %v, want %v", c.title, got, c.want)
		}
		h.press("S")
		h.must(strings.TrimSuffix(c.title, "↓") + "↑")
		rev := slices.Clone(c.want)
		slices.Reverse(rev)
		if got := h.gridIDs(); !slices.Equal(got, rev) {
			t.Fatalf("sort %q reversed: %v, want %v", c.title, got, rev)
		}
		h.press("S")
	}
}

func TestFailedAndActiveToggles(t *testing.T) {
	h := newHarness(t, 160, 45)
	q, p, c, f := api.StateQueued, api.StateProcessing, api.StateCompleted, api.StateFailed
	h.apply(
		task(1, t0.Add(-4*time.Second), c, c, c, c), // done
		task(2, t0.Add(-3*time.Second), c, f, c, c), // failed
		task(3, t0.Add(-2*time.Second), p, q, q, q), // active
		task(4, t0.Add(-1*time.Second), f, p, q, q), // active with a failed feature
	)
	h.press("f")
	h.must("failed only")
	if got := h.gridIDs(); !slices.Equal(got, []string{"t0000004", "t0000002"}) {
		t.Fatalf("f: %v", got)
	}
	h.press("a")
	if got := h.gridIDs(); !slices.Equal(got, []string{"t0000004"}) {
		t.Fatalf("f and a: %v", got)
	}
	h.press("f")
	h.mustNot("failed only")
	h.must("active only")
	if got := h.gridIDs(); !slices.Equal(got, []string{"t0000004", "t0000003"}) {
		t.Fatalf("a: %v", got)
	}
	// A live update that finishes a task takes it off the active view.
	h.apply(task(3, t0, c, c, c, c))
	if got := h.gridIDs(); !slices.Equal(got, []string{"t0000004"}) {
		t.Fatalf("a after task 3 finished: %v", got)
	}
	h.press("a")
	if got := h.gridIDs(); len(got) != 4 {
		t.Fatalf("no toggles: %v", got)
	}
}

func TestSelectionStaysOnTheTaskAcrossLiveUpdates(t *testing.T) {
	h := newHarness(t, 80, 24)
	ts := fleet(30)
	h.apply(ts...)
	h.press("j", "j", "j", "j") // t0000026, the fifth row
	if got := h.selected(); got != "t0000026" {
		t.Fatalf("setup: %q", got)
	}
	line := h.selectedLine()
	// Three other tasks change: each jumps to the top (last update sort).
	up := []api.Task{ts[0], ts[4], ts[9]}
	for i := range up {
		up[i].Updated = api.Time{Time: t0.Add(time.Duration(i+1) * time.Millisecond)}
		up[i].Features["proxy"] = api.Feature{State: api.StateFailed}
	}
	h.apply(up...)
	if got := h.selected(); got != "t0000026" {
		t.Fatalf("after three rows moved above it, the selection is on %q", got)
	}
	// The view was at the top, so it stays there and shows the new rows;
	// the selected row moves down with its task.
	if l := h.selectedLine(); l != line+3 {
		t.Fatalf("the selected row is on line %d, want %d", l, line+3)
	}
	// Scrolled down, the selected row keeps its place on screen instead.
	h.press("G", "k", "k")
	selID, line := h.selected(), h.selectedLine()
	up2 := []api.Task{ts[10], ts[11]}
	for i := range up2 {
		up2[i].Updated = api.Time{Time: t0.Add(time.Duration(10+i) * time.Millisecond)}
	}
	h.apply(up2...)
	if got, l := h.selected(), h.selectedLine(); got != selID || l != line {
		t.Fatalf("scrolled: selection %q on line %d, want %q on line %d", got, l, selID, line)
	}
	h.press("g", "j", "j", "j", "j")
	for h.selected() != "t0000026" {
		h.press("j")
	}
	// The selected task itself changes: the selection follows it.
	sel := ts[25]
	sel.Updated = api.Time{Time: t0.Add(time.Second)}
	sel.Features["visual"] = api.Feature{State: api.StateFailed}
	h.apply(sel)
	if got := h.selected(); got != "t0000026" {
		t.Fatalf("the selected task moved to the top; selection on %q", got)
	}
	if ids := h.gridIDs(); ids[0] != "t0000026" {
		t.Fatalf("the updated task is not first: %v", ids)
	}
	// And a task the store evicts takes the selection to its neighbour
	// rather than nowhere.
	h.send(batchMsg{b: feed.Batch{}})
	if h.selected() == "" {
		t.Fatal("no selection")
	}
}

func (h *harness) selectedLine() int {
	for i, l := range h.lines() {
		if j := strings.Index(l, "▸ "); j >= 0 && j < 6 {
			return i
		}
	}
	return -1
}

func TestWatchingTheTopKeepsNewRowsInView(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.apply(fleet(30)...)
	n := task(99, t0.Add(time.Second), api.StateQueued)
	h.apply(n)
	if ids := h.gridIDs(); ids[0] != "t0000099" {
		t.Fatalf("a new task at the top is hidden: %v", ids)
	}
	if got := h.selected(); got != "t0000030" {
		t.Fatalf("selection left its task: %q", got)
	}
	// Enough new tasks to push the selected one below the screen: the top
	// stays in view and the title says where the selection went.
	var burst []api.Task
	for i := range 12 {
		burst = append(burst, task(100+i, t0.Add(time.Duration(2+i)*time.Second), api.StateQueued))
	}
	h.apply(burst...)
	if ids := h.gridIDs(); ids[0] != "t0000111" {
		t.Fatalf("the newest task is not in view: %v", ids)
	}
	h.must("selection below, row 14")
	if h.selected() != "" {
		t.Fatal("a selection is drawn while the selected task is below the screen")
	}
	// Moving the selection brings it back into view, on its task's
	// neighbour.
	h.press("k")
	if got := h.selected(); got != "t0000099" {
		t.Fatalf("k from below the screen selected %q", got)
	}
	h.mustNot("selection below")
}

func TestDetailOpensUpdatesLiveAndGoesBack(t *testing.T) {
	h := newHarness(t, 160, 45)
	tk := task(7, t0.Add(-30*time.Second), api.StateProcessing, api.StateQueued, api.StateQueued, api.StateNA)
	tk.Features["embedding"] = api.Feature{State: "exploded"} // an unknown state and an extra feature
	h.apply(tk)
	h.press("enter")
	h.must("Task t0000007 · esc back", "t0000007-0000-4000-8000-000000000007", "a0000007-asset",
		"Features", "Timeline", "JSON as received in event evt_000001",
		"proxy", "▂ processing", "embedding", "? exploded", `"asset_id": "a0000007-asset"`)
	// A live update while open: proxy completes, preview starts.
	h.now = t0.Add(5 * time.Second)
	next := tk
	next.Features = map[string]api.Feature{"proxy": {State: api.StateCompleted}, "preview": {State: api.StateProcessing},
		"visual": {State: api.StateQueued}, "transcription": {State: api.StateNA}, "embedding": {State: "exploded"}}
	next.Updated = api.Time{Time: t0.Add(4 * time.Second)}
	h.apply(next)
	h.must("✓ completed", "processing → completed", "queued → processing", "JSON as received in event evt_000002",
		// proxy spent from first sight (30s before t0, so at least that) to
		// t0+4s processing, and preview 34s queued before it started.
		"processing ≥34s →", "queued ≥34s →")
	h.press("esc")
	h.must("Tasks 1 ·")
	h.mustNot("Timeline")
	if got := h.selected(); got != "t0000007" {
		t.Fatalf("back on the grid, selection %q", got)
	}
}

func TestDetailShowsATaskFromASnapshotAsDecoded(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.send(batchMsg{b: feed.Batch{Resync: []api.Task{task(3, t0, api.StateCompleted)}}})
	h.press("enter")
	h.must("JSON as decoded", `"id": "t0000003-0000-4000-8000-000000000003"`)
}

func TestHelpListsEveryBinding(t *testing.T) {
	for _, size := range [][2]int{{160, 45}, {80, 24}} {
		h := newHarness(t, size[0], size[1])
		h.press("?")
		// Read the help whole, scrolling when it does not fit.
		seen := map[string]bool{}
		for range 20 {
			for _, l := range h.lines() {
				seen[l] = true
			}
			h.press("pgdown")
		}
		var all strings.Builder
		for l := range seen {
			all.WriteString(l + "\n")
		}
		text := all.String()
		for _, b := range keys.Default().All() {
			if !strings.Contains(text, b.Label()) || !strings.Contains(text, b.Desc) {
				t.Errorf("%dx%d: help lacks %s (%s): %q", size[0], size[1], b.Name, b.Label(), b.Desc)
			}
		}
		for _, w := range []string{"queued", "processing", "completed", "failed", "cancelled", "na", "a state this version does not know"} {
			if !strings.Contains(text, w) {
				t.Errorf("help's legend lacks %q", w)
			}
		}
		h.press("?")
		h.mustNot("Help ·")
	}
}

func TestTinyWindowSaysHowBigItMustBe(t *testing.T) {
	h := newHarness(t, 60, 20)
	h.apply(fleet(5)...)
	h.must("needs a window of at least 80×24", "This one is 60×20")
	h.mustNot("t0000005")
	for _, l := range h.drawn() {
		if w := common.Width(l); w > 60 {
			t.Fatalf("a line is %d wide in a 60-wide window: %q", w, l)
		}
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 23})
	h.must("This one is 80×23")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.mustNot("needs a window")
	h.must("t0000005")
}

func TestResizeMovesTheSidePanes(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.apply(fleet(10)...)
	checkFrame(t, h, 160, 45)
	// Wide: the endpoints pane stands beside the grid, on the top line.
	if l := h.lines()[1]; !strings.Contains(l, "Tasks") || !strings.Contains(l, "Endpoints") {
		t.Fatalf("wide layout: line 1 is %q", l)
	}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	checkFrame(t, h, 100, 30)
	// Narrow: below the grid.
	if l := h.lines()[1]; strings.Contains(l, "Endpoints") {
		t.Fatalf("narrow layout: endpoints beside the grid: %q", l)
	}
	h.must("Endpoints", "Failed deliveries", "t0000010")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	checkFrame(t, h, 80, 24)
}

// checkFrame asserts the screen fills the window exactly.
func checkFrame(t *testing.T, h *harness, w, hh int) {
	t.Helper()
	ls := h.drawn()
	if len(ls) != hh {
		t.Fatalf("%dx%d: %d lines", w, hh, len(ls))
	}
	for i, l := range ls {
		if got := common.Width(l); got != w {
			t.Fatalf("%dx%d: line %d is %d wide: %q", w, hh, i, got, l)
		}
	}
}

func TestEveryScreenFillsTheWindow(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}, {139, 40}, {140, 40}, {160, 45}, {220, 60}} {
		h := newHarness(t, size[0], size[1])
		h.apply(fleet(50)...)
		checkFrame(t, h, size[0], size[1])
		h.press("enter")
		checkFrame(t, h, size[0], size[1])
		h.press("esc", "L")
		checkFrame(t, h, size[0], size[1])
		h.press("esc", "?")
		checkFrame(t, h, size[0], size[1])
		h.press("esc", "/")
		h.typeText("zz")
		checkFrame(t, h, size[0], size[1])
	}
}

func TestUnknownStatesAndExtraFeaturesAreShown(t *testing.T) {
	h := newHarness(t, 160, 45)
	tk := task(1, t0, api.StateCompleted, api.StateCompleted)
	tk.Features["embedding"] = api.Feature{State: "vectorizing"}
	h.apply(tk)
	// A long unknown state is cut in the grid and whole in the detail.
	h.must("EMBEDDING", "? vectorizi…")
	h.press("enter")
	h.must("? vectorizing")
	h.press("esc")
	// At 80 columns the extra column does not fit: the header says so.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.must("1 feature column hidden")
}

func TestHostileTextIsCleaned(t *testing.T) {
	h := newHarness(t, 160, 45)
	tk := task(1, t0, api.StateCompleted)
	tk.AssetID = "\x1b]0;pwned\x07evil\x1b[2J"
	tk.Features["\x1b[31mred"] = api.Feature{State: "\x1b[5mblink"}
	h.apply(tk)
	content := h.m.View().Content
	for _, bad := range []string{"\x1b]0;", "\x1b[2J", "\x1b[5m", "pwned\a"} {
		if strings.Contains(content, bad) {
			t.Fatalf("screen carries %q from the network", bad)
		}
	}
	h.must("evil")
	h.press("enter")
	content = h.m.View().Content
	for _, bad := range []string{"\x1b]0;", "\x1b[2J", "\x1b[5m"} {
		if strings.Contains(content, bad) {
			t.Fatalf("detail carries %q from the network", bad)
		}
	}
}

func TestStatusLine(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.apply(fleet(16)...)
	h.must("● live since 11:57:00 (3m)", "● 8 active", "✗ 2 failed", "✓ 6 done", "skipped 0 (L log)")

	// Events per second: 30 events over each of six seconds.
	for s := 1; s <= 6; s++ {
		h.now = t0.Add(time.Duration(s) * time.Second)
		b := feed.Batch{Received: 30}
		h.send(batchMsg{b: b})
	}
	h.now = t0.Add(7 * time.Second)
	h.send(tickMsg{})
	h.must("events 30/s")

	h.send(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseReconnecting, Attempt: 2, NextTry: h.now.Add(3 * time.Second), Reason: "connection refused"}}})
	h.must("◌ reconnecting, attempt 2 in 3s: connection refused")
	// The wait over, trying again: the reason stays on screen.
	h.send(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseConnecting, Attempt: 2, Reconnects: 2, LastDrop: "connection refused"}}})
	h.must("◌ connecting, attempt 2… (last: connection refused)")

	h.send(batchMsg{b: feed.Batch{
		Skips:    []feed.Skip{{ID: "e1", Type: "task.progress", Reason: "not JSON", Size: 12, Received: h.now, Raw: []byte("{not json")}},
		Received: 1,
	}})
	h.must("skipped 1 (L log)")
	h.press("L")
	h.must("Event log 1", "skipped", "not JSON", "raw: {not json")
	h.press("esc")

	h.send(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: h.now, Reconnects: 2, LastDrop: "the stream went silent for 45s"}}})
	h.must("● live since 12:00:07 (0s), 2 reconnects (last: the stream went silent for 45s)")

	h.send(feedDoneMsg{err: nil})
	h.must("✗ stopped")
}

// A bug in the feed stops the feed, not the dashboard, and says what
// happens next.
func TestFeedPanicIsShownNotFatal(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.apply(fleet(4)...)
	pe := &feed.PanicError{Value: "boom", Stack: []byte("stack")}
	h.send(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseStopped, Reason: pe.Error(), Err: pe}}})
	h.send(feedDoneMsg{err: pe})
	h.must("✗ stopped: the live feed stopped on an internal error", "quitting writes a crash report")
	// Still driven from the keyboard: j moves the selection.
	if got := h.selected(); got != "t0000004" {
		t.Fatalf("selection %q before j, want t0000004", got)
	}
	h.press("j")
	if got := h.selected(); got != "t0000003" {
		t.Fatalf("j after the feed stopped: selection %q, want t0000003", got)
	}
}

func TestUnknownEventTypesAreLogged(t *testing.T) {
	h := newHarness(t, 160, 45)
	b := h.batch(task(1, t0, api.StateQueued))
	b.Events[0].Type = "task.archived"
	b.Events[0].Env.EventType = "task.archived"
	h.send(batchMsg{b: b})
	h.press("L")
	h.must("unknown event types: task.archived 1", "unknown type")
}

func TestEmptyStates(t *testing.T) {
	dark := true
	m, err := New(Options{APIURL: "https://api.aspect.inc", Clock: func() time.Time { return t0 }, Dark: &dark})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, now: t0}
	h.drive(m, 80, 24)
	h.must("Connecting to https://api.aspect.inc…", "◌ connecting…")
	h.send(batchMsg{b: feed.Batch{Resync: []api.Task{}, Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: t0}}})
	h.must("No tasks yet")
	h.apply(fleet(3)...)
	h.press("/")
	h.typeText("nothing-like-this")
	h.must("No task matches /nothing-like-this")
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		h := newHarness(t, 80, 24)
		_, cmd := h.m.Update(uitest.Key(k))
		if cmd == nil || !h.m.Quitting() {
			t.Fatalf("%s does not quit", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("%s: the command is not tea.Quit", k)
		}
	}
	// ctrl+c quits even while typing a filter.
	h := newHarness(t, 80, 24)
	h.press("/")
	h.press("ctrl+c")
	if !h.m.Quitting() {
		t.Fatal("ctrl+c while filtering does not quit")
	}
}

func TestKeyOverridesAndReadOnly(t *testing.T) {
	dark := true
	if _, err := New(Options{Keys: map[string]string{"quit": "x", "nope": "y"}, Dark: &dark}); err == nil || !strings.Contains(err.Error(), `unknown binding "nope"`) {
		t.Fatalf("unknown binding: %v", err)
	}
	if _, err := New(Options{Keys: map[string]string{"sort": "j"}, Dark: &dark}); err == nil || !strings.Contains(err.Error(), `"j" is bound to both`) {
		t.Fatalf("conflict: %v", err)
	}
	if _, err := New(Options{Theme: map[string]string{"failed": "reddish"}, Dark: &dark}); err == nil || !strings.Contains(err.Error(), "not a colour") {
		t.Fatalf("bad colour: %v", err)
	}
	m, err := New(Options{Keys: map[string]string{"down": "J, down"}, Clock: func() time.Time { return t0 }, Dark: &dark})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, now: t0}
	h.drive(m, 80, 24)
	h.apply(fleet(5)...)
	h.press("J")
	if got := h.selected(); got != "t0000004" {
		t.Fatalf("J bound to down: selection %q", got)
	}
	h.press("j")
	if got := h.selected(); got != "t0000004" {
		t.Fatalf("j no longer bound: selection %q", got)
	}
}

func TestBackgroundColourSwitchesTheme(t *testing.T) {
	h := newHarness(t, 80, 24)
	dark := h.m.ctx.Theme
	h.send(tea.BackgroundColorMsg{Color: lightGrey{}})
	if h.m.ctx.Theme == dark || h.m.ctx.Theme.Dark {
		t.Fatal("a light background did not switch to the light theme")
	}
}

type lightGrey struct{}

func (lightGrey) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

func TestNoColorDrawsWithoutColours(t *testing.T) {
	dark := true
	m, err := New(Options{NoColor: true, Clock: func() time.Time { return t0 }, Dark: &dark})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, now: t0}
	h.drive(m, 80, 24)
	h.apply(fleet(5)...)
	content := m.View().Content
	if strings.Contains(content, "38;2;") || strings.Contains(content, "48;2;") || strings.Contains(content, "[38;5") {
		t.Fatal("NO_COLOR screen holds colour sequences")
	}
	// The selection still shows: reversed.
	if !strings.Contains(content, "\x1b[7m") {
		t.Fatal("the selected row is not reversed without colour")
	}
}

func TestFilteringWithTheSelectionOffScreenStartsAtTheTop(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.apply(fleet(10)...)
	var burst []api.Task
	for i := range 15 {
		burst = append(burst, task(100+i, t0.Add(time.Duration(2+i)*time.Second), api.StateQueued))
	}
	h.apply(burst...)
	h.must("selection below")
	h.press("/")
	h.typeText("t00001")
	if got, ids := h.selected(), h.gridIDs(); got == "" || got != ids[0] {
		t.Fatalf("filtering with the selection below the screen: selected %q, rows %v", got, ids)
	}
	h.mustNot("selection below")
}

func TestAJustChangedCellIsMarkedForAMoment(t *testing.T) {
	h := newHarness(t, 160, 45)
	tk := task(1, t0.Add(-time.Second), api.StateProcessing, api.StateQueued)
	h.apply(tk, task(2, t0, api.StateQueued)) // task 2 is selected: task 1's row is drawn plain
	// The mark is the Changed background; read it off a probe cell drawn
	// in the flash style, as the terminal shows it.
	probe := uitest.NewScreen(t, 2, 1)
	probe.Draw(h.m.ctx.Theme.States[api.StateCompleted][theme.Flash].S("x"))
	mark := probe.Style(0, 0).Bg
	if mark == nil {
		t.Fatal("the flash style draws no background")
	}
	h.now = t0.Add(time.Second)
	tk.Updated = api.Time{Time: h.now}
	tk.Features["proxy"] = api.Feature{State: api.StateCompleted}
	h.apply(tk)
	if got := h.marked("t0000001", "✓ completed", mark); got != "all" {
		t.Fatalf("the proxy cell that just completed is not marked (%s of its cells)", got)
	}
	// The preview cell did not change and is not marked.
	if got := h.marked("t0000001", "◌ queued", mark); got != "none" {
		t.Fatalf("an unchanged cell is marked (%s of its cells)", got)
	}
	h.now = t0.Add(time.Second + grid.FlashFor)
	h.send(tickMsg{})
	if got := h.marked("t0000001", "✓ completed", mark); got != "none" {
		t.Fatalf("the mark does not go away (%s of the cell's cells)", got)
	}
}

// marked says whether the cells of text on the grid row of task id have
// the background bg: "all", "none" or "some"; it fails the test if the
// row or the text is not on screen.
func (h *harness) marked(id, text string, bg color.Color) string {
	h.t.Helper()
	for y, l := range h.lines() {
		i := strings.Index(l, text)
		if !strings.Contains(l, " "+id+" ") || i < 0 {
			continue
		}
		x, n, on := ansi.StringWidth(l[:i]), ansi.StringWidth(text), 0
		for c := x; c < x+n; c++ {
			if sameColor(h.Screen().Style(c, y).Bg, bg) {
				on++
			}
		}
		switch on {
		case n:
			return "all"
		case 0:
			return "none"
		}
		return "some"
	}
	h.t.Fatalf("no row of %s shows %q:\n%s", id, text, h.screen())
	return ""
}

func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

// A panic caught in a fetch of missed tasks is logged, and kept for the
// crash report the command writes when the program ends.
func TestRefetchPanicIsKeptForTheCrashReport(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.apply(fleet(2)...)
	pe := &feed.PanicError{Value: "decoder on fire", Stack: []byte("stack")}
	h.send(refetchedMsg{err: errors.Join(errors.New("task t1: 500"), pe)})
	if h.m.Caught() != pe {
		t.Fatalf("Caught() = %v, want the panic", h.m.Caught())
	}
	h.press("L")
	h.must("fetch failed", "could not fetch tasks")
}

package ui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/record"
	"github.com/aspect-hq/aspect-tui/ui"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// writeReplayFile writes a recording of tasks going queued, processing,
// then completed or (one in five) failed, a second apart, and returns
// its path.
func writeReplayFile(t *testing.T, tasks int) string {
	t.Helper()
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	b := record.AppendHeader(nil, record.Header{AppVersion: "test", APIURL: "http://127.0.0.1:9", Started: start, Recorder: record.RecorderDashboard})
	at := start
	n := 0
	for i := range tasks {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		for step, st := range []api.State{api.StateQueued, api.StateProcessing, api.StateCompleted} {
			typ := api.EventTaskProgress
			if step == 2 {
				typ = api.EventTaskCompleted
				if i%5 == 4 {
					st, typ = api.StateFailed, api.EventTaskFailed
				}
			}
			at = at.Add(time.Second)
			n++
			eid := fmt.Sprintf("10000000-0000-4000-8000-%012d", n)
			data := fmt.Sprintf(`{"timestamp":%q,"event_id":%q,"event_type":%q,"user_id":"u","data":{"task":{"id":%q,"asset_id":"asset-%d","user_id":"u","created":%q,"updated":%q,"features":{"proxy":{"state":%q},"preview":{"state":%q}}}}}`,
				at.Format(time.RFC3339Nano), eid, typ, id, i, start.Format(time.RFC3339), at.Format(time.RFC3339Nano), st, st)
			b = record.AppendEvent(b, at, eid, typ, []byte(data))
		}
	}
	path := filepath.Join(t.TempDir(), "r.sse")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func openPlayer(t *testing.T, path string) *record.Player {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	info, _ := f.Stat()
	p, err := record.Open(f, info.Size(), record.PlayerOptions{SnapshotEvery: 16})
	if err != nil || p.Err() != nil {
		t.Fatalf("%v %v", err, p.Err())
	}
	return p
}

// TestReplayAtMaxSpeedEndsWhereAStraightPlayDoes plays a recording through
// the dashboard at --speed max, then steps, seeks to failures and refuses
// actions, reading the screen.
func TestReplayAtMaxSpeedEndsWhereAStraightPlayDoes(t *testing.T) {
	path := writeReplayFile(t, 40)
	p := openPlayer(t, path)
	a := playReplay(t, p, 160)
	a.WaitFor("event 120 of 120", "end of the recording", "8 failure(s) ✗")

	// The store the dashboard played into equals a straight play's.
	straight := openPlayer(t, path)
	for i := range 40 {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		got, _ := p.Store().Task(id)
		want, _ := straight.Store().Task(id)
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(p.Store().Timeline(id)) != fmt.Sprint(straight.Store().Timeline(id)) {
			t.Fatalf("task %s played as %v, a straight play gives %v", id, got, want)
		}
	}
	a.WaitFor("✗ 8 failed", "✓ 32 done")

	// { goes back to the last failure: the task that failed there is
	// failed on the grid, the ones after it are not there yet.
	a.Press("{")
	a.WaitFor("failure 7 of 8", "event 105 of 120", "✗ 7 failed", "asset-34 ")
	if err := straight.Seek(105); err != nil {
		t.Fatal(err)
	}
	c := straight.Store().Counts()
	a.WaitFor(fmt.Sprintf("✗ %d failed", c.Failed), fmt.Sprintf("✓ %d done", c.Done))
	a.MustNot("asset-35 ", "asset-39 ")
	a.Press("}")
	a.WaitFor("failure 8 of 8", "event 120 of 120", "asset-39 ")
	a.Press("{")
	a.WaitFor("failure 7 of 8", "event 105 of 120")

	// , steps one event back; [ a minute back.
	a.Press(",")
	a.WaitFor("event 104 of 120")
	a.Press("[")
	a.Until(func(s string) bool {
		m := regexp.MustCompile(`event (\d+) of 120`).FindStringSubmatch(s)
		if m == nil {
			return false
		}
		n, _ := strconv.Atoi(m[1])
		return n == 44 && !regexp.MustCompile(`asset-(1[5-9]|[23]\d) `).MatchString(s)
	}, "a minute back: 60 events of a second each")

	// : goes to a typed time.
	a.Press(":")
	a.WaitFor("go to time:")
	a.Type("+10s")
	a.Press("enter")
	a.WaitFor("event 54 of 120")
	a.Press(":")
	a.Type("nonsense")
	a.Press("enter")
	a.WaitFor(`"nonsense" is no time`)

	// What would change something is off, and says why.
	a.Press("tab", "n")
	a.WaitFor("a replay sends nothing anywhere")
}

// TestReplayOfACutFileShowsWhatItRead: a recording cut in the middle of an
// event plays to the cut, and the bar says where reading stopped.
func TestReplayOfACutFileShowsWhatItRead(t *testing.T) {
	path := writeReplayFile(t, 10)
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, b[:len(b)-40], 0o600); err != nil {
		t.Fatal(err)
	}
	p := openPlayer0(t, path)
	a := playReplay(t, p, 200)
	a.WaitFor("event 29 of 29", "the recording was read up to here: line 148 (byte 13530): the last record is cut short", "asset-9 ")
}

func openPlayer0(t *testing.T, path string) *record.Player {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	info, _ := f.Stat()
	p, err := record.Open(f, info.Size(), record.PlayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// playReplay starts the replay of p on a screen width columns wide and 47
// rows high, as the terminal would: its size first, then Init.
func playReplay(t *testing.T, p *record.Player, width int) *uitest.Async {
	t.Helper()
	r, err := ui.NewReplay(ui.Options{NoColor: true, Dark: new(true)}, p, 0)
	if err != nil {
		t.Fatal(err)
	}
	a := uitest.NewAsync(t, r, width, 47)
	a.Send(tea.WindowSizeMsg{Width: width, Height: 47})
	a.Run(r.Init())
	return a
}

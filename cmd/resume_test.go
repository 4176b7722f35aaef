package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/sim/simtest"
	"github.com/aspect-hq/aspect-tui/ui"
)

// dashScreen is the dashboard running as on a 160×45 terminal: the test
// types into keys and reads the screen.
type dashScreen struct {
	*runningCLI
	screen *clitest.Screen
}

func startDashScreen(t *testing.T, env map[string]string, args ...string) *dashScreen {
	t.Helper()
	testScreen.w, testScreen.h = 160, 45
	t.Cleanup(func() { testScreen.w, testScreen.h = 0, 0 })
	screen := clitest.NewScreen(t, 160, 45, clitest.NotATTY)
	ctx, cancel := context.WithCancel(context.Background())
	r := &runningCLI{out: &clitest.Buffer{}, err: &clitest.Buffer{}, cancel: cancel, exited: make(chan struct{})}
	in, keys := io.Pipe()
	r.keys = keys
	getenv := func(k string) string { return env[k] }
	go func() {
		defer close(r.exited)
		r.code = run(ctx, args, &stdio{in: in, out: io.MultiWriter(r.out, screen), err: r.err, getenv: getenv})
	}()
	t.Cleanup(func() {
		keys.Close()
		cancel()
		select {
		case <-r.exited:
		case <-time.After(clitest.Patience):
			t.Errorf("the dashboard did not stop")
		}
	})
	return &dashScreen{runningCLI: r, screen: screen}
}

func (d *dashScreen) shows(t *testing.T, sub string) {
	t.Helper()
	d.screen.WaitFor(t, sub, d.exited)
}

// quit presses q and waits for a clean exit.
func (d *dashScreen) quit(t *testing.T) {
	t.Helper()
	d.press(t, "q")
	if c := d.wait(t); c != 0 {
		t.Fatalf("exit %d: %s", c, d.err.String())
	}
}

// savedMark reads the mark the dashboard keeps for apiURL.
func savedMark(t *testing.T, stateDir, apiURL string) feed.Mark {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(stateDir, "aspect-tui", "resume.json"))
	if err != nil {
		return feed.Mark{}
	}
	var all map[string]feed.Mark
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatalf("resume.json: %v\n%s", err, b)
	}
	return all[apiURL]
}

// failedTasks is, per task, how many features the simulator holds failed.
func failedTasks(s *sim.Server) map[string]int {
	out := map[string]int{}
	for _, task := range s.Tasks() {
		for _, f := range task.Features {
			if f.State == api.StateFailed {
				out[task.ID]++
			}
		}
	}
	return out
}

// witnessTimeline reads the stream from mark as a second client would and
// returns the transitions of task id it saw.
func witnessTimeline(t *testing.T, s *sim.Server, mark, id string) []feed.Transition {
	t.Helper()
	c, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := feed.Start(ctx, c, feed.Options{LastEventID: mark})
	store := feed.NewStore(feed.StoreOptions{})
	last := s.LastEventID()
	clitest.Wait(t, "the witness to read every event", func() bool {
		select {
		case b := <-f.Batches():
			for _, ev := range b.Events { // events only: the transitions events made
				store.Apply(ev)
			}
			return store.Mark().ID == last || len(b.Events) > 0 && b.Events[len(b.Events)-1].ID == last
		case <-time.After(100 * time.Millisecond):
			return false
		}
	}, nil, nil)
	cancel()
	f.Wait()
	return store.Timeline(id)
}

// Resume: stop the dashboard, let the simulator emit events, start it
// again. It says what happened while away (events and failed tasks,
// counted once), and a task made while away shows each of its transitions
// once, marked as such.
func TestDashboardResumesWhereItLeftOff(t *testing.T) {
	s := simtest.Paused(t, sim.Options{Seed: 11, TimeScale: 600, FailRate: 0.3})
	state := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "XDG_STATE_HOME": state, "ASPECT_API_URL": s.URL(), "ASPECT_API_KEY": s.APIKey()}

	first := startDashScreen(t, env)
	first.shows(t, "live")
	s.CreateTasks(4)
	s.Advance(3 * time.Second)
	last := s.LastEventID()
	// The mark is written every few seconds while the dashboard runs.
	first.waitFor(t, "the mark of the last event in the state file", func() bool { return savedMark(t, state, s.URL()).ID == last })
	first.quit(t)
	info, err := os.Stat(filepath.Join(state, "aspect-tui", "resume.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("resume.json: %v, mode %v; want 0600", err, info.Mode())
	}
	if b, _ := os.ReadFile(filepath.Join(state, "aspect-tui", "resume.json")); strings.Contains(string(b), s.APIKey()) {
		t.Fatalf("resume.json holds the API key:\n%s", b)
	}

	// While away.
	failedBefore, before := failedTasks(s), s.Counts().Events
	made := s.CreateTasks(4)
	s.Advance(24 * time.Hour)
	away := int(s.Counts().Events - before)
	failed := 0
	for id, n := range failedTasks(s) {
		if n > failedBefore[id] {
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("no task failed while away: the test needs one")
	}
	want := witnessTimeline(t, s, last, made[0])

	second := startDashScreen(t, env)
	second.shows(t, fmt.Sprintf("while you were away: %d events, %d %s failed", away, failed, map[bool]string{true: "task", false: "tasks"}[failed == 1]))

	// The task's detail: its timeline, every transition once.
	second.press(t, "/")
	second.press(t, made[0][:13])
	second.shows(t, made[0][:13])
	second.press(t, "\r")
	second.press(t, "\r")
	second.shows(t, "Timeline")
	second.screen.WaitUntil(t, "the timeline", func(text string) bool { return strings.Count(text, "(while you were away)") >= len(want) }, second.exited)
	var lines []string
	for _, l := range second.screen.Lines() {
		if strings.Contains(l, "(while you were away)") {
			lines = append(lines, l)
		}
	}
	if len(lines) != len(want) {
		t.Errorf("%d transitions shown while away, the witness saw %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, tr := range want {
		if i < len(lines) && (!strings.Contains(lines[i], tr.Feature) || !strings.Contains(lines[i], tr.At.Local().Format("15:04:05.000"))) {
			t.Errorf("transition %d: %q, want %s → %s at %s", i, lines[i], tr.Feature, tr.To, tr.At.Local().Format("15:04:05.000"))
		}
	}
	second.quit(t)
	if got := savedMark(t, state, s.URL()).ID; got != s.LastEventID() {
		t.Errorf("after the second session the mark is %s, want the last event %s", got, s.LastEventID())
	}
}

// When the server no longer holds the mark, the dashboard says the events
// were missed.
func TestDashboardSaysWhenEventsWereMissed(t *testing.T) {
	s := simtest.Paused(t, sim.Options{Seed: 12, TimeScale: 600, ReplayBuffer: 8})
	state := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "XDG_STATE_HOME": state, "ASPECT_API_URL": s.URL(), "ASPECT_API_KEY": s.APIKey()}

	first := startDashScreen(t, env)
	first.shows(t, "live")
	s.CreateTasks(2)
	last := s.LastEventID()
	first.waitFor(t, "the mark in the state file", func() bool { return savedMark(t, state, s.URL()).ID == last })
	first.quit(t)

	s.Advance(time.Second)
	s.CreateTasks(10) // more events than the simulator keeps
	s.Advance(time.Second)

	second := startDashScreen(t, env)
	second.shows(t, "while you were away: events were missed; only the snapshot is shown")
	second.press(t, "L")
	second.shows(t, "missed  the server no longer holds them")
}

// --fresh (or fresh = true in the config file) starts without resuming,
// and still keeps its own mark for the next start.
func TestFreshDoesNotResume(t *testing.T) {
	state := t.TempDir()
	env := map[string]string{"XDG_STATE_HOME": state}
	c, err := api.NewClient("http://127.0.0.1:9", "sk_test")
	if err != nil {
		t.Fatal(err)
	}
	prev := newMarkState(func(k string) string { return env[k] }, c.BaseURL())
	prev.Note(feed.Mark{ID: "evt_1", At: time.Unix(1_700_000_000, 0).UTC()})
	if err := prev.Flush(); err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(cfgFile, []byte("fresh = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		o    overrides
		want string
	}{
		{"resume", overrides{}, "evt_1"},
		{"--fresh", overrides{Fresh: true}, ""},
		{"fresh = true", overrides{ConfigPath: cfgFile}, ""},
	} {
		cfg, err := loadConfig(tc.o, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		var fo feed.Options
		var uo ui.Options
		d := dashboardRun{client: c, cfg: cfg}
		if d.resume(func(k string) string { return env[k] }, &fo, &uo); fo.Resume.ID != tc.want || uo.Marked == nil {
			t.Errorf("%s: resumes from %q (marks kept: %v), want %q and marks kept", tc.name, fo.Resume.ID, uo.Marked != nil, tc.want)
		}
	}
}

// The mark is kept per API URL, written when flushed (not as each batch
// notes it), and a damaged file starts over instead of stopping the
// dashboard.
func TestMarkStateIsPerAPIAndWrittenWhenFlushed(t *testing.T) {
	state := t.TempDir()
	getenv := func(k string) string { return map[string]string{"XDG_STATE_HOME": state}[k] }
	path := filepath.Join(state, "aspect-tui", "resume.json")
	a, b := newMarkState(getenv, "https://a.example"), newMarkState(getenv, "https://b.example")
	for i := range 1000 {
		a.Note(feed.Mark{ID: fmt.Sprintf("evt_%d", i)})
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the file was written before a flush: %v", err)
	}
	stop := a.keep(context.Background())
	stop() // as the dashboard ends
	b.Note(feed.Mark{ID: "evt_b"})
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := savedMark(t, state, "https://a.example").ID; got != "evt_999" {
		t.Errorf("a's mark %q, want the last noted", got)
	}
	if got := newMarkState(getenv, "https://b.example").Last().ID; got != "evt_b" {
		t.Errorf("b's mark %q", got)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := newMarkState(getenv, "https://a.example").Last(); got.ID != "" {
		t.Errorf("a damaged file gave %+v, want no mark", got)
	}
}

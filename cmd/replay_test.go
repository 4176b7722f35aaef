package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/record"
	"github.com/aspect-hq/aspect-tui/sim"
)

// TestRecordRoundTrip records ten minutes of the simulator (time scale 60)
// with the dashboard's --record and with tail --record at once, then plays
// each file straight through, as replay --speed max does: the store ends
// equal to the simulator's final state, task by task.
func TestRecordRoundTrip(t *testing.T) {
	s := startTailSim(t, sim.Options{Seed: 11, TimeScale: 60})
	dir := t.TempDir()
	tailFile, dashFile := filepath.Join(dir, "tail.sse"), filepath.Join(dir, "dash.sse")
	env := map[string]string{envAPIURL: s.URL(), envAPIKey: s.APIKey(), "XDG_CONFIG_HOME": t.TempDir(), "XDG_STATE_HOME": t.TempDir()}

	tail := startCLI(t, env, []string{"tail", "--json", "--record", tailFile})
	tail.waitErr(t, "streaming events")
	extraProgramOptions = []tea.ProgramOption{tea.WithWindowSize(160, 45)}
	t.Cleanup(func() { extraProgramOptions = nil })
	dash := startCLI(t, env, []string{"--record", dashFile}, cliKeys)
	dash.waitFor(t, "the dashboard's recording to begin", func() bool { return fileHas(dashFile, "aspect-tui.connection") })

	for range 60 {
		s.CreateTasks(1)
		s.Advance(10 * time.Second)
	}
	s.Advance(time.Hour) // every task finishes
	last := s.LastEventID()
	tail.waitFor(t, "tail to record the last event", func() bool { return fileHas(tailFile, "id: "+last) })
	dash.waitFor(t, "the dashboard to record the last event", func() bool { return fileHas(dashFile, "id: "+last) })
	if code := tail.interrupt(t); code != 0 {
		t.Fatalf("tail: exit %d; stderr:\n%s", code, tail.err.String())
	}
	dash.press(t, "q")
	if code := dash.wait(t); code != 0 {
		t.Fatalf("dashboard: exit %d; stderr:\n%s", code, dash.err.String())
	}

	want := s.Tasks()
	if len(want) < 60 {
		t.Fatalf("the simulator holds %d tasks", len(want))
	}
	for _, file := range []string{tailFile, dashFile} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if info, _ := os.Stat(file); info.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", info.Mode().Perm())
			}
			if bytes.Contains(b, []byte(s.APIKey())) || bytes.Contains(b, []byte("Bearer")) || bytes.Contains(b, []byte("whsec_")) {
				t.Fatal("the recording holds the API key, a Bearer header or a signing secret")
			}
			f, _ := os.Open(file)
			defer f.Close()
			p, err := record.Open(f, int64(len(b)), record.PlayerOptions{})
			if err != nil || p.Err() != nil {
				t.Fatalf("open: %v; read: %v", err, p.Err())
			}
			if h := p.Header(); h.Version != record.Version || h.APIURL != s.URL() || h.AppVersion == "" || h.Started.IsZero() {
				t.Errorf("header %+v", h)
			}
			store := p.Store()
			t.Logf("%d records, %d tasks", p.Len(), store.Len())
			if store.Len() != len(want) {
				t.Errorf("the replayed store holds %d tasks, the simulator %d", store.Len(), len(want))
			}
			for _, w := range want {
				got, ok := store.Task(w.ID)
				if !ok {
					t.Errorf("task %s is not in the replayed store", w.ID)
					continue
				}
				if g, ws := taskState(got), taskState(w); g != ws {
					t.Errorf("task %s replayed as\n  %s\nthe simulator ends with\n  %s", w.ID, g, ws)
				}
			}
		})
	}
}

func fileHas(path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), s)
}

// taskState is what the grid shows of a task: its features' states, its
// asset and its last update.
func taskState(t api.Task) string {
	var b strings.Builder
	fmt.Fprintf(&b, "asset %s updated %s:", t.AssetID, t.Updated.UTC().Format(time.RFC3339Nano))
	for _, name := range t.FeatureOrder() {
		fmt.Fprintf(&b, " %s=%s", name, t.Features[name].State)
	}
	return b.String()
}

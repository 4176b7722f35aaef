package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	testScreen.w, testScreen.h = 160, 45
	t.Cleanup(func() { testScreen.w, testScreen.h = 0, 0 })
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

// TestReplayRefusesFilesItCannotRead: each bad file gets a plain error
// naming where reading stopped, before the terminal is taken.
func TestReplayRefusesFilesItCannotRead(t *testing.T) {
	dir := t.TempDir()
	future := record.AppendHeader(nil, record.Header{Started: time.Now().Add(48 * time.Hour)})
	for _, tc := range []struct {
		name, body, says string
	}{
		{"empty.sse", "", "empty.sse: line 1 (byte 0): the file is empty: no recording header"},
		{"newer.sse", ": aspect-tui recording v7 {}\n\n", "version 7 is newer than this aspect-tui reads (1)"},
		{"future.sse", string(future), "from the future: the recording starts at"},
		{"other.sse", "hello\n", `not an aspect-tui recording: it begins "hello"`},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		cli := startCLI(t, map[string]string{"XDG_CONFIG_HOME": dir}, []string{"replay", path})
		if code := cli.wait(t); code != 1 || !strings.Contains(cli.err.String(), tc.says) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 saying %q", tc.name, code, cli.err.String(), tc.says)
		}
	}
	cli := startCLI(t, map[string]string{"XDG_CONFIG_HOME": dir}, []string{"replay", "--speed", "fast", filepath.Join(dir, "empty.sse")})
	if code := cli.wait(t); code != 2 || !strings.Contains(cli.err.String(), "--speed is a number above zero") {
		t.Errorf("--speed fast: exit %d, %q", code, cli.err.String())
	}
}

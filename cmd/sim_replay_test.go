package cmd

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
)

// hookReceiver is a webhook handler under test: it verifies each delivery
// with the endpoint's secret (Svix's own library) and keeps the event ids
// of those that verify.
type hookReceiver struct {
	mu       sync.Mutex
	wh       *svix.Webhook
	verified map[string]int // envelope event_id → deliveries that verified
	refused  int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.wh == nil || h.wh.Verify(body, r.Header) != nil {
		h.refused++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var env api.Envelope
	json.Unmarshal(body, &env)
	h.verified[env.EventID]++
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookReceiver) count() (verified, refused int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.verified), h.refused
}

// A recording made by tail --record, replayed through sim --replay at a
// high time-scale: the simulator ends with the recording's tasks, and a
// handler registered on it gets every recorded event as a webhook message
// signed with its own endpoint's secret.
func TestSimReplayServesARecording(t *testing.T) {
	src := startTailSim(t, sim.Options{Seed: 5, TimeScale: 600, FailRate: 0.3})
	file := filepath.Join(t.TempDir(), "traffic.txt")
	recorded, total := tailEvery(t, src, 8, "--json", "--record", file)
	want := src.Tasks()

	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
	simCLI := startCLI(t, env, []string{"sim", "--replay", file, "--replay-wait", "--addr", "127.0.0.1:0", "--api-key", "sk_replay", "--time-scale", "1000"})
	simCLI.waitOut(t, "create yours now")
	url := regexp.MustCompile(`simulator on (http://\S+)`).FindStringSubmatch(simCLI.out.String())[1]
	c, err := api.NewClient(url, "sk_replay")
	if err != nil {
		t.Fatal(err)
	}
	// A client of the replayed stream, as the dashboard or tail would be.
	watcher := startCLI(t, map[string]string{envAPIURL: url, envAPIKey: "sk_replay", "XDG_CONFIG_HOME": t.TempDir()}, []string{"tail", "--json"})
	watcher.waitErr(t, "streaming events")
	rx := &hookReceiver{verified: map[string]int{}}
	hs := httptest.NewServer(rx)
	defer hs.Close()
	ctx := context.Background()
	created, err := c.CreateEndpoint(ctx, api.EndpointIn{URL: hs.URL + "/hooks", EventTypes: []string{"task.*"}, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	wh, err := svix.NewWebhook(created.Secret)
	if err != nil {
		t.Fatal(err)
	}
	rx.mu.Lock()
	rx.wh = wh
	rx.mu.Unlock()

	simCLI.waitOut(t, "Replay done")
	simCLI.waitFor(t, "every recorded event delivered and verified", func() bool { v, _ := rx.count(); return v >= total })
	if v, refused := rx.count(); v != total || refused != 0 {
		t.Errorf("%d distinct events verified, %d refused; the recording holds %d", v, refused, total)
	}
	for _, w := range want {
		got, err := c.Task(ctx, w.ID)
		if err != nil {
			t.Errorf("task %s: %v", w.ID, err)
			continue
		}
		if !sameTaskState(got, w) {
			t.Errorf("task %s after the replay:\n got %+v\nwant %+v", w.ID, got, w)
		}
	}
	watcher.waitFor(t, "every event on the replayed stream", func() bool { return len(outLines(watcher.out.String())) >= total })
	if got, want := outLines(watcher.out.String()), outLines(recorded.out.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the replayed stream differs from the recorded one: %d events, want %d", len(got), len(want))
	}
	if !strings.Contains(simCLI.out.String(), "Replay done: ") {
		t.Errorf("no summary:\n%s", simCLI.out.String())
	}
	if code := simCLI.interrupt(t); code != 0 {
		t.Errorf("exit %d: %s", code, simCLI.err.String())
	}
}

// sameTaskState compares what the API answers of a task.
func sameTaskState(a, b api.Task) bool {
	if a.ID != b.ID || a.AssetID != b.AssetID || len(a.Features) != len(b.Features) || !a.Updated.Equal(b.Updated.Time) || !a.Created.Equal(b.Created.Time) {
		return false
	}
	for k, v := range a.Features {
		if b.Features[k] != v {
			return false
		}
	}
	return true
}

// A file that is not a recording is a plain error before anything starts.
func TestSimReplayRefusesWhatIsNoRecording(t *testing.T) {
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, map[string]string{}, "sim", "--replay", file, "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(stderr, "not an aspect-tui recording") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

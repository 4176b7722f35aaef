package cmd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sse "github.com/tmaxmax/go-sse"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/sim/simtest"
)

// tailEvery runs tail with args against s (paused) until it has printed a
// line for every event n new tasks make over an hour, then stops it as
// Ctrl+C would and checks it exited 0. It returns the run and the number
// of events.
func tailEvery(t *testing.T, s *sim.Server, n int, args ...string) (*runningCLI, int) {
	t.Helper()
	env := map[string]string{envAPIURL: s.URL(), envAPIKey: s.APIKey(), "XDG_CONFIG_HOME": t.TempDir()}
	cli := startCLI(t, env, append([]string{"tail"}, args...))
	cli.waitErr(t, "streaming events")
	s.CreateTasks(n)
	s.Advance(time.Hour)
	total := int(s.Counts().Events)
	cli.waitFor(t, fmt.Sprintf("every event (%d)", total), func() bool { return len(outLines(cli.out.String())) >= total })
	if code := cli.interrupt(t); code != 0 {
		t.Fatalf("Ctrl+C: exit %d, want 0; stderr:\n%s", code, cli.err.String())
	}
	return cli, total
}

// startTailSim is a paused simulator: the tests move its clock.
func startTailSim(t *testing.T, o sim.Options) *sim.Server { return simtest.Paused(t, o) }

func TestTailJSONPrintsEachEventOnceInOrder(t *testing.T) {
	s := startTailSim(t, sim.Options{Seed: 3, TimeScale: 600, DropSSEEvery: 40})
	record := filepath.Join(t.TempDir(), "session.sse")
	cli, total := tailEvery(t, s, 60, "--json", "--record", record)

	out := outLines(cli.out.String())
	if len(out) != total {
		t.Fatalf("%d lines for %d events", len(out), total)
	}
	seen := map[string]bool{}
	for i, line := range out {
		var e api.Envelope
		if !json.Valid([]byte(line)) || json.Unmarshal([]byte(line), &e) != nil {
			t.Fatalf("line %d is not a JSON envelope: %q", i+1, line)
		}
		if seen[e.EventID] {
			t.Fatalf("event %s printed twice", e.EventID)
		}
		seen[e.EventID] = true
		if i == total-1 && e.EventID != s.LastEventID() {
			t.Errorf("last line is %s, the last event %s: out of order", e.EventID, s.LastEventID())
		}
	}
	if !strings.Contains(cli.err.String(), "live again") {
		t.Errorf("the simulator cut the stream, yet stderr says nothing of it:\n%s", cli.err.String())
	}

	// The recording replays: every printed line is in it, as received.
	f, err := os.Open(record)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if info, _ := f.Stat(); info.Mode().Perm() != 0o600 {
		t.Errorf("recording is mode %v; it holds account data", info.Mode().Perm())
	}
	recorded := map[string]bool{}
	for ev, err := range sse.Read(f, &sse.ReadConfig{MaxEventSize: 2 << 20}) {
		if err != nil {
			t.Fatal(err)
		}
		recorded[ev.Data] = true
	}
	for _, line := range out {
		if !recorded[line] {
			t.Fatalf("printed but not recorded: %s", line)
		}
	}
}

func TestTailRefusedKeyIsAPlainError(t *testing.T) {
	s := startTailSim(t, sim.Options{Seed: 1, APIKey: "sk_sim_right"})
	code, out, errOut := runCLI(t, map[string]string{envAPIURL: s.URL(), envAPIKey: "sk_sim_wrong", "XDG_CONFIG_HOME": t.TempDir()}, "tail", "--json")
	if code == 0 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "401") || !strings.Contains(errOut, "ASPECT_API_KEY") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("want the API's 401 in one line naming ASPECT_API_KEY, got:\n%s", errOut)
	}
	if strings.Contains(errOut, "sk_sim_wrong") {
		t.Error("the key was printed")
	}
}

// "streaming events" is a promise that what happens next is printed: it
// waits for the stream to be open, not just for the API to answer.
func TestTailSaysStreamingOnlyOnceTheStreamIsOpen(t *testing.T) {
	asked, answer := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/tasks/active":
			w.Write([]byte("[]"))
		case "/events":
			once.Do(func() { close(asked) })
			select {
			case <-answer:
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}))
	t.Cleanup(srv.Close) // after the command stops: cleanups run last first
	cli := startCLI(t, map[string]string{envAPIURL: srv.URL, envAPIKey: "sk_test_x", "XDG_CONFIG_HOME": t.TempDir()}, []string{"tail"})
	select {
	case <-asked:
	case <-time.After(clitest.Patience):
		t.Fatalf("the stream was never asked for; stderr:\n%s", cli.err.String())
	}
	if got := cli.err.String(); !strings.Contains(got, "0 active tasks") || strings.Contains(got, "streaming") {
		t.Fatalf("with the stream not yet answered, stderr says:\n%s", got)
	}
	answer <- struct{}{}
	cli.waitErr(t, "streaming events")
}

// On a terminal stdout and stderr interleave: the line that says the
// stream is open comes before the first event, even when both arrive in
// one batch.
func TestTailSaysStreamingBeforeTheFirstEvent(t *testing.T) {
	ev := `{"timestamp":"2025-06-01T12:00:00Z","user_id":"u","event_id":"e1","event_type":"task.progress","data":{"task":{"id":"task_1","features":{"proxy":{"state":"queued"}},"created":"2025-06-01T11:00:00Z","updated":"2025-06-01T12:00:00Z"}}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/tasks/active":
			w.Write([]byte("[]"))
		case "/events":
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write([]byte("id: e1\nevent: task.progress\ndata: " + ev + "\n\n"))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{envAPIURL: srv.URL, envAPIKey: "sk_test_x", "XDG_CONFIG_HOME": t.TempDir()}
	cli := startCLI(t, env, []string{"tail"}, cliCombined)
	cli.waitOut(t, "task_1")
	out := cli.out.String()
	if s, e := strings.Index(out, "streaming events"), strings.Index(out, "task_1"); s < 0 || s > e {
		t.Errorf("\"streaming events\" should come before the first event:\n%s", out)
	}
}

// A hand-made server for what the simulator never sends.
func TestTailPlainLinesAndSkips(t *testing.T) {
	env := func(id, typ string, states string) string {
		return fmt.Sprintf(`{"timestamp":"2025-06-01T12:00:00Z","user_id":"u","event_id":%q,"event_type":%q,"data":{"task":{"id":"task_1","features":{%s},"created":"2025-06-01T11:00:00Z","updated":"2025-06-01T12:00:0%sZ"}}}`, id, typ, states, id[len(id)-1:])
	}
	stream := "id: e1\nevent: task.progress\ndata: " + env("e1", "task.progress", `"proxy":{"state":"processing"},"preview":{"state":"queued"}`) + "\n\n" +
		"id: e2\nevent: asset.created\ndata: {\"event_id\":\"e2\",\"event_type\":\"asset.created\",\"data\":{}}\n\n" +
		"id: e3\nevent: task.progress\ndata: not json\n\n" +
		"id: e1\nevent: task.progress\ndata: " + env("e1", "task.progress", `"proxy":{"state":"processing"}`) + "\n\n" +
		"id: e4\nevent: task.completed\ndata: " + env("e4", "task.completed", `"proxy":{"state":"completed"},"preview":{"state":"\u001b[31mred"}`) + "\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/tasks/active":
			w.Write([]byte("[]"))
		case "/events":
			w.Header().Set("Content-Type", "text/event-stream")
			if r.Header.Get("Last-Event-ID") == "" {
				w.Write([]byte(stream))
				w.(http.Flusher).Flush()
			}
			<-r.Context().Done()
		}
	}))
	defer srv.Close()
	cli := startCLI(t, map[string]string{envAPIURL: srv.URL, envAPIKey: "sk_test_x", "XDG_CONFIG_HOME": t.TempDir()}, []string{"tail"})
	cli.waitFor(t, "three lines", func() bool { return len(outLines(cli.out.String())) >= 3 })
	cli.waitErr(t, "skipped event e3")
	if code := cli.interrupt(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	out := outLines(cli.out.String())
	if len(out) != 3 {
		t.Fatalf("want 3 lines (e1, e2, e4; the repeat of e1 dropped):\n%s", cli.out.String())
	}
	for i, want := range []string{"task.progress    task_1  proxy:processing  preview:queued", "asset.created    e2  (an event type", "task.completed   task_1  proxy:completed  preview:red"} {
		if !strings.Contains(out[i], want) {
			t.Errorf("line %d: %q, want it to hold %q", i+1, out[i], want)
		}
	}
	if strings.Contains(cli.out.String(), "\x1b") {
		t.Error("an escape sequence from the network reached the terminal")
	}
	if !strings.Contains(cli.err.String(), "skipped event e3 (task.progress, 8 bytes): not JSON") {
		t.Errorf("stderr:\n%s", cli.err.String())
	}
}

func TestNDJSONLine(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":"plain"}`:             `{"a":"plain"}`,
		"{\"a\":\n\"b\"}":           `{"a": "b"}`,
		`{"a":"é ✓"}`:               `{"a":"é ✓"}`,
		"{\"a\":\"x\u009b31my\"}":   `{"a":"x\u009b31my"}`,
		"{\"a\":\"\u202eevil\"}":    `{"a":"\u202eevil"}`,
		"{\"a\":\"bad \xff byte\"}": `{"a":"bad \ufffd byte"}`,
		"{\"a\":\"del \x7f\"}":      `{"a":"del \u007f"}`,
	} {
		got := string(ndjsonLine([]byte(in)))
		if got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("%q: not valid JSON", got)
		}
		var a, b any
		json.Unmarshal([]byte(got), &a)
		json.Unmarshal([]byte(strings.ToValidUTF8(in, "\ufffd")), &b)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%q: the value changed: %v vs %v", in, a, b)
		}
	}
}

// Against an API with no event stream, tail says it polls and why, and
// prints what each poll found changed, marked as polled.
func TestTailPollsWithoutAStream(t *testing.T) {
	s := startTailSim(t, sim.Options{Seed: 4, Profile: sim.ProfileDocumented, FailRate: -1, CancelRate: -1})
	ids := s.CreateTasks(3)
	env := map[string]string{envAPIURL: s.URL(), envAPIKey: s.APIKey(), "XDG_CONFIG_HOME": t.TempDir()}
	cli := startCLI(t, env, []string{"tail", "--json", "--poll-interval", "200ms"})
	cli.waitErr(t, "polling every 200ms: no live stream (GET /events answered 404)")
	s.Advance(6 * time.Hour) // every task finishes, and leaves the active list
	cli.waitFor(t, "a polled line for each task", func() bool { return len(outLines(cli.out.String())) >= len(ids) })
	if code := cli.interrupt(t); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, cli.err.String())
	}
	done := map[string]bool{}
	for _, line := range outLines(cli.out.String()) {
		var p struct {
			Kind string   `json:"aspect_tui"`
			Task api.Task `json:"task"`
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil || p.Kind != "polled" {
			t.Fatalf("not a polled line: %q (%v)", line, err)
		}
		if p.Task.Done() {
			done[p.Task.ID] = true
		}
	}
	for _, id := range ids {
		if !done[id] {
			t.Errorf("task %s: no line with its final state", id)
		}
	}
}

// Through Svix's own shapes the task routes and the stream are Aspect's,
// so tail reads them as it reads ours: every event once.
func TestTailAgainstTheSvixProfile(t *testing.T) {
	s := startTailSim(t, sim.Options{Seed: 6, Profile: sim.ProfileSvix, TimeScale: 600})
	cli, total := tailEvery(t, s, 5, "--json")
	if n := len(outLines(cli.out.String())); n != total {
		t.Errorf("%d lines for %d events", n, total)
	}
}

package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// stateLog is what determinism is about: per event, the task and the
// states of its features, without wall-clock times.
func stateLog(t *testing.T, evs []sseEvent) []string {
	t.Helper()
	out := make([]string, len(evs))
	for i, ev := range evs {
		var env api.Envelope
		if err := json.Unmarshal([]byte(ev.data), &env); err != nil {
			t.Fatal(err)
		}
		tk := env.Data.Task
		var b strings.Builder
		b.WriteString(env.EventType + " " + tk.ID + " " + tk.AssetID)
		for _, f := range tk.FeatureOrder() {
			b.WriteString(" " + f + "=" + string(tk.Features[f].State))
		}
		out[i] = b.String()
	}
	return out
}

// TestSameSeedSameStates runs the engine in real time, at a rate, on three
// simulators: the two with the same seed emit the same states in the same
// order however their goroutines were scheduled; the third differs.
func TestSameSeedSameStates(t *testing.T) {
	run := func(seed int64) []string {
		s := startPaused(t, Options{Seed: seed, Rate: 400, TimeScale: 200, Backlog: 10})
		st := openStream(t, newClient(t, s), eventID(s.epoch, 0))
		s.Resume()
		evs := st.next(t, 1500, 20*time.Second)
		s.Close()
		return stateLog(t, evs)
	}
	a, b, c := run(42), run(42), run(43)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, event %d differs:\n%s\n%s", i, a[i], b[i])
		}
	}
	if reflect.DeepEqual(a, c) {
		t.Error("a different seed gave the same sequence")
	}
}

// TestPlansLookReal checks the engine's output over many tasks: every
// documented state shows up at about the configured shares, a preview never
// starts before its proxy completed, every task ends, and each event
// changes something.
func TestPlansLookReal(t *testing.T) {
	s := startPaused(t, Options{Seed: 1})
	st := openStream(t, newClient(t, s), "")
	s.CreateTasks(800)
	s.Advance(24 * time.Hour)
	evs := st.next(t, int(s.Counts().Events), 20*time.Second)

	prev := map[string]api.Task{}
	finalStates := map[api.State]int{}
	features, embedding, failedEvents := 0, 0, 0
	for _, ev := range evs {
		var env api.Envelope
		if err := json.Unmarshal([]byte(ev.data), &env); err != nil {
			t.Fatal(err)
		}
		tk := *env.Data.Task
		old, seen := prev[tk.ID]
		changed := !seen
		for name, f := range tk.Features {
			if seen && old.Features[name].State != f.State {
				changed = true
				if o := old.Features[name].State; !o.Pending() {
					t.Fatalf("task %s: %s left the final state %s for %s", tk.ID, name, o, f.State)
				}
			}
		}
		if !changed {
			t.Fatalf("event %s changes nothing in task %s", ev.id, tk.ID)
		}
		if p, ok := tk.Features["preview"]; ok && p.State == api.StateProcessing {
			if px, ok := tk.Features["proxy"]; ok && px.State != api.StateCompleted && px.State != api.StateNA {
				t.Fatalf("task %s: preview processing while proxy is %s", tk.ID, px.State)
			}
		}
		if env.EventType == api.EventTaskFailed {
			failedEvents++
		}
		prev[tk.ID] = tk
	}
	for _, tk := range prev {
		if !tk.Done() {
			t.Fatalf("task %s is not done after a virtual day: %v", tk.ID, tk.Features)
		}
		for name, f := range tk.Features {
			features++
			finalStates[f.State]++
			if name == "embedding" {
				embedding++
			}
		}
	}
	share := func(s api.State) float64 { return float64(finalStates[s]) / float64(features) }
	// The default fail rate is 8% of the features that run; na and cancelled take some first.
	if f := share(api.StateFailed); f < 0.05 || f > 0.10 {
		t.Errorf("failed share %.3f; want about 0.08", f)
	}
	if f := share(api.StateNA); f < 0.05 || f > 0.12 {
		t.Errorf("na share %.3f; want about 0.08", f)
	}
	if f := share(api.StateCancelled); f < 0.01 || f > 0.08 {
		t.Errorf("cancelled share %.3f", f)
	}
	if f := share(api.StateCompleted); f < 0.7 {
		t.Errorf("completed share %.3f", f)
	}
	if embedding == 0 || failedEvents == 0 {
		t.Errorf("no embedding feature (%d) or no task.failed event (%d) in 800 tasks", embedding, failedEvents)
	}
}

func TestDurationsFollowTimeScale(t *testing.T) {
	// At 600x, a task's minutes of virtual time take well under a second,
	// and all its events arrive without Advance.
	s := startSim(t, Options{Seed: 2, TimeScale: 600})
	ids := s.CreateTasks(5)
	waitFor(t, 20*time.Second, "5 tasks should finish at 600x", func() bool {
		done := 0
		for _, tk := range s.Tasks() {
			if tk.Done() {
				done++
			}
		}
		return done == len(ids)
	})
	for _, tk := range s.Tasks() {
		if d := tk.Updated.Sub(tk.Created.Time); d <= 0 || d > 20*time.Second {
			t.Errorf("task %s took %s of real time", tk.ID, d)
		}
	}
}

func TestBacklogIsMixedAndInThePast(t *testing.T) {
	s := startPaused(t, Options{Seed: 4, Backlog: 40})
	tasks := s.Tasks()
	if len(tasks) != 40 {
		t.Fatalf("%d tasks at start; want 40", len(tasks))
	}
	var active, done int
	for _, tk := range tasks {
		if tk.Done() {
			done++
		} else {
			active++
		}
		if !tk.Created.Before(time.Now().Add(-time.Second)) && tk.Done() {
			t.Errorf("finished backlog task %s was created %s, not in the past", tk.ID, tk.Created)
		}
	}
	if active < 5 || done < 5 {
		t.Errorf("backlog: %d active, %d done; want a mix", active, done)
	}
	c := newClient(t, s)
	list, err := c.ActiveTasks(context.Background())
	if err != nil || len(list) < active {
		t.Errorf("GET /tasks/active: %d, %v; %d are active", len(list), err, active)
	}
}

func TestMemoryStaysWithinTheCaps(t *testing.T) {
	const maxTasks, maxMsgs, maxAtts = 100, 300, 400
	s := startPaused(t, Options{Seed: 6, MaxTasks: maxTasks, MaxMessages: maxMsgs, MaxAttempts: maxAtts, Echo: true})
	c := newClient(t, s)
	first := s.CreateTasks(1)[0]
	// Each round settles before the next: a message evicted before its
	// delivery never makes an attempt, and on a loaded machine deliveries
	// fall behind, so without it the attempts' cap may never be reached.
	for range 20 {
		s.CreateTasks(50)
		s.Advance(3 * time.Hour)
		waitSettled(t, s, 30*time.Second)
	}
	got := s.Counts()
	if got.Tasks > maxTasks || got.Messages > maxMsgs || got.Attempts > maxAtts {
		t.Errorf("holds %+v; caps are %d tasks, %d messages, %d attempts", got, maxTasks, maxMsgs, maxAtts)
	}
	if got.EvictedTasks == 0 || got.Messages < maxMsgs || got.Attempts < maxAtts {
		t.Errorf("caps not reached (%+v): the test proves nothing", got)
	}
	if _, err := c.Task(context.Background(), first); api.StatusOf(err) != 404 {
		t.Errorf("the oldest finished task should be evicted: %v", err)
	}
	msgs, err := c.ListMessages(context.Background(), api.MessageQuery{Limit: 250})
	if err != nil || len(msgs) != maxMsgs {
		t.Errorf("listing after eviction: %d messages, %v", len(msgs), err)
	}
	eps, _ := c.ListEndpoints(context.Background())
	atts, err := c.ListAttempts(context.Background(), api.AttemptQuery{EndpointID: eps[0].ID})
	if err != nil || len(atts) != maxAtts {
		t.Errorf("listing attempts after eviction: %d, %v", len(atts), err)
	}
}

func TestPendingTasksAreNeverEvicted(t *testing.T) {
	s := startPaused(t, Options{MaxTasks: 10})
	tr := api.NewTransport()
	defer tr.CloseIdleConnections()
	// One try: the 429 says Retry-After: 1, which the client would honour.
	c, _ := api.NewClient(s.URL(), s.APIKey(), api.WithHTTPClient(&http.Client{Transport: tr}), api.WithRetries(1, 0))
	if ids := s.CreateTasks(15); len(ids) != 10 {
		t.Fatalf("created %d tasks with room for 10 pending", len(ids))
	}
	_, err := c.CreateTask(context.Background(), "a", []string{"proxy"})
	if api.StatusOf(err) != 429 || !strings.Contains(err.Error(), "max-tasks") {
		t.Errorf("POST /tasks when full: %v; want 429 saying how to make room", err)
	}
	s.Advance(24 * time.Hour)
	if ids := s.CreateTasks(5); len(ids) != 5 {
		t.Errorf("after the tasks finished, created %d of 5", len(ids))
	}
}

func TestEchoEndpointAnswersWithTheFailRate(t *testing.T) {
	s := startPaused(t, Options{Echo: true, EchoFailRate: 0.5, TimeScale: 1e6})
	c := newClient(t, s)
	s.CreateTasks(40)
	waitSettled(t, s, 20*time.Second)
	eps, err := c.ListEndpoints(context.Background())
	if err != nil || len(eps) != 1 || !strings.HasSuffix(eps[0].URL, echoPath) {
		t.Fatalf("endpoints %v, %v; want the echo endpoint", eps, err)
	}
	atts, err := c.ListAttempts(context.Background(), api.AttemptQuery{EndpointID: eps[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[int]int{}
	for _, a := range atts {
		codes[a.ResponseStatusCode]++
	}
	// A message fails all 8 tries with a chance of 1 in 256: count those
	// from the stats rather than assume none did.
	stats, err := c.EndpointStats(context.Background(), eps[0].ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if codes[500] < 10 || codes[200] != stats.Success || stats.Success+stats.Fail != 40 || codes[500] != len(atts)-codes[200] {
		t.Errorf("echo answers %v over %d attempts, stats %+v; want about half 500s and every message delivered or failed", codes, len(atts), stats)
	}
}

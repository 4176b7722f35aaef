package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// realAPI is the dashboard as the command runs it, against a simulator in
// one of its profiles: the real feed (stream or polling), the endpoints
// listed through api.Directory, the API's calls counted.
type realAPI struct {
	*uitest.Async
	t      *testing.T
	m      *Model
	sim    *sim.Server
	direct *api.Client // the test's own, not counted
	calls  *recorder
}

const realPoll = time.Second

func newRealAPI(t *testing.T, profile sim.Profile, secrets map[string]string, prepare func(s *sim.Server, c *api.Client)) *realAPI {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 5, Profile: profile, FailRate: -1, CancelRate: -1, TimeScale: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.Pause() // the test moves the clock
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	direct, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(s, direct)
	}
	rec := &recorder{counts: map[string]int{}, notFound: map[string]bool{}, next: api.NewTransport()}
	client, err := api.NewClient(s.URL(), s.APIKey(), api.WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := feed.Start(ctx, client, feed.Options{PollInterval: realPoll, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	dark := true
	m, err := New(Options{Context: ctx, Client: client, Hooks: &api.Directory{Client: client}, APIURL: s.URL(), Dark: &dark,
		Refresh: 200 * time.Millisecond, Batches: f.Batches(), FeedErr: f.Wait, EndpointSecrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		f.Wait()
		s.Close()
	})
	r := &realAPI{Async: uitest.NewAsync(t, m, 160, 45), t: t, m: m, sim: s, direct: direct, calls: rec}
	r.Tick = func() tea.Msg { return tickMsg{} }
	r.Send(tea.WindowSizeMsg{Width: 160, Height: 45})
	r.Run(m.Init())
	return r
}

// shortIDs are the grid's 8-character task ids.
func shortIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id[:8]
	}
	return out
}

// Against an API with only the documented routes, the dashboard polls:
// every active task shows from the first poll, a change within two, a
// finished task in its final state, and the status line says why.
func TestDocumentedAPIPollsTasks(t *testing.T) {
	var ids []string
	r := newRealAPI(t, sim.ProfileDocumented, nil, func(s *sim.Server, _ *api.Client) { ids = s.CreateTasks(5) })

	shown := 0
	r.Until(func(screen string) bool {
		for _, id := range shortIDs(ids) {
			if !strings.Contains(screen, id) {
				return false
			}
		}
		shown = r.calls.count("GET", api.RouteTasksActive)
		return strings.Contains(screen, "5 active")
	}, "every active task on screen")
	// The first poll is what shows them; a second may have started while
	// the screen was drawn on a busy machine.
	if shown > 2 {
		t.Errorf("the tasks showed only after %d polls of GET /tasks/active", shown)
	}
	r.WaitFor("polling every 1s: no live stream (GET /events answered 404)")

	// Every task finishes: each leaves the active set, and its final state
	// comes from GET /tasks/{id}.
	before := r.calls.count("GET", api.RouteTasksActive)
	r.sim.Advance(6 * time.Hour)
	r.Until(func(screen string) bool {
		return strings.Contains(screen, "0 active") && strings.Contains(screen, "5 done")
	}, "every task done")
	if polls := r.calls.count("GET", api.RouteTasksActive) - before; polls > 3 {
		t.Errorf("the change took %d polls to show, want at most two (and one drawn late)", polls)
	}
	if n := r.calls.count("GET", api.RouteTaskGet); n < 5 {
		t.Errorf("GET /tasks/{id} asked %d times; each finished task needs its final state", n)
	}
	for _, tk := range r.sim.Tasks() {
		got, ok := r.m.store.Task(tk.ID)
		if !ok || !sameFeatures(got, tk) {
			t.Errorf("task %s: the store has %+v, the API %+v", tk.ID, got.Features, tk.Features)
		}
	}
	// The task view says how each transition was seen.
	r.Press("enter")
	r.WaitFor("seen by polling")
}

func sameFeatures(a, b api.Task) bool {
	if len(a.Features) != len(b.Features) {
		return false
	}
	for n, f := range a.Features {
		if b.Features[n].State != f.State {
			return false
		}
	}
	return true
}

// Against the documented routes, an endpoint made elsewhere is found in
// its attempts, its failures are listed, and r re-delivers one from this
// machine, signed with its secret: a receiver that verifies with the svix
// library takes it, and the row says it came from here.
func TestDocumentedAPIRedeliversFromHere(t *testing.T) {
	var rx *listen.Receiver
	var svixSent atomic.Int32
	// Aspect's attempts fail; a re-delivery from here reaches the receiver.
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get(listen.RedeliveredHeader) == "" {
			svixSent.Add(1)
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		rx.Handler().ServeHTTP(w, req)
	}))
	t.Cleanup(handler.Close)
	var ep api.EndpointCreated
	secrets := map[string]string{} // the config's [endpoint_secrets], filled once the endpoint exists
	r := newRealAPI(t, sim.ProfileDocumented, secrets, func(s *sim.Server, c *api.Client) {
		var err error
		ep, err = c.CreateEndpoint(context.Background(), api.EndpointIn{URL: handler.URL + "/hook", EventTypes: []string{"task.*"}})
		if err != nil {
			t.Fatal(err)
		}
		secrets[ep.Endpoint.ID] = ep.Secret
		s.CreateTasks(1)
		s.Advance(time.Minute)
	})
	var err error
	rx, err = listen.New(listen.Options{Addr: "127.0.0.1:0", Secrets: []string{ep.Secret}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rx.Close() })

	r.WaitFor("discovered (no list route)", "found in its attempts", "✗ 500")
	for range 3 {
		r.Press("tab")
		if strings.HasPrefix(r.m.focused().Title(), "Failed deliveries") {
			break
		}
	}
	r.Press("r")
	r.WaitFor("press r again to re-deliver from this machine (the API has no resend route)")
	if n := r.calls.count("POST", api.RouteResend); n != 1 {
		t.Errorf("resend asked %d times, want the one that found it missing", n)
	}
	r.Press("r")
	r.WaitFor("from this machine (not by Aspect)", "✓ 204")
	var got listen.Request
	select {
	case got = <-rx.Requests():
	case <-time.After(10 * time.Second):
		t.Fatal("the receiver got no re-delivery")
	}
	if !got.Verified || !strings.HasPrefix(got.SvixID, "msg_") {
		t.Fatalf("the re-delivery: verified %v, svix-id %q: %s", got.Verified, got.SvixID, got.Reason)
	}
	r.WaitFor("✓ 204 here") // the pane is too narrow for the TRIGGER column's "from here"
	if n := r.calls.count("POST", api.RouteResend); n != 1 {
		t.Errorf("resend asked %d times after it was found missing", n)
	}
}

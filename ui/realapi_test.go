package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/sim/simtest"
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
	s := simtest.Paused(t, sim.Options{Seed: 5, Profile: profile, FailRate: -1, CancelRate: -1})
	direct, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(s, direct)
	}
	r := dashboardOn(t, s.URL(), s.APIKey(), dashOpts{secrets: secrets})
	r.sim, r.direct = s, direct
	return r
}

// dashOpts: the config's [endpoint_secrets]; the time the screens show
// (nil: the clock); whether the client's field skips reach the log.
type dashOpts struct {
	secrets map[string]string
	clock   func() time.Time
	skips   bool
}

// dashboardOn runs the dashboard as the command does (feed, Directory)
// against the API at url.
func dashboardOn(t *testing.T, url, key string, o dashOpts) *realAPI {
	t.Helper()
	rec := &recorder{counts: map[string]int{}, notFound: map[string]bool{}, next: api.NewTransport()}
	opts := []api.Option{api.WithHTTPClient(&http.Client{Transport: rec})}
	var skips chan api.FieldSkip
	if o.skips {
		skips = make(chan api.FieldSkip, 64)
		opts = append(opts, api.WithSkipReport(func(fs api.FieldSkip) { skips <- fs }))
	}
	client, err := api.NewClient(url, key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fo := feed.Options{PollInterval: realPoll, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	if o.clock != nil {
		// The connection's times too ("live since"): two dashboards that
		// draw one instant must not differ by the second each went live.
		fo.Now = o.clock
	}
	f := feed.Start(ctx, client, fo)
	dark := true
	m, err := New(Options{Context: ctx, Client: client, Hooks: &api.Directory{Client: client}, APIURL: url, Dark: &dark,
		Refresh: 200 * time.Millisecond, Batches: f.Batches(), FeedErr: f.Wait, EndpointSecrets: o.secrets, Clock: o.clock, Skipped: skips})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		f.Wait()
	})
	r := &realAPI{Async: uitest.NewAsync(t, m, 160, 45), t: t, m: m, calls: rec}
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

// failingEndpoint is an endpoint made outside the app whose handler fails
// every attempt Svix makes and hands each re-delivery from this machine to
// a listen receiver, which verifies it with the svix library. secrets is
// filled with its secret, as the config's [endpoint_secrets] would be.
type failingEndpoint struct {
	ep    api.EndpointCreated
	rx    *listen.Receiver
	taken chan listen.Request // what a prompt consumer took from rx
}

func newFailingEndpoint(t *testing.T, secrets map[string]string, tasks int) (*failingEndpoint, func(*sim.Server, *api.Client)) {
	fe := &failingEndpoint{}
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get(listen.RedeliveredHeader) == "" {
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		fe.rx.Handler().ServeHTTP(w, req)
	}))
	t.Cleanup(handler.Close)
	return fe, func(s *sim.Server, c *api.Client) {
		var err error
		fe.ep, err = c.CreateEndpoint(context.Background(), api.EndpointIn{URL: handler.URL + "/hook", EventTypes: []string{"task.*"}})
		if err != nil {
			t.Fatal(err)
		}
		secrets[fe.ep.Endpoint.ID] = fe.ep.Secret
		if fe.rx, err = listen.New(listen.Options{Addr: "127.0.0.1:0", Secrets: []string{fe.ep.Secret}}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { fe.rx.Close() })
		fe.taken = make(chan listen.Request, 64)
		go func() {
			for {
				ds, ok := fe.rx.Take(context.Background(), 64)
				if !ok {
					return
				}
				for _, d := range ds {
					fe.taken <- d
					d.Done()
				}
			}
		}()
		s.CreateTasks(tasks)
		s.Advance(time.Minute)
	}
}

// next is the next request the receiver took, verified.
func (fe *failingEndpoint) next(t *testing.T) listen.Request {
	t.Helper()
	select {
	case got := <-fe.taken:
		if !got.Verified || !strings.HasPrefix(got.SvixID, "msg_") {
			t.Fatalf("the re-delivery: verified %v, svix-id %q: %s", got.Verified, got.SvixID, got.Reason)
		}
		return got
	case <-time.After(10 * time.Second):
		t.Fatal("the receiver got no re-delivery")
	}
	return listen.Request{}
}

func (r *realAPI) focusPane(title string) {
	r.t.Helper()
	for range 4 {
		if strings.HasPrefix(r.m.focused().Title(), title) {
			return
		}
		r.Press("tab")
	}
	r.t.Fatalf("no pane titled %q", title)
}

// Against the documented routes, an endpoint made elsewhere is found in
// its attempts, its failures are listed, and r re-delivers one from this
// machine, signed with its secret: a receiver that verifies with the svix
// library takes it, and the row says it came from here.
func TestDocumentedAPIRedeliversFromHere(t *testing.T) {
	secrets := map[string]string{}
	fe, prepare := newFailingEndpoint(t, secrets, 1)
	r := newRealAPI(t, sim.ProfileDocumented, secrets, prepare)

	r.WaitFor("discovered (no list route)", "found in its attempts", "✗ 500")
	r.focusPane("Failed deliveries")
	r.Press("r")
	r.WaitFor("press r again to re-deliver from this machine (the API has no resend route)")
	if n := r.calls.count("POST", api.RouteResend); n != 1 {
		t.Errorf("resend asked %d times, want the one that found it missing", n)
	}
	r.Press("r")
	r.WaitFor("from this machine (not by Aspect)", "✓ 204")
	fe.next(t)
	r.WaitFor("✓ 204 here") // the pane is too narrow for the TRIGGER column's "from here"
	if n := r.calls.count("POST", api.RouteResend); n != 1 {
		t.Errorf("resend asked %d times after it was found missing", n)
	}
}

// Without a recover route, recover re-delivers each failed message from
// this machine, after saying so and asking again, with its progress.
func TestDocumentedAPIRecoversFromHere(t *testing.T) {
	secrets := map[string]string{}
	fe, prepare := newFailingEndpoint(t, secrets, 1)
	r := newRealAPI(t, sim.ProfileDocumented, secrets, prepare)
	r.WaitFor("found in its attempts", "✗ 500")
	r.focusPane("Endpoints")
	r.Press("R")
	r.WaitFor("the last hour")
	r.Press("enter")
	r.WaitFor("Send them again now, once each?")
	r.Press("y")
	r.WaitFor("This API has no recover route.", "re-deliver from here")
	n := 0
	first := ansi.Strip(r.m.endpoints.Overlay().Lines[1])
	if _, err := fmt.Sscan(first, &n); err != nil || n == 0 {
		t.Fatalf("no count of failed messages in %q: %v", first, err)
	}
	r.Press("y")
	// One POST after another, each verified by the receiver: a busy
	// machine with the race detector takes about a second each.
	r.Timeout = time.Duration(n) * 4 * time.Second
	r.WaitFor(fmt.Sprintf("Done: %d of %d messages sent again", n, n), fmt.Sprintf("✓ %d delivered", n))
	r.Timeout = 0
	ids := map[string]bool{}
	for range n {
		ids[fe.next(t).SvixID] = true
	}
	if len(ids) != n {
		t.Errorf("%d distinct messages re-delivered, want %d", len(ids), n)
	}
	if c := r.calls.count("POST", api.RouteRecover); c != 1 {
		t.Errorf("recover asked %d times, want the one that found it missing", c)
	}
}

// Through Svix's own shapes (camelCase, text statuses, payloads only when
// asked for, throttleRate, {code, detail}), every pane shows what it shows
// through ours: one simulator's state, two dashboards, one per shape, the
// same screen cell for cell but for the API's address in the header.
func TestSvixShapesShowTheSameAsOurs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	// Svix's retry schedule over in about a second, so every delivery has
	// settled before the dashboards look: no row is new to one and old
	// to the other. The tasks move only when the test advances the clock.
	s := simtest.Paused(t, sim.Options{Seed: 9, Echo: true, EchoFailRate: 0.5, FailRate: -1, CancelRate: -1, TimeScale: 100_000})
	s.CreateTasks(4)
	s.Advance(10 * time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for c := s.Counts(); c.PendingJobs > 0 || c.Inflight > 0; c = s.Counts() {
		if time.Now().After(deadline) {
			t.Fatalf("deliveries did not settle: %+v", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
	h, err := s.Handler(sim.ProfileSvix)
	if err != nil {
		t.Fatal(err)
	}
	svixSrv := httptest.NewServer(h)
	t.Cleanup(svixSrv.Close)

	at := time.Now().Add(time.Hour) // both draw the same instant
	clock := func() time.Time { return at }
	ours := dashboardOn(t, s.URL(), s.APIKey(), dashOpts{clock: clock})
	theirs := dashboardOn(t, svixSrv.URL, s.APIKey(), dashOpts{clock: clock})

	host := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	screen := func(r *realAPI) string {
		return host.ReplaceAllString(r.Text(), "HOST")
	}
	compare := func(what string, ready func(string) bool) {
		t.Helper()
		// Names and the account come by requests of their own: both
		// screens wait for them (names_sim_test.go).
		settled := func(r *realAPI, sc string) bool { return ready(sc) && r.namesSettled() && r.m.status.Account() != nil }
		ours.Until(func(sc string) bool { return settled(ours, sc) }, what+" through our shapes")
		theirs.Until(func(sc string) bool { return settled(theirs, sc) && screen(theirs) == screen(ours) }, what+" the same through Svix's")
	}
	// The grid, the endpoints and the failed deliveries, with their
	// messages' event types looked up.
	compare("tasks, endpoints and failures", func(sc string) bool {
		return strings.Contains(sc, "✗ 500") && strings.Contains(sc, "/_sim/echo") && !strings.Contains(sc, "…  ") && strings.Contains(sc, "4 active")
	})
	// One attempt, whole: status, response, timeline and payload.
	for _, r := range []*realAPI{ours, theirs} {
		r.focusPane("Failed deliveries")
		r.Press("enter")
	}
	compare("the newest failed attempt", func(sc string) bool {
		return strings.Contains(sc, "(the message as sent, pretty-printed)") && strings.Contains(sc, "← this one")
	})
	// All attempts, successes and failures.
	for _, r := range []*realAPI{ours, theirs} {
		r.Press("esc")
		r.Press("a")
	}
	compare("every attempt", func(sc string) bool { return strings.Contains(sc, "✓ 200") && strings.Contains(sc, "✗ 500") })
}

// An API whose webhook answers are off: a message with no payload, an
// attempt whose status is text, a field of an unexpected type. Each row is
// still shown with what could be read, and each skip is logged once.
func TestBadWebhookAnswersStillShowTheirRows(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	s := simtest.Paused(t, sim.Options{Seed: 2})
	answer := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}
	off := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/webhooks/endpoints":
			answer(w, `[{"id":"ep_odd","url":"https://hooks.example/odd","description":"odd answers","event_types":["task.*"],"rate_limit":"fast"}]`)
		case "/webhooks/delivery-attempts":
			answer(w, `{"data":[
				{"id":"atmpt_text","msg_id":"msg_bare","endpoint_id":"ep_odd","url":"https://hooks.example/odd","status":"fail","response_status_code":503,"response_duration_ms":"slow","trigger_type":0,"timestamp":"2026-12-06T01:00:00Z"}
			],"done":true}`)
		case "/webhooks/messages":
			answer(w, `{"data":[{"id":"msg_bare","event_type":"task.failed","event_id":null,"timestamp":"2026-12-06T00:59:59Z"}],"done":true}`)
		case "/webhooks/endpoints/ep_odd/stats":
			answer(w, `{"success":1,"pending":0,"sending":0,"fail":"many"}`)
		default:
			s.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(off.Close)

	d := dashboardOn(t, off.URL, s.APIKey(), dashOpts{skips: true})

	// The endpoint with its unreadable rate, the failure with its text
	// status and unreadable latency, the message's event type.
	d.WaitFor("hooks.example/odd", "odd answers", "✗ 503", "task.failed")
	d.Press("tab", "tab", "enter")
	d.WaitFor("Attempt atmpt_text", "the API sent the message without its payload")
	d.Press("L")
	d.WaitFor(`attempts.list: atmpt_text: skipped field "response_dur`, `endpoints.list: ep_odd: skipped field "rate_limit"`)
	if n := strings.Count(d.Text(), `attempts.list: atmpt_text: skipped field`); n != 1 {
		t.Errorf("the latency's skip is logged %d times, want once however often the pane refreshed", n)
	}
}

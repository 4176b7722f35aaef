package ui

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/sim"
)

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
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 9, Echo: true, EchoFailRate: 0.5, FailRate: -1, CancelRate: -1, TimeScale: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
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
	ours := dashboardOn(t, s.URL(), s.APIKey(), nil, clock)
	theirs := dashboardOn(t, svixSrv.URL, s.APIKey(), nil, clock)

	host := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	screen := func(r *realAPI) string {
		return host.ReplaceAllString(r.Text(), "HOST")
	}
	compare := func(what string, ready func(string) bool) {
		t.Helper()
		ours.Until(ready, what+" through our shapes")
		theirs.Until(func(sc string) bool { return ready(sc) && screen(theirs) == screen(ours) }, what+" the same through Svix's")
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

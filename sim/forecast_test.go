package sim

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// start0 is where the fake clocks of these tests stand at first.
var start0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// svixView is a client reading s through Svix's own API shapes, which
// carry no next attempt on an attempt: what the dashboard forecasts from
// the schedule alone.
func svixView(t *testing.T, s *Server) *api.Client {
	t.Helper()
	h, err := s.Handler(ProfileSvix)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := api.NewClient(srv.URL, s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestForecastMatchesTheNextAttempt follows one message through all of
// Svix's attempts, on a fake clock, at real speed and at --time-scale 60.
// Before each retry, the forecast estimated from the schedule (what the
// dashboard shows when the API gives no next attempt) and the one the API
// reports must agree within a second, and the attempt must come then: not
// by a second before the estimate, and by a second after it.
func TestForecastMatchesTheNextAttempt(t *testing.T) {
	for _, scale := range []float64{1, 60} {
		t.Run("scale "+sprintf("%g", scale), func(t *testing.T) {
			clock := NewFakeClock(start0)
			s := startPaused(t, Options{Clock: clock, TimeScale: scale})
			c, sv := newClient(t, s), svixView(t, s)
			ctx := context.Background()
			rcv := newReceiver(t, func(int, delivery) (int, string) { return 503, "down" })
			ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url()})
			msgID, err := c.SendTest(ctx, ep.Endpoint.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			sched := api.Schedule{Scale: scale}
			q := api.AttemptQuery{MessageID: msgID, EndpointID: ep.Endpoint.ID}
			var giveUp time.Time
			for n := 1; n <= api.MaxAttempts; n++ {
				var atts []api.Attempt
				waitFor(t, 20*time.Second, sprintf("attempt %d should fail", n), func() bool {
					atts, _ = sv.ListAttempts(ctx, q)
					return len(atts) == n && atts[0].Status == api.AttemptFailed
				})
				est := sched.Forecast(atts)
				if n == api.MaxAttempts-1 {
					giveUp = est.GiveUp // the last attempt's due time
				}
				if n == api.MaxAttempts {
					if est.Fate != api.FateGaveUp || est.Made != n {
						t.Fatalf("after the last attempt: %+v; want gave up after %d", est, n)
					}
					// The clock was moved a second past the due time.
					if d := est.GiveUp.Sub(giveUp).Abs(); d > time.Second {
						t.Errorf("Svix gave up at %s; the forecast said %s", est.GiveUp, giveUp)
					}
					break
				}
				if est.Fate != api.FateRetrying || est.Made != n || est.NextFromAPI {
					t.Fatalf("after attempt %d: %+v; want retrying, estimated from the schedule", n, est)
				}
				full, err := c.ListAttempts(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				told := sched.Forecast(full)
				if !told.NextFromAPI || told.Next.Sub(est.Next).Abs() > time.Second {
					t.Fatalf("after attempt %d: the API says the next is due %s (from the API: %v), the schedule %s", n, told.Next, told.NextFromAPI, est.Next)
				}
				clock.Advance(est.Next.Add(-time.Second).Sub(clock.Now()))
				if got := s.Counts().Attempts; got != n {
					t.Fatalf("attempt %d came a second or more before the forecast %s", n+1, est.Next)
				}
				clock.Advance(2 * time.Second)
				if got := s.Counts().Attempts; got != n+1 {
					t.Fatalf("attempt %d had not come a second after the forecast %s (%d attempts)", n+1, est.Next, got)
				}
			}
		})
	}
}

// TestFailingEndpointIsDisabledAfterFiveDays: at --time-scale 60, Svix's
// five days of failures are two hours, counted from the first failure;
// the endpoint is disabled then and not a second before, and the
// dashboard's reading of the attempts says when.
func TestFailingEndpointIsDisabledAfterFiveDays(t *testing.T) {
	clock := NewFakeClock(start0)
	s := startPaused(t, Options{Clock: clock, TimeScale: 60})
	c := newClient(t, s)
	ctx := context.Background()
	rcv := newReceiver(t, func(int, delivery) (int, string) { return 500, "" })
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url()})
	if _, err := c.SendTest(ctx, ep.Endpoint.ID, ""); err != nil {
		t.Fatal(err)
	}
	q := api.AttemptQuery{EndpointID: ep.Endpoint.ID}
	var atts []api.Attempt
	waitFor(t, 20*time.Second, "the first attempt should fail", func() bool {
		atts, _ = c.ListAttempts(ctx, q)
		return len(atts) == 1 && atts[0].Status == api.AttemptFailed
	})
	failing, ok := api.FailingSince(atts, true)
	sched := api.Schedule{Scale: 60}
	at := sched.DisableAt(failing)
	if !ok || !failing.Since.Equal(start0) || at.Sub(start0) != 2*time.Hour {
		t.Fatalf("failing since %v (%v), disabled at %s; want since %s, two hours later", failing, ok, at, start0)
	}
	disabled := func() bool {
		eps, err := c.ListEndpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(eps) == 1 && eps[0].Disabled
	}
	// Every retry fails on the way (the schedule takes 27.6 minutes here).
	for clock.Now().Before(at.Add(-time.Second)) {
		clock.Advance(min(time.Minute, at.Add(-time.Second).Sub(clock.Now())))
		waitSettledOrQueued(t, s)
	}
	if disabled() {
		t.Fatal("disabled a second before five (scaled) days of failures")
	}
	if n := s.Counts().Attempts; n != api.MaxAttempts {
		t.Errorf("%d attempts before the disabling; want all %d", n, api.MaxAttempts)
	}
	clock.Advance(time.Second)
	if !disabled() {
		t.Fatal("not disabled after five (scaled) days of failures")
	}
}

// waitSettledOrQueued waits until no attempt is in flight.
func waitSettledOrQueued(t *testing.T, s *Server) {
	t.Helper()
	waitFor(t, 20*time.Second, "attempts in flight should end", func() bool { return s.Counts().Inflight == 0 })
}

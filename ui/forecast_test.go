package ui

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// clockStart is where the fake clocks of these tests start.
var clockStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clocked is a dashboard and a simulator sharing one fake clock: the
// simulator delivers and retries by it, the dashboard forecasts and
// alerts by it, and the test moves it.
type clocked struct {
	*live
	clock *sim.FakeClock
	// notes are the notifications the dashboard wrote to the terminal.
	notes []string
}

// newClocked runs the dashboard against a simulator at scale, reading it
// through the given profile's shapes, with notifications by OSC 9.
func newClocked(t *testing.T, scale float64, profile sim.Profile) *clocked {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	clock := sim.NewFakeClock(clockStart)
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 3, TimeScale: scale, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	h, err := s.Handler(profile)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(h)
	client, err := api.NewClient(front.URL, s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	direct, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	dark := true
	m, err := New(Options{Context: ctx, Client: client, APIURL: front.URL, Dark: &dark, Refresh: 100 * time.Millisecond,
		Clock: clock.Now, TimeScale: scale, Notify: NotifyOSC9})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		front.Close()
		s.Close()
	})
	c := &clocked{clock: clock}
	c.live = &live{Async: uitest.NewAsync(t, m, 160, 45), t: t, m: m, sim: s, client: direct}
	c.Tick = func() tea.Msg { return tickMsg{} }
	c.Handle = func(msg tea.Msg) bool {
		raw, ok := msg.(tea.RawMsg)
		if ok {
			c.notes = append(c.notes, raw.Msg.(string))
		}
		return ok
	}
	c.update(tea.WindowSizeMsg{Width: 160, Height: 45})
	c.update(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: clockStart}}})
	c.Run(m.Init())
	return c
}

// advanceTo moves the shared clock to t.
func (c *clocked) advanceTo(t time.Time) { c.clock.Advance(t.Sub(c.clock.Now())) }

// attemptsMade is how many attempts the simulator has made.
func (c *clocked) attemptsMade() int { return c.sim.Counts().Attempts }

var nextAt = regexp.MustCompile(`next in [0-9a-z ]+, at (\d\d:\d\d:\d\d) \(estimated from Svix's schedule\)`)

// TestForecastOnScreenIsWhenTheSimulatorRetries reads the deliveries
// pane's forecast of a failing message (Svix's own shapes, which carry no
// next attempt, so it is estimated from the schedule and says so) and
// holds the simulator to it, to the second, for the first four retries;
// the attempt view tells the same.
func TestForecastOnScreenIsWhenTheSimulatorRetries(t *testing.T) {
	c := newClocked(t, 1, sim.ProfileSvix)
	r := newReceiver(t, 503)
	ep := c.endpoint(r, "down")
	if _, err := c.client.SendTest(context.Background(), ep.ID, ""); err != nil {
		t.Fatal(err)
	}
	c.focus("Failed deliveries")
	c.press("z")
	for n := 1; n <= 4; n++ {
		var due time.Time
		c.until(func(s string) bool {
			if !strings.Contains(s, "attempt "+itoa(n)+" of Svix's 8") {
				return false
			}
			m := nextAt.FindStringSubmatch(s)
			if m == nil {
				return false
			}
			hms, _ := time.Parse("15:04:05", m[1])
			due = time.Date(2026, 3, 2, hms.Hour(), hms.Minute(), hms.Second(), 0, time.UTC)
			return true
		}, "the forecast after attempt "+itoa(n))
		if n == 1 {
			c.waitFor("gives up Mar 3 12:35")
			c.press("enter")
			c.waitFor("Retry forecast", "1 of Svix's 8 scheduled made, the last failed",
				"next try  2026-03-02 09:00:05 (in 5s)", "(estimated from Svix's schedule)",
				"gives up  2026-03-03 12:35:05 (in 1d 3h)")
			c.press("esc")
		}
		// The screen shows seconds: the retry must come within the second
		// after the time shown, not before it.
		c.advanceTo(due.Add(-time.Second))
		if got := c.attemptsMade(); got != n {
			t.Fatalf("attempt %d came before %s, the time the screen showed", n+1, due.Format("15:04:05"))
		}
		c.advanceTo(due.Add(time.Second))
		if got := c.attemptsMade(); got != n+1 {
			t.Fatalf("attempt %d had not come a second after %s, the time the screen showed", n+1, due.Format("15:04:05"))
		}
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

// TestDisablingWarningAndAlertsOnTimeUnderTimeScale runs Svix's five days
// at --time-scale 60 (two hours) on a fake clock. The dashboard warns a
// scaled day ahead (1h36m after the first failure) and not a second
// before, alerts once when the simulator disables the endpoint at 2h, and
// each alert reaches the terminal once and leaves the status line once the
// endpoint delivers again.
func TestDisablingWarningAndAlertsOnTimeUnderTimeScale(t *testing.T) {
	c := newClocked(t, 60, sim.ProfileFull)
	r := newReceiver(t, 500)
	ep := c.endpoint(r, "down")
	ctx := context.Background()
	if _, err := c.client.SendTest(ctx, ep.ID, ""); err != nil {
		t.Fatal(err)
	}
	c.waitFor("✗ since 09:00, disabled in 2h")
	if strings.Contains(c.screen(), "⚠") {
		t.Fatal("an alert after one failure: Svix retries it in 5 s (scaled: 83 ms)")
	}
	c.advanceTo(clockStart.Add(time.Second)) // the retry fails too
	c.waitFor("⚠ http://127.0.0.1", "failing 100% of its messages (1 of 1) in the last 10m")
	// The notification is a Cmd's message: it may come after the frame.
	c.until(func(string) bool { return c.notesWith("failing 100% of its messages") == 1 }, "the failure share's notification")
	warn := clockStart.Add(96 * time.Minute)
	// The retries (27.6 minutes here) all fail on the way.
	for c.clock.Now().Before(warn.Add(-time.Second)) {
		c.advanceTo(minTime(c.clock.Now().Add(5*time.Minute), warn.Add(-time.Second)))
		c.settleRefresh()
	}
	c.waitFor("✗ since 09:00, disabled in 24m")
	if got := c.notesWith("unless a delivery succeeds"); got != 0 {
		t.Fatalf("warned %d times a second before a scaled day was left", got)
	}
	c.advanceTo(warn)
	c.until(func(s string) bool { return c.notesWith("will be disabled in 24m unless a delivery succeeds") == 1 }, "the warning's notification")
	c.waitFor("⚠ http://127.0.0.1", "will be disabled in 24m unless a delivery succeeds (+1 alert)")
	c.advanceTo(clockStart.Add(2*time.Hour - time.Second))
	c.settleRefresh()
	if c.notesWith("is disabled after failing") != 0 {
		t.Fatal("disabled a second early")
	}
	c.advanceTo(clockStart.Add(2 * time.Hour))
	c.waitFor("is disabled after failing since Mar 2 09:00: nothing is delivered to it")
	c.until(func(string) bool { return c.notesWith("is disabled after failing") > 0 }, "the disabled alert's notification")
	c.settleRefresh()
	if a, b := c.notesWith("will be disabled in 24m"), c.notesWith("is disabled after failing"); a != 1 || b != 1 {
		t.Fatalf("notifications: %d warnings, %d disabled; want one each:\n%q", a, b, c.notes)
	}
	for _, n := range c.notes {
		if !strings.HasPrefix(n, "\x1b]9;aspect-tui: ") || !strings.HasSuffix(n, "\a") {
			t.Errorf("notification %q is not OSC 9", n)
		}
	}
	// Enabled again and delivering: every alert leaves the status line.
	r.status.Store(200)
	c.advanceTo(clockStart.Add(3 * time.Hour))
	if _, err := c.client.UpdateEndpoint(ctx, ep.ID, api.EndpointIn{URL: ep.URL, EventTypes: ep.EventTypes, Version: 1, Disabled: new(bool)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.client.SendTest(ctx, ep.ID, ""); err != nil {
		t.Fatal(err)
	}
	c.until(func(s string) bool { return !strings.Contains(s, "⚠") }, "every alert cleared")
	notes := len(c.notes)
	c.settleRefresh()
	if len(c.notes) != notes {
		t.Fatalf("clearing notified: %q", c.notes[notes:])
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// notesWith counts the notifications that say sub.
func (c *clocked) notesWith(sub string) int {
	n := 0
	for _, x := range c.notes {
		if strings.Contains(x, sub) {
			n++
		}
	}
	return n
}

// settleRefresh lets the dashboard refresh a few times at the clock's
// present time.
func (c *clocked) settleRefresh() { c.settle(400 * time.Millisecond) }

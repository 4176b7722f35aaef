package health

import (
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func att(id string, st api.AttemptStatus, at time.Time, ms int64) api.Attempt {
	return api.Attempt{ID: id, MsgID: "msg_" + id, EndpointID: "ep_1", Status: st, Timestamp: api.Time{Time: at}, ResponseDurationMs: ms}
}

// history plays an endpoint's attempts into a model refresh by refresh,
// as the deliveries pane reads them, and counts what was raised and
// cleared.
type history struct {
	m                 *Model
	ep                api.Endpoint
	as                []api.Attempt
	raised, cleared   []Alert
	raisedN, clearedN map[Kind]int
}

func newHistory(cfg Config) *history {
	return &history{m: New(cfg), ep: api.Endpoint{ID: "ep_1", URL: "https://hooks.example.com/in"},
		raisedN: map[Kind]int{}, clearedN: map[Kind]int{}}
}

func (h *history) refresh(now time.Time) {
	r, c := h.m.Observe(now, []api.Endpoint{h.ep}, map[string][]api.Attempt{"ep_1": h.as}, map[string]bool{"ep_1": true})
	for _, a := range r {
		h.raisedN[a.Kind]++
	}
	for _, a := range c {
		h.clearedN[a.Kind]++
	}
	h.raised, h.cleared = append(h.raised, r...), append(h.cleared, c...)
}

// refused adds a message the endpoint refused twice: its first attempt
// and Svix's retry 5 s later.
func (h *history) refused(id string, at time.Time) {
	h.as = append(h.as, att(id, api.AttemptFailed, at, 40), att(id+"r", api.AttemptFailed, at.Add(5*time.Second), 40))
	h.as[len(h.as)-1].MsgID = "msg_" + id
}

// TestFailShareAlertIsRaisedOnceAndClearedOnce: an endpoint refusing 20%
// of the last ten minutes' messages (each failing its retry too) raises
// one alert, however many refreshes see it failing, and it clears once a
// delivery succeeds with the share back under the threshold. A message
// that fails once and is taken on the retry does not count.
func TestFailShareAlertIsRaisedOnceAndClearedOnce(t *testing.T) {
	h := newHistory(Config{})
	now := t0
	for i := range 8 { // healthy
		h.as = append(h.as, att("ok"+string(rune('a'+i)), api.AttemptSuccess, now, 40))
		now = now.Add(30 * time.Second)
		h.refresh(now)
	}
	// Failed once, taken on the retry: not failing.
	h.as = append(h.as, att("flaky", api.AttemptFailed, now, 40), att("flaky", api.AttemptSuccess, now.Add(5*time.Second), 40))
	h.as[len(h.as)-1].MsgID = "msg_flaky"
	h.refresh(now.Add(6 * time.Second))
	if len(h.raised) != 0 {
		t.Fatalf("a healthy endpoint raised %+v", h.raised)
	}
	// 1 message refused of 10 is 10%: no alert; the second (2 of 11, 18%)
	// neither; the third (3 of 12) raises it.
	for i, id := range []string{"r1", "r2"} {
		now = now.Add(10 * time.Second)
		h.refused(id, now)
		h.refresh(now.Add(6 * time.Second))
		if len(h.raised) != 0 {
			t.Fatalf("%d of %d refused raised %+v", i+1, 10+i, h.raised)
		}
	}
	now = now.Add(10 * time.Second)
	h.refused("r3", now)
	h.refresh(now.Add(6 * time.Second))
	if h.raisedN[FailShare] != 1 || !strings.Contains(h.raised[0].Text, "failing 25% of its messages (3 of 12) in the last 10m") ||
		!strings.Contains(h.raised[0].Text, "hooks.example.com/in") {
		t.Fatalf("3 of 12 refused: raised %+v; want one alert naming the endpoint and the share", h.raised)
	}
	// More refusals and many refreshes: still the one alert.
	for i := range 10 {
		now = now.Add(20 * time.Second)
		h.refused("g"+string(rune('a'+i)), now)
		h.refresh(now)
		h.refresh(now.Add(6 * time.Second))
	}
	// The failures age out of the window with nothing tried: not yet
	// recovered, since nothing has been delivered.
	now = now.Add(time.Hour)
	h.refresh(now)
	if h.raisedN[FailShare] != 1 || h.clearedN[FailShare] != 0 {
		t.Fatalf("raised %d, cleared %d before any delivery succeeded; want 1, 0", h.raisedN[FailShare], h.clearedN[FailShare])
	}
	if got := h.m.Active(); len(got) != 1 {
		t.Fatalf("active %+v", got)
	}
	h.as = append(h.as, att("back", api.AttemptSuccess, now, 40))
	h.refresh(now)
	h.refresh(now.Add(time.Second))
	if h.raisedN[FailShare] != 1 || h.clearedN[FailShare] != 1 || len(h.m.Active()) != 0 {
		t.Fatalf("after a success: raised %d, cleared %d, active %+v; want 1, 1, none", h.raisedN[FailShare], h.clearedN[FailShare], h.m.Active())
	}
	// A new bout of refusals is a new alert.
	h.refused("again", now.Add(2*time.Second))
	h.refresh(now.Add(8 * time.Second))
	if h.raisedN[FailShare] != 2 {
		t.Fatalf("a new bout raised %d alerts in all; want 2", h.raisedN[FailShare])
	}
}

// TestDisablingAlertsFireOnTimeAtTheSchedulesSpeed: at --time-scale 60,
// an endpoint failing since t0 is a day (scaled: 24 minutes) from being
// disabled at 1h36m, and disabled at 2h; each alert comes once, the first
// clears when the second comes, and enabling it clears the second.
func TestDisablingAlertsFireOnTimeAtTheSchedulesSpeed(t *testing.T) {
	h := newHistory(Config{Schedule: api.Schedule{Scale: 60}, FailShare: 1.01}) // share alerts off
	h.as = []api.Attempt{att("ok", api.AttemptSuccess, t0.Add(-time.Minute), 10), att("f", api.AttemptFailed, t0, 10)}
	warnAt := t0.Add(96 * time.Minute)
	h.refresh(warnAt.Add(-time.Second))
	if len(h.raised) != 0 {
		t.Fatalf("a second before the warning: %+v", h.raised)
	}
	h.refresh(warnAt)
	if h.raisedN[NearDisable] != 1 || !strings.Contains(h.raised[0].Text, "disabled in 24m unless a delivery succeeds") {
		t.Fatalf("at 1h36m: %+v; want the warning, 24m left", h.raised)
	}
	h.refresh(warnAt.Add(10 * time.Minute))
	h.ep.Disabled = true // what the API says at 2h
	h.refresh(t0.Add(2 * time.Hour))
	if h.raisedN[NearDisable] != 1 || h.raisedN[Disabled] != 1 || h.clearedN[NearDisable] != 1 {
		t.Fatalf("raised %v, cleared %v; want one warning (cleared) and one disabled", h.raisedN, h.clearedN)
	}
	h.ep.Disabled = false
	h.refresh(t0.Add(3 * time.Hour))
	if h.clearedN[Disabled] != 1 || len(h.m.Active()) != 0 {
		t.Fatalf("enabled again: cleared %v, active %+v; want the disabled alert cleared, none left", h.clearedN, h.m.Active())
	}
	if _, failing := h.m.Failing("ep_1"); failing {
		t.Error("re-enabled: the five days count afresh, yet the old failures still count")
	}
}

func TestLatencyOverTheLastHour(t *testing.T) {
	m := New(Config{})
	now := t0.Add(time.Hour)
	var as []api.Attempt
	for i := range 20 { // 100ms .. 2s, one every 3 minutes
		as = append(as, att("a"+string(rune('a'+i)), api.AttemptSuccess, t0.Add(time.Duration(i)*3*time.Minute+time.Second), int64(100*(i+1))))
	}
	as = append(as, att("old", api.AttemptSuccess, t0.Add(-time.Minute), 60000))  // before the hour
	as = append(as, att("slow", api.AttemptFailed, now.Add(-time.Minute), 15000)) // a timeout
	as = append(as, api.Attempt{ID: "here", EndpointID: "ep_1", Status: api.AttemptSuccess, FromHere: true,
		Timestamp: api.Time{Time: now.Add(-time.Minute)}, ResponseDurationMs: 90000})
	m.Observe(now, []api.Endpoint{{ID: "ep_1"}}, map[string][]api.Attempt{"ep_1": as}, map[string]bool{"ep_1": true})
	l := m.Latency("ep_1", now, 12)
	if l.N != 21 || l.P50 != 1100*time.Millisecond || l.P95 != 2000*time.Millisecond || l.Max != 15*time.Second {
		t.Errorf("latency %+v; want 21 attempts, p50 1.1s, p95 2s, max 15s", l)
	}
	if l.Spark[11] != 15*time.Second || l.Spark[0] != 200*time.Millisecond {
		t.Errorf("sparkline %v; want the timeout last and 200ms first", l.Spark)
	}
}

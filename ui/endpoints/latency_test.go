package endpoints

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/health"
)

// TestLatencyOfTheLastHourBesideEachEndpoint: p50, p95 and the maximum of
// the hour's answers, and a sparkline of it, on the endpoint's second line,
// drawn against Svix's 15 s limit (a warning from 10 s, an error at 15 s).
func TestLatencyOfTheLastHourBesideEachEndpoint(t *testing.T) {
	f := &fake{eps: []api.Endpoint{{ID: "ep_1", URL: "https://hooks.example.com/a", Description: "Prod"}}}
	m := newPane(f)
	m.SetSize(90, 4)
	now := m.ctx.Now
	var as []api.Attempt
	for i, ms := range []int64{80, 95, 120, 140, 11000} {
		as = append(as, api.Attempt{ID: string(rune('a' + i)), MsgID: "msg", EndpointID: "ep_1", Status: api.AttemptSuccess,
			Timestamp: api.Time{Time: now.Add(-time.Duration(50-10*i) * time.Minute)}, ResponseDurationMs: ms})
	}
	h := health.New(health.Config{})
	h.Observe(now, f.eps, map[string][]api.Attempt{"ep_1": as}, map[string]bool{"ep_1": true})
	m.UseHealth(h)
	run(m, m.Init())
	raw := m.View()
	v := ansi.Strip(raw)
	if !strings.Contains(v, "Prod") || !strings.Contains(v, "p50 120ms p95 11s max 11s ··▁·▁·▁·▁·█·") {
		t.Fatalf("the endpoint's second line lacks its latency:\n%s", v)
	}
	slow := m.ctx.Theme.WarnStyle.Render("11s")
	if !strings.Contains(raw, slow) {
		t.Errorf("11 s, past Svix's 10 s mark, is not drawn as a warning:\n%q", raw)
	}
}

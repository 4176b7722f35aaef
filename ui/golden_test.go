package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/deliveries"
	"github.com/aspect-hq/aspect-tui/ui/endpoints"
)

// TestGolden compares whole screens with testdata/TestGolden/*.golden,
// rendered without colours or attributes and at a fixed clock. Regenerate
// with: go test ./ui -run TestGolden -update
func TestGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		name := fmt.Sprintf("%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			h := goldenHarness(t, size[0], size[1])
			golden.RequireEqual(t, h.screen())
		})
		t.Run(name+"/detail", func(t *testing.T) {
			h := goldenHarness(t, size[0], size[1])
			h.press("j", "j", "enter")
			golden.RequireEqual(t, h.screen())
		})
		t.Run(name+"/help", func(t *testing.T) {
			h := goldenHarness(t, size[0], size[1])
			h.press("?")
			golden.RequireEqual(t, h.screen())
		})
	}
}

// goldenHarness is a dashboard a minute into a session: tasks in every
// state, one just changed, an endpoint and two failed deliveries.
func goldenHarness(t *testing.T, w, hh int) *harness {
	h := newHarness(t, w, hh)
	ts := fleet(24)
	ts[5].Features["embedding"] = api.Feature{State: api.StateQueued}
	h.send(batchMsg{b: feed.Batch{Resync: ts}})
	nameAssets(h, 24, 11, 13) // names_test.go: task 11's asset not fetched yet, 13's answered 404
	for s := 1; s <= 30; s++ {
		h.now = t0.Add(time.Duration(s) * time.Second)
		h.send(batchMsg{b: feed.Batch{Received: s % 7 * 3}})
	}
	changed := ts[20]
	changed.Updated = api.Time{Time: h.now}
	changed.Features["proxy"] = api.Feature{State: api.StateFailed}
	h.apply(changed)
	h.now = h.now.Add(500 * time.Millisecond)
	h.send(common.PaneMsg{Pane: common.Endpoints, Msg: endpoints.ListedMsg{Endpoints: []api.Endpoint{
		{ID: "ep_1", URL: "https://hooks.example.com/aspect", EventTypes: []string{"task.completed", "task.failed"}, RateLimit: 10},
		{ID: "ep_2", URL: "http://127.0.0.1:4000/webhooks", Disabled: true},
	}}})
	h.send(common.PaneMsg{Pane: common.Deliveries, Msg: deliveries.ListedMsg{Endpoints: []api.Endpoint{{ID: "ep_1"}, {ID: "ep_2"}}, Attempts: []api.Attempt{
		{ID: "atmpt_2", MsgID: "msg_2b8k1QbqXw", EndpointID: "ep_1", URL: "https://hooks.example.com/aspect", Status: api.AttemptFailed, ResponseStatusCode: 500, Timestamp: api.Time{Time: t0.Add(12 * time.Second)}},
		{ID: "atmpt_1", MsgID: "msg_2b8jzT0uMq", EndpointID: "ep_1", URL: "https://hooks.example.com/aspect", Status: api.AttemptFailed, Timestamp: api.Time{Time: t0.Add(-2 * time.Minute)}},
	}}})
	return h
}

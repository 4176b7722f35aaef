package ui

import (
	"context"
	"testing"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/record"
)

// A replay answers a query for failed attempts with the failed ones only,
// even when the list recorded last for that endpoint held every status.
func TestReplayAttemptsKeepToTheStatusAskedFor(t *testing.T) {
	h := &replayHooks{}
	h.set(&record.Hooks{Attempts: &record.Attempts{EndpointID: "ep_1", Attempts: []api.Attempt{
		{ID: "atmpt_ok", EndpointID: "ep_1", Status: api.AttemptSuccess},
		{ID: "atmpt_bad", EndpointID: "ep_1", Status: api.AttemptFailed},
	}}})
	failed := api.AttemptFailed
	got, err := h.ListAttempts(context.Background(), api.AttemptQuery{EndpointID: "ep_1", Status: &failed})
	if err != nil || len(got) != 1 || got[0].ID != "atmpt_bad" {
		t.Fatalf("failed attempts: %+v, %v; want atmpt_bad alone", got, err)
	}
	all, _ := h.ListAttempts(context.Background(), api.AttemptQuery{EndpointID: "ep_1"})
	if len(all) != 2 {
		t.Fatalf("every attempt: %d, want 2", len(all))
	}
}

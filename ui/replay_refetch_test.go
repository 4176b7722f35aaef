package ui

import (
	"testing"

	"github.com/aspect-hq/aspect-tui/api"
)

// The dashboard's --record sees the tasks fetched one by one as they are
// applied, so a replay applies them where the dashboard did.
func TestRefetchedTasksReachOnRefetched(t *testing.T) {
	var seen []api.Task
	m, err := New(Options{OnRefetched: func(ts []api.Task) { seen = append(seen, ts...) }})
	if err != nil {
		t.Fatal(err)
	}
	m.refetched(refetchedMsg{tasks: []api.Task{{ID: "t1", Features: map[string]api.Feature{"proxy": {State: api.StateCompleted}}}}})
	if len(seen) != 1 || seen[0].ID != "t1" {
		t.Fatalf("OnRefetched saw %v", seen)
	}
	if _, ok := m.store.Task("t1"); !ok {
		t.Fatal("the task was not applied")
	}
}

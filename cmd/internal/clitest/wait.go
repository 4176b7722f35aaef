package clitest

import (
	"testing"
	"time"
)

// Patience bounds every wait: generous, since the tests share a small,
// busy machine; a wait that holds ends as soon as its condition does.
const Patience = 30 * time.Second

// Wait polls cond until it holds, and fails the test after Patience with
// what it waited for and detail(), the state worth seeing then. It gives
// up early, as a failure, when stopped is closed or receives (the command
// exited); stopped may be nil.
func Wait(t testing.TB, what string, cond func() bool, stopped <-chan struct{}, detail func() string) {
	t.Helper()
	deadline := time.Now().Add(Patience)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-stopped:
			if cond() {
				return
			}
			t.Fatalf("stopped while waiting for %s\n%s", what, show(detail))
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s\n%s", Patience, what, show(detail))
		}
	}
}

func show(detail func() string) string {
	if detail == nil {
		return ""
	}
	return detail()
}

package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A panic in one of the simulator's goroutines (here an attempt's, through
// Logf) reaches OnPanic with its stack instead of ending the process: the
// demo gives the terminal back with it.
func TestPanicInAnAttemptGoesToOnPanic(t *testing.T) {
	caught := make(chan string, 64)
	s := startSim(t, Options{Seed: 1, Echo: true, TimeScale: 600,
		Logf: func(format string, args ...any) {
			if strings.Contains(format, "attempt") {
				panic("logf on fire")
			}
		},
		OnPanic: func(v any, stack []byte) {
			select {
			case caught <- fmt.Sprint(v) + "\n" + string(stack):
			default:
			}
		},
	})
	s.CreateTasks(1)
	select {
	case got := <-caught:
		if !strings.HasPrefix(got, "logf on fire\n") || !strings.Contains(got, "deliver") {
			t.Errorf("OnPanic got:\n%s", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery panicked, or OnPanic was not called")
	}
}

// Package simtest starts the simulator for a test, as net/http/httptest
// starts a server: on a free loopback port, closed when the test ends.
package simtest

import (
	"testing"

	"github.com/aspect-hq/aspect-tui/sim"
)

// Start runs a simulator with o (its Addr is always a free loopback port)
// until the test ends.
func Start(t testing.TB, o sim.Options) *sim.Server { return start(t, o, false) }

// Paused is Start with the task engine stopped before it starts: tasks move
// only when the test calls Advance. Deliveries still run on their own.
func Paused(t testing.TB, o sim.Options) *sim.Server { return start(t, o, true) }

func start(t testing.TB, o sim.Options, paused bool) *sim.Server {
	t.Helper()
	o.Addr = "127.0.0.1:0"
	s, err := sim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if paused {
		s.Pause()
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

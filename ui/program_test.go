package ui

import (
	"context"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// TestProgramOnTheSimulator is the smoke test of the whole path: a real
// Bubble Tea program, fed by the real feed reading the simulator over
// loopback, draws tasks, opens one, and quits on q.
func TestProgramOnTheSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 7, Rate: 20, TimeScale: 20, Backlog: 30, Echo: true, EchoFailRate: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	client, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := feed.Start(ctx, client, feed.Options{})
	dark := true
	m, err := New(Options{Context: ctx, Client: client, Batches: f.Batches(), FeedErr: f.Wait, APIURL: s.URL(), Label: "demo", Dark: &dark, Refresh: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// The program writes to a terminal emulator; the test reads its cells,
	// as a user reads the screen.
	scr := uitest.NewScreen(t, 160, 45, uitest.NotATTY)
	p, result := runProgram(t, m, scr)
	waitFor := func(want ...string) {
		t.Helper()
		scr.WaitFor(t, 10*time.Second, want...)
	}
	waitFor("● live")
	waitFor("✓ completed")
	waitFor("/_sim/echo")       // the endpoints pane lists the simulator's endpoint
	waitFor("✗ 500")            // and the deliveries pane its failures
	p.Send(uitest.Key("enter")) // open the selected task
	waitFor("Timeline")
	p.Send(uitest.Key("q"))
	select {
	case err := <-result:
		if err != nil {
			t.Fatalf("program: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end the program")
	}
	if !m.Quitting() {
		t.Fatal("the program ended without q quitting it")
	}
	cancel()
	if err := f.Wait(); err != nil {
		t.Fatalf("feed: %v", err)
	}
}

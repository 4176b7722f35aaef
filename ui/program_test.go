package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
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
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))
	// Each WaitFor reads on from where the last stopped, so keep all the
	// output seen: the renderer draws a piece of text once and then only
	// what changes.
	var seen []byte
	waitFor := func(what string) {
		t.Helper()
		var last []byte
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			last = b
			return bytes.Contains(append(seen[:len(seen):len(seen)], b...), []byte(what))
		}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
		seen = append(seen, last...)
	}
	waitFor("● live")
	waitFor("✓ completed")
	waitFor("/_sim/echo")    // the endpoints pane lists the simulator's endpoint
	waitFor("✗ 500")         // and the deliveries pane its failures
	tm.Send(keyMsg("enter")) // open the selected task
	waitFor("Timeline")
	tm.Send(keyMsg("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if fm, ok := tm.FinalModel(t).(*Model); !ok || !fm.Quitting() {
		t.Fatal("the program ended without q quitting it")
	}
	cancel()
	if err := f.Wait(); err != nil {
		t.Fatalf("feed: %v", err)
	}
}

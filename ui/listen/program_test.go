package listen

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// The whole path in a real program: a signed request over loopback reaches
// the screen through the receiver's channel and the batching Cmd; enter
// opens it; q quits.
func TestProgramShowsARefusal(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45, manual: true})
	// The program writes to a terminal emulator; the test reads its cells.
	scr := uitest.NewScreen(t, 160, 45, uitest.NotATTY)
	p := tea.NewProgram(h.m, tea.WithInput(nil), tea.WithOutput(scr), tea.WithWindowSize(160, 45),
		tea.WithColorProfile(colorprofile.TrueColor), tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	t.Cleanup(func() {
		p.Kill()
		<-done
	})
	waitFor := func(want ...string) {
		t.Helper()
		scr.WaitFor(t, 10*time.Second, want...)
	}
	waitFor("Waiting for requests")
	if s := h.post("/webhooks/aspect", signed(t, wrong, "msg_prog", h.stamp(), body), body); s != 400 {
		t.Fatalf("status %d", s)
	}
	waitFor("signature mismatch")
	p.Send(uitest.Key("enter"))
	waitFor("What to check")
	p.Send(uitest.Key("q"))
	select {
	case err := <-done:
		done <- err
		if err != nil {
			t.Fatalf("program: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end the program")
	}
	if !h.m.Quitting() {
		t.Fatal("the program ended without q quitting it")
	}
}

// What is waiting reaches the model as one message; within a frame of the
// last batch, the Cmd waits out the frame gathering what comes; a closed
// channel says the receiver stopped.
func TestDeliveriesArriveInBatches(t *testing.T) {
	ch := make(chan listen.Request, 600)
	for i := 1; i <= 500; i++ {
		ch <- listen.Request{Seq: i}
	}
	msg := waitDeliveries(context.Background(), chanTaker(ch), time.Time{})().(deliveriesMsg)
	if len(msg.ds) != 500 || msg.closed || msg.ds[0].Seq != 1 || msg.ds[499].Seq != 500 {
		t.Fatalf("one message with all 500 in order: got %d (closed %v)", len(msg.ds), msg.closed)
	}

	prev := time.Now()
	ch <- listen.Request{Seq: 501}
	go func() {
		for i := 502; i <= 510; i++ {
			ch <- listen.Request{Seq: i}
		}
	}()
	msg = waitDeliveries(context.Background(), chanTaker(ch), prev)().(deliveriesMsg)
	if len(msg.ds) != 10 {
		t.Errorf("the frame's arrivals in one message: %d", len(msg.ds))
	}
	if took := time.Since(prev); took < frameEvery {
		t.Errorf("a batch came %s after the last, within a frame (%s)", took, frameEvery)
	}

	close(ch)
	if msg := waitDeliveries(context.Background(), chanTaker(ch), time.Time{})().(deliveriesMsg); !msg.closed || len(msg.ds) != 0 {
		t.Errorf("closed: %+v", msg)
	}
}

// A flood of real requests: every one is either on the list or counted as
// dropped, and they arrive in far fewer messages than requests.
func TestFloodIsBatched(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 2,000 requests")
	}
	h := newHarness(t, setup{w: 160, h: 45, realClock: true, manual: true})
	const senders, each = 16, 125
	var wg sync.WaitGroup
	start := time.Now()
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				postTo(t, h.rx.URL()+"/flood", signed(t, secret1, fmt.Sprintf("msg_%d_%d", s, i), time.Now(), body), body)
			}
		}(s)
	}
	// While received and dropped fall short of what was sent, a delivery
	// is on its way, so the Cmd's wait ends.
	total, batches, prev := senders*each, 0, time.Time{}
	deadline := time.Now().Add(30 * time.Second)
	for h.m.counts.received+int(h.rx.Stats().Busy) < total && time.Now().Before(deadline) {
		msg := waitDeliveries(context.Background(), h.rx, prev)()
		prev = time.Now()
		h.m.Update(msg)
		batches++
	}
	wg.Wait()
	took := time.Since(start)
	got, dropped := h.m.counts.received, int(h.rx.Stats().Busy)
	if got+dropped != total || len(h.m.list.all) != got {
		t.Fatalf("received %d + dropped %d of %d; the list holds %d", got, dropped, total, len(h.m.list.all))
	}
	if limit := int(took/frameEvery) + 2; batches > limit {
		t.Errorf("%d batches in %s: more than one a frame", batches, took)
	}
	t.Logf("%d requests in %s, %d batches, %d dropped", got+dropped, took.Round(time.Millisecond), batches, dropped)
}

// chanTaker is a receiver's Take over a channel, for tests of the source.
type chanTaker chan listen.Request

func (c chanTaker) Take(ctx context.Context, max int) ([]listen.Request, bool) {
	select {
	case d, ok := <-c:
		if !ok {
			return nil, false
		}
		return append([]listen.Request{d}, c.TakeNow(max-1)...), true
	case <-ctx.Done():
		return nil, false
	}
}

func (c chanTaker) TakeNow(max int) []listen.Request {
	var ds []listen.Request
	for len(ds) < max {
		select {
		case d, ok := <-c:
			if !ok {
				return ds
			}
			ds = append(ds, d)
		default:
			return ds
		}
	}
	return ds
}

package listen

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/aspect-hq/aspect-tui/listen"
)

// The whole path in a real program: a signed request over loopback reaches
// the screen through the receiver's channel and the batching Cmd; enter
// opens it; q quits.
func TestProgramShowsARefusal(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45})
	tm := teatest.NewTestModel(t, h.m, teatest.WithInitialTermSize(160, 45))
	var seen []byte
	waitFor := func(what string) {
		t.Helper()
		var last []byte
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			last = b
			return bytes.Contains(append(seen[:len(seen):len(seen)], b...), []byte(what))
		}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		seen = append(seen, last...)
	}
	waitFor("Waiting for requests")
	if s := h.post("/webhooks/aspect", signed(t, wrong, "msg_prog", h.stamp(), body), body); s != 400 {
		t.Fatalf("status %d", s)
	}
	waitFor("signature mismatch")
	tm.Send(keyMsg("enter"))
	waitFor("What to check")
	tm.Send(keyMsg("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if fm, ok := tm.FinalModel(t).(*Model); !ok || !fm.Quitting() {
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
	msg := waitDeliveries(ch, time.Time{})().(deliveriesMsg)
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
	msg = waitDeliveries(ch, prev)().(deliveriesMsg)
	if len(msg.ds) != 10 {
		t.Errorf("the frame's arrivals in one message: %d", len(msg.ds))
	}
	if took := time.Since(prev); took < frameEvery {
		t.Errorf("a batch came %s after the last, within a frame (%s)", took, frameEvery)
	}

	close(ch)
	if msg := waitDeliveries(ch, time.Time{})().(deliveriesMsg); !msg.closed || len(msg.ds) != 0 {
		t.Errorf("closed: %+v", msg)
	}
}

// A flood of real requests: every one is either on the list or counted as
// dropped, and they arrive in far fewer messages than requests.
func TestFloodIsBatched(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 2,000 requests")
	}
	h := newHarness(t, setup{w: 160, h: 45, realClock: true})
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
	for h.m.counts.received+int(h.rx.Stats().Dropped) < total && time.Now().Before(deadline) {
		msg := waitDeliveries(h.rx.Requests(), prev)()
		prev = time.Now()
		h.m.Update(msg)
		batches++
	}
	wg.Wait()
	took := time.Since(start)
	got, dropped := h.m.counts.received, int(h.rx.Stats().Dropped)
	if got+dropped != total || len(h.m.list.all) != got {
		t.Fatalf("received %d + dropped %d of %d; the list holds %d", got, dropped, total, len(h.m.list.all))
	}
	if limit := int(took/frameEvery) + 2; batches > limit {
		t.Errorf("%d batches in %s: more than one a frame", batches, took)
	}
	t.Logf("%d requests in %s, %d batches, %d dropped", got+dropped, took.Round(time.Millisecond), batches, dropped)
}

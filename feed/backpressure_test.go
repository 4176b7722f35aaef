package feed

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// A consumer that stops taking stops the producer at the bound, and once
// it takes again every event arrives, once, in order.
func TestCoalescerWaitsAtTheBoundAndLosesNothing(t *testing.T) {
	c := coalescer{wake: make(chan struct{}, 1), max: 100, room: make(chan struct{}, 1), done: make(chan struct{})}
	added := make(chan int, 1000)
	go func() {
		for i := range 1000 {
			c.event(Event{ID: fmt.Sprint(i)})
			added <- i
		}
		close(added)
	}()
	deadline := time.After(10 * time.Second)
	for len(added) < 100 {
		select {
		case <-deadline:
			t.Fatalf("only %d added with room for 100", len(added))
		case <-time.After(time.Millisecond):
		}
	}
	for !c.full.Load() {
		select {
		case <-deadline:
			t.Fatal("the producer never waited")
		case <-time.After(time.Millisecond):
		}
	}
	if n := c.held(); n != 100 {
		t.Fatalf("%d pending with a bound of 100", n)
	}
	var got []Event
	for len(got) < 1000 {
		b := c.take()
		if n := len(b.Events); n > 100 {
			t.Fatalf("a batch of %d with a bound of 100", n)
		}
		got = append(got, b.Events...)
		select {
		case <-deadline:
			t.Fatalf("%d of 1000 events after 10s", len(got))
		case <-c.wake:
		case <-time.After(10 * time.Millisecond):
		}
	}
	for i, e := range got {
		if e.ID != fmt.Sprint(i) {
			t.Fatalf("event %d is %s", i, e.ID)
		}
	}
}

// A wait for room excuses the stream's silence afterwards for the stall
// window, and for as long as the wait itself lasted when that was longer:
// a server held back that long can take as long to send again.
func TestAWaitForRoomExcusesSilenceForAsLongAsItLasted(t *testing.T) {
	c := coalescer{wake: make(chan struct{}, 1), max: 1, room: make(chan struct{}, 1), done: make(chan struct{})}
	c.event(Event{ID: "1"})
	added := make(chan struct{})
	go func() { c.event(Event{ID: "2"}); close(added) }()
	for !c.full.Load() {
		runtime.Gosched() // until the second event waits for room
	}
	const stall = 300 * time.Millisecond
	time.Sleep(stall) // the stall being measured, not a wait for anything
	c.take()
	<-added
	freed := time.Unix(0, c.freed.Load())
	if got := time.Duration(c.waitedFor.Load()); got < stall {
		t.Fatalf("the wait lasted %v by its own count; it was held at least %v", got, stall)
	}
	// Past a window shorter than the stall, but within the stall's length,
	// the silence is still excused.
	const window = 10 * time.Millisecond
	time.Sleep(5 * window) // time passing, the case being tested
	if !c.waited(window) && time.Since(freed) < stall {
		t.Fatalf("%v after a %v wait, a %v window no longer excuses the silence", time.Since(freed), stall, window)
	}
	c.waitedFor.Store(0)
	c.freed.Store(time.Now().Add(-time.Second).UnixNano())
	if c.waited(10 * time.Millisecond) {
		t.Fatal("a wait a second ago, brief, still excuses a 10 ms silence")
	}
}

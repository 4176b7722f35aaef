package feed

import (
	"fmt"
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

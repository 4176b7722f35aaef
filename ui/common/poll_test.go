package common

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestPollerRunsOneFetchAtATime(t *testing.T) {
	fetches := 0
	fetch := func() tea.Msg { fetches++; return nil }
	p := Poller{Every: time.Second}
	if p.Now(fetch) == nil {
		t.Fatal("the first fetch does not start")
	}
	if p.Now(fetch) != nil {
		t.Fatal("a second fetch starts while one runs")
	}
	// The one asked for while busy runs right after, instead of a tick.
	if next := p.Done(Tasks, nil, fetch); next == nil || !p.Busy() {
		t.Fatal("the fetch asked for while busy is lost")
	}
	tick := p.Done(Tasks, nil, fetch)
	if tick == nil || p.Busy() || p.Wait() != time.Second {
		t.Fatalf("no tick after a success (wait %v)", p.Wait())
	}
	stale := PollMsg{gen: p.gen - 1}
	if p.Tick(stale, fetch) != nil {
		t.Fatal("a superseded tick starts a fetch")
	}
	if p.Tick(PollMsg{gen: p.gen}, fetch) == nil {
		t.Fatal("the scheduled tick does not start a fetch")
	}
	p.Stop()
	if p.Done(Tasks, nil, fetch) != nil || p.Now(fetch) != nil {
		t.Fatal("a stopped poller polls")
	}
	p.Restart()
	if p.Now(fetch) == nil {
		t.Fatal("a restarted poller does not poll")
	}
}

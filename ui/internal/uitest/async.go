package uitest

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Async runs a model against live sources the way the runtime does: Cmds
// in goroutines, their messages back to Update one at a time on the
// test's goroutine, while the test waits for what a user would see.
// Nothing a Cmd returns is dropped: it waits in a queue until the test
// next waits or settles.
type Async struct {
	term
	Model tea.Model
	// Tick, if set, is sent every TickEvery while the test waits: the
	// clock moves, marks and notes expire.
	Tick      func() tea.Msg
	TickEvery time.Duration
	// Timeout is how long WaitFor and Until wait; DefaultTimeout if zero.
	Timeout time.Duration
	// Handle, if set, sees each message a Cmd returned before Update
	// does; true means it was handled.
	Handle func(tea.Msg) bool
	// OnFrame, if set, sees every View.
	OnFrame func(tea.View)

	msgs chan tea.Msg
	done chan struct{}
}

// checkEvery is how often a wait looks at the screen.
const checkEvery = 25 * time.Millisecond

// NewAsync drives m on a w×h screen until the test ends.
func NewAsync(tb testing.TB, m tea.Model, w, h int) *Async {
	a := &Async{Model: m, TickEvery: 20 * time.Millisecond, msgs: make(chan tea.Msg, 64), done: make(chan struct{})}
	a.term = term{t: tb, screen: NewScreen(tb, w, h)}
	a.send = a.Send
	tb.Cleanup(func() { close(a.done) })
	return a
}

// Run starts cmd as the runtime would.
func (a *Async) Run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		select {
		case a.msgs <- msg:
		case <-a.done:
		}
	}()
}

// Send runs msg through Update, draws, and starts the Cmd returned.
func (a *Async) Send(msg tea.Msg) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		a.screen.Resize(ws.Width, ws.Height)
	}
	_, cmd := a.Model.Update(msg)
	v := a.Model.View()
	a.frame(v)
	if a.OnFrame != nil {
		a.OnFrame(v)
	}
	a.Run(cmd)
}

func (a *Async) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			a.Run(c)
		}
	default:
		if seq, ok := sequence(msg); ok {
			a.Run(seqCmd(seq))
			return
		}
		if a.Handle != nil && a.Handle(msg) {
			return
		}
		a.Send(msg)
	}
}

// seqCmd runs a sequence's Cmds one after another in one goroutine.
func seqCmd(cmds []tea.Cmd) tea.Cmd {
	if len(cmds) == 0 {
		return nil
	}
	return func() tea.Msg {
		msg := cmds[0]()
		return tea.BatchMsg{func() tea.Msg { return msg }, seqCmd(cmds[1:])}
	}
}

// WaitFor runs the program until the screen shows every want, or fails.
func (a *Async) WaitFor(want ...string) {
	a.t.Helper()
	a.Until(func(s string) bool { return containsAll(s, want) }, fmt.Sprintf("%q", want))
}

// Until runs the program until cond holds for the screen's text, or
// fails after Timeout.
func (a *Async) Until(cond func(screen string) bool, what string) {
	a.t.Helper()
	timeout := a.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	var tick <-chan time.Time
	if a.Tick != nil {
		t := time.NewTicker(a.TickEvery)
		defer t.Stop()
		tick = t.C
	}
	// Drawing on the terminal and reading it back costs milliseconds (tens
	// under the race detector on a busy machine): look at most every
	// checkEvery, and only at a screen that changed, so that messages do
	// not queue up behind the looking.
	look := time.NewTicker(checkEvery)
	defer look.Stop()
	changed := true
	for {
		if changed {
			if cond(a.Text()) {
				return
			}
			changed = false
		}
		// What the Cmds returned goes first. When a tick wins the draw,
		// the messages queued behind it wait for its Update and View; on a
		// machine with both cores busy, under the race detector, ticks every
		// 20 ms starved them: a recover sending six messages one after
		// another managed two in 24 s, and now takes under 2 s.
		select {
		case msg := <-a.msgs:
			a.handle(msg)
			continue
		default:
		}
		select {
		case msg := <-a.msgs:
			a.handle(msg)
		case <-tick:
			a.Send(a.Tick())
		case <-look.C:
			changed = !a.drawn
		case <-deadline.C:
			if cond(a.Text()) {
				return
			}
			a.t.Fatalf("waited %s for %s; the screen:\n%s", timeout, what, a.Text())
		}
	}
}

// Settle runs the program for d without a tick, for checks that something
// does not happen.
func (a *Async) Settle(d time.Duration) {
	end := time.NewTimer(d)
	defer end.Stop()
	for {
		select {
		case msg := <-a.msgs:
			a.handle(msg)
		case <-end.C:
			return
		}
	}
}

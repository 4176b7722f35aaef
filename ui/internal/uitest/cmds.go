package uitest

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// DefaultTimeout is how long a Cmd may take before the test fails: long
// enough for a loaded two-core machine running the race detector.
const DefaultTimeout = 10 * time.Second

// Cmds runs Cmds the way the runtime does, for a test that steps a model
// by hand: each one to its end, however slow, so that an assertion after
// a key press sees everything the press caused. A Cmd that waits for time
// to pass (a tea.Tick or tea.Every, wrapped or not) or for something the
// test supplies (Waits) is set aside, counted in Parked, and never
// delivered: the test moves its own clock. Any other Cmd that does not
// finish within Timeout fails the test, naming it and showing where it is
// stuck. Nothing is dropped in silence.
type Cmds struct {
	T testing.TB
	// Timeout is how long a Cmd may run; DefaultTimeout if zero.
	Timeout time.Duration
	// Waits names functions (as a stack trace spells them, or the end of
	// such a name) in which a Cmd legitimately waits for the test, e.g.
	// "listen.waitDeliveries": a Cmd found blocked under one is set aside.
	Waits []string
	// Parked counts the Cmds set aside as waiting.
	Parked int
}

// Ticks are the frames Bubble Tea's timers wait in.
var ticks = []string{"charm.land/bubbletea/v2.Tick.func", "charm.land/bubbletea/v2.Every.func"}

// Run runs cmd and the Cmds of its batches and sequences, and returns their messages in the order the
// Cmds were given. Nil messages are left out.
func (c *Cmds) Run(cmd tea.Cmd) []tea.Msg {
	c.T.Helper()
	if cmd == nil {
		return nil
	}
	if c.waits(funcName(cmd)) {
		c.Parked++
		return nil
	}
	msg, ok := c.one(cmd)
	if !ok || msg == nil {
		return nil
	}
	switch m := msg.(type) {
	case tea.BatchMsg:
		return c.batch(m)
	}
	if seq, ok := sequence(msg); ok {
		var out []tea.Msg
		for _, sc := range seq {
			out = append(out, c.Run(sc)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// batch runs a batch's Cmds one after another, so that a test sees the
// same order on every run.
func (c *Cmds) batch(cmds []tea.Cmd) []tea.Msg {
	c.T.Helper()
	var out []tea.Msg
	for _, sc := range cmds {
		out = append(out, c.Run(sc)...)
	}
	return out
}

// one runs cmd to its end; false if it was set aside as waiting.
func (c *Cmds) one(cmd tea.Cmd) (tea.Msg, bool) {
	c.T.Helper()
	type result struct {
		msg   tea.Msg
		panic any
	}
	done := make(chan result, 1)
	gid := make(chan string, 1)
	go func() {
		gid <- goroutineID()
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: p}
			}
		}()
		done <- result{msg: cmd()}
	}()
	id := <-gid
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	pause := 100 * time.Microsecond
	for {
		select {
		case r := <-done:
			if r.panic != nil {
				c.T.Fatalf("Cmd %s panicked: %v", funcName(cmd), r.panic)
			}
			return r.msg, true
		case <-time.After(pause):
		}
		st := goroutineStack(id)
		if st != "" && (c.waits(st)) {
			c.Parked++
			return nil, false
		}
		if time.Now().After(deadline) {
			c.T.Fatalf("Cmd %s did not finish within %s and is not a timer; where it is:\n%s", funcName(cmd), timeout, st)
		}
		pause = min(2*pause, 10*time.Millisecond)
	}
}

// waits reports whether s (a function name or a stack) shows a timer or
// one of the functions the test said wait.
func (c *Cmds) waits(s string) bool {
	for _, w := range ticks {
		if strings.Contains(s, w) {
			return true
		}
	}
	for _, w := range c.Waits {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// sequence unpacks tea.Sequence's message, whose type is unexported.
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

func funcName(cmd tea.Cmd) string {
	if f := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()); f != nil {
		return f.Name()
	}
	return fmt.Sprintf("%p", cmd)
}

// goroutineID is the calling goroutine's number, as stack traces show it.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := bytes.Fields(buf)
	if len(f) < 2 {
		return ""
	}
	return string(f[1])
}

// goroutineStack is the stack of goroutine id, or "" once it has ended.
func goroutineStack(id string) string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	head := []byte("goroutine " + id + " [")
	i := bytes.Index(buf, head)
	if i < 0 {
		return ""
	}
	end := bytes.Index(buf[i:], []byte("\n\n"))
	if end < 0 {
		return string(buf[i:])
	}
	return string(buf[i : i+end])
}

package feed

import (
	"bytes"
	"runtime"
	"sync/atomic"

	"github.com/aspect-hq/aspect-tui/api"
)

// decodeTasks reads GET /tasks/active's usual answer, a bare JSON array of
// tasks, with the envelope's fast decoder: a snapshot of 20,000 tasks is
// 7 MB, which encoding/json read at about 13 MB/s (half a second on every
// start and every resync). It reports false for anything else (a page
// object, a null item, whatever the fast path does not answer for), and
// api's own decoding then reads the answer. FuzzDecodeTasks proves the two
// agree wherever this answers.
//
// Tasks whose features read the same, byte for byte, share one map: a
// snapshot holds a few hundred combinations of states at most, and a map
// of its own for each of 20,000 tasks was 9 MB, the most of any part of a
// start (see maxShared). The tasks of a snapshot are read, never changed.
//
// An answer of splitAbove bytes or more is read from both ends at once
// when there is a second core (see decodeSplit).
func decodeTasks(b []byte, out *[]api.Task) bool {
	ok, _ := decodeSplit(b, out, splitAbove)
	return ok
}

// splitAbove is the least answer read in two halves: about 2,800 tasks,
// below which a goroutine saves too little to be worth starting.
const splitAbove = 1 << 20

// decodeSplit is decodeTasks reading an answer of split bytes or more in
// two halves, one on another goroutine. The second half begins at the
// first "},{" after the middle, which may be inside a string: it is taken
// only if the first half, read from the start, ends exactly there, which
// proves it is a boundary between two tasks; otherwise the second half is
// stopped and the first reads on alone. Either way the result is what one
// reading from the start gives; joined says whether the halves were.
func decodeSplit(b []byte, out *[]api.Task, split int) (ok, joined bool) {
	d := fastDecoder{b: b, shared: make(map[string]map[string]api.Feature, 64)}
	if !d.consume('[') {
		return false, false
	}
	// A task is about 370 bytes on the wire: guess the count once rather
	// than grow the slice a dozen times.
	tasks := make([]api.Task, 0, len(b)/300+1)
	var rest *half
	if len(b) >= split && runtime.GOMAXPROCS(0) > 1 {
		if i := bytes.Index(b[len(b)/2:], []byte("},{")); i >= 0 && len(b)/2+i+2 > d.i {
			rest = readHalf(b, len(b)/2+i+2)
		}
	}
	defer func() {
		if rest != nil {
			rest.abandon()
		}
	}()
	if !d.consume(']') {
		for {
			if rest != nil && d.i >= rest.at {
				if d.i > rest.at {
					// The "},{" was inside a task: read on alone.
					rest.abandon()
					rest = nil
					continue
				}
				more, ok := rest.wait()
				rest = nil
				if !ok {
					return false, false
				}
				*out = append(tasks, more...)
				return true, true
			}
			more, ok := d.nextTask(&tasks)
			if !ok {
				return false, false
			}
			if !more {
				break
			}
		}
	}
	d.ws()
	if d.i != len(d.b) {
		return false, false
	}
	*out = tasks
	return true, false
}

// nextTask reads one task of an array into *tasks and what follows it:
// more after a comma, not after the closing bracket; ok is false for
// anything else.
func (d *fastDecoder) nextTask(tasks *[]api.Task) (more, ok bool) {
	if d.peek() != '{' {
		return false, false
	}
	*tasks = append(*tasks, api.Task{})
	if !d.task(&(*tasks)[len(*tasks)-1]) {
		return false, false
	}
	if d.consume(',') {
		return true, true
	}
	return false, d.consume(']')
}

// half is the second half of a snapshot, read on a goroutine of its own
// from at, where a task may begin, to the end.
type half struct {
	at    int
	stop  atomic.Bool
	done  chan struct{}
	tasks []api.Task
	ok    bool
}

func readHalf(b []byte, at int) *half {
	h := &half{at: at, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		d := fastDecoder{b: b, i: at, shared: make(map[string]map[string]api.Feature, 64)}
		tasks := make([]api.Task, 0, (len(b)-at)/300+1)
		for !h.stop.Load() {
			more, ok := d.nextTask(&tasks)
			if !ok {
				return
			}
			if !more {
				d.ws()
				h.tasks, h.ok = tasks, d.i == len(d.b)
				return
			}
		}
	}()
	return h
}

// wait returns the half's tasks once read, and whether it read to the end.
func (h *half) wait() ([]api.Task, bool) {
	<-h.done
	return h.tasks, h.ok
}

// abandon stops the half and waits for its goroutine to end, so that none
// outlives the call that started it.
func (h *half) abandon() {
	h.stop.Store(true)
	<-h.done
}

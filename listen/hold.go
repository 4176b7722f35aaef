package listen

import (
	"container/list"
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The hand-off between the HTTP handler and whoever shows requests (the
// printer of `listen` on a pipe, or the listen screen): a request is answered only
// after the consumer has written or stored it (Done), so a 2xx never goes
// out for a request nobody will see. A request waits at most Hold for the
// consumer; one the consumer never took is answered 503 with Retry-After,
// so the sender retries. The bodies waiting are bounded in bytes.

// Hand-off defaults.
const (
	// DefaultHold leaves the sender time to read the answer within Svix's
	// 15 s limit.
	DefaultHold = 10 * time.Second
	// DefaultHoldBytes bounds the requests (bodies and headers) waiting
	// for the consumer.
	DefaultHoldBytes = 64 << 20
	// retryAfter is what a request refused because output was full is told.
	retryAfter = "5"
	// requestOverhead is what a request costs beyond its body and headers.
	requestOverhead = 512
)

// ProblemOutputFull: the request was answered 503 because the consumer
// (stdout or the screen) had not taken it within the hold.
const ProblemOutputFull Problem = "output_full"

const (
	waiting int32 = iota
	taken
	gaveUp
)

// held is one request waiting for the consumer.
type held struct {
	d     Request
	state atomic.Int32
	done  chan struct{}
	once  sync.Once
	el    *list.Element
}

// Done tells the receiver that the request was written or stored, so its
// sender can have its answer. It does nothing on a request that did not
// come from Take, and may be called more than once.
func (d Request) Done() {
	if h := d.held; h != nil {
		h.once.Do(func() { close(h.done) })
	}
}

// holdQueue is the requests waiting, oldest first, and the bytes they hold.
type holdQueue struct {
	mu     sync.Mutex
	l      list.List
	bytes  int64
	limit  int64
	ready  chan struct{} // closed and replaced when a request arrives or the queue closes
	room   chan struct{} // closed and replaced when bytes are released
	closed bool
}

func newHoldQueue(limit int64) *holdQueue {
	return &holdQueue{limit: limit, ready: make(chan struct{}), room: make(chan struct{})}
}

// reserve waits until n bytes fit (or nothing else is held) or until the
// deadline, ctx or the queue's closing, whichever comes first.
func (q *holdQueue) reserve(ctx context.Context, deadline time.Time, n int64) bool {
	var timer *time.Timer
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return false
		}
		if q.bytes == 0 || q.bytes+n <= q.limit {
			q.bytes += n
			q.mu.Unlock()
			return true
		}
		room := q.room
		q.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(time.Until(deadline))
			defer timer.Stop()
		}
		select {
		case <-room:
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

func (q *holdQueue) release(n int64) {
	if n == 0 {
		return
	}
	q.mu.Lock()
	q.bytes -= n
	close(q.room)
	q.room = make(chan struct{})
	q.mu.Unlock()
}

func (q *holdQueue) push(h *held) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	h.el = q.l.PushBack(h)
	close(q.ready)
	q.ready = make(chan struct{})
	return true
}

// giveUp takes a request back that the consumer has not taken; false when
// the consumer already has it.
func (q *holdQueue) giveUp(h *held) bool {
	if !h.state.CompareAndSwap(waiting, gaveUp) {
		return false
	}
	q.mu.Lock()
	q.l.Remove(h.el)
	q.mu.Unlock()
	return true
}

func (q *holdQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.ready)
	}
}

// take removes up to max requests the handler has not given up on.
func (q *holdQueue) take(max int) (ds []Request, closed bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(ds) < max && q.l.Len() > 0 {
		h := q.l.Remove(q.l.Front()).(*held)
		if h.state.CompareAndSwap(waiting, taken) {
			ds = append(ds, h.d)
		}
	}
	return ds, q.closed && q.l.Len() == 0
}

// Take waits until requests are waiting and takes up to max of them,
// oldest first. The consumer calls Done on each once it is written or
// stored: until then its sender waits for an answer. ok is false once the
// receiver is closed and nothing is left, or when ctx ends.
func (r *Receiver) Take(ctx context.Context, max int) (ds []Request, ok bool) {
	for {
		r.q.mu.Lock()
		ready := r.q.ready
		r.q.mu.Unlock()
		ds, closed := r.q.take(max)
		if len(ds) > 0 {
			return ds, true
		}
		if closed {
			return nil, false
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// TakeNow is Take without waiting: what is waiting now, maybe nothing.
func (r *Receiver) TakeNow(max int) []Request {
	ds, _ := r.q.take(max)
	return ds
}

// handOff queues d for the consumer and waits until it is written or
// stored; false means the consumer did not take it within the hold (or the
// sender left, or the receiver is closing), and the request must be
// answered 503. reserved bytes are already counted in the queue; handOff
// releases them.
func (r *Receiver) handOff(req *http.Request, d *Request, began time.Time, reserved int64) bool {
	if r.opts.Unwatched {
		return true
	}
	extra := headerCost(req.Header) + requestOverhead
	deadline := began.Add(r.opts.Hold)
	if !r.q.reserve(req.Context(), deadline, extra) {
		r.q.release(reserved)
		return false
	}
	cost := reserved + extra
	defer r.q.release(cost)
	h := &held{done: make(chan struct{})}
	d.held = h
	h.d = *d
	if !r.q.push(h) {
		return false
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-h.done:
		return true
	case <-timer.C:
	case <-req.Context().Done():
	case <-r.ctx.Done():
	}
	if r.q.giveUp(h) {
		return false
	}
	// The consumer has it and is writing it: its line will say what the
	// sender is told, so wait for it, up to Svix's own limit.
	late := time.NewTimer(time.Until(began.Add(DefaultForwardTimeout)))
	defer late.Stop()
	select {
	case <-h.done:
		return true
	case <-late.C:
	case <-req.Context().Done():
	case <-r.ctx.Done():
	}
	return false
}

func headerCost(h http.Header) int64 {
	var n int64
	for k, vs := range h {
		for _, v := range vs {
			n += int64(len(k) + len(v) + 4)
		}
	}
	return n
}

// answer is a response kept until the request is written or stored.
type answer struct {
	header http.Header
	status int
	body   []byte
}

func (a *answer) Header() http.Header { return a.header }
func (a *answer) WriteHeader(s int) {
	if a.status == 0 {
		a.status = s
	}
}
func (a *answer) Write(p []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	a.body = append(a.body, p...)
	return len(p), nil
}

func (a *answer) send(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

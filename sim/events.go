package sim

import (
	"sync"
	"time"
)

// event is one SSE event, encoded once: frame is what every stream writes,
// data (a slice of frame) is the envelope the webhook message carries.
type event struct {
	seq   uint64
	id    string
	frame []byte
	data  []byte
}

// eventLog is the replay buffer: a ring of the newest events. Streams read
// it with their own cursor, so the engine never waits for a client; a client
// whose cursor falls out of the ring has lost events and is cut.
type eventLog struct {
	mu      sync.Mutex
	ring    []event
	next    uint64 // the seq the next event gets; the first is 1
	lastID  string
	notify  chan struct{}
	waiting bool // someone holds notify; close it on the next append
}

func newEventLog(size int) *eventLog {
	return &eventLog{ring: make([]event, size), next: 1, notify: make(chan struct{})}
}

// oldest is the seq of the oldest event held; call with mu held.
func (l *eventLog) oldest() uint64 {
	if n := uint64(len(l.ring)); l.next > n {
		return l.next - n
	}
	return 1
}

func (l *eventLog) append(ev event) {
	l.mu.Lock()
	l.ring[ev.seq%uint64(len(l.ring))] = ev
	l.next = ev.seq + 1
	l.lastID = ev.id
	if l.waiting {
		close(l.notify)
		l.notify = make(chan struct{})
		l.waiting = false
	}
	l.mu.Unlock()
}

// cursor is where a stream starts: after lastID when the ring still holds
// what followed it, else live (the next event).
func (l *eventLog) cursor(epoch uint64, lastID string) (seq uint64, resumed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lastID == "" {
		return l.next, false
	}
	s, ok := parseEventID(epoch, lastID)
	if !ok || s >= l.next || s+1 < l.oldest() {
		return l.next, false
	}
	return s + 1, true
}

// read returns up to max events from cursor on. With none to return it
// gives a channel closed on the next append. lost reports that the cursor
// fell out of the ring.
func (l *eventLog) read(cursor uint64, max int, buf []event) (out []event, lost bool, wait <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cursor < l.oldest() {
		return buf, true, nil
	}
	if cursor >= l.next {
		l.waiting = true
		return buf, false, l.notify
	}
	for s := cursor; s < l.next && len(buf) < max; s++ {
		buf = append(buf, l.ring[s%uint64(len(l.ring))])
	}
	return buf, false, nil
}

func (l *eventLog) last() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastID
}

// appendEnvelope encodes an envelope around t.
func appendEnvelope(b []byte, ts time.Time, userID, eventID, eventType string, t *task) []byte {
	b = append(b, `{"timestamp":`...)
	b = appendTime(b, ts)
	b = append(b, `,"user_id":`...)
	b = appendString(b, userID)
	b = append(b, `,"event_id":`...)
	b = appendString(b, eventID)
	b = append(b, `,"event_type":`...)
	b = appendString(b, eventType)
	b = append(b, `,"data":{"task":`...)
	b = t.appendJSON(b)
	return append(b, "}}"...)
}

// publishTask is the engine's publish: called with the engine's lock held,
// in the order events happen. It encodes the event once and hands the same
// bytes to the replay ring and to the webhook message.
func (s *Server) publishTask(t *task, eventType string, at time.Time) {
	s.eventSeq++
	id := eventID(s.epoch, s.eventSeq)
	b := s.scratch[:0]
	b = append(b, "id: "...)
	b = append(b, id...)
	b = append(b, "\nevent: "...)
	b = append(b, eventType...)
	b = append(b, "\ndata: "...)
	start := len(b)
	b = appendEnvelope(b, at, t.userID, id, eventType, t)
	end := len(b)
	b = append(b, "\n\n"...)
	s.scratch = b
	frame := make([]byte, len(b))
	copy(frame, b)
	s.log.append(event{seq: s.eventSeq, id: id, frame: frame, data: frame[start:end:end]})
	s.hooks.publish(eventType, id, frame[start:end:end], at)
}

package sim

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

const (
	// pingEvery is Aspect's keep-alive interval, divided by TimeScale.
	pingEvery = 15 * time.Second
	// reconnectAfter is the retry: the stream advises, divided by TimeScale.
	reconnectAfter = time.Second
	// writeTimeout frees a stream whose client stopped reading.
	writeTimeout = 30 * time.Second
	// sseBatch is how many events one write and flush carries.
	sseBatch = 512
)

func scaled(d time.Duration, scale float64, floor time.Duration) time.Duration {
	return max(time.Duration(float64(d)/scale), floor)
}

// handleEvents serves GET /events: replay after Last-Event-ID when the ring
// still holds it, else live; pings; and, with DropSSEEvery, cuts.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	cursor, _ := s.log.cursor(s.epoch, r.Header.Get("Last-Event-ID"))
	w.WriteHeader(http.StatusOK)
	retry := scaled(reconnectAfter, s.o.TimeScale, 10*time.Millisecond)
	w.Write([]byte("retry: " + strconv.FormatInt(retry.Milliseconds(), 10) + "\n\n"))
	if rc.Flush() != nil {
		return
	}

	dropAfter, abrupt := -1, false
	if n := s.o.DropSSEEvery; n > 0 {
		// At least one event per connection, or a client could never advance.
		dropAfter = max(1, n/2+rand.IntN(n+1))
		abrupt = s.streams.Add(1)%2 == 0
	}
	sent := 0
	ping := time.NewTicker(scaled(pingEvery, s.o.TimeScale, 10*time.Millisecond))
	defer ping.Stop()
	buf := make([]event, 0, sseBatch)
	for {
		evs, lost, wait := s.log.read(cursor, sseBatch, buf[:0])
		if lost {
			// The client fell further behind than the ring holds: it has
			// lost events either way. Ending the stream makes it reconnect
			// and resync from GET /tasks/active.
			return
		}
		if len(evs) > 0 {
			rc.SetWriteDeadline(time.Now().Add(writeTimeout))
			for _, ev := range evs {
				if sent == dropAfter {
					s.cut(w, rc, ev, abrupt)
					return
				}
				if _, err := w.Write(ev.frame); err != nil {
					return
				}
				sent++
				cursor = ev.seq + 1
			}
			if rc.Flush() != nil {
				return
			}
			continue
		}
		select {
		case <-wait:
		case <-ping.C:
			rc.SetWriteDeadline(time.Now().Add(writeTimeout))
			if _, err := w.Write([]byte(": ping\n\n")); err != nil || rc.Flush() != nil {
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}

// cut ends a stream for DropSSEEvery: every other stream cleanly, the
// others in the middle of an event, as a proxy or a dropped network does, so
// that a client must discard the partial event and resume from the last
// whole one.
func (s *Server) cut(w http.ResponseWriter, rc *http.ResponseController, next event, abrupt bool) {
	if !abrupt {
		rc.Flush()
		return
	}
	w.Write(next.frame[:len(next.frame)/2])
	rc.Flush()
	panic(http.ErrAbortHandler)
}

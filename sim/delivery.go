package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/api"
)

const userAgent = "Svix-Webhooks/1.98.0 (aspect-tui simulator; +https://www.svix.com/http-sender/)"

// run is the delivery scheduler: it starts each queued attempt when it is
// due, its endpoint has a free slot and its rate limit allows.
func (h *hooks) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		h.mu.Lock()
		wait := h.dispatchLocked(h.now())
		h.mu.Unlock()
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		case <-timer.C:
		}
	}
}

func (h *hooks) dispatchLocked(now time.Time) time.Duration {
	next := time.Hour
	if h.closed {
		return next
	}
	for _, ep := range h.epOrder {
		if ep.disabled {
			continue
		}
		if !ep.failingSince.IsZero() {
			at := ep.failingSince.Add(h.sched.DisableAfter())
			if !now.Before(at) {
				h.autoDisableLocked(ep, now)
				continue
			}
			next = min(next, at.Sub(now))
		}
		for ep.inflight < maxInflight && len(ep.queue) > 0 {
			j := ep.queue[0]
			if j.ready.After(now) {
				next = min(next, j.ready.Sub(now))
				break
			}
			if ep.rateLimit > 0 {
				if ep.nextSlot.After(now) {
					next = min(next, ep.nextSlot.Sub(now))
					break
				}
				// Spacing starts 1/rate apart caps any one-second window at
				// rate+1 deliveries, bursts included.
				ep.nextSlot = now.Add(time.Second / time.Duration(ep.rateLimit))
			}
			ep.queue.pop()
			h.startLocked(ep, j)
		}
	}
	return next
}

// startLocked turns a job into an attempt in flight.
func (h *hooks) startLocked(ep *endpoint, j *job) {
	d := j.d
	if i := slices.Index(d.jobs, j); i >= 0 {
		d.jobs = slices.Delete(d.jobs, i, i+1)
	}
	trigger := api.TriggerScheduled
	if j.manual {
		trigger = api.TriggerManual
	} else {
		d.tries++
	}
	d.status = api.AttemptSending
	a := h.addAttemptLocked(j.m, ep, trigger)
	n := 0
	for _, b := range j.m.attempts {
		if b.a.EndpointID == ep.id {
			n++
		}
	}
	ep.inflight++
	ep.sess.inflight++
	h.wg.Add(1)
	go h.deliver(ep, ep.sess, j, a, n)
}

// outcome is what one HTTP attempt got.
type outcome struct {
	code     int
	body     string
	took     time.Duration
	ok       bool
	canceled bool // the endpoint was deleted or disabled, or the simulator stopped
}

func (h *hooks) deliver(ep *endpoint, s *session, j *job, a *attempt, try int) {
	defer h.wg.Done()
	defer rescue(h.o.OnPanic)
	o := h.send(s.ctx, ep.wh, a.a.URL, j.m)

	h.mu.Lock()
	s.inflight--
	h.finishLocked(ep, j, a, o)
	h.idle.Broadcast()
	h.mu.Unlock()
	h.poke()

	if h.ctx.Err() != nil {
		return
	}
	when := "scheduled"
	if j.manual {
		when = "manual"
	}
	status := strconv.Itoa(o.code)
	switch {
	case o.canceled:
		status = "canceled"
	case o.code == 0:
		status = "no answer"
	}
	h.o.Logf("%s %s → %s %s %.1fms attempt %d %s", a.a.Timestamp.Local().Format("15:04:05.000"), j.m.id,
		api.Clip(a.a.URL, 120), status, float64(o.took.Microseconds())/1000, try, when)
}

// send makes one signed POST, as Svix does: svix-id is the message id on
// every try, the timestamp and signature are fresh.
func (h *hooks) send(ctx context.Context, wh *svix.Webhook, target string, m *message) outcome {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	ts := time.Now()
	sig, err := wh.Sign(m.id, ts, m.payload)
	if err != nil {
		return outcome{body: "signing failed: " + err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(m.payload))
	if err != nil {
		return outcome{body: "bad endpoint URL: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("svix-id", m.id)
	req.Header.Set("svix-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("svix-signature", sig)
	start := time.Now()
	resp, err := h.client.Do(req)
	if err != nil {
		return h.failed(ctx, start, err)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, api.MaxResponseBody))
	if err == nil {
		// Reading a little past the cut lets the connection be reused.
		_, err = io.CopyN(io.Discard, resp.Body, 64<<10)
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	resp.Body.Close()
	o := outcome{code: resp.StatusCode, body: string(data), took: time.Since(start)}
	if err != nil && !errors.Is(err, io.EOF) {
		f := h.failed(ctx, start, err)
		f.code, f.body = resp.StatusCode, string(data)+"\n["+f.body+"]"
		return f
	}
	o.ok = resp.StatusCode >= 200 && resp.StatusCode < 300
	return o
}

// failed describes an attempt that got no (whole) answer.
func (h *hooks) failed(ctx context.Context, start time.Time, err error) outcome {
	o := outcome{took: time.Since(start)}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		o.body = fmt.Sprintf("no answer within %s (the timeout)", h.timeout)
	case ctx.Err() != nil:
		o.canceled = true
		o.body = "canceled: the endpoint was disabled or deleted, or the simulator stopped"
	default:
		o.body = "no answer: " + err.Error()
	}
	return o
}

// finishLocked records an attempt's outcome and schedules the retry, if
// any: after a failure of a scheduled attempt, the next step of Svix's
// schedule; never after a manual one.
func (h *hooks) finishLocked(ep *endpoint, j *job, a *attempt, o outcome) {
	ep.inflight--
	a.a.ResponseStatusCode = o.code
	a.a.Response = o.body
	a.a.ResponseDurationMs = o.took.Milliseconds()
	d := j.d
	switch {
	case o.ok:
		a.a.Status = api.AttemptSuccess
		d.status = api.AttemptSuccess
		ep.failingSince = time.Time{}
		// Delivered: a retry still waiting has nothing left to do.
		for _, q := range d.jobs {
			if !q.manual {
				ep.queue.remove(q)
			}
		}
		d.jobs = slices.DeleteFunc(d.jobs, func(q *job) bool { return q.idx < 0 })
	case o.canceled:
		a.a.Status = api.AttemptCanceled
		d.status = api.AttemptFailed
	default:
		a.a.Status = api.AttemptFailed
		if ep.failingSince.IsZero() {
			ep.failingSince = a.a.Timestamp.Time
		}
		live := h.eps[ep.id] == ep && !ep.disabled && h.msgs[j.m.id] == j.m
		if !j.manual && live && d.tries < api.MaxAttempts && !h.hasScheduledLocked(d) {
			h.enqueueLocked(j.m, ep, false, h.now().Add(h.sched.Wait(d.tries)))
		} else if len(d.jobs) == 0 && d.status != api.AttemptSuccess {
			d.status = api.AttemptFailed
		}
	}
}

func (h *hooks) hasScheduledLocked(d *dest) bool {
	for _, q := range d.jobs {
		if !q.manual {
			return true
		}
	}
	return false
}

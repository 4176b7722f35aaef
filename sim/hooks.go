package sim

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/api"
)

const (
	// Svix's delivery timeout (api.DeliveryTimeout) is divided by
	// TimeScale, but never below minDeliveryTimeout, since a handler on a
	// busy machine (tests under -race) may need a few milliseconds even on
	// loopback.
	minDeliveryTimeout = 200 * time.Millisecond
	// maxInflight bounds concurrent attempts per endpoint.
	maxInflight = 16
)

// endpoint is a webhook endpoint and its delivery queue.
type endpoint struct {
	seq         uint64
	id          string
	url         string
	description string
	eventTypes  []string // expanded; every type when allTypes
	allTypes    bool
	rateLimit   int
	disabled    bool
	version     int
	created     time.Time
	updated     time.Time
	secret      string
	wh          *svix.Webhook

	queue    jobHeap   // jobs waiting for their time, their rate-limit slot or a free slot
	inflight int       // attempts sending now
	nextSlot time.Time // rate limit: the earliest start of the next attempt
	sess     *session
	// failingSince is the start of the endpoint's unbroken run of failed
	// attempts (zero after a success): Svix disables it DisableAfter later.
	failingSince time.Time
}

// session is an endpoint's time enabled: disabling or deleting it cancels
// the session's attempts in flight and waits for them, so that nothing is
// delivered after the answer.
type session struct {
	ctx      context.Context
	cancel   context.CancelFunc
	inflight int
}

// stopLocked cancels the endpoint's attempts in flight and waits until each
// has finished; h.mu is released while waiting.
func (h *hooks) stopLocked(ep *endpoint) {
	s := ep.sess
	s.cancel()
	for s.inflight > 0 {
		h.idle.Wait()
	}
}

func (ep *endpoint) wants(eventType string) bool {
	return ep.allTypes || slices.Contains(ep.eventTypes, eventType)
}

func (ep *endpoint) toAPI() api.Endpoint {
	return api.Endpoint{
		ID:          ep.id,
		URL:         ep.url,
		Description: ep.description,
		EventTypes:  slices.Clone(ep.eventTypes),
		RateLimit:   ep.rateLimit,
		Disabled:    ep.disabled,
		Version:     ep.version,
		CreatedAt:   api.Time{Time: ep.created},
		UpdatedAt:   api.Time{Time: ep.updated},
	}
}

// message is one event as Svix holds it: the payload (shared with the SSE
// ring) and its delivery to each endpoint.
type message struct {
	seq       uint64
	id        string
	eventType string
	eventID   string
	payload   []byte
	ts        time.Time
	dests     []*dest
	attempts  []*attempt // oldest first
}

func (m *message) dest(ep *endpoint) *dest {
	for _, d := range m.dests {
		if d.ep == ep {
			return d
		}
	}
	return nil
}

func (m *message) toAPI() api.Message {
	return api.Message{ID: m.id, EventType: m.eventType, EventID: m.eventID, Payload: m.payload, Timestamp: api.Time{Time: m.ts}}
}

// dest is a message's delivery to one endpoint (Svix's message destination):
// its status is what the endpoint's stats count.
type dest struct {
	ep     *endpoint
	status api.AttemptStatus // pending, sending, success or failed
	tries  int               // scheduled attempts made
	jobs   []*job            // queued, not yet started
}

// job is an attempt waiting to start.
type job struct {
	m      *message
	d      *dest
	ready  time.Time
	manual bool
	idx    int // in the endpoint's heap
}

type attempt struct {
	seq uint64
	m   *message
	a   api.Attempt
}

// hooks holds endpoints, messages and attempts, and delivers. Everything is
// guarded by mu; the engine calls publish with its own lock held, so hooks
// never calls the engine.
type hooks struct {
	mu     sync.Mutex
	o      Options
	sched  api.Schedule // Svix's rules at TimeScale
	clock  Clock
	ctx    context.Context
	appID  string
	userID string // the simulated account, as in every envelope
	isNew  bool   // no endpoint created yet: the next create reports app.is_new

	eps     map[string]*endpoint
	epOrder []*endpoint
	epSeq   uint64

	msgs     map[string]*message
	msgOrder deque[*message]
	msgSeq   uint64

	attempts   deque[*attempt]
	attSeq     uint64
	epAttempts map[string]*deque[*attempt]

	client  *http.Client
	timeout time.Duration
	wake    chan struct{}
	wg      sync.WaitGroup // attempts in flight
	closed  bool
	idle    *sync.Cond // on mu: broadcast when an attempt finishes

	echoMu   sync.Mutex
	echoRand *rand.Rand
	sample   *rand.Rand // test events' sample tasks; under mu
}

func newHooks(ctx context.Context, o Options) *hooks {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   maxInflight,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: 0, // the attempt's own timeout covers it
	}
	h := &hooks{
		o:     o,
		sched: api.Schedule{Scale: o.TimeScale},
		clock: o.Clock,
		ctx:   ctx,
		appID: svixID("app_"),
		isNew: true,
		eps:   map[string]*endpoint{},
		msgs:  map[string]*message{},
		client: &http.Client{
			Transport: tr,
			// Svix counts a redirect as a failure; it does not follow it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		timeout:    scaled(api.DeliveryTimeout, o.TimeScale, minDeliveryTimeout),
		wake:       make(chan struct{}, 1),
		epAttempts: map[string]*deque[*attempt]{},
		echoRand:   rand.New(rand.NewPCG(uint64(o.Seed), 0xec40)),
		sample:     rand.New(rand.NewPCG(uint64(o.Seed), 0x7e57)),
	}
	h.idle = sync.NewCond(&h.mu)
	if h.clock == nil {
		h.clock = realClock{}
	}
	if fc, ok := h.clock.(*FakeClock); ok {
		fc.onAdvance(func() {
			h.mu.Lock()
			h.dispatchLocked(h.now())
			h.mu.Unlock()
			h.poke() // the scheduler's timer waits for the new next
		})
	}
	return h
}

// now is the delivery engine's time.
func (h *hooks) now() time.Time { return h.clock.Now() }

func (h *hooks) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *hooks) close() {
	h.mu.Lock()
	h.closed = true // no attempt starts after this, so Wait sees every Add
	h.mu.Unlock()
	h.wg.Wait()
	h.client.CloseIdleConnections()
}

// publish records a message for an event and queues its delivery to every
// enabled endpoint that wants its type.
func (h *hooks) publish(eventType, eventID string, payload []byte, ts time.Time) {
	h.mu.Lock()
	m := h.addMessageLocked(eventType, eventID, payload, ts)
	queued := false
	for _, ep := range h.epOrder {
		if !ep.disabled && ep.wants(eventType) {
			h.enqueueLocked(m, ep, false, h.now())
			queued = true
		}
	}
	h.mu.Unlock()
	if queued {
		h.poke()
	}
}

func (h *hooks) addMessageLocked(eventType, eventID string, payload []byte, ts time.Time) *message {
	h.msgSeq++
	m := &message{seq: h.msgSeq, id: svixID("msg_"), eventType: eventType, eventID: eventID, payload: payload, ts: ts}
	h.msgs[m.id] = m
	h.msgOrder.push(m)
	for h.msgOrder.len() > h.o.MaxMessages {
		h.evictMessageLocked(h.msgOrder.popFront())
	}
	return m
}

// evictMessageLocked forgets a message and drops the attempts still
// waiting to deliver it; its past attempts stay until they are evicted too.
func (h *hooks) evictMessageLocked(m *message) {
	delete(h.msgs, m.id)
	for _, d := range m.dests {
		for _, j := range d.jobs {
			d.ep.queue.remove(j)
		}
		d.jobs = nil
	}
}

// enqueueLocked queues an attempt of m to ep, ready at the given time.
func (h *hooks) enqueueLocked(m *message, ep *endpoint, manual bool, ready time.Time) {
	d := m.dest(ep)
	if d == nil {
		d = &dest{ep: ep}
		m.dests = append(m.dests, d)
	}
	d.status = api.AttemptPending
	j := &job{m: m, d: d, ready: ready, manual: manual}
	d.jobs = append(d.jobs, j)
	ep.queue.push(j)
}

func (h *hooks) addAttemptLocked(m *message, ep *endpoint, trigger api.TriggerType) *attempt {
	h.attSeq++
	a := &attempt{seq: h.attSeq, m: m, a: api.Attempt{
		ID:          svixID("atmpt_"),
		MsgID:       m.id,
		EndpointID:  ep.id,
		URL:         ep.url,
		Status:      api.AttemptSending,
		TriggerType: trigger,
		Timestamp:   api.Time{Time: h.now().Round(0).UTC()},
	}}
	h.attempts.push(a)
	m.attempts = append(m.attempts, a)
	idx := h.epAttempts[ep.id]
	if idx == nil {
		idx = &deque[*attempt]{}
		h.epAttempts[ep.id] = idx
	}
	idx.push(a)
	for h.attempts.len() > h.o.MaxAttempts {
		h.evictAttemptLocked(h.attempts.popFront())
	}
	return a
}

// evictAttemptLocked drops the globally oldest attempt, which is also the
// oldest of its message and of its endpoint.
func (h *hooks) evictAttemptLocked(a *attempt) {
	if len(a.m.attempts) > 0 && a.m.attempts[0] == a {
		a.m.attempts[0] = nil
		a.m.attempts = a.m.attempts[1:]
	}
	if idx := h.epAttempts[a.a.EndpointID]; idx != nil && idx.len() > 0 && idx.front() == a {
		idx.popFront()
	}
}

// dropJobsLocked removes every queued attempt to ep; what they would have
// delivered counts as failed, so a recover after re-enabling resends it.
func (h *hooks) dropJobsLocked(ep *endpoint) {
	for _, j := range ep.queue {
		j.d.jobs = nil
		if j.d.status == api.AttemptPending {
			j.d.status = api.AttemptFailed
		}
	}
	ep.queue = nil
}

// jobHeap orders an endpoint's queued attempts by readiness, then message.
type jobHeap []*job

func (q jobHeap) less(i, j int) bool {
	if !q[i].ready.Equal(q[j].ready) {
		return q[i].ready.Before(q[j].ready)
	}
	return q[i].m.seq < q[j].m.seq
}

func (q jobHeap) swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].idx = i
	q[j].idx = j
}

func (q *jobHeap) push(j *job) {
	j.idx = len(*q)
	*q = append(*q, j)
	q.up(j.idx)
}

func (q *jobHeap) pop() *job {
	j := (*q)[0]
	q.remove(j)
	return j
}

func (q *jobHeap) remove(j *job) {
	h := *q
	i := j.idx
	if i < 0 || i >= len(h) || h[i] != j {
		return
	}
	last := len(h) - 1
	if i != last {
		h.swap(i, last)
	}
	h[last] = nil
	*q = h[:last]
	j.idx = -1
	if i != last {
		q.down(i)
		q.up(i)
	}
}

func (q jobHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(i, p) {
			return
		}
		q.swap(i, p)
		i = p
	}
}

func (q jobHeap) down(i int) {
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q) && q.less(l, m) {
			m = l
		}
		if r < len(q) && q.less(r, m) {
			m = r
		}
		if m == i {
			return
		}
		q.swap(i, m)
		i = m
	}
}

// validURL checks an endpoint URL: absolute http or https with a host.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

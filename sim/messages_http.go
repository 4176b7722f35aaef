package sim

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// pageOf pages items (oldest first, by seq) newest first: up to limit items
// that keep accepts, below the iterator's seq. It reports whether more
// remain, looking ahead for one more match.
func pageOf[T any](items []T, seqOf func(T) uint64, keep func(T) bool, iter uint64, limit int, stop func(T) bool) (out []T, next string, done bool) {
	hi := len(items)
	if iter != 0 {
		hi = sort.Search(len(items), func(i int) bool { return seqOf(items[i]) >= iter })
	}
	out = make([]T, 0, min(limit, hi))
	for i := hi - 1; i >= 0; i-- {
		it := items[i]
		if stop != nil && stop(it) {
			break
		}
		if !keep(it) {
			continue
		}
		if len(out) == limit {
			return out, next, false
		}
		out = append(out, it)
		next = iteratorOf(seqOf(it))
	}
	return out, next, true
}

func seqOf(iter string) uint64 {
	n, _ := strconv.ParseUint(iter, 10, 64)
	return n
}

func (h *hooks) handleListMessages(w http.ResponseWriter, r *http.Request) {
	q := query{v: r.URL.Query()}
	limit, iter := q.limit(), q.iterator()
	before, after := q.time("before"), q.time("after")
	eventType := q.v.Get("event_type")
	if q.errs.reply(w) {
		return
	}
	h.mu.Lock()
	view := h.msgOrder.view()
	if !before.IsZero() {
		// Messages are held in time order, so "before" is a cut.
		view = view[:sort.Search(len(view), func(i int) bool { return !view[i].ts.Before(before) })]
	}
	ms, next, done := pageOf(view, func(m *message) uint64 { return m.seq },
		func(m *message) bool { return eventType == "" || m.eventType == eventType }, iter, limit,
		func(m *message) bool { return !after.IsZero() && !m.ts.After(after) })
	data := make([]api.Message, len(ms))
	for i, m := range ms {
		data[i] = m.toAPI()
	}
	h.mu.Unlock()
	withContent := withContent(r)
	writePage(w, r, data, next, done, func(m api.Message) svixMessage { return toSvixMessage(m, withContent) })
}

// withContent is Svix's with_content: payloads only when asked for.
func withContent(r *http.Request) bool { return r.URL.Query().Get("with_content") == "true" }

// handleGetMessage answers GET /webhooks/messages/{message_id}: one
// message, with its payload.
func (h *hooks) handleGetMessage(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	m := h.msgs[r.PathValue("message_id")]
	var out api.Message
	if m != nil {
		out = m.toAPI()
	}
	h.mu.Unlock()
	if m == nil {
		writeDetail(w, http.StatusNotFound, "Message not found")
		return
	}
	if profileOf(w) == ProfileSvix {
		writeJSON(w, http.StatusOK, toSvixMessage(out, withContent(r)))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// listAttempts answers both attempt routes. epID comes from the path for
// the legacy route, from the query otherwise.
func (h *hooks) listAttempts(w http.ResponseWriter, r *http.Request, epID string, legacy bool) {
	q := query{v: r.URL.Query()}
	limit, iter := q.limit(), q.iterator()
	msgID := q.v.Get("message_id")
	if !legacy {
		epID = q.v.Get("endpoint_id")
		if msgID == "" && epID == "" {
			q.errs.add("query", "message_id", "message_id or endpoint_id is required", "missing")
		}
	}
	var status *api.AttemptStatus
	if s := q.v.Get("status"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 4 {
			q.errs.add("query", "status", "status is 0 (success), 1 (pending), 2 (failed), 3 (sending) or 4 (canceled)", "enum")
		} else {
			st := api.AttemptStatus(n)
			status = &st
		}
	}
	if q.errs.reply(w) {
		return
	}
	h.mu.Lock()
	var list []*attempt
	switch {
	case msgID != "":
		m := h.msgs[msgID]
		if m == nil || epID != "" && h.eps[epID] == nil {
			h.mu.Unlock()
			writeDetail(w, http.StatusNotFound, "Message or endpoint not found")
			return
		}
		list = m.attempts
	default:
		if h.eps[epID] == nil {
			h.mu.Unlock()
			writeDetail(w, http.StatusNotFound, "Endpoint not found")
			return
		}
		if idx := h.epAttempts[epID]; idx != nil {
			list = idx.view()
		}
	}
	as, next, done := pageOf(list, func(a *attempt) uint64 { return a.seq }, func(a *attempt) bool {
		return (epID == "" || a.a.EndpointID == epID) && (status == nil || a.a.Status == *status)
	}, iter, limit, nil)
	data := make([]api.Attempt, len(as))
	for i, a := range as {
		data[i] = a.a
		data[i].NextAttempt = api.Time{Time: h.nextAttemptLocked(a)}
	}
	h.mu.Unlock()
	expanded := r.URL.Query().Get("expanded_statuses") == "true"
	writePage(w, r, data, next, done, func(a api.Attempt) svixAttempt { return toSvixAttempt(a, expanded) })
}

func (h *hooks) handleListAttempts(w http.ResponseWriter, r *http.Request) {
	h.listAttempts(w, r, "", false)
}

func (h *hooks) handleEndpointDeliveries(w http.ResponseWriter, r *http.Request) {
	h.listAttempts(w, r, r.PathValue("endpoint_id"), true)
}

// lockEndpoint takes h.mu and finds the route's endpoint, refusing a
// disabled one when active is set (activeEndpointLocked); when there is
// none it answers the request, lets h.mu go and returns nil.
func (h *hooks) lockEndpoint(w http.ResponseWriter, r *http.Request, active bool) *endpoint {
	find := h.endpointLocked
	if active {
		find = h.activeEndpointLocked
	}
	h.mu.Lock()
	ep := find(w, r)
	if ep == nil {
		h.mu.Unlock()
	}
	return ep
}

// activeEndpointLocked finds the route's endpoint and refuses a disabled
// one (409), answering itself; nil then.
func (h *hooks) activeEndpointLocked(w http.ResponseWriter, r *http.Request) *endpoint {
	ep := h.endpointLocked(w, r)
	if ep != nil && ep.disabled {
		writeDetail(w, http.StatusConflict, "endpoint "+ep.id+" is disabled; enable it (PUT with disabled: false) first")
		return nil
	}
	return ep
}

// handleResend queues one manual attempt; a manual attempt is never retried.
func (h *hooks) handleResend(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	m := h.msgs[r.PathValue("message_id")]
	if m == nil {
		h.mu.Unlock()
		writeDetail(w, http.StatusNotFound, "Message not found")
		return
	}
	ep := h.activeEndpointLocked(w, r)
	if ep == nil {
		h.mu.Unlock()
		return
	}
	h.enqueueLocked(m, ep, true, h.now())
	h.mu.Unlock()
	h.poke()
	writeJSON(w, http.StatusAccepted, struct{}{})
}

// handleRecover resends, once each, every message whose delivery to the
// endpoint failed since the given time.
func (h *hooks) handleRecover(w http.ResponseWriter, r *http.Request) {
	b, ok := readBody(w, r)
	if !ok {
		return
	}
	since, until := b.time("since", true), b.time("until", false)
	if !until.IsZero() && until.Before(since) {
		b.errs.add("body", "until", "until must not be before since", "value_error")
	}
	if b.errs.reply(w) {
		return
	}
	ep := h.lockEndpoint(w, r, true)
	if ep == nil {
		return
	}
	view := h.msgOrder.view()
	now := h.now()
	for i := sort.Search(len(view), func(i int) bool { return !view[i].ts.Before(since) }); i < len(view); i++ {
		m := view[i]
		if !until.IsZero() && m.ts.After(until) {
			break
		}
		if d := m.dest(ep); d != nil && d.status == api.AttemptFailed && len(d.jobs) == 0 {
			h.enqueueLocked(m, ep, true, now)
		}
	}
	h.mu.Unlock()
	h.poke()
	if profileOf(w) == ProfileSvix {
		writeJSON(w, http.StatusAccepted, svixRecover{ID: svixID("qtask_"), Status: "running", Task: "endpoint.recover",
			UpdatedAt: api.Time{Time: now.Round(0).UTC()}})
		return
	}
	writeJSON(w, http.StatusAccepted, api.RecoverOut{ID: svixID("rtsk_"), Status: "running"})
}

var eventTypeName = regexp.MustCompile(`^[a-z0-9_.-]{1,64}$`)

// handleTest sends an example event of the asked type to this endpoint
// only, delivered and retried like any other. It does not go on the SSE
// stream: no task changed. In the svix profile it is Svix's send-example:
// {eventType, exampleIndex} in, the whole Message out, its eventId null.
func (h *hooks) handleTest(w http.ResponseWriter, r *http.Request) {
	b, ok := readBody(w, r)
	if !ok {
		return
	}
	svix := profileOf(w) == ProfileSvix
	field := "event_type"
	if svix {
		field = "eventType"
		b.int("exampleIndex", 0, 0, 1<<20)
	}
	eventType := b.str(field, svix, 64)
	if eventType == "" && !svix {
		eventType = api.EventTaskProgress
	} else if eventType != "" && !eventTypeName.MatchString(eventType) {
		b.errs.add("body", field, "an event type is lower-case letters, digits, '.', '_' and '-' (for example task.completed)", "value_error")
	}
	if b.errs.reply(w) {
		return
	}
	ep := h.lockEndpoint(w, r, true)
	if ep == nil {
		return
	}
	now := h.now().Round(0).UTC()
	t := h.sampleTaskLocked(eventType, now)
	eventID := newUUID(h.sample)
	payload := appendEnvelope(nil, now, t.userID, eventID, eventType, t)
	msgEventID := eventID
	if svix {
		msgEventID = "" // Svix's example messages have no eventId
	}
	m := h.addMessageLocked(eventType, msgEventID, payload, now)
	h.enqueueLocked(m, ep, false, now)
	out := m.toAPI()
	h.mu.Unlock()
	h.poke()
	if svix {
		writeJSON(w, http.StatusAccepted, toSvixMessage(out, true))
		return
	}
	writeJSON(w, http.StatusAccepted, api.TestOut{MessageID: m.id})
}

// sampleTaskLocked makes a plausible task for a test event of the type.
func (h *hooks) sampleTaskLocked(eventType string, now time.Time) *task {
	t := &task{id: newUUID(h.sample), assetID: newUUID(h.sample), userID: h.userID,
		created: now.Add(-2 * time.Minute), updated: now}
	states := []api.State{api.StateCompleted, api.StateCompleted, api.StateCompleted, api.StateCompleted}
	switch eventType {
	case api.EventTaskProgress:
		states = []api.State{api.StateCompleted, api.StateProcessing, api.StateQueued, api.StateProcessing}
	case api.EventTaskFailed:
		states = []api.State{api.StateCompleted, api.StateCompleted, api.StateFailed, api.StateCompleted}
	}
	for i, n := range api.FeatureNames {
		t.features = append(t.features, featureSlot{name: n, state: states[i]})
	}
	return t
}

func (h *hooks) handleStats(w http.ResponseWriter, r *http.Request) {
	q := query{v: r.URL.Query()}
	since := q.time("since")
	if q.errs.reply(w) {
		return
	}
	ep := h.lockEndpoint(w, r, false)
	if ep == nil {
		return
	}
	var st api.Stats
	view := h.msgOrder.view()
	for i := sort.Search(len(view), func(i int) bool { return !view[i].ts.Before(since) }); i < len(view); i++ {
		d := view[i].dest(ep)
		if d == nil {
			continue
		}
		switch d.status {
		case api.AttemptSuccess:
			st.Success++
		case api.AttemptPending:
			st.Pending++
		case api.AttemptSending:
			st.Sending++
		case api.AttemptFailed:
			st.Fail++
		}
	}
	h.mu.Unlock()
	if profileOf(w) == ProfileSvix {
		writeJSON(w, http.StatusOK, svixStats{Success: st.Success, Pending: st.Pending, Sending: st.Sending, Fail: st.Fail, Canceled: st.Canceled})
		return
	}
	writeJSON(w, http.StatusOK, st)
}

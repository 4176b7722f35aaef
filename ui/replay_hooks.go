package ui

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/record"
)

// errReplay answers every call that would change something: a replay
// sends nothing anywhere (the keys are off before it comes to this).
var errReplay = errors.New(ReplayReason)

// replayHooks answers the webhook panes from a recording: what the
// dashboard that recorded it had fetched last, up to the replay's
// position. The panes call it from their Cmds, so it is locked.
type replayHooks struct {
	mu        sync.Mutex
	endpoints []api.Endpoint
	messages  []api.Message
	attempts  map[[2]string][]api.Attempt // by message id, endpoint id
}

func (h *replayHooks) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endpoints, h.messages, h.attempts = nil, nil, nil
}

// set takes in one webhook record: the latest of each kind and query wins.
func (h *replayHooks) set(r *record.Hooks) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case r.Conn != nil:
	case r.HasEndpoints:
		h.endpoints = r.Endpoints
	case r.Messages != nil:
		h.messages = r.Messages.Messages
	case r.Attempts != nil:
		if h.attempts == nil {
			h.attempts = map[[2]string][]api.Attempt{}
		}
		h.attempts[[2]string{r.Attempts.MessageID, r.Attempts.EndpointID}] = r.Attempts.Attempts
	}
}

func (h *replayHooks) ListEndpoints(context.Context) ([]api.Endpoint, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.endpoints), nil
}

func (h *replayHooks) ListMessages(_ context.Context, q api.MessageQuery) ([]api.Message, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []api.Message
	for _, m := range h.messages {
		if q.EventType == "" || m.EventType == q.EventType {
			out = append(out, m)
		}
	}
	return out, nil
}

func (h *replayHooks) Message(_ context.Context, id string) (api.Message, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.messages {
		if m.ID == id {
			return m, nil
		}
	}
	return api.Message{}, errors.New("message " + id + " is not in the recording")
}

// ListAttempts answers as the API would: the recorded list for the
// message and endpoint, kept to the status asked for (the recording keys
// lists by message and endpoint only, and the latest may hold every
// status: the failed deliveries pane must not list the successes).
func (h *replayHooks) ListAttempts(_ context.Context, q api.AttemptQuery) ([]api.Attempt, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	as := h.attempts[[2]string{q.MessageID, q.EndpointID}]
	if q.Status == nil {
		return slices.Clone(as), nil
	}
	out := make([]api.Attempt, 0, len(as))
	for _, a := range as {
		if a.Status == *q.Status {
			out = append(out, a)
		}
	}
	return out, nil
}

func (h *replayHooks) EndpointStats(context.Context, string, time.Time) (api.Stats, error) {
	return api.Stats{}, errors.New("endpoint stats are not in the recording")
}

func (h *replayHooks) CreateEndpoint(context.Context, api.EndpointIn) (api.EndpointCreated, error) {
	return api.EndpointCreated{}, errReplay
}

func (h *replayHooks) UpdateEndpoint(context.Context, string, api.EndpointIn) (api.Endpoint, error) {
	return api.Endpoint{}, errReplay
}

func (h *replayHooks) DeleteEndpoint(context.Context, string) error { return errReplay }

func (h *replayHooks) SendTest(context.Context, string, string) (string, error) {
	return "", errReplay
}

func (h *replayHooks) Recover(context.Context, string, time.Time, *time.Time) (api.RecoverOut, error) {
	return api.RecoverOut{}, errReplay
}

func (h *replayHooks) Resend(context.Context, string, string) error { return errReplay }

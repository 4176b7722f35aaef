package sim

import (
	"encoding/json"
	"net/http"

	"github.com/aspect-hq/aspect-tui/api"
)

// The webhook answers as Svix writes them (codegen/lib-openapi.json of
// svix/svix-webhooks, v1.98), for ProfileSvix.

type svixEndpoint struct {
	ID           string            `json:"id"`
	URL          string            `json:"url"`
	Description  string            `json:"description"`
	FilterTypes  []string          `json:"filterTypes"`
	Channels     []string          `json:"channels"`
	ThrottleRate *int              `json:"throttleRate"`
	UID          *string           `json:"uid"`
	Disabled     bool              `json:"disabled"`
	Metadata     map[string]string `json:"metadata"`
	CreatedAt    api.Time          `json:"createdAt"`
	UpdatedAt    api.Time          `json:"updatedAt"`
}

func toSvixEndpoint(e api.Endpoint) svixEndpoint {
	out := svixEndpoint{ID: e.ID, URL: e.URL, Description: e.Description, FilterTypes: e.EventTypes,
		Disabled: e.Disabled, Metadata: map[string]string{}, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	if e.RateLimit > 0 {
		r := e.RateLimit
		out.ThrottleRate = &r
	}
	return out
}

type svixMessage struct {
	ID        string          `json:"id"`
	EventType string          `json:"eventType"`
	EventID   *string         `json:"eventId"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	Channels  []string        `json:"channels"`
	Tags      []string        `json:"tags"`
	Timestamp api.Time        `json:"timestamp"`
}

func toSvixMessage(m api.Message, withContent bool) svixMessage {
	out := svixMessage{ID: m.ID, EventType: m.EventType, Timestamp: m.Timestamp}
	if m.EventID != "" {
		id := m.EventID
		out.EventID = &id
	}
	if withContent {
		out.Payload = m.Payload
	}
	return out
}

type svixAttempt struct {
	ID                 string            `json:"id"`
	MsgID              string            `json:"msgId"`
	EndpointID         string            `json:"endpointId"`
	URL                string            `json:"url"`
	Status             api.AttemptStatus `json:"status"`
	StatusText         string            `json:"statusText"`
	ResponseStatusCode int               `json:"responseStatusCode"`
	Response           string            `json:"response"`
	ResponseDurationMs int64             `json:"responseDurationMs"`
	TriggerType        api.TriggerType   `json:"triggerType"`
	Timestamp          api.Time          `json:"timestamp"`
}

// svixStatusText is Svix's MessageStatusText.
var svixStatusText = map[api.AttemptStatus]string{
	api.AttemptSuccess: "success", api.AttemptPending: "pending", api.AttemptFailed: "fail",
	api.AttemptSending: "sending", api.AttemptCanceled: "canceled",
}

// toSvixAttempt writes a as Svix does: without expanded_statuses a
// canceled attempt's status reads 0 (success); statusText always tells.
func toSvixAttempt(a api.Attempt, expanded bool) svixAttempt {
	status := a.Status
	if status == api.AttemptCanceled && !expanded {
		status = api.AttemptSuccess
	}
	return svixAttempt{ID: a.ID, MsgID: a.MsgID, EndpointID: a.EndpointID, URL: a.URL, Status: status,
		StatusText: svixStatusText[a.Status], ResponseStatusCode: a.ResponseStatusCode, Response: a.Response,
		ResponseDurationMs: a.ResponseDurationMs, TriggerType: a.TriggerType, Timestamp: a.Timestamp}
}

// svixPage is Svix's ListResponse.
type svixPage[T any] struct {
	Data         []T     `json:"data"`
	Iterator     *string `json:"iterator"`
	PrevIterator *string `json:"prevIterator"`
	Done         bool    `json:"done"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// writePage answers one page of a list in the profile's shape; convert
// turns each item into Svix's shape.
func writePage[T any, S any](w http.ResponseWriter, r *http.Request, items []T, next string, done bool, convert func(T) S) {
	if profileOf(w) != ProfileSvix {
		writeJSON(w, http.StatusOK, page[T]{Data: items, Iterator: next, Done: done})
		return
	}
	out := svixPage[S]{Data: make([]S, len(items)), Iterator: optional(next), PrevIterator: optional(r.URL.Query().Get("iterator")), Done: done}
	for i, it := range items {
		out.Data[i] = convert(it)
	}
	writeJSON(w, http.StatusOK, out)
}

// svixCode is the code Svix's HttpError gives each status.
func svixCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "generic_error"
	case http.StatusUnauthorized:
		return "authentication_failed"
	case http.StatusForbidden:
		return "insufficient access"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusConflict:
		return "conflict"
	case http.StatusRequestEntityTooLarge:
		return "payload_too_large"
	case http.StatusTooManyRequests:
		return "rate_limited"
	}
	return "server_error"
}

type svixRecover struct {
	ID        string   `json:"id"`
	Status    string   `json:"status"`
	Task      string   `json:"task"`
	UpdatedAt api.Time `json:"updatedAt"`
}

type svixStats struct {
	Success  int `json:"success"`
	Pending  int `json:"pending"`
	Sending  int `json:"sending"`
	Fail     int `json:"fail"`
	Canceled int `json:"canceled"`
}

package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Endpoint is a webhook endpoint as the API answers it. Svix's own names
// are read too: camelCase, throttleRate for the rate, and filterTypes or
// (since Svix's July 2026 spec) eventTypes for the event types.
type Endpoint struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	EventTypes  []string `json:"event_types"`
	RateLimit   int      `json:"rate_limit,omitempty"`
	// HasRateLimit says whether the answer gave a rate at all (under any of
	// its names, and not null): an update sends back only a rate it read
	// (see RateIn), since a PUT without one may clear it.
	HasRateLimit bool `json:"-"`
	Disabled     bool `json:"disabled"`
	Version      int  `json:"version,omitempty"`
	CreatedAt    Time `json:"created_at"`
	UpdatedAt    Time `json:"updated_at"`
	// Source says where the endpoint came from when the API does not list
	// them (see Directory); never on the wire.
	Source string `json:"-"`
}

// UnmarshalJSON reads snake_case or camelCase field names.
func (e *Endpoint) UnmarshalJSON(b []byte) error {
	var w struct {
		ID                string   `json:"id"`
		URL               string   `json:"url"`
		Description       string   `json:"description"`
		EventTypes        []string `json:"event_types"`
		EventTypesCamel   []string `json:"eventTypes"`
		FilterTypes       []string `json:"filter_types"`
		FilterTypesCamel  []string `json:"filterTypes"`
		RateLimit         *int     `json:"rate_limit"`
		RateLimitCamel    *int     `json:"rateLimit"`
		ThrottleRate      *int     `json:"throttle_rate"`
		ThrottleRateCamel *int     `json:"throttleRate"`
		Disabled          bool     `json:"disabled"`
		Version           int      `json:"version"`
		CreatedAt         Time     `json:"created_at"`
		CreatedAtCamel    Time     `json:"createdAt"`
		UpdatedAt         Time     `json:"updated_at"`
		UpdatedAtCamel    Time     `json:"updatedAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	rate := firstPtr(w.RateLimit, w.RateLimitCamel, w.ThrottleRate, w.ThrottleRateCamel)
	*e = Endpoint{
		ID:           w.ID,
		URL:          w.URL,
		Description:  w.Description,
		EventTypes:   firstSlice(w.EventTypes, w.EventTypesCamel, w.FilterTypes, w.FilterTypesCamel),
		HasRateLimit: rate != nil,
		Disabled:     w.Disabled,
		Version:      w.Version,
		CreatedAt:    firstTime(w.CreatedAt, w.CreatedAtCamel),
		UpdatedAt:    firstTime(w.UpdatedAt, w.UpdatedAtCamel),
	}
	if rate != nil {
		e.RateLimit = *rate
	}
	return nil
}

// RateIn is the rate an update of this endpoint should send: the one read,
// or nil when the answer gave none, so that an update never invents one.
func (e Endpoint) RateIn() *int {
	if !e.HasRateLimit {
		return nil
	}
	r := e.RateLimit
	return &r
}

// EndpointIn is the body of create and update. RateLimit is sent only when
// set: a caller that did not read a rate sends none (Endpoint.RateIn).
// Disabled is sent on update only (the create route does not document it).
type EndpointIn struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	EventTypes  []string `json:"event_types"`
	RateLimit   *int     `json:"rate_limit,omitempty"`
	Version     int      `json:"version,omitempty"`
	Disabled    *bool    `json:"disabled,omitempty"`
}

// App is the Svix application that holds a user's endpoints.
type App struct {
	ID    string `json:"id"`
	IsNew bool   `json:"is_new"`
}

// UnmarshalJSON reads is_new or isNew.
func (a *App) UnmarshalJSON(b []byte) error {
	var w struct {
		ID         string `json:"id"`
		IsNew      *bool  `json:"is_new"`
		IsNewCamel *bool  `json:"isNew"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	a.ID = w.ID
	a.IsNew = (w.IsNew != nil && *w.IsNew) || (w.IsNewCamel != nil && *w.IsNewCamel)
	return nil
}

// EndpointCreated is the answer to a create: the only time the endpoint's
// signing secret is ever returned.
type EndpointCreated struct {
	Endpoint Endpoint `json:"endpoint"`
	Secret   string   `json:"secret"`
	App      App      `json:"app"`
}

// Message is one event as Svix holds it for delivery. Its payload may be
// missing (Svix sends it only with with_content, and "{}" at worst): see
// HasPayload and Client.Message. Its event id may be null.
type Message struct {
	ID        string          `json:"id"`
	EventType string          `json:"event_type"`
	EventID   string          `json:"event_id"`
	Payload   json.RawMessage `json:"payload"`
	Timestamp Time            `json:"timestamp"`
}

// UnmarshalJSON reads snake_case or camelCase field names.
func (m *Message) UnmarshalJSON(b []byte) error {
	var w struct {
		ID             string          `json:"id"`
		EventType      string          `json:"event_type"`
		EventTypeCamel string          `json:"eventType"`
		EventID        string          `json:"event_id"`
		EventIDCamel   string          `json:"eventId"`
		Payload        json.RawMessage `json:"payload"`
		Timestamp      Time            `json:"timestamp"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Message{
		ID:        w.ID,
		EventType: first(w.EventType, w.EventTypeCamel),
		EventID:   first(w.EventID, w.EventIDCamel),
		Timestamp: w.Timestamp,
	}
	if !emptyPayload(w.Payload) {
		m.Payload = w.Payload
	}
	return nil
}

// HasPayload reports whether the message came with its payload: absent,
// null and {} all mean it did not.
func (m Message) HasPayload() bool { return !emptyPayload(m.Payload) }

func emptyPayload(p json.RawMessage) bool {
	p = bytes.TrimSpace(p)
	if len(p) == 0 || bytes.Equal(p, []byte("null")) {
		return true
	}
	if p[0] != '{' {
		return false
	}
	return len(bytes.TrimSpace(p[1:len(p)-1])) == 0
}

// Envelope decodes the message's payload.
func (m Message) Envelope() (Envelope, error) {
	var e Envelope
	if !m.HasPayload() {
		return e, fmt.Errorf("message %s has no payload", m.ID)
	}
	err := json.Unmarshal(m.Payload, &e)
	return e, err
}

// TaskID is the id of the task the message is about (data.task.id), or "".
func (m Message) TaskID() string {
	var p struct {
		Data struct {
			Task struct {
				ID string `json:"id"`
			} `json:"task"`
		} `json:"data"`
	}
	if json.Unmarshal(m.Payload, &p) != nil {
		return ""
	}
	return p.Data.Task.ID
}

// AttemptStatus is a delivery attempt's outcome, numbered as Svix numbers it.
type AttemptStatus int

// Svix's attempt statuses.
const (
	AttemptSuccess  AttemptStatus = 0
	AttemptPending  AttemptStatus = 1
	AttemptFailed   AttemptStatus = 2
	AttemptSending  AttemptStatus = 3
	AttemptCanceled AttemptStatus = 4
)

// AttemptStatusUnknown stands for a status that was sent but could not be
// read; it is never taken for success.
const AttemptStatusUnknown AttemptStatus = -1

// ParseAttemptStatus reads a status as text: Svix's statusText (success,
// pending, fail, sending, canceled), the spellings failed and cancelled,
// or a number written as text.
func ParseAttemptStatus(text string) (AttemptStatus, bool) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "success":
		return AttemptSuccess, true
	case "pending":
		return AttemptPending, true
	case "fail", "failed":
		return AttemptFailed, true
	case "sending":
		return AttemptSending, true
	case "canceled", "cancelled":
		return AttemptCanceled, true
	}
	if n, err := strconv.Atoi(strings.TrimSpace(text)); err == nil && n >= 0 {
		return AttemptStatus(n), true
	}
	return AttemptStatusUnknown, false
}

// UnmarshalJSON reads a status as a number or as text.
func (s *AttemptStatus) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		n, err := strconv.Atoi(string(b))
		if err != nil {
			return fmt.Errorf("attempt status %s is not a whole number", Clip(string(b), 40))
		}
		*s = AttemptStatus(n)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	var text string
	if json.Unmarshal(b, &text) != nil {
		return fmt.Errorf("attempt status must be a number or a word such as \"fail\", got %s", Clip(string(b), 40))
	}
	st, ok := ParseAttemptStatus(text)
	if !ok {
		return fmt.Errorf("unknown attempt status %q", Clip(text, 40))
	}
	*s = st
	return nil
}

func (s AttemptStatus) String() string {
	switch s {
	case AttemptStatusUnknown:
		return "unknown"
	case AttemptSuccess:
		return "success"
	case AttemptPending:
		return "pending"
	case AttemptFailed:
		return "failed"
	case AttemptSending:
		return "sending"
	case AttemptCanceled:
		return "canceled"
	}
	return "status " + strconv.Itoa(int(s))
}

// TriggerType says whether an attempt was scheduled (first try or retry) or
// manual (a resend).
type TriggerType int

// Svix's trigger types.
const (
	TriggerScheduled TriggerType = 0
	TriggerManual    TriggerType = 1
)

func (t TriggerType) String() string {
	switch t {
	case TriggerScheduled:
		return "scheduled"
	case TriggerManual:
		return "manual"
	}
	return "trigger " + strconv.Itoa(int(t))
}

// MaxResponseBody is how much of an endpoint's answer Svix keeps.
const MaxResponseBody = 20 * 1024

// Attempt is one try at delivering a message to an endpoint.
// ResponseStatusCode 0 means no HTTP answer (timeout, refused).
//
// Status is read as a number or as text. StatusText is Svix's statusText
// as sent; when it names a status it wins over the number, because Svix
// reports a canceled attempt as 0 (success) unless expanded_statuses is
// sent. NextAttempt is when the next retry is due, where the API says.
type Attempt struct {
	ID                 string        `json:"id"`
	MsgID              string        `json:"msg_id"`
	EndpointID         string        `json:"endpoint_id"`
	URL                string        `json:"url"`
	Status             AttemptStatus `json:"status"`
	StatusText         string        `json:"status_text,omitempty"`
	ResponseStatusCode int           `json:"response_status_code"`
	Response           string        `json:"response"`
	ResponseDurationMs int64         `json:"response_duration_ms"`
	TriggerType        TriggerType   `json:"trigger_type"`
	Timestamp          Time          `json:"timestamp"`
	NextAttempt        Time          `json:"next_attempt,omitzero"`
	// FromHere marks an attempt aspect-tui made itself, from this machine
	// (a re-delivery where the API has no resend route), not one Aspect's
	// Svix made; never on the wire.
	FromHere bool `json:"-"`
}

// UnmarshalJSON reads snake_case or camelCase field names.
func (a *Attempt) UnmarshalJSON(b []byte) error {
	var w struct {
		ID                  string        `json:"id"`
		MsgID               string        `json:"msg_id"`
		MsgIDCamel          string        `json:"msgId"`
		EndpointID          string        `json:"endpoint_id"`
		EndpointIDCamel     string        `json:"endpointId"`
		URL                 string        `json:"url"`
		Status              AttemptStatus `json:"status"`
		StatusText          string        `json:"status_text"`
		StatusTextCamel     string        `json:"statusText"`
		ResponseStatus      *int          `json:"response_status_code"`
		ResponseStatusCamel *int          `json:"responseStatusCode"`
		Response            string        `json:"response"`
		Duration            *int64        `json:"response_duration_ms"`
		DurationCamel       *int64        `json:"responseDurationMs"`
		TriggerType         *TriggerType  `json:"trigger_type"`
		TriggerTypeCamel    *TriggerType  `json:"triggerType"`
		Timestamp           Time          `json:"timestamp"`
		NextAttempt         Time          `json:"next_attempt"`
		NextAttemptCamel    Time          `json:"nextAttempt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = Attempt{
		ID:                 w.ID,
		MsgID:              first(w.MsgID, w.MsgIDCamel),
		EndpointID:         first(w.EndpointID, w.EndpointIDCamel),
		URL:                w.URL,
		Status:             w.Status,
		StatusText:         first(w.StatusText, w.StatusTextCamel),
		ResponseStatusCode: firstInt(w.ResponseStatus, w.ResponseStatusCamel),
		Response:           w.Response,
		Timestamp:          w.Timestamp,
		NextAttempt:        firstTime(w.NextAttempt, w.NextAttemptCamel),
	}
	if st, ok := ParseAttemptStatus(a.StatusText); ok && a.StatusText != "" {
		a.Status = st
	}
	if w.Duration != nil {
		a.ResponseDurationMs = *w.Duration
	} else if w.DurationCamel != nil {
		a.ResponseDurationMs = *w.DurationCamel
	}
	if w.TriggerType != nil {
		a.TriggerType = *w.TriggerType
	} else if w.TriggerTypeCamel != nil {
		a.TriggerType = *w.TriggerTypeCamel
	}
	return nil
}

// skipped is called for each field the tolerant decoder left out: a status
// that could not be read is unknown, not 0 (success), unless statusText
// said what it was.
func (a *Attempt) skipped(field string) {
	switch field {
	case "status":
		if _, ok := ParseAttemptStatus(a.StatusText); !ok || a.StatusText == "" {
			a.Status = AttemptStatusUnknown
		}
	}
}

// Stats counts an endpoint's messages by the outcome of their delivery.
// Canceled is Svix's fifth count; an API that does not send it leaves 0.
type Stats struct {
	Success  int `json:"success"`
	Pending  int `json:"pending"`
	Sending  int `json:"sending"`
	Fail     int `json:"fail"`
	Canceled int `json:"canceled,omitempty"`
}

// SuccessRate is the share of finished attempts that succeeded, and false
// when none has finished.
func (s Stats) SuccessRate() (float64, bool) {
	done := s.Success + s.Fail
	if done == 0 {
		return 0, false
	}
	return float64(s.Success) / float64(done), true
}

// RecoverIn asks to resend every failed message to an endpoint since a time.
type RecoverIn struct {
	Since Time  `json:"since"`
	Until *Time `json:"until,omitempty"`
}

// RecoverOut is the background task a recover started. Status is running,
// finished or failed (Svix's BackgroundTaskStatus), read from text or from
// a number; Task and UpdatedAt come from Svix's answer, when sent.
type RecoverOut struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Task      string `json:"task,omitempty"`
	UpdatedAt Time   `json:"updated_at,omitzero"`
}

// recoverStatuses are Svix's background task statuses in their order, for
// an API that sends them as numbers.
var recoverStatuses = []string{"running", "finished", "failed"}

// UnmarshalJSON reads snake_case or camelCase, and a status as text or number.
func (r *RecoverOut) UnmarshalJSON(b []byte) error {
	var w struct {
		ID             string          `json:"id"`
		Status         json.RawMessage `json:"status"`
		Task           string          `json:"task"`
		UpdatedAt      Time            `json:"updated_at"`
		UpdatedAtCamel Time            `json:"updatedAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = RecoverOut{ID: w.ID, Task: w.Task, UpdatedAt: firstTime(w.UpdatedAt, w.UpdatedAtCamel)}
	status := bytes.TrimSpace(w.Status)
	switch {
	case len(status) == 0 || bytes.Equal(status, []byte("null")):
	case status[0] == '"':
		if err := json.Unmarshal(status, &r.Status); err != nil {
			return err
		}
	default:
		n, err := strconv.Atoi(string(status))
		if err != nil {
			return fmt.Errorf("recover status must be text or a whole number, got %s", Clip(string(status), 40))
		}
		r.Status = "status " + strconv.Itoa(n)
		if n >= 0 && n < len(recoverStatuses) {
			r.Status = recoverStatuses[n]
		}
	}
	return nil
}

// TestIn asks for a test event to one endpoint. It carries both shapes the
// route may take: ours ({event_type}) and Svix's send-example ({eventType,
// exampleIndex}); each server reads its own and ignores the other.
type TestIn struct {
	EventType    string `json:"event_type"`
	SvixType     string `json:"eventType"`
	ExampleIndex int    `json:"exampleIndex"`
}

// TestOut names the message a test event created.
type TestOut struct {
	MessageID string `json:"message_id"`
}

// UnmarshalJSON reads message_id, messageId, or the id of the whole
// Message that Svix's send-example answers.
func (t *TestOut) UnmarshalJSON(b []byte) error {
	var w struct {
		MessageID      string `json:"message_id"`
		MessageIDCamel string `json:"messageId"`
		ID             string `json:"id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	t.MessageID = first(w.MessageID, w.MessageIDCamel, w.ID)
	return nil
}

func firstSlice(vals ...[]string) []string {
	for _, v := range vals {
		if v != nil {
			return v
		}
	}
	return nil
}

func firstPtr(vals ...*int) *int {
	for _, v := range vals {
		if v != nil {
			return v
		}
	}
	return nil
}

func firstInt(vals ...*int) int {
	for _, v := range vals {
		if v != nil {
			return *v
		}
	}
	return 0
}

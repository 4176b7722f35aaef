package api

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Endpoint is a webhook endpoint as the API answers it. Svix's own camelCase
// (and its filterTypes for event types) is read too.
type Endpoint struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	EventTypes  []string `json:"event_types"`
	RateLimit   int      `json:"rate_limit,omitempty"`
	Disabled    bool     `json:"disabled"`
	Version     int      `json:"version,omitempty"`
	CreatedAt   Time     `json:"created_at"`
	UpdatedAt   Time     `json:"updated_at"`
	// Source says where the endpoint came from when the API does not list
	// them (see Directory); never on the wire.
	Source string `json:"-"`
}

// UnmarshalJSON reads snake_case or camelCase field names.
func (e *Endpoint) UnmarshalJSON(b []byte) error {
	var w struct {
		ID               string   `json:"id"`
		URL              string   `json:"url"`
		Description      string   `json:"description"`
		EventTypes       []string `json:"event_types"`
		EventTypesCamel  []string `json:"eventTypes"`
		FilterTypes      []string `json:"filter_types"`
		FilterTypesCamel []string `json:"filterTypes"`
		RateLimit        *int     `json:"rate_limit"`
		RateLimitCamel   *int     `json:"rateLimit"`
		Disabled         bool     `json:"disabled"`
		Version          int      `json:"version"`
		CreatedAt        Time     `json:"created_at"`
		CreatedAtCamel   Time     `json:"createdAt"`
		UpdatedAt        Time     `json:"updated_at"`
		UpdatedAtCamel   Time     `json:"updatedAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Endpoint{
		ID:          w.ID,
		URL:         w.URL,
		Description: w.Description,
		EventTypes:  firstSlice(w.EventTypes, w.EventTypesCamel, w.FilterTypes, w.FilterTypesCamel),
		RateLimit:   firstInt(w.RateLimit, w.RateLimitCamel),
		Disabled:    w.Disabled,
		Version:     w.Version,
		CreatedAt:   firstTime(w.CreatedAt, w.CreatedAtCamel),
		UpdatedAt:   firstTime(w.UpdatedAt, w.UpdatedAtCamel),
	}
	return nil
}

// EndpointIn is the body of create and update. Disabled is sent on update
// only (the create route does not document it).
type EndpointIn struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	EventTypes  []string `json:"event_types"`
	RateLimit   int      `json:"rate_limit,omitempty"`
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

// Message is one event as Svix holds it for delivery.
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
		Payload:   w.Payload,
		Timestamp: w.Timestamp,
	}
	return nil
}

// Envelope decodes the message's payload.
func (m Message) Envelope() (Envelope, error) {
	var e Envelope
	if len(m.Payload) == 0 {
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

func (s AttemptStatus) String() string {
	switch s {
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
type Attempt struct {
	ID                 string        `json:"id"`
	MsgID              string        `json:"msg_id"`
	EndpointID         string        `json:"endpoint_id"`
	URL                string        `json:"url"`
	Status             AttemptStatus `json:"status"`
	ResponseStatusCode int           `json:"response_status_code"`
	Response           string        `json:"response"`
	ResponseDurationMs int64         `json:"response_duration_ms"`
	TriggerType        TriggerType   `json:"trigger_type"`
	Timestamp          Time          `json:"timestamp"`
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
		ResponseStatus      *int          `json:"response_status_code"`
		ResponseStatusCamel *int          `json:"responseStatusCode"`
		Response            string        `json:"response"`
		Duration            *int64        `json:"response_duration_ms"`
		DurationCamel       *int64        `json:"responseDurationMs"`
		TriggerType         *TriggerType  `json:"trigger_type"`
		TriggerTypeCamel    *TriggerType  `json:"triggerType"`
		Timestamp           Time          `json:"timestamp"`
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
		ResponseStatusCode: firstInt(w.ResponseStatus, w.ResponseStatusCamel),
		Response:           w.Response,
		Timestamp:          w.Timestamp,
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

// Stats counts an endpoint's attempts by outcome.
type Stats struct {
	Success int `json:"success"`
	Pending int `json:"pending"`
	Sending int `json:"sending"`
	Fail    int `json:"fail"`
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

// RecoverOut is the background task a recover started.
type RecoverOut struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// TestIn asks for a test event to one endpoint.
type TestIn struct {
	EventType string `json:"event_type"`
}

// TestOut names the message a test event created.
type TestOut struct {
	MessageID string `json:"message_id"`
}

// UnmarshalJSON reads message_id, messageId or Svix's bare id.
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

func firstInt(vals ...*int) int {
	for _, v := range vals {
		if v != nil {
			return *v
		}
	}
	return 0
}

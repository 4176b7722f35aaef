package api

import (
	"encoding/json"
	"sort"
)

// State is a feature's state. The API may send states this version does not
// know; they are kept as sent and reported by Known, never dropped.
type State string

// The states Aspect documents.
const (
	StateQueued     State = "queued"
	StateProcessing State = "processing"
	StateCompleted  State = "completed"
	StateFailed     State = "failed"
	StateCancelled  State = "cancelled"
	StateNA         State = "na"
)

// States lists the documented states in their lifecycle order.
var States = []State{StateQueued, StateProcessing, StateCompleted, StateFailed, StateCancelled, StateNA}

// Known reports whether s is one of the documented states.
func (s State) Known() bool {
	switch s {
	case StateQueued, StateProcessing, StateCompleted, StateFailed, StateCancelled, StateNA:
		return true
	}
	return false
}

// Pending reports whether a feature in state s may still change: queued or
// processing. Unknown states are not pending: the contract defines a task as
// done when no feature is queued or processing.
func (s State) Pending() bool { return s == StateQueued || s == StateProcessing }

// FeatureNames are today's user-facing features in the order the grid shows
// them. Older accounts also send "embedding"; any other name is kept and shown
// after these.
var FeatureNames = []string{"proxy", "preview", "visual", "transcription"}

// Feature is one feature of a task.
type Feature struct {
	State          State  `json:"state"`
	StorageVariant string `json:"storage_variant,omitempty"`
}

// UnmarshalJSON reads storage_variant or storageVariant.
func (f *Feature) UnmarshalJSON(b []byte) error {
	var w struct {
		State          State  `json:"state"`
		StorageVariant string `json:"storage_variant"`
		StorageCamel   string `json:"storageVariant"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	f.State = w.State
	f.StorageVariant = first(w.StorageVariant, w.StorageCamel)
	return nil
}

// Task is one upload's processing job. Features is an open map: names and
// states the client does not know are kept.
type Task struct {
	ID       string             `json:"id"`
	AssetID  string             `json:"asset_id"`
	Features map[string]Feature `json:"features"`
	UserID   string             `json:"user_id"`
	Created  Time               `json:"created"`
	Updated  Time               `json:"updated"`
}

// UnmarshalJSON reads snake_case or camelCase field names.
func (t *Task) UnmarshalJSON(b []byte) error {
	var w struct {
		ID          string             `json:"id"`
		AssetID     string             `json:"asset_id"`
		AssetCamel  string             `json:"assetId"`
		Features    map[string]Feature `json:"features"`
		UserID      string             `json:"user_id"`
		UserCamel   string             `json:"userId"`
		Created     Time               `json:"created"`
		Updated     Time               `json:"updated"`
		CreatedAt   Time               `json:"created_at"`
		UpdatedAt   Time               `json:"updated_at"`
		CreatedAtCc Time               `json:"createdAt"`
		UpdatedAtCc Time               `json:"updatedAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = Task{
		ID:       w.ID,
		AssetID:  first(w.AssetID, w.AssetCamel),
		Features: w.Features,
		UserID:   first(w.UserID, w.UserCamel),
		Created:  firstTime(w.Created, w.CreatedAt, w.CreatedAtCc),
		Updated:  firstTime(w.Updated, w.UpdatedAt, w.UpdatedAtCc),
	}
	return nil
}

// Overall is a task's state as a whole.
type Overall string

// A task is active while any feature is queued or processing; otherwise it is
// failed if any feature failed, else done.
const (
	OverallActive Overall = "active"
	OverallFailed Overall = "failed"
	OverallDone   Overall = "done"
)

// Done reports whether no feature is queued or processing.
func (t Task) Done() bool {
	for _, f := range t.Features {
		if f.State.Pending() {
			return false
		}
	}
	return true
}

// HasFailed reports whether any feature failed.
func (t Task) HasFailed() bool {
	for _, f := range t.Features {
		if f.State == StateFailed {
			return true
		}
	}
	return false
}

// Overall is active, failed or done; see the constants.
func (t Task) Overall() Overall {
	switch {
	case !t.Done():
		return OverallActive
	case t.HasFailed():
		return OverallFailed
	default:
		return OverallDone
	}
}

// FeatureOrder returns the task's feature names: today's features first in
// their usual order (those present), then any others alphabetically.
func (t Task) FeatureOrder() []string {
	names := make([]string, 0, len(t.Features))
	for _, n := range FeatureNames {
		if _, ok := t.Features[n]; ok {
			names = append(names, n)
		}
	}
	var extra []string
	for n := range t.Features {
		if !isStandardFeature(n) {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	return append(names, extra...)
}

func isStandardFeature(name string) bool {
	for _, n := range FeatureNames {
		if n == name {
			return true
		}
	}
	return false
}

// Event types Aspect documents. Others may appear later and must be counted
// and shown, never fatal.
const (
	EventTaskProgress  = "task.progress"
	EventTaskCompleted = "task.completed"
	EventTaskFailed    = "task.failed"
)

// EventTypes lists the documented event types.
var EventTypes = []string{EventTaskProgress, EventTaskCompleted, EventTaskFailed}

// Envelope is what every webhook and SSE event carries.
type Envelope struct {
	Timestamp Time         `json:"timestamp"`
	UserID    string       `json:"user_id"`
	EventID   string       `json:"event_id"`
	EventType string       `json:"event_type"`
	Data      EnvelopeData `json:"data"`
}

// EnvelopeData holds the resource an event is about; for task events only
// Task is set.
type EnvelopeData struct {
	Task *Task `json:"task,omitempty"`
}

// UnmarshalJSON reads snake_case or camelCase field names.
func (e *Envelope) UnmarshalJSON(b []byte) error {
	var w struct {
		Timestamp      Time         `json:"timestamp"`
		UserID         string       `json:"user_id"`
		UserCamel      string       `json:"userId"`
		EventID        string       `json:"event_id"`
		EventIDCamel   string       `json:"eventId"`
		EventType      string       `json:"event_type"`
		EventTypeCamel string       `json:"eventType"`
		Data           EnvelopeData `json:"data"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Envelope{
		Timestamp: w.Timestamp,
		UserID:    first(w.UserID, w.UserCamel),
		EventID:   first(w.EventID, w.EventIDCamel),
		EventType: first(w.EventType, w.EventTypeCamel),
		Data:      w.Data,
	}
	return nil
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstTime(vals ...Time) Time {
	for _, v := range vals {
		if !v.IsZero() {
			return v
		}
	}
	return Time{}
}

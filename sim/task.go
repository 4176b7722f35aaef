package sim

import (
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

type featureSlot struct {
	name    string
	state   api.State
	variant string // storage_variant; only a replayed task has one
}

// task is one task as the engine holds it. Only the engine's goroutine and
// callers holding engine.mu touch it.
type task struct {
	seq      uint64 // creation order
	id       string
	assetID  string
	userID   string
	features []featureSlot
	created  time.Time
	updated  time.Time
	plan     []step
	next     int // the plan's next step
	done     bool
}

func (t *task) pending() bool {
	for _, f := range t.features {
		if f.state.Pending() {
			return true
		}
	}
	return false
}

// listed reports whether GET /tasks/active lists the task: queued,
// processing or failed, as Aspect's SDKs document.
func (t *task) listed() bool {
	for _, f := range t.features {
		if f.state.Pending() || f.state == api.StateFailed {
			return true
		}
	}
	return false
}

// eventType names the event for a step that just applied changes.
func (t *task) eventType(changes []change) string {
	for _, c := range changes {
		if c.to == api.StateFailed {
			return api.EventTaskFailed
		}
	}
	if t.done {
		for _, f := range t.features {
			if f.state != api.StateCompleted && f.state != api.StateNA {
				return api.EventTaskProgress
			}
		}
		return api.EventTaskCompleted
	}
	return api.EventTaskProgress
}

// appendJSON encodes the task as Aspect's API does.
func (t *task) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, t.id)
	b = append(b, `,"asset_id":`...)
	b = appendString(b, t.assetID)
	b = append(b, `,"features":{`...)
	for i, f := range t.features {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.name)
		b = append(b, `:{"state":`...)
		b = appendString(b, string(f.state))
		if f.variant != "" {
			b = append(b, `,"storage_variant":`...)
			b = appendString(b, f.variant)
		}
		b = append(b, '}')
	}
	b = append(b, `},"user_id":`...)
	b = appendString(b, t.userID)
	b = append(b, `,"created":`...)
	b = appendTime(b, t.created)
	b = append(b, `,"updated":`...)
	b = appendTime(b, t.updated)
	return append(b, '}')
}

func (t *task) toAPI() api.Task {
	out := api.Task{
		ID:       t.id,
		AssetID:  t.assetID,
		UserID:   t.userID,
		Features: make(map[string]api.Feature, len(t.features)),
		Created:  api.Time{Time: t.created.UTC()},
		Updated:  api.Time{Time: t.updated.UTC()},
	}
	for _, f := range t.features {
		out.Features[f.name] = api.Feature{State: f.state, StorageVariant: f.variant}
	}
	return out
}

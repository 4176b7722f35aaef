package feed

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// envelope builds a realistic envelope (about 600 bytes) for task id whose
// features are in the given states, updated at t0 plus seq milliseconds.
func envelope(eventID, eventType, taskID string, seq int, states ...api.State) []byte {
	names := []string{"proxy", "preview", "visual", "transcription"}
	feats := map[string]api.Feature{}
	for i, s := range states {
		feats[names[i%len(names)]] = api.Feature{State: s, StorageVariant: "standard"}
	}
	env := api.Envelope{
		Timestamp: api.Time{Time: t0.Add(time.Duration(seq) * time.Millisecond)},
		UserID:    "user_2f1c8e7a-4b7d-4d7e-9a51-3c0b6f2d9e11",
		EventID:   eventID,
		EventType: eventType,
		Data: api.EnvelopeData{Task: &api.Task{
			ID:       taskID,
			AssetID:  "asset_" + taskID,
			Features: feats,
			UserID:   "user_2f1c8e7a-4b7d-4d7e-9a51-3c0b6f2d9e11",
			Created:  api.Time{Time: t0},
			Updated:  api.Time{Time: t0.Add(time.Duration(seq) * time.Millisecond)},
		}},
	}
	b, err := json.Marshal(env)
	if err != nil {
		panic(err)
	}
	return b
}

// uuid is a deterministic UUID-shaped id.
func uuid(n int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", n, n)
}

// sseEvent frames one event with the given line ending.
func sseEvent(id, typ string, data []byte, eol string) string {
	var b strings.Builder
	if id != "" {
		b.WriteString("id: " + id + eol)
	}
	if typ != "" {
		b.WriteString("event: " + typ + eol)
	}
	for _, line := range strings.Split(string(data), "\n") {
		b.WriteString("data: " + line + eol)
	}
	b.WriteString(eol)
	return b.String()
}

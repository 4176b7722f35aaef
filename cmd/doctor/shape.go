package doctor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/aspect-hq/aspect-tui/api"
)

// kind is the shape a route answers with: the fields the app reads (in
// snake_case; Svix's camelCase is folded to it), the ones it cannot do
// without, and whether it comes as a list.
type kind struct {
	what     string
	known    []string
	required []string
	list     bool
}

var (
	taskFields = []string{"id", "asset_id", "features", "user_id", "created", "updated"}
	kindTask   = kind{what: "Task", known: taskFields, required: []string{"id", "features"}}
	// Svix's own names beside ours: filter_types (now event_types),
	// throttle_rate (was rate_limit), uid, metadata, created_at/updated_at.
	kindEndpointList = kind{what: "Endpoint", list: true, required: []string{"id", "url"}, known: []string{
		"id", "url", "description", "event_types", "filter_types", "rate_limit", "throttle_rate",
		"disabled", "version", "created_at", "updated_at", "uid", "metadata", "channels",
	}}
	kindMessageList = kind{what: "Message", list: true, required: []string{"id"}, known: []string{
		"id", "event_type", "event_id", "payload", "timestamp", "channels", "tags", "deliver_at",
	}}
	kindAttemptList = kind{what: "Attempt", list: true, required: []string{"id", "status"}, known: []string{
		"id", "msg_id", "endpoint_id", "url", "status", "status_text", "response_status_code", "response",
		"response_duration_ms", "trigger_type", "timestamp", "next_attempt", "msg",
	}}
	kindStats = kind{what: "Stats", required: []string{"success", "fail"}, known: []string{
		"success", "pending", "sending", "fail", "canceled",
	}}
)

var (
	kindTaskList = func() kind { k := kindTask; k.list = true; return k }()
	kindMessage  = func() kind { k := kindMessageList; k.list = false; return k }()
)

const (
	recognized    = "recognized"
	notRecognized = "not recognized"
)

type shapeResult struct {
	verdict          string
	unknown, missing []string
	note             string
}

// readShape finds the first object of the answer (the object itself, or
// the first item of a bare array or of {data: [...]}) and checks its
// fields against k. It reads no further than it needs, so a long or cut
// answer is still judged by its first item.
func readShape(body []byte, cut bool, k kind) (map[string]json.RawMessage, shapeResult) {
	var first map[string]json.RawMessage
	var err error
	empty := false
	if k.list {
		first, empty, err = firstItem(body)
	} else {
		err = json.Unmarshal(body, &first)
	}
	if err != nil {
		return nil, shapeResult{verdict: notRecognized, note: "not the JSON " + k.what + " the app reads: " + api.Clip(err.Error(), 80)}
	}
	if empty && cut {
		return nil, shapeResult{verdict: notRecognized, note: fmt.Sprintf("no %s in the first %d MiB of the answer", k.what, maxAnswer>>20)}
	}
	if empty {
		return nil, shapeResult{verdict: recognized, note: "an empty list: no " + k.what + " to check the fields of"}
	}
	have := map[string]bool{}
	for name := range first {
		have[snake(name)] = true
	}
	known := map[string]bool{}
	for _, f := range k.known {
		known[f] = true
	}
	var res shapeResult
	unknown := map[string]bool{}
	for name := range first {
		if !known[snake(name)] {
			unknown[api.Clip(name, 40)] = true
		}
	}
	res.unknown = sortedKeys(unknown)
	for _, f := range k.required {
		if !have[f] {
			res.missing = append(res.missing, f)
		}
	}
	res.verdict = recognized
	if len(res.missing) > 0 {
		res.verdict = notRecognized
		res.note = "a " + k.what + " without " + strings.Join(res.missing, ", ")
	}
	if len(res.unknown) > 0 {
		res.note = joinNote(res.note, fmt.Sprintf("%d field(s) the app does not read", len(res.unknown)))
	}
	return first, res
}

// firstItem decodes the first element of a list answer.
func firstItem(body []byte) (map[string]json.RawMessage, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, false, err
	}
	switch tok {
	case json.Delim('['):
		return nextObject(dec)
	case json.Delim('{'):
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, false, err
			}
			if key == "data" {
				t, err := dec.Token()
				if err != nil {
					return nil, false, err
				}
				if t != json.Delim('[') {
					return nil, false, fmt.Errorf("data is not a list")
				}
				return nextObject(dec)
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, false, err
			}
		}
		return nil, false, fmt.Errorf("an object without a data list")
	}
	return nil, false, fmt.Errorf("neither a list nor an object")
}

func nextObject(dec *json.Decoder) (map[string]json.RawMessage, bool, error) {
	if !dec.More() {
		return nil, true, nil
	}
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		return nil, false, err
	}
	return m, false, nil
}

// snake folds Svix's camelCase to snake_case: "responseStatusCode" →
// "response_status_code".
func snake(s string) string {
	if strings.IndexFunc(s, unicode.IsUpper) < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

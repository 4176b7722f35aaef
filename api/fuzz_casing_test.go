package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzCasings writes one attempt, one endpoint and one message with
// arbitrary values twice, with snake_case names (Aspect's) and with
// camelCase names (Svix's), as a bare array or a {data, iterator, done}
// page: both must decode to the same values, and to the values written.
func FuzzCasings(f *testing.F) {
	f.Add("atmpt_1", "msg_1", "ep_1", "https://example.com/hook", "busy", 2, 503, int64(120), 0, int64(1735787045), "orders", "task.completed,task.failed", 5, false)
	f.Add("", "", "", "", "", 0, 0, int64(0), 1, int64(0), "", "", 0, true)
	f.Add("a\x1b[2J", "m\u202e", "e\"\\", "http://[::1]:9/", "<html>\n\r\t</html>", 4, -1, int64(-5), 7, int64(-62135596800), "é✓", ",,task.*", -3, false)
	f.Fuzz(func(t *testing.T, id, msgID, epID, url, response string, status, code int, dur int64, trigger int, unix int64, desc, types string, rate int, bare bool) {
		for _, s := range []string{id, msgID, epID, url, response, desc, types} {
			if !utf8.ValidString(s) {
				return // JSON would carry them as U+FFFD
			}
		}
		at := time.Unix(unix%(1<<35), 0).UTC()
		var eventTypes []string
		for _, et := range strings.Split(types, ",") {
			if et != "" {
				eventTypes = append(eventTypes, et)
			}
		}
		if rate < 0 {
			rate = 0
		}
		wantAttempt := Attempt{ID: id, MsgID: msgID, EndpointID: epID, URL: url, Status: AttemptStatus(status), ResponseStatusCode: code,
			Response: response, ResponseDurationMs: dur, TriggerType: TriggerType(trigger), Timestamp: Time{at}}
		wantEndpoint := Endpoint{ID: epID, URL: url, Description: desc, EventTypes: eventTypes, RateLimit: rate, Disabled: status%2 == 1,
			Version: 1, CreatedAt: Time{at}, UpdatedAt: Time{at.Add(time.Second)}}
		wantMessage := Message{ID: msgID, EventType: types, EventID: id, Payload: json.RawMessage(`{"a":1}`), Timestamp: Time{at}}

		stamp := at.Format(time.RFC3339Nano)
		attempts := [2]map[string]any{
			{"id": id, "msg_id": msgID, "endpoint_id": epID, "url": url, "status": status, "response_status_code": code,
				"response": response, "response_duration_ms": dur, "trigger_type": trigger, "timestamp": stamp},
			{"id": id, "msgId": msgID, "endpointId": epID, "url": url, "status": status, "responseStatusCode": code,
				"response": response, "responseDurationMs": dur, "triggerType": trigger, "timestamp": stamp},
		}
		later := at.Add(time.Second).Format(time.RFC3339Nano)
		endpoints := [2]map[string]any{
			{"id": epID, "url": url, "description": desc, "event_types": eventTypes, "rate_limit": rate, "disabled": status%2 == 1,
				"version": 1, "created_at": stamp, "updated_at": later},
			{"id": epID, "url": url, "description": desc, "filterTypes": eventTypes, "rateLimit": rate, "disabled": status%2 == 1,
				"version": 1, "createdAt": stamp, "updatedAt": later},
		}
		messages := [2]map[string]any{
			{"id": msgID, "event_type": types, "event_id": id, "payload": json.RawMessage(`{"a":1}`), "timestamp": stamp},
			{"id": msgID, "eventType": types, "eventId": id, "payload": json.RawMessage(`{"a":1}`), "timestamp": stamp},
		}
		for casing := range 2 {
			name := [2]string{"snake_case", "camelCase"}[casing]
			checkCasing(t, name, bare, attempts[casing], wantAttempt)
			checkCasing(t, name, bare, endpoints[casing], wantEndpoint)
			checkCasing(t, name, bare, messages[casing], wantMessage)
		}
	})
}

func checkCasing[T any](t *testing.T, casing string, bare bool, fields map[string]any, want T) {
	t.Helper()
	var doc any = map[string]any{"data": []any{fields}, "iterator": nil, "done": true}
	if bare {
		doc = []any{fields}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var p page[T]
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s page refused: %v\n%s", casing, err, b)
	}
	if len(p.items) != 1 || !p.done {
		t.Fatalf("%s page: %d items, done %v\n%s", casing, len(p.items), p.done, b)
	}
	if !sameJSON(p.items[0], want) {
		t.Fatalf("%s decoded as %+v\nwant %+v\n%s", casing, p.items[0], want, b)
	}
}

// sameJSON compares two values as they encode: Time holds a location the
// decoder may set differently for the same instant.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return reflect.DeepEqual(a, b)
	}
	return string(x) == string(y)
}

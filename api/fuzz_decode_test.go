package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeEnvelope feeds the envelope decoder arbitrary bytes (it must not
// panic, and what it decodes must keep every feature and state as sent) and
// well-formed envelopes whose feature name, state and event type are
// arbitrary (each must come back as sent).
func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"timestamp":"2025-01-02T03:04:05.123456","user_id":"u1","event_id":"ev_1","event_type":"task.progress","data":{"task":{"id":"t1","asset_id":"a1","features":{"proxy":{"state":"completed","storage_variant":"hls"},"embedding":{"state":"queued"}},"created":"2025-01-02 03:04:05","updated":"2025-01-02T03:04:05Z"}}}`,
		`{"timestamp":"2025-01-02T03:04:05Z","userId":"u1","eventId":"ev_2","eventType":"task.exploded","data":{"task":{"id":"t1","assetId":"a1","features":{"hologram":{"state":"warming_up","storageVariant":"x"}},"createdAt":"2025-01-02T03:04:05+02:00"}}}`,
		`{"data":{"task":{"features":{"proxy":null,"visual":{},"":{"state":""}}}}}`,
		`{"data":{"task":null},"timestamp":null}`,
		`{"data":{"task":{"features":{"a":{"state":"x"},"A":{"state":"y"}},"Features":{"b":{"STATE":"z"}}}}}`,
		`{"timestamp":1}`,
		`[]`,
		`{"data":{"task":{"features":[]}}}`,
	} {
		f.Add([]byte(s), "embedding", "paused_for_review", "task.rerouted")
	}
	f.Add([]byte(`{}`), "proxy", "queued", "task.progress")
	f.Add([]byte(`null`), "\u202ename\x1b[31m", "st\"ate\\", "")
	f.Fuzz(func(t *testing.T, data []byte, name, state, eventType string) {
		var env Envelope
		if json.Unmarshal(data, &env) == nil && env.Data.Task != nil {
			var plain struct {
				Data struct {
					Task *struct {
						Features map[string]struct {
							State string `json:"state"`
						} `json:"features"`
					} `json:"task"`
				} `json:"data"`
			}
			if json.Unmarshal(data, &plain) == nil && plain.Data.Task != nil {
				got := env.Data.Task.Features
				if len(got) != len(plain.Data.Task.Features) {
					t.Fatalf("decoded %d features; the input holds %d", len(got), len(plain.Data.Task.Features))
				}
				for n, f := range plain.Data.Task.Features {
					if g, ok := got[n]; !ok || string(g.State) != f.State {
						t.Fatalf("feature %q: decoded %+v (present %v); the input says state %q", n, g, ok, f.State)
					}
				}
				order := env.Data.Task.FeatureOrder()
				if len(order) != len(got) {
					t.Fatalf("FeatureOrder %q does not list each of %d features once", order, len(got))
				}
			}
		}

		if !utf8.ValidString(name) || !utf8.ValidString(state) || !utf8.ValidString(eventType) {
			return // JSON cannot carry them as sent
		}
		q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
		doc := `{"event_id":"ev","event_type":` + q(eventType) + `,"data":{"task":{"id":"t","features":{"proxy":{"state":"queued"},` +
			q(name) + `:{"state":` + q(state) + `}}}}}`
		env = Envelope{}
		if err := json.Unmarshal([]byte(doc), &env); err != nil {
			t.Fatalf("a well-formed envelope was refused: %v\n%s", err, doc)
		}
		if env.EventType != eventType {
			t.Fatalf("event type %q came back as %q", eventType, env.EventType)
		}
		f, ok := env.Data.Task.Features[name]
		if !ok || string(f.State) != state {
			t.Fatalf("feature %q with state %q came back as %+v (present %v)", name, state, f, ok)
		}
		if name != "proxy" && env.Data.Task.Features["proxy"].State != StateQueued {
			t.Fatalf("proxy lost beside feature %q", name)
		}
		if f.State.Pending() != (f.State == StateQueued || f.State == StateProcessing) {
			t.Fatalf("state %q: Pending %v", state, f.State.Pending())
		}
	})
}

// FuzzDecodeList feeds a list page of Attempts and of Endpoints, in either
// casing and either shape, arbitrary bytes: decoding must not panic, and a
// page it accepts must say whether another follows.
func FuzzDecodeList(f *testing.F) {
	for _, s := range []string{
		`[{"id":"atmpt_1","msg_id":"msg_1","endpoint_id":"ep_1","status":2,"response_status_code":503,"response":"busy","response_duration_ms":12,"trigger_type":0,"timestamp":"2025-01-02T03:04:05Z"}]`,
		`{"data":[{"id":"atmpt_1","msgId":"msg_1","endpointId":"ep_1","status":2,"responseStatusCode":0,"responseDurationMs":15000,"triggerType":1,"timestamp":"2025-01-02T03:04:05.123+00:00"}],"iterator":"it_a","prevIterator":null,"done":false}`,
		`{"data":[{"id":"ep_1","url":"https://example.com","event_types":["task.*"],"rate_limit":5,"created_at":"2025-01-02 03:04:05"}],"iterator":null,"done":true}`,
		`{"data":[{"id":"ep_1","url":"https://example.com","filterTypes":["task.failed"],"rateLimit":null,"createdAt":"2025-01-02T03:04:05Z","disabled":true}],"iterator":"x"}`,
		`{"data":null}`,
		`{"data":[],"done":"yes"}`,
		`{"iterator":"it"}`,
		`[null,{}]`,
		`  [  ] `,
		`{"data":[{"status":"2"}]}`,
		`[{"id":"atmpt_1","status":"exploded","url":7},5,{"id":"atmpt_3","statusText":"canceled"}]`,
		`"just a string"`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPage[Attempt](t, data)
		checkPage[Endpoint](t, data)
	})
}

func checkPage[T any](t *testing.T, data []byte) {
	var p page[T]
	if json.Unmarshal(data, &p) != nil {
		return
	}
	if !p.done && p.iterator == "" {
		t.Fatalf("page %q is not done and names no iterator: the client could not go on", data)
	}
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		// A slice that decodes whole must give the same items; one that
		// does not is read field by field, and what was left out said.
		var items []T
		err := json.Unmarshal(data, &items)
		if err == nil && !reflect.DeepEqual(items, p.items) {
			t.Fatalf("bare array %q decoded as %+v; as a slice it is %+v", data, p.items, items)
		}
		if err != nil && len(p.skipped) == 0 {
			t.Fatalf("bare array %q refused as a slice (%v) but its page reports nothing skipped", data, err)
		}
		if !p.done {
			t.Fatalf("bare array %q is not the whole list", data)
		}
	}
}

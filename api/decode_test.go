package api_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Each type is read from Aspect's snake_case and from Svix's camelCase, and
// both must give the same value.
func TestBothCasings(t *testing.T) {
	task := api.Task{ID: "t1", AssetID: "a1", UserID: "u1", Created: api.Time{Time: t0}, Updated: api.Time{Time: t1},
		Features: map[string]api.Feature{"proxy": {State: api.StateCompleted, StorageVariant: "hls"}, "visual": {State: api.StateQueued}}}
	payload := `{"event_id":"ev_1","data":{"task":{"id":"t1"}}}`
	for _, tc := range []struct {
		name         string
		snake, camel string
		into         func() any
		want         any
	}{
		{
			name: "Task",
			snake: `{"id":"t1","asset_id":"a1","user_id":"u1","created":"2025-01-02T03:04:05Z","updated":"2025-01-02T04:04:05Z",
				"features":{"proxy":{"state":"completed","storage_variant":"hls"},"visual":{"state":"queued"}}}`,
			camel: `{"id":"t1","assetId":"a1","userId":"u1","createdAt":"2025-01-02T03:04:05Z","updatedAt":"2025-01-02T04:04:05Z",
				"features":{"proxy":{"state":"completed","storageVariant":"hls"},"visual":{"state":"queued"}}}`,
			into: func() any { return new(api.Task) },
			want: &task,
		},
		{
			name: "Envelope",
			snake: `{"timestamp":"2025-01-02T03:04:05Z","user_id":"u1","event_id":"ev_1","event_type":"task.progress",
				"data":{"task":{"id":"t1","asset_id":"a1","user_id":"u1","created":"2025-01-02T03:04:05Z","updated":"2025-01-02T04:04:05Z",
				"features":{"proxy":{"state":"completed","storage_variant":"hls"},"visual":{"state":"queued"}}}}}`,
			camel: `{"timestamp":"2025-01-02T03:04:05Z","userId":"u1","eventId":"ev_1","eventType":"task.progress",
				"data":{"task":{"id":"t1","assetId":"a1","userId":"u1","createdAt":"2025-01-02T03:04:05Z","updatedAt":"2025-01-02T04:04:05Z",
				"features":{"proxy":{"state":"completed","storageVariant":"hls"},"visual":{"state":"queued"}}}}}`,
			into: func() any { return new(api.Envelope) },
			want: &api.Envelope{Timestamp: api.Time{Time: t0}, UserID: "u1", EventID: "ev_1", EventType: "task.progress", Data: api.EnvelopeData{Task: &task}},
		},
		{
			name: "Endpoint",
			snake: `{"id":"ep_1","url":"https://example.com/hook","description":"prod","event_types":["task.failed"],"rate_limit":5,
				"disabled":true,"version":1,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T04:04:05Z"}`,
			camel: `{"id":"ep_1","url":"https://example.com/hook","description":"prod","filterTypes":["task.failed"],"rateLimit":5,
				"disabled":true,"version":1,"createdAt":"2025-01-02T03:04:05Z","updatedAt":"2025-01-02T04:04:05Z","uid":null,"metadata":{}}`,
			into: func() any { return new(api.Endpoint) },
			want: &api.Endpoint{ID: "ep_1", URL: "https://example.com/hook", Description: "prod", EventTypes: []string{"task.failed"},
				RateLimit: 5, HasRateLimit: true, Disabled: true, Version: 1, CreatedAt: api.Time{Time: t0}, UpdatedAt: api.Time{Time: t1}},
		},
		{
			name:  "Message",
			snake: `{"id":"msg_1","event_type":"task.completed","event_id":"ev_1","payload":` + payload + `,"timestamp":"2025-01-02T03:04:05Z"}`,
			camel: `{"id":"msg_1","eventType":"task.completed","eventId":"ev_1","payload":` + payload + `,"timestamp":"2025-01-02T03:04:05Z","channels":null,"tags":[]}`,
			into:  func() any { return new(api.Message) },
			want:  &api.Message{ID: "msg_1", EventType: "task.completed", EventID: "ev_1", Payload: json.RawMessage(payload), Timestamp: api.Time{Time: t0}},
		},
		{
			name: "Attempt",
			snake: `{"id":"atmpt_1","msg_id":"msg_1","endpoint_id":"ep_1","url":"https://example.com/hook","status":2,"response_status_code":0,
				"response":"dial tcp: connection refused","response_duration_ms":15000,"trigger_type":1,"timestamp":"2025-01-02T03:04:05Z"}`,
			camel: `{"id":"atmpt_1","msgId":"msg_1","endpointId":"ep_1","url":"https://example.com/hook","status":2,"responseStatusCode":0,
				"response":"dial tcp: connection refused","responseDurationMs":15000,"triggerType":1,"timestamp":"2025-01-02T03:04:05Z"}`,
			into: func() any { return new(api.Attempt) },
			want: &api.Attempt{ID: "atmpt_1", MsgID: "msg_1", EndpointID: "ep_1", URL: "https://example.com/hook", Status: api.AttemptFailed,
				Response: "dial tcp: connection refused", ResponseDurationMs: 15000, TriggerType: api.TriggerManual, Timestamp: api.Time{Time: t0}},
		},
	} {
		for casing, body := range map[string]string{"snake_case": tc.snake, "camelCase": tc.camel} {
			t.Run(tc.name+"/"+casing, func(t *testing.T) {
				got := tc.into()
				if err := json.Unmarshal([]byte(body), got); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got  %+v\nwant %+v", got, tc.want)
				}
			})
		}
	}
}

func TestMessageEnvelopeAndTaskID(t *testing.T) {
	var m api.Message
	if err := json.Unmarshal([]byte(`{"id":"msg_1","payload":{"event_id":"ev_1","event_type":"task.failed","data":{"task":{"id":"t7","features":{"embedding":{"state":"failed"}}}}}}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.TaskID() != "t7" {
		t.Errorf("TaskID = %q", m.TaskID())
	}
	env, err := m.Envelope()
	if err != nil || env.Data.Task == nil || env.Data.Task.Features["embedding"].State != api.StateFailed {
		t.Errorf("Envelope = %+v, %v", env, err)
	}
	if _, err := (api.Message{ID: "msg_2"}).Envelope(); err == nil || !strings.Contains(err.Error(), "msg_2 has no payload") {
		t.Errorf("Envelope of an empty payload: %v", err)
	}
}

// An older account's "embedding" feature and a state this version has never
// heard of are kept as sent: the grid shows them rather than losing them.
func TestUnknownFeatureAndStateAreKept(t *testing.T) {
	var env api.Envelope
	err := json.Unmarshal([]byte(`{"event_id":"ev_9","event_type":"task.rerouted","timestamp":"2025-01-02T03:04:05Z","data":{"task":{"id":"t1",
		"features":{"proxy":{"state":"completed"},"embedding":{"state":"queued"},"transcription":{"state":"paused_for_review","eta":12}}}}}`), &env)
	if err != nil {
		t.Fatal(err)
	}
	if env.EventType != "task.rerouted" {
		t.Errorf("EventType = %q; an unknown event type must be kept", env.EventType)
	}
	f := env.Data.Task.Features
	if f["embedding"].State != api.StateQueued {
		t.Errorf("embedding = %+v; want queued", f["embedding"])
	}
	st := f["transcription"].State
	if st != "paused_for_review" || st.Known() || st.Pending() {
		t.Errorf("transcription state %q (known %v, pending %v); want it kept, unknown, not pending", st, st.Known(), st.Pending())
	}
	if got := env.Data.Task.FeatureOrder(); !reflect.DeepEqual(got, []string{"proxy", "transcription", "embedding"}) {
		t.Errorf("FeatureOrder = %v", got)
	}
	if env.Data.Task.Overall() != api.OverallActive {
		t.Errorf("Overall = %v; the queued embedding keeps the task active", env.Data.Task.Overall())
	}
}

func TestTaskOverall(t *testing.T) {
	task := func(states ...api.State) api.Task {
		f := map[string]api.Feature{}
		for i, s := range states {
			f[[]string{"proxy", "preview", "visual", "transcription", "embedding"}[i]] = api.Feature{State: s}
		}
		return api.Task{ID: "t", Features: f}
	}
	for _, tc := range []struct {
		name    string
		task    api.Task
		done    bool
		overall api.Overall
	}{
		{"all completed", task(api.StateCompleted, api.StateCompleted, api.StateNA), true, api.OverallDone},
		{"one queued", task(api.StateCompleted, api.StateQueued), false, api.OverallActive},
		{"one processing beside a failure", task(api.StateFailed, api.StateProcessing), false, api.OverallActive},
		{"failed once nothing is pending", task(api.StateCompleted, api.StateFailed, api.StateCancelled), true, api.OverallFailed},
		{"cancelled is finished", task(api.StateCancelled, api.StateCompleted), true, api.OverallDone},
		{"an unknown state is not pending", task(api.StateCompleted, "paused_for_review"), true, api.OverallDone},
		{"no features", api.Task{ID: "t"}, true, api.OverallDone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.task.Done() != tc.done || tc.task.Overall() != tc.overall {
				t.Errorf("Done %v, Overall %v; want %v, %v", tc.task.Done(), tc.task.Overall(), tc.done, tc.overall)
			}
		})
	}
}

func TestFeatureOrder(t *testing.T) {
	tk := api.Task{Features: map[string]api.Feature{
		"transcription": {}, "zeta": {}, "embedding": {}, "proxy": {}, "visual": {}, "Alpha": {},
	}}
	want := []string{"proxy", "visual", "transcription", "Alpha", "embedding", "zeta"}
	for range 5 { // map order varies from run to run; the result must not
		if got := tk.FeatureOrder(); !reflect.DeepEqual(got, want) {
			t.Fatalf("FeatureOrder = %v; want %v", got, want)
		}
	}
}

func TestTimeSpellings(t *testing.T) {
	want := time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)
	for _, in := range []string{
		"2025-01-02T03:04:05.123456Z",
		"2025-01-02T05:04:05.123456+02:00",
		"2025-01-02T03:04:05.123456",             // naive, as Python's isoformat() writes it
		"2025-01-02 03:04:05.123456",             // naive with a space
		"2025-01-02 03:04:05.123456+00:00",       // space with an offset
		"2025-01-01T22:04:05.123456-0500",        // offset without a colon
		" 2025-01-02T03:04:05.123456Z\\n",        // stray whitespace
		"2025-01-02T03:04:05.123456\\u002B00:00", // a JSON escape
	} {
		var got api.Time
		if err := json.Unmarshal([]byte(`"`+in+`"`), &got); err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if !got.Equal(want) {
			t.Errorf("%q read as %v; want %v", in, got.UTC(), want)
		}
	}
	if d, err := api.ParseTime("2025-01-02"); err != nil || !d.Equal(time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date alone: %v, %v", d, err)
	}
}

func TestTimeRefusesJunk(t *testing.T) {
	for in, wants := range map[string][]string{
		`"yesterday"`:                     {"not an ISO 8601 time", `"yesterday"`},
		`"2025-13-45T99:00:00Z"`:          {"not an ISO 8601 time", "2025-13-45"},
		`"2025-01-02T03:04:05Z\u001b[2J"`: {"not an ISO 8601 time"},
		`1735787045`:                      {"time must be a JSON string", "1735787045"},
		`{"at":1}`:                        {"time must be a JSON string"},
	} {
		var got api.Time
		err := json.Unmarshal([]byte(in), &got)
		if err == nil {
			t.Errorf("%s read as %v; want an error", in, got)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", in, err, w)
			}
		}
		if strings.Contains(err.Error(), "\x1b") {
			t.Errorf("%s: error %q carries an escape sequence", in, err)
		}
	}
	var tk api.Task
	if err := json.Unmarshal([]byte(`{"id":"t1","created":"last tuesday"}`), &tk); err == nil || !strings.Contains(err.Error(), "last tuesday") {
		t.Errorf("a task with a junk time: %v", err)
	}
}

func TestTimeNullEmptyAndRoundTrip(t *testing.T) {
	for _, in := range []string{`null`, `""`} {
		tm := api.Time{Time: t0}
		if err := json.Unmarshal([]byte(in), &tm); err != nil || !tm.IsZero() {
			t.Errorf("%s: %v, %v; want the zero time", in, tm, err)
		}
	}
	b, err := json.Marshal(struct {
		At, Never api.Time
	}{At: api.Time{Time: time.Date(2025, 1, 2, 5, 4, 5, 500, time.FixedZone("x", 2*3600))}})
	if err != nil || string(b) != `{"At":"2025-01-02T03:04:05.0000005Z","Never":null}` {
		t.Errorf("marshal: %s, %v", b, err)
	}
}

func TestStatsSuccessRate(t *testing.T) {
	if _, ok := (api.Stats{Pending: 4}).SuccessRate(); ok {
		t.Error("a rate with nothing finished")
	}
	if r, ok := (api.Stats{Success: 3, Fail: 1, Pending: 9}).SuccessRate(); !ok || r != 0.75 {
		t.Errorf("rate %v, %v; want 0.75", r, ok)
	}
}

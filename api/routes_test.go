package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

var (
	t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

// routeCase calls one route and says what must cross the wire each way.
type routeCase struct {
	call    func(context.Context, *api.Client) (any, error)
	answer  answer
	want    any               // what call returns
	params  map[string]string // path values the server must see
	query   map[string]string // query parameters the request must carry
	body    string            // JSON the request must carry; "" for none
	headers map[string]string // headers beyond the common ones
}

func failed() *api.AttemptStatus { s := api.AttemptFailed; return &s }

// routeCases holds one client test per route in api.Routes;
// TestEveryRouteHasAClientTest fails when a route is added without one.
var routeCases = map[string]routeCase{
	api.RouteTasksActive: {
		call:   func(ctx context.Context, c *api.Client) (any, error) { return c.ActiveTasks(ctx) },
		answer: answer{status: 200, body: `[{"id":"t1","asset_id":"a1","features":{"proxy":{"state":"processing"}},"user_id":"u1"}]`},
		want:   []api.Task{{ID: "t1", AssetID: "a1", UserID: "u1", Features: map[string]api.Feature{"proxy": {State: api.StateProcessing}}}},
	},
	api.RouteTaskGet: {
		// The id holds a slash, a space and a non-ASCII letter: each must
		// reach the server as one path segment.
		call: func(ctx context.Context, c *api.Client) (any, error) { return c.Task(ctx, "t/1 ü") },
		answer: answer{status: 200, body: `{"id":"t/1 ü","asset_id":"a1","features":{"visual":{"state":"completed","storage_variant":"hq"}},
			"user_id":"u1","created":"2025-01-02T03:04:05Z","updated":"2025-01-02T04:04:05Z"}`},
		want: api.Task{ID: "t/1 ü", AssetID: "a1", UserID: "u1", Created: api.Time{Time: t0}, Updated: api.Time{Time: t1},
			Features: map[string]api.Feature{"visual": {State: api.StateCompleted, StorageVariant: "hq"}}},
		params: map[string]string{"task_id": "t/1 ü"},
	},
	api.RouteTaskCreate: {
		call: func(ctx context.Context, c *api.Client) (any, error) {
			return c.CreateTask(ctx, "a1", []string{"proxy", "visual"})
		},
		answer: answer{status: 201, body: `{"task_id":"t9"}`},
		want:   "t9",
		body:   `{"asset_id":"a1","features":["proxy","visual"]}`,
	},
	api.RouteEvents: {
		call: func(ctx context.Context, c *api.Client) (any, error) {
			resp, err := c.OpenEvents(ctx, "ev_41")
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			return string(b), err
		},
		answer:  answer{status: 200, header: map[string]string{"Content-Type": "text/event-stream; charset=utf-8"}, body: "retry: 1000\n\nid: ev_42\nevent: task.progress\ndata: {}\n\n"},
		want:    "retry: 1000\n\nid: ev_42\nevent: task.progress\ndata: {}\n\n",
		headers: map[string]string{"Accept": "text/event-stream", "Last-Event-ID": "ev_41"},
	},
	api.RouteEndpointCreate: {
		call: func(ctx context.Context, c *api.Client) (any, error) {
			return c.CreateEndpoint(ctx, api.EndpointIn{URL: "https://example.com/hook", Description: "prod", EventTypes: []string{"task.*"}, RateLimit: ptr(10), Version: 1})
		},
		answer: answer{status: 201, body: `{"endpoint":{"id":"ep_1","url":"https://example.com/hook","description":"prod",
			"event_types":["task.progress","task.completed","task.failed"],"rate_limit":10,"disabled":false,"version":1},
			"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw","app":{"id":"app_1","is_new":true}}`},
		want: api.EndpointCreated{
			Endpoint: api.Endpoint{ID: "ep_1", URL: "https://example.com/hook", Description: "prod", RateLimit: 10, HasRateLimit: true, Version: 1,
				EventTypes: []string{"task.progress", "task.completed", "task.failed"}},
			Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			App:    api.App{ID: "app_1", IsNew: true},
		},
		body: `{"url":"https://example.com/hook","description":"prod","event_types":["task.*"],"rate_limit":10,"version":1}`,
	},
	api.RouteEndpointList: {
		call:   func(ctx context.Context, c *api.Client) (any, error) { return c.ListEndpoints(ctx) },
		answer: answer{status: 200, body: `{"data":[{"id":"ep_1","url":"https://example.com/hook","disabled":true}],"iterator":null,"done":true}`},
		want:   []api.Endpoint{{ID: "ep_1", URL: "https://example.com/hook", Disabled: true}},
	},
	api.RouteEndpointUpdate: {
		call: func(ctx context.Context, c *api.Client) (any, error) {
			off := true
			return c.UpdateEndpoint(ctx, "ep_1", api.EndpointIn{URL: "https://example.com/v2", EventTypes: []string{"task.failed"}, Version: 1, Disabled: &off})
		},
		answer: answer{status: 200, body: `{"endpoint":{"id":"ep_1","url":"https://example.com/v2","event_types":["task.failed"],"disabled":true,"version":1}}`},
		want:   api.Endpoint{ID: "ep_1", URL: "https://example.com/v2", EventTypes: []string{"task.failed"}, Disabled: true, Version: 1},
		params: map[string]string{"endpoint_id": "ep_1"},
		body:   `{"url":"https://example.com/v2","description":"","event_types":["task.failed"],"version":1,"disabled":true}`,
	},
	api.RouteEndpointDelete: {
		call:   func(ctx context.Context, c *api.Client) (any, error) { return nil, c.DeleteEndpoint(ctx, "ep_1") },
		answer: answer{status: 200, body: `{"success":true}`},
		params: map[string]string{"endpoint_id": "ep_1"},
	},
	api.RouteMessageList: {
		call: func(ctx context.Context, c *api.Client) (any, error) {
			return c.ListMessages(ctx, api.MessageQuery{EventType: "task.failed", Before: t1, After: t0.Add(500 * time.Millisecond), Limit: 50})
		},
		answer: answer{status: 200, body: `{"data":[{"id":"msg_1","event_type":"task.failed","event_id":"ev_1","payload":{"event_id":"ev_1"},"timestamp":"2025-01-02T03:04:05Z"}],"done":true}`},
		want:   []api.Message{{ID: "msg_1", EventType: "task.failed", EventID: "ev_1", Payload: json.RawMessage(`{"event_id":"ev_1"}`), Timestamp: api.Time{Time: t0}}},
		query:  map[string]string{"event_type": "task.failed", "before": "2025-01-02T04:04:05Z", "after": "2025-01-02T03:04:05.5Z", "limit": "50", "with_content": "true"},
	},
	api.RouteMessageGet: {
		call:   func(ctx context.Context, c *api.Client) (any, error) { return c.Message(ctx, "msg_1") },
		answer: answer{status: 200, body: `{"id":"msg_1","eventType":"task.failed","eventId":null,"payload":{"event_id":"ev_1"},"timestamp":"2025-01-02T03:04:05Z"}`},
		want:   api.Message{ID: "msg_1", EventType: "task.failed", Payload: json.RawMessage(`{"event_id":"ev_1"}`), Timestamp: api.Time{Time: t0}},
		params: map[string]string{"message_id": "msg_1"},
		query:  map[string]string{"with_content": "true"},
	},
	api.RouteAttemptList: {
		call: func(ctx context.Context, c *api.Client) (any, error) {
			return c.ListAttempts(ctx, api.AttemptQuery{MessageID: "msg_1", Status: failed(), Limit: 20})
		},
		answer: answer{status: 200, body: `[{"id":"atmpt_1","msg_id":"msg_1","endpoint_id":"ep_1","url":"https://example.com/hook","status":2,
			"response_status_code":503,"response":"busy","response_duration_ms":812,"trigger_type":0,"timestamp":"2025-01-02T03:04:05Z"}]`},
		want: []api.Attempt{{ID: "atmpt_1", MsgID: "msg_1", EndpointID: "ep_1", URL: "https://example.com/hook", Status: api.AttemptFailed,
			ResponseStatusCode: 503, Response: "busy", ResponseDurationMs: 812, TriggerType: api.TriggerScheduled, Timestamp: api.Time{Time: t0}}},
		query: map[string]string{"message_id": "msg_1", "status": "2", "limit": "20", "expanded_statuses": "true"},
	},
	api.RouteEndpointDeliveries: {
		call:   func(ctx context.Context, c *api.Client) (any, error) { return c.EndpointDeliveries(ctx, "ep_1", 0) },
		answer: answer{status: 200, body: `[{"id":"atmpt_2","msgId":"msg_2","endpointId":"ep_1","status":0,"responseStatusCode":200,"triggerType":1}]`},
		want:   []api.Attempt{{ID: "atmpt_2", MsgID: "msg_2", EndpointID: "ep_1", Status: api.AttemptSuccess, ResponseStatusCode: 200, TriggerType: api.TriggerManual}},
		params: map[string]string{"endpoint_id": "ep_1"},
		query:  map[string]string{"expanded_statuses": "true"},
	},
	api.RouteResend: {
		call:   func(ctx context.Context, c *api.Client) (any, error) { return nil, c.Resend(ctx, "msg_1", "ep_1") },
		answer: answer{status: 202, body: `{}`},
		params: map[string]string{"message_id": "msg_1", "endpoint_id": "ep_1"},
	},
	api.RouteRecover: {
		call:   func(ctx context.Context, c *api.Client) (any, error) { return c.Recover(ctx, "ep_1", t0, &t1) },
		answer: answer{status: 202, body: `{"id":"rcv_1","status":"running"}`},
		want:   api.RecoverOut{ID: "rcv_1", Status: "running"},
		params: map[string]string{"endpoint_id": "ep_1"},
		body:   `{"since":"2025-01-02T03:04:05Z","until":"2025-01-02T04:04:05Z"}`,
	},
	api.RouteTest: {
		call: func(ctx context.Context, c *api.Client) (any, error) {
			return c.SendTest(ctx, "ep_1", "task.completed")
		},
		answer: answer{status: 202, body: `{"message_id":"msg_9"}`},
		want:   "msg_9",
		params: map[string]string{"endpoint_id": "ep_1"},
		body:   `{"event_type":"task.completed","eventType":"task.completed","exampleIndex":0}`,
	},
	api.RouteStats: {
		call:   func(ctx context.Context, c *api.Client) (any, error) { return c.EndpointStats(ctx, "ep_1", t0) },
		answer: answer{status: 200, body: `{"success":3,"pending":1,"sending":0,"fail":2}`},
		want:   api.Stats{Success: 3, Pending: 1, Fail: 2},
		params: map[string]string{"endpoint_id": "ep_1"},
		query:  map[string]string{"since": "2025-01-02T03:04:05Z"},
	},
}

func TestEveryRouteHasAClientTest(t *testing.T) {
	named := map[string]bool{}
	for _, r := range api.Routes {
		named[r.Name] = true
		if _, ok := routeCases[r.Name]; !ok {
			t.Errorf("route %s (%s) has no client test: add it to routeCases", r.Name, r.Pattern())
		}
	}
	for name := range routeCases {
		if !named[name] {
			t.Errorf("routeCases tests %q, which is not in api.Routes", name)
		}
	}
}

var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestClientRoutes serves each route on its own pattern only, so a client
// that calls the wrong method or path gets a 404 or 405 and fails.
func TestClientRoutes(t *testing.T) {
	for _, r := range api.Routes {
		tc, ok := routeCases[r.Name]
		if !ok {
			continue
		}
		t.Run(r.Name, func(t *testing.T) {
			t.Parallel()
			rec := &server{}
			mux := http.NewServeMux()
			mux.HandleFunc(r.Pattern(), func(w http.ResponseWriter, req *http.Request) {
				rec.record(req)
				for _, m := range placeholder.FindAllStringSubmatch(r.Path, -1) {
					if want, have := tc.params[m[1]], req.PathValue(m[1]); have != want {
						t.Errorf("path value %s = %q; want %q", m[1], have, want)
					}
				}
				ct := tc.answer.header["Content-Type"]
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(tc.answer.status)
				_, _ = io.WriteString(w, tc.answer.body)
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()

			res, err := tc.call(ctxFor(t, 5*time.Second), newClient(t, srv.URL))
			if err != nil {
				t.Fatalf("%s: %v", r.Pattern(), err)
			}
			if !reflect.DeepEqual(res, tc.want) && tc.want != nil {
				t.Errorf("got  %#v\nwant %#v", res, tc.want)
			}

			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests; want 1", len(reqs))
			}
			got, gotBody := reqs[0], []byte(reqs[0].Body)
			h := got.Header
			if a := h.Get("Authorization"); a != "Bearer "+testKey {
				t.Errorf("Authorization = %q; want Bearer auth with the key", a)
			}
			if ua := h.Get("User-Agent"); ua != "aspect-tui/test" {
				t.Errorf("User-Agent = %q", ua)
			}
			wantAccept := "application/json"
			if a, ok := tc.headers["Accept"]; ok {
				wantAccept = a
			}
			if a := h.Get("Accept"); a != wantAccept {
				t.Errorf("Accept = %q; want %q", a, wantAccept)
			}
			for k, v := range tc.headers {
				if h.Get(k) != v {
					t.Errorf("header %s = %q; want %q", k, h.Get(k), v)
				}
			}
			if tc.body == "" {
				if len(gotBody) != 0 || h.Get("Content-Type") != "" {
					t.Errorf("sent a body (%q, Content-Type %q); want none", gotBody, h.Get("Content-Type"))
				}
			} else {
				if ct := h.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q; want application/json", ct)
				}
				var have, want any
				if err := json.Unmarshal(gotBody, &have); err != nil {
					t.Fatalf("request body %q is not JSON: %v", gotBody, err)
				}
				_ = json.Unmarshal([]byte(tc.body), &want)
				if !reflect.DeepEqual(have, want) {
					t.Errorf("request body %s; want %s", gotBody, tc.body)
				}
			}
			q := url.Values(got.Query)
			for k, v := range tc.query {
				if q.Get(k) != v {
					t.Errorf("query %s = %q; want %q (query %s)", k, q.Get(k), v, q.Encode())
				}
			}
			if len(q) != len(tc.query) {
				t.Errorf("query %s; want exactly %v", q.Encode(), tc.query)
			}
		})
	}
}

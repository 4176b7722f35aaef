package api_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// skipLog collects what a client reports it left out.
type skipLog struct {
	mu    sync.Mutex
	skips []api.FieldSkip
}

func (l *skipLog) add(s api.FieldSkip) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.skips = append(l.skips, s)
}

func (l *skipLog) all() []api.FieldSkip {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]api.FieldSkip(nil), l.skips...)
}

// reportingClient is a client for srv whose skips land in the returned log.
func reportingClient(t *testing.T, srv *server) (*api.Client, *skipLog) {
	t.Helper()
	log := &skipLog{}
	return newClient(t, srv.URL, api.WithSkipReport(log.add)), log
}

// A message may come without its payload: absent, null or {}. It is still
// listed, and says so, rather than offering an empty envelope.
func TestMessageWithoutPayload(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `{"data":[
		{"id":"msg_1","eventType":"task.completed","eventId":null,"timestamp":"2025-01-02T03:04:05Z"},
		{"id":"msg_2","eventType":"task.completed","eventId":"ev_2","payload":null,"timestamp":"2025-01-02T03:04:05Z"},
		{"id":"msg_3","eventType":"task.completed","eventId":"ev_3","payload":{ },"timestamp":"2025-01-02T03:04:05Z"},
		{"id":"msg_4","eventType":"task.completed","eventId":"ev_4","payload":{"data":{"task":{"id":"t4"}}},"timestamp":"2025-01-02T03:04:05Z"}],
		"iterator":null,"prevIterator":null,"done":true}`})
	c, log := reportingClient(t, srv)
	msgs, err := c.ListMessages(ctxFor(t, 5*time.Second), api.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(msgs, messageID); !reflect.DeepEqual(got, []string{"msg_1", "msg_2", "msg_3", "msg_4"}) {
		t.Fatalf("listed %v; every message must be listed", got)
	}
	for _, m := range msgs[:3] {
		if m.HasPayload() {
			t.Errorf("%s: HasPayload with payload %q", m.ID, m.Payload)
		}
		if _, err := m.Envelope(); err == nil || !strings.Contains(err.Error(), m.ID+" has no payload") {
			t.Errorf("%s: Envelope error %v; want it to say the payload is missing", m.ID, err)
		}
	}
	if msgs[0].EventID != "" {
		t.Errorf("a null eventId read as %q", msgs[0].EventID)
	}
	if !msgs[3].HasPayload() || msgs[3].TaskID() != "t4" {
		t.Errorf("msg_4: HasPayload %v, TaskID %q; want its payload read", msgs[3].HasPayload(), msgs[3].TaskID())
	}
	if s := log.all(); len(s) != 0 {
		t.Errorf("a missing payload is not a skipped field: %v", s)
	}
}

// An attempt's status may come as text; statusText wins over the number,
// since Svix writes a canceled attempt as 0 without expanded_statuses.
func TestAttemptStatusAsText(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `[
		{"id":"atmpt_1","msgId":"msg_1","endpointId":"ep_1","status":"fail","responseStatusCode":500,"nextAttempt":"2025-01-02T04:04:05Z"},
		{"id":"atmpt_2","msgId":"msg_1","endpointId":"ep_1","status":"cancelled"},
		{"id":"atmpt_3","msgId":"msg_1","endpointId":"ep_1","status":0,"statusText":"canceled"},
		{"id":"atmpt_4","msgId":"msg_1","endpointId":"ep_1","status":"Sending"},
		{"id":"atmpt_5","msgId":"msg_1","endpointId":"ep_1","status":"failed","status_text":"failed"},
		{"id":"atmpt_6","msgId":"msg_1","endpointId":"ep_1","status":1,"statusText":"pending"},
		{"id":"atmpt_7","msgId":"msg_1","endpointId":"ep_1","status":"success"},
		{"id":"atmpt_8","msgId":"msg_1","endpointId":"ep_1","status":9}]`})
	c, log := reportingClient(t, srv)
	got, err := c.ListAttempts(ctxFor(t, 5*time.Second), api.AttemptQuery{EndpointID: "ep_1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []api.AttemptStatus{api.AttemptFailed, api.AttemptCanceled, api.AttemptCanceled, api.AttemptSending,
		api.AttemptFailed, api.AttemptPending, api.AttemptSuccess, api.AttemptStatus(9)}
	if len(got) != len(want) {
		t.Fatalf("%d attempts; want %d", len(got), len(want))
	}
	for i, a := range got {
		if a.Status != want[i] {
			t.Errorf("%s: status %v; want %v", a.ID, a.Status, want[i])
		}
	}
	if got[2].StatusText != "canceled" || got[4].StatusText != "failed" {
		t.Errorf("statusText kept as %q and %q", got[2].StatusText, got[4].StatusText)
	}
	if !got[0].NextAttempt.Equal(t1) {
		t.Errorf("nextAttempt read as %v; want %v", got[0].NextAttempt, t1)
	}
	if s := log.all(); len(s) != 0 {
		t.Errorf("statuses as text reported as skipped: %v", s)
	}
}

// A field of an unexpected type costs that field, not the item and not the
// page; each one is reported with the item's id and the reason.
func TestMistypedFieldsAreSkippedAndReported(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `{"data":[
		{"id":"atmpt_1","msgId":"msg_1","endpointId":"ep_1","url":7,"status":2,"response_status_code":"500","response":"busy","timestamp":"2025-01-02T03:04:05Z"},
		{"id":"atmpt_2","msgId":"msg_2","endpointId":"ep_1","url":"https://example.com/hook","status":"exploded","responseStatusCode":502,"timestamp":"last tuesday"},
		{"id":"atmpt_3","msgId":"msg_3","endpointId":"ep_1","status":"exploded","statusText":"fail"},
		5,
		{"id":"atmpt_5","msgId":"msg_5","endpointId":"ep_1","status":0,"responseStatusCode":204}],
		"iterator":"it_a","done":false}`},
		answer{status: 200, body: `{"data":[{"id":{"nested":1},"msgId":"msg_6","status":2}],"done":true}`})
	c, log := reportingClient(t, srv)
	got, err := c.ListAttempts(ctxFor(t, 5*time.Second), api.AttemptQuery{EndpointID: "ep_1"})
	if err != nil {
		t.Fatalf("one mistyped field failed the page: %v", err)
	}
	want := []api.Attempt{
		{ID: "atmpt_1", MsgID: "msg_1", EndpointID: "ep_1", Status: api.AttemptFailed, Response: "busy", Timestamp: api.Time{Time: t0}},
		{ID: "atmpt_2", MsgID: "msg_2", EndpointID: "ep_1", URL: "https://example.com/hook", Status: api.AttemptStatusUnknown, ResponseStatusCode: 502},
		{ID: "atmpt_3", MsgID: "msg_3", EndpointID: "ep_1", Status: api.AttemptFailed, StatusText: "fail"},
		{ID: "atmpt_5", MsgID: "msg_5", EndpointID: "ep_1", Status: api.AttemptSuccess, ResponseStatusCode: 204},
		{MsgID: "msg_6", Status: api.AttemptFailed},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got[1].Status.String() != "unknown" {
		t.Errorf("an unreadable status shows as %q; want unknown", got[1].Status)
	}
	wantSkips := []api.FieldSkip{
		{Route: api.RouteAttemptList, Item: "atmpt_1", Field: "response_status_code", Reason: `expected a whole number, got "500"`},
		{Route: api.RouteAttemptList, Item: "atmpt_1", Field: "url", Reason: "expected text, got 7"},
		{Route: api.RouteAttemptList, Item: "atmpt_2", Field: "status", Reason: `unknown attempt status "exploded"`},
		{Route: api.RouteAttemptList, Item: "atmpt_2", Field: "timestamp", Reason: `not an ISO 8601 time: "last tuesday"`},
		{Route: api.RouteAttemptList, Item: "atmpt_3", Field: "status", Reason: `unknown attempt status "exploded"`},
		{Route: api.RouteAttemptList, Item: "item 4", Reason: "not a JSON object: 5"},
		{Route: api.RouteAttemptList, Item: "item 1", Field: "id", Reason: `expected text, got {"nested":1}`},
	}
	if s := log.all(); !reflect.DeepEqual(s, wantSkips) {
		t.Errorf("skips reported:\n%v\nwant\n%v", s, wantSkips)
	}
	if s := wantSkips[1].String(); s != `attempts.list: atmpt_1: skipped field "url": expected text, got 7` {
		t.Errorf("FieldSkip reads %q", s)
	}
}

// The same holds for endpoints and messages, in either shape of list, and
// for one task fetched alone.
func TestMistypedFieldsInOtherAnswers(t *testing.T) {
	srv := newServer(t,
		answer{status: 200, body: `[{"id":"ep_1","url":"https://example.com/hook","disabled":"no","throttleRate":"fast","filterTypes":["task.failed"]}]`},
		answer{status: 200, body: `{"data":[{"id":"msg_1","eventType":["task.failed"],"payload":{"a":1},"timestamp":"2025-01-02T03:04:05Z"}],"done":true}`},
		answer{status: 200, body: `{"id":"t1","asset_id":"a1","features":{"proxy":{"state":"completed"}},"created":1735787045}`},
	)
	c, log := reportingClient(t, srv)
	ctx := ctxFor(t, 5*time.Second)
	eps, err := c.ListEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []api.Endpoint{{ID: "ep_1", URL: "https://example.com/hook", EventTypes: []string{"task.failed"}}}; !reflect.DeepEqual(eps, want) {
		t.Errorf("endpoints %+v; want %+v (no rate read, so none to send back)", eps, want)
	}
	msgs, err := c.ListMessages(ctx, api.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].ID != "msg_1" || !msgs[0].HasPayload() || msgs[0].EventType != "" {
		t.Errorf("messages %+v", msgs)
	}
	task, err := c.Task(ctx, "t1")
	if err != nil {
		t.Fatalf("one mistyped field failed the task: %v", err)
	}
	if task.ID != "t1" || task.AssetID != "a1" || task.Features["proxy"].State != api.StateCompleted || !task.Created.IsZero() {
		t.Errorf("task %+v", task)
	}
	var fields []string
	for _, s := range log.all() {
		fields = append(fields, s.Route+" "+s.Item+" "+s.Field)
	}
	want := []string{"endpoints.list ep_1 disabled", "endpoints.list ep_1 throttleRate", "messages.list msg_1 eventType", "tasks.get t1 created"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("skips %q; want %q", fields, want)
	}
}

// Without a report function the page still decodes; nothing panics.
func TestSkipsWithoutAReportFunction(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `[{"id":"atmpt_1","status":"exploded"}]`})
	got, err := newClient(t, srv.URL).EndpointDeliveries(ctxFor(t, 5*time.Second), "ep_1", 0)
	if err != nil || len(got) != 1 || got[0].Status != api.AttemptStatusUnknown {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestEndpointRateNamesAndRateIn(t *testing.T) {
	for body, want := range map[string]*int{
		`{"id":"ep_1","throttleRate":7}`:                    ptr(7),
		`{"id":"ep_1","throttle_rate":7}`:                   ptr(7),
		`{"id":"ep_1","rateLimit":7}`:                       ptr(7),
		`{"id":"ep_1","rate_limit":0}`:                      ptr(0),
		`{"id":"ep_1","throttleRate":null}`:                 nil,
		`{"id":"ep_1"}`:                                     nil,
		`{"id":"ep_1","eventTypes":["task.failed"]}`:        nil,
		`{"id":"ep_1","filter_types":["task.failed"]}`:      nil,
		`{"id":"ep_1","rate_limit":null,"throttleRate":12}`: ptr(12),
	} {
		var e api.Endpoint
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if got := e.RateIn(); !reflect.DeepEqual(got, want) || e.HasRateLimit != (want != nil) {
			t.Errorf("%s: RateIn %v (HasRateLimit %v); want %v", body, deref(got), e.HasRateLimit, deref(want))
		}
		if strings.Contains(body, "ypes") && !reflect.DeepEqual(e.EventTypes, []string{"task.failed"}) {
			t.Errorf("%s: event types %v", body, e.EventTypes)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// An update built from an endpoint read without a rate sends no rate, so
// that the API keeps (or clears) its own; one read with a rate sends it back.
func TestUpdateSendsOnlyARateItRead(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `{"id":"ep_1","url":"https://example.com/v2","throttleRate":3,"filterTypes":["task.failed"]}`})
	c := newClient(t, srv.URL)
	ctx := ctxFor(t, 5*time.Second)
	for _, tc := range []struct {
		read     string
		wantRate any
	}{
		{`{"id":"ep_1","url":"https://example.com/v2"}`, nil},
		{`{"id":"ep_1","url":"https://example.com/v2","throttleRate":3}`, 3.0},
	} {
		var ep api.Endpoint
		if err := json.Unmarshal([]byte(tc.read), &ep); err != nil {
			t.Fatal(err)
		}
		got, err := c.UpdateEndpoint(ctx, ep.ID, api.EndpointIn{URL: ep.URL, RateLimit: ep.RateIn()})
		if err != nil {
			t.Fatal(err)
		}
		// Svix answers the endpoint bare, without {endpoint}.
		if got.ID != "ep_1" || got.RateLimit != 3 || !reflect.DeepEqual(got.EventTypes, []string{"task.failed"}) {
			t.Errorf("update answered %+v", got)
		}
		reqs := srv.requests()
		var body map[string]any
		if err := json.Unmarshal([]byte(reqs[len(reqs)-1].Body), &body); err != nil {
			t.Fatal(err)
		}
		rate, sent := body["rate_limit"]
		if sent != (tc.wantRate != nil) || sent && rate != tc.wantRate {
			t.Errorf("read %s, sent %s; want rate_limit %v", tc.read, reqs[len(reqs)-1].Body, tc.wantRate)
		}
	}
}

func TestSvixErrorShapeNamesTheCode(t *testing.T) {
	srv := newServer(t, answer{status: 409, body: `{"code":"conflict","detail":"Endpoint is disabled"}`})
	_, err := newClient(t, srv.URL).Recover(ctxFor(t, 5*time.Second), "ep_1", t0, nil)
	e := apiError(t, err, "409", "Endpoint is disabled (code conflict)")
	if e.Code != "conflict" || e.Detail != "Endpoint is disabled" {
		t.Errorf("Code %q, Detail %q", e.Code, e.Detail)
	}

	srv = newServer(t, answer{status: 404, body: `{"code":"not_found","detail":"Entity not found"}`})
	_, err = newClient(t, srv.URL).EndpointStats(ctxFor(t, 5*time.Second), "ep_missing", time.Time{})
	apiError(t, err, "not found: Entity not found (code not_found)")
	if api.IsNotOffered(err) {
		t.Error("a 404 naming an entity is about the id, not the route")
	}

	srv = newServer(t, answer{status: 400, body: `{"code":"generic_error"}`})
	_, err = newClient(t, srv.URL).EndpointStats(ctxFor(t, 5*time.Second), "ep_1", time.Time{})
	apiError(t, err, ": code generic_error")
}

// FastAPI answers 405 when a path is served for other methods only: an
// assumed GET /webhooks/endpoints beside the documented POST.
func TestMethodNotAllowedOnAnAssumedRouteIsNotOffered(t *testing.T) {
	srv := newServer(t, answer{status: 405, header: map[string]string{"Allow": "POST"}, body: `{"detail":"Method Not Allowed"}`})
	c := newClient(t, srv.URL)
	_, err := c.ListEndpoints(ctxFor(t, 5*time.Second))
	if !api.IsNotOffered(err) {
		t.Errorf("405 on GET /webhooks/endpoints: IsNotOffered false (%v)", err)
	}
	apiError(t, err, "does not offer /webhooks/endpoints")
	_, err = c.ListMessages(ctxFor(t, 5*time.Second), api.MessageQuery{})
	if api.IsNotOffered(err) {
		t.Error("405 on a documented route reads as not offered")
	}
	apiError(t, err, "405", "does not accept GET on /webhooks/messages", "ASPECT_API_URL")
}

func TestRecoverAnswerShapes(t *testing.T) {
	for body, want := range map[string]api.RecoverOut{
		`{"id":"rtsk_1","status":"running"}`: {ID: "rtsk_1", Status: "running"},
		`{"id":"qtask_1","status":"finished","task":"endpoint.recover","updatedAt":"2025-01-02T03:04:05Z"}`: {ID: "qtask_1", Status: "finished", Task: "endpoint.recover", UpdatedAt: api.Time{Time: t0}},
		`{"id":"qtask_1","status":2,"task":"endpoint.recover","updated_at":"2025-01-02T03:04:05Z"}`:         {ID: "qtask_1", Status: "failed", Task: "endpoint.recover", UpdatedAt: api.Time{Time: t0}},
		`{"id":"qtask_1","status":0}`: {ID: "qtask_1", Status: "running"},
		`{"id":"qtask_1","status":7}`: {ID: "qtask_1", Status: "status 7"},
	} {
		srv := newServer(t, answer{status: 202, body: body})
		got, err := newClient(t, srv.URL).Recover(ctxFor(t, 5*time.Second), "ep_1", t0, nil)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, %v; want %+v", body, got, err, want)
		}
	}
}

// Svix's send-example answers the whole Message it made.
func TestSendTestReadsAWholeMessage(t *testing.T) {
	srv := newServer(t, answer{status: 202, body: `{"id":"msg_9","eventType":"task.completed","eventId":null,"payload":{"a":1},"timestamp":"2025-01-02T03:04:05Z","channels":null,"tags":null}`})
	id, err := newClient(t, srv.URL).SendTest(ctxFor(t, 5*time.Second), "ep_1", "task.completed")
	if err != nil || id != "msg_9" {
		t.Errorf("SendTest = %q, %v; want msg_9", id, err)
	}
}

func TestStatsReadsCanceled(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `{"success":3,"pending":1,"sending":0,"fail":2,"canceled":4}`})
	got, err := newClient(t, srv.URL).EndpointStats(ctxFor(t, 5*time.Second), "ep_1", time.Time{})
	if err != nil || got != (api.Stats{Success: 3, Pending: 1, Fail: 2, Canceled: 4}) {
		t.Errorf("stats %+v, %v", got, err)
	}
}

package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// TestEveryRouteThroughTheClient drives every route in api.Routes with the
// real client over loopback HTTP, and fails when a route is added to the
// table without being exercised here.
func TestEveryRouteThroughTheClient(t *testing.T) {
	s := startPaused(t, Options{Seed: 7})
	c := newClient(t, s)
	ctx := context.Background()
	covered := map[string]bool{}
	hit := func(name string) { covered[name] = true }

	st := openStream(t, c, "")
	hit(api.RouteEvents)

	id, err := c.CreateTask(ctx, "asset-1", []string{"proxy", "embedding"})
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteTaskCreate)
	task, err := c.Task(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteTaskGet)
	if task.AssetID != "asset-1" || len(task.Features) != 2 || task.Features["embedding"].State != api.StateQueued {
		t.Errorf("created task = %+v; want asset-1 with proxy and embedding queued", task)
	}
	active, err := c.ActiveTasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteTasksActive)
	if len(active) != 1 || active[0].ID != id {
		t.Errorf("active = %v; want the one task", active)
	}
	ev := st.next(t, 1, 5*time.Second)[0]
	var env api.Envelope
	if err := json.Unmarshal([]byte(ev.data), &env); err != nil {
		t.Fatal(err)
	}
	if env.Data.Task == nil || env.Data.Task.ID != id || ev.id != env.EventID || ev.typ != env.EventType {
		t.Errorf("stream event %+v does not announce task %s", ev, id)
	}

	rcv := newReceiver(t, nil)
	created := createEndpoint(t, c, api.EndpointIn{URL: rcv.url(), Description: "local", EventTypes: []string{"task.*"}, RateLimit: ptr(50)})
	hit(api.RouteEndpointCreate)
	if !strings.HasPrefix(created.Secret, "whsec_") || !created.App.IsNew || !strings.HasPrefix(created.App.ID, "app_") {
		t.Errorf("create answered %+v", created)
	}
	if !slices.Equal(created.Endpoint.EventTypes, api.EventTypes) {
		t.Errorf("task.* came back as %v; want it expanded to %v", created.Endpoint.EventTypes, api.EventTypes)
	}
	epID := created.Endpoint.ID
	second := createEndpoint(t, c, api.EndpointIn{URL: rcv.url() + "/2", EventTypes: []string{"task.failed"}})
	if second.App.IsNew || second.App.ID != created.App.ID || second.Secret == created.Secret {
		t.Errorf("second endpoint: app %+v, same secret %v; want the same app, not new, a fresh secret", second.App, second.Secret == created.Secret)
	}

	eps, err := c.ListEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteEndpointList)
	if len(eps) != 2 || eps[0].ID != second.Endpoint.ID || eps[1].ID != epID {
		t.Errorf("list = %v; want both, newest first", eps)
	}

	off := true
	updated, err := c.UpdateEndpoint(ctx, epID, api.EndpointIn{URL: rcv.url(), Description: "renamed", EventTypes: []string{"task.completed"}, RateLimit: ptr(50), Version: 1, Disabled: &off})
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteEndpointUpdate)
	if !updated.Disabled || updated.Description != "renamed" || !slices.Equal(updated.EventTypes, []string{"task.completed"}) {
		t.Errorf("update answered %+v", updated)
	}
	on := false
	if _, err := c.UpdateEndpoint(ctx, epID, api.EndpointIn{URL: rcv.url(), EventTypes: []string{"task.*"}, Version: 1, Disabled: &on}); err != nil {
		t.Fatal(err)
	}

	msgID, err := c.SendTest(ctx, epID, api.EventTaskCompleted)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteTest)
	got := rcv.waitCount(t, 1, 5*time.Second)
	if got[0].id() != msgID || got[0].envelope(t).EventType != api.EventTaskCompleted {
		t.Errorf("test event arrived as %s %s; want %s task.completed", got[0].id(), got[0].envelope(t).EventType, msgID)
	}
	verify(t, created.Secret, got[0])

	msgs, err := c.ListMessages(ctx, api.MessageQuery{EventType: api.EventTaskCompleted})
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteMessageList)
	if len(msgs) != 1 || msgs[0].ID != msgID || msgs[0].TaskID() == "" {
		t.Errorf("messages of type task.completed = %v; want the test message", msgs)
	}
	one, err := c.Message(ctx, msgID)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteMessageGet)
	if one.ID != msgID || one.TaskID() != msgs[0].TaskID() || !one.HasPayload() {
		t.Errorf("message %s fetched alone = %+v; want it with its payload", msgID, one)
	}

	waitSettled(t, s, 5*time.Second)
	atts, err := c.ListAttempts(ctx, api.AttemptQuery{MessageID: msgID})
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteAttemptList)
	if len(atts) != 1 || atts[0].Status != api.AttemptSuccess || atts[0].ResponseStatusCode != 204 || atts[0].EndpointID != epID || atts[0].TriggerType != api.TriggerScheduled {
		t.Errorf("attempts = %+v; want one scheduled success with 204", atts)
	}

	if err := c.Resend(ctx, msgID, epID); err != nil {
		t.Fatal(err)
	}
	hit(api.RouteResend)
	rcv.waitCount(t, 2, 5*time.Second)
	waitSettled(t, s, 5*time.Second)
	legacy, err := c.EndpointDeliveries(ctx, epID, 0)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteEndpointDeliveries)
	if len(legacy) != 2 || legacy[0].TriggerType != api.TriggerManual || legacy[1].TriggerType != api.TriggerScheduled {
		t.Errorf("deliveries = %+v; want the manual resend first, then the scheduled attempt", legacy)
	}

	rec, err := c.Recover(ctx, epID, time.Now().Add(-time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteRecover)
	if !strings.HasPrefix(rec.ID, "rtsk_") || rec.Status == "" {
		t.Errorf("recover answered %+v", rec)
	}

	stats, err := c.EndpointStats(ctx, epID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteStats)
	if stats != (api.Stats{Success: 1}) {
		t.Errorf("stats = %+v; want one message delivered", stats)
	}

	if err := c.DeleteEndpoint(ctx, epID); err != nil {
		t.Fatal(err)
	}
	hit(api.RouteEndpointDelete)
	eps, _ = c.ListEndpoints(ctx)
	if len(eps) != 1 || eps[0].ID != second.Endpoint.ID {
		t.Errorf("after delete the list is %v", eps)
	}

	hitNaming(t, c, hit)

	for _, r := range api.Routes {
		if !covered[r.Name] {
			t.Errorf("route %s (%s) has no client test here", r.Name, r.Pattern())
		}
	}
}

func rawRequest(t *testing.T, s *Server, method, path, key, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestAuthAndFastAPIErrors(t *testing.T) {
	s := startPaused(t, Options{APIKey: "sk_sim_test"})
	cases := []struct {
		method, path, key string
		status            int
		body              string
	}{
		{"GET", "/tasks/active", "", 401, `{"detail":"Not authenticated"}`},
		{"GET", "/tasks/active", "sk_sim_wrong", 401, `{"detail":"Invalid API key"}`},
		{"GET", "/events", "sk_sim_wrong", 401, `{"detail":"Invalid API key"}`},
		{"POST", "/webhooks/endpoints", "", 401, `{"detail":"Not authenticated"}`},
		{"GET", "/nope", "sk_sim_test", 404, `{"detail":"Not Found"}`},
		{"GET", "/tasks/0000", "sk_sim_test", 404, `{"detail":"Task not found"}`},
		{"DELETE", "/tasks/active", "sk_sim_test", 405, `{"detail":"Method Not Allowed"}`},
		{"GET", "/tasks/active", "sk_sim_test", 200, `[]`},
	}
	for _, tc := range cases {
		status, h, body := rawRequest(t, s, tc.method, tc.path, tc.key, "")
		if status != tc.status || body != tc.body {
			t.Errorf("%s %s with key %q: %d %s; want %d %s", tc.method, tc.path, tc.key, status, body, tc.status, tc.body)
		}
		if status == 401 && h.Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("401 without WWW-Authenticate: Bearer")
		}
		if status == 405 && h.Get("Allow") != "GET" {
			t.Errorf("405 Allow = %q; want GET", h.Get("Allow"))
		}
	}

	c, err := api.NewClient(s.URL(), "sk_sim_wrong", api.WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ActiveTasks(context.Background())
	if !api.IsUnauthorized(err) || !strings.Contains(err.Error(), "ASPECT_API_KEY") {
		t.Errorf("client with a wrong key: %v; want a 401 naming ASPECT_API_KEY", err)
	}
}

func TestBadInputIs422WithTheField(t *testing.T) {
	s := startPaused(t, Options{})
	c := newClient(t, s)
	ctx := context.Background()

	_, err := c.CreateEndpoint(ctx, api.EndpointIn{URL: "example.com/hook", Version: 1})
	var apiErr *api.Error
	if !errors.As(err, &apiErr) || apiErr.Status != 422 || len(apiErr.Fields) != 1 || apiErr.Fields[0].Where() != "body.url" {
		t.Fatalf("a URL without a scheme: %v; want 422 on body.url", err)
	}
	if !strings.Contains(err.Error(), "body.url: URL must be absolute") {
		t.Errorf("error text %q should name the field and say why", err)
	}

	cases := []struct{ method, path, body, loc string }{
		{"POST", "/webhooks/endpoints", `{"url": "http://x.test/h", "event_types": ["invoice.paid"]}`, `["body","event_types",0]`},
		{"POST", "/webhooks/endpoints", `{"url": "http://x.test/h", "rate_limit": -1}`, `["body","rate_limit"]`},
		{"POST", "/webhooks/endpoints", `{"url": 5}`, `["body","url"]`},
		{"POST", "/webhooks/endpoints", `{"description": "no url"}`, `["body","url"]`},
		{"POST", "/webhooks/endpoints", `{"url": "http://x.test/h",`, `["body",`},
		{"POST", "/webhooks/endpoints", `[1, 2]`, `["body",0]`},
		{"POST", "/tasks", `{"asset_id": "a"}`, `["body","features"]`},
		{"POST", "/tasks", `{"asset_id": "a", "features": []}`, `["body","features"]`},
		{"POST", "/tasks", `{"asset_id": "a", "features": ["Proxy!"]}`, `["body","features",0]`},
		{"GET", "/webhooks/delivery-attempts", ``, `["query","message_id"]`},
		{"GET", "/webhooks/messages?limit=abc", ``, `["query","limit"]`},
		{"GET", "/webhooks/messages?before=yesterday", ``, `["query","before"]`},
	}
	for _, tc := range cases {
		status, _, body := rawRequest(t, s, tc.method, tc.path, s.APIKey(), tc.body)
		if status != 422 || !strings.Contains(body, `"loc":`+tc.loc) || !strings.Contains(body, `"msg":`) {
			t.Errorf("%s %s %s: %d %s; want 422 with loc %s", tc.method, tc.path, tc.body, status, body, tc.loc)
		}
	}
	if n := len(s.Tasks()); n != 0 {
		t.Errorf("refused requests created %d tasks", n)
	}
}

func TestUnknownIDsAre404(t *testing.T) {
	s := startPaused(t, Options{})
	c := newClient(t, s)
	ctx := context.Background()
	ep := createEndpoint(t, c, api.EndpointIn{URL: "http://127.0.0.1:1/h"})
	checks := map[string]error{}
	_, checks["task"] = c.Task(ctx, "3f5d7e38-8c7c-4a22-9a7d-5702a8c3a111")
	_, checks["update"] = c.UpdateEndpoint(ctx, "ep_missing", api.EndpointIn{URL: "http://x.test/", Version: 1})
	checks["delete"] = c.DeleteEndpoint(ctx, "ep_missing")
	checks["resend message"] = c.Resend(ctx, "msg_missing", ep.Endpoint.ID)
	_, checks["stats"] = c.EndpointStats(ctx, "ep_missing", time.Time{})
	_, checks["attempts"] = c.ListAttempts(ctx, api.AttemptQuery{EndpointID: "ep_missing"})
	_, checks["test"] = c.SendTest(ctx, "ep_missing", "")
	for what, err := range checks {
		if api.StatusOf(err) != 404 {
			t.Errorf("%s of an unknown id: %v; want 404", what, err)
		}
	}
}

func TestListsPageNewestFirst(t *testing.T) {
	s := startPaused(t, Options{})
	c := newClient(t, s)
	ctx := context.Background()
	var want []string
	for range 7 {
		want = append([]string{createEndpoint(t, c, api.EndpointIn{URL: "http://127.0.0.1:1/h"}).Endpoint.ID}, want...)
	}
	var pages [][]string
	iter := ""
	for {
		_, _, body := rawRequest(t, s, "GET", "/webhooks/endpoints?limit=3&iterator="+iter, s.APIKey(), "")
		var p struct {
			Data     []api.Endpoint
			Iterator string
			Done     bool
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range p.Data {
			ids = append(ids, e.ID)
		}
		pages = append(pages, ids)
		if p.Done {
			break
		}
		if len(pages) > 5 {
			t.Fatal("paging does not end")
		}
		iter = p.Iterator
	}
	if len(pages) != 3 || len(pages[0]) != 3 || len(pages[2]) != 1 || !slices.Equal(slices.Concat(pages...), want) {
		t.Errorf("pages %v; want 3+3+1 of %v", pages, want)
	}

	s.CreateTasks(120)
	msgs, err := c.ListMessages(ctx, api.MessageQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, m := range msgs {
		if seen[m.ID] {
			t.Fatalf("message %s listed twice", m.ID)
		}
		seen[m.ID] = true
		if i > 0 && m.Timestamp.After(msgs[i-1].Timestamp.Time) {
			t.Fatalf("messages not newest first at %d", i)
		}
	}
	if len(msgs) != 120 {
		t.Errorf("listed %d messages across pages; want 120", len(msgs))
	}
	mid := msgs[60].Timestamp.Time
	older, err := c.ListMessages(ctx, api.MessageQuery{Before: mid})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range older {
		if !m.Timestamp.Before(mid) {
			t.Fatalf("before=%s listed %s", mid, m.Timestamp)
		}
	}
	if len(older) == 0 {
		t.Error("before= listed nothing")
	}
}

package sim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

func TestParseProfile(t *testing.T) {
	for in, want := range map[string]Profile{"": ProfileFull, "full": ProfileFull, " Documented ": ProfileDocumented, "svix": ProfileSvix} {
		if got, err := ParseProfile(in); err != nil || got != want {
			t.Errorf("ParseProfile(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := ParseProfile("aspect-prod")
	if err == nil || !strings.Contains(err.Error(), `unknown profile "aspect-prod"`) || !strings.Contains(err.Error(), "full, documented, svix") {
		t.Errorf("an unknown profile: %v; want it named, with the profiles listed", err)
	}
	if _, err := New(Options{Addr: "127.0.0.1:0", Profile: "aspect-prod"}); err == nil || !strings.Contains(err.Error(), "unknown profile") {
		t.Errorf("New with an unknown profile: %v", err)
	}
}

// shape is what one route answers in one profile: the status, the names
// of the answer's fields, and those of an item (of data, of a bare array,
// or of the object named by itemOf).
type shape struct {
	status int
	keys   string // the answer's fields, sorted, space-separated; "[]" for an array
	item   string // an item's fields, sorted
	itemOf string // where the item is: "data", "[]", or a field's name
	body   string // the exact body, when it matters (errors)
}

// Field names of each answer, per profile.
const (
	fullTaskKeys     = "asset_id created features id updated user_id"
	fullEndpointKeys = "created_at description disabled event_types id rate_limit updated_at url version"
	svixEndpointKeys = "channels createdAt description disabled filterTypes id metadata throttleRate uid updatedAt url"
	fullMessageKeys  = "event_id event_type id payload timestamp"
	svixMessageKeys  = "channels eventId eventType id tags timestamp" // no payload without with_content
	svixExampleKeys  = "channels eventId eventType id payload tags timestamp"
	fullAttemptKeys  = "endpoint_id id msg_id response response_duration_ms response_status_code status timestamp trigger_type url"
	svixAttemptKeys  = "endpointId id msgId response responseDurationMs responseStatusCode status statusText timestamp triggerType url"
	fullPageKeys     = "data done iterator"
	svixPageKeys     = "data done iterator prevIterator"
	notFound         = `{"detail":"Not Found"}`
)

var (
	missing    = shape{status: 404, keys: "detail", body: notFound}
	notAllowed = shape{status: 405, keys: "detail", body: `{"detail":"Method Not Allowed"}`}
)

// profileShapes is, for every route in api.Routes, what each profile
// answers. It is the contract a `doctor` command can check a real API
// against: which routes are there, and in which names.
var profileShapes = map[string]map[Profile]shape{
	api.RouteTasksActive: {
		ProfileFull:       {status: 200, keys: "[]", itemOf: "[]", item: fullTaskKeys},
		ProfileDocumented: {status: 200, keys: "[]", itemOf: "[]", item: fullTaskKeys},
		ProfileSvix:       {status: 200, keys: "[]", itemOf: "[]", item: fullTaskKeys},
	},
	api.RouteTaskGet: {
		ProfileFull:       {status: 200, keys: fullTaskKeys},
		ProfileDocumented: {status: 200, keys: fullTaskKeys},
		ProfileSvix:       {status: 200, keys: fullTaskKeys},
	},
	api.RouteTaskCreate: {
		ProfileFull:       {status: 200, keys: "task_id"},
		ProfileDocumented: {status: 200, keys: "task_id"},
		ProfileSvix:       {status: 200, keys: "task_id"},
	},
	api.RouteEvents: {
		ProfileFull:       {status: 200, keys: "text/event-stream"},
		ProfileDocumented: missing,
		ProfileSvix:       {status: 200, keys: "text/event-stream"},
	},
	api.RouteEndpointCreate: {
		ProfileFull:       {status: 201, keys: "app endpoint secret", itemOf: "endpoint", item: fullEndpointKeys},
		ProfileDocumented: {status: 201, keys: "app endpoint secret", itemOf: "endpoint", item: fullEndpointKeys},
		ProfileSvix:       {status: 201, keys: "app endpoint secret", itemOf: "endpoint", item: svixEndpointKeys},
	},
	api.RouteEndpointList: {
		ProfileFull:       {status: 200, keys: fullPageKeys, itemOf: "data", item: fullEndpointKeys},
		ProfileDocumented: notAllowed,
		ProfileSvix:       {status: 200, keys: svixPageKeys, itemOf: "data", item: svixEndpointKeys},
	},
	api.RouteEndpointUpdate: {
		ProfileFull:       {status: 200, keys: "endpoint", itemOf: "endpoint", item: fullEndpointKeys},
		ProfileDocumented: {status: 200, keys: "endpoint", itemOf: "endpoint", item: fullEndpointKeys},
		ProfileSvix:       {status: 200, keys: svixEndpointKeys},
	},
	api.RouteEndpointDelete: {
		ProfileFull:       {status: 200, keys: "success"},
		ProfileDocumented: {status: 200, keys: "success"},
		ProfileSvix:       {status: 200, keys: "success"},
	},
	api.RouteMessageList: {
		ProfileFull:       {status: 200, keys: fullPageKeys, itemOf: "data", item: fullMessageKeys},
		ProfileDocumented: {status: 200, keys: fullPageKeys, itemOf: "data", item: fullMessageKeys},
		ProfileSvix:       {status: 200, keys: svixPageKeys, itemOf: "data", item: svixMessageKeys},
	},
	api.RouteMessageGet: {
		ProfileFull:       {status: 200, keys: fullMessageKeys},
		ProfileDocumented: missing,
		ProfileSvix:       {status: 200, keys: svixMessageKeys},
	},
	api.RouteAttemptList: {
		ProfileFull:       {status: 200, keys: fullPageKeys, itemOf: "data", item: fullAttemptKeys},
		ProfileDocumented: {status: 200, keys: fullPageKeys, itemOf: "data", item: fullAttemptKeys},
		ProfileSvix:       {status: 200, keys: svixPageKeys, itemOf: "data", item: svixAttemptKeys},
	},
	api.RouteEndpointDeliveries: {
		ProfileFull:       {status: 200, keys: fullPageKeys, itemOf: "data", item: fullAttemptKeys},
		ProfileDocumented: {status: 200, keys: fullPageKeys, itemOf: "data", item: fullAttemptKeys},
		ProfileSvix:       {status: 200, keys: svixPageKeys, itemOf: "data", item: svixAttemptKeys},
	},
	api.RouteResend: {
		ProfileFull:       {status: 202, keys: ""},
		ProfileDocumented: missing,
		ProfileSvix:       {status: 202, keys: ""},
	},
	api.RouteRecover: {
		ProfileFull:       {status: 202, keys: "id status"},
		ProfileDocumented: missing,
		ProfileSvix:       {status: 202, keys: "id status task updatedAt"},
	},
	api.RouteTest: {
		ProfileFull:       {status: 202, keys: "message_id"},
		ProfileDocumented: missing,
		ProfileSvix:       {status: 202, keys: svixExampleKeys},
	},
	api.RouteStats: {
		ProfileFull:       {status: 200, keys: "fail pending sending success"},
		ProfileDocumented: missing,
		ProfileSvix:       {status: 200, keys: "canceled fail pending sending success"},
	},
}

// fixture is a simulator with something in every list: an endpoint that
// got one delivery of one task's first event, and a second endpoint to
// delete.
type fixture struct {
	s                          *Server
	taskID, epID, delID, msgID string
}

func newFixture(t *testing.T, o Options) fixture {
	t.Helper()
	s := startPaused(t, o)
	rcv, rcvOther := newReceiver(t, nil), newReceiver(t, nil)
	f := fixture{s: s}
	var created, other api.EndpointCreated
	for i, out := range []*api.EndpointCreated{&created, &other} {
		url := []string{rcv.url(), rcvOther.url()}[i]
		status, _, body := rawRequest(t, s, "POST", "/webhooks/endpoints", s.APIKey(), `{"url":"`+url+`","event_types":["task.*"],"rate_limit":5}`)
		if status != 201 || json.Unmarshal([]byte(body), out) != nil {
			t.Fatalf("creating endpoint %d: %d %s", i, status, body)
		}
	}
	f.epID, f.delID = created.Endpoint.ID, other.Endpoint.ID
	f.taskID = s.CreateTasks(1)[0]
	// Both endpoints get the task's first event, signed.
	verify(t, created.Secret, rcv.waitCount(t, 1, 5*time.Second)[0])
	verify(t, other.Secret, rcvOther.waitCount(t, 1, 5*time.Second)[0])
	waitSettled(t, s, 5*time.Second)
	s.hooks.mu.Lock()
	f.msgID = s.hooks.msgOrder.view()[0].id
	s.hooks.mu.Unlock()
	return f
}

// profileRequest is the request that exercises a route against f.
func (f fixture) request(route string) (method, path, body string) {
	r := api.RouteByName(route)
	if m, p, ok := f.namingRequest(route); ok {
		return m, p, ""
	}
	switch route {
	case api.RouteTaskGet:
		return r.Method, r.Expand(f.taskID), ""
	case api.RouteTaskCreate:
		return r.Method, r.Path, `{"asset_id":"a1","features":["proxy"]}`
	case api.RouteEndpointCreate:
		return r.Method, r.Path, `{"url":"http://127.0.0.1:9/h","event_types":["task.failed"],"rate_limit":2}`
	case api.RouteEndpointUpdate:
		return r.Method, r.Expand(f.epID), `{"url":"http://127.0.0.1:9/h2","event_types":["task.*"],"rate_limit":5}`
	case api.RouteEndpointDelete:
		return r.Method, r.Expand(f.delID), ""
	case api.RouteMessageGet:
		return r.Method, r.Expand(f.msgID), ""
	case api.RouteAttemptList:
		return r.Method, r.Path + "?endpoint_id=" + f.epID, ""
	case api.RouteEndpointDeliveries, api.RouteStats:
		return r.Method, r.Expand(f.epID), ""
	case api.RouteResend:
		return r.Method, r.Expand(f.msgID, f.epID), ""
	case api.RouteRecover:
		return r.Method, r.Expand(f.epID), `{"since":"2000-01-01T00:00:00Z"}`
	case api.RouteTest:
		return r.Method, r.Expand(f.epID), `{"event_type":"task.completed","eventType":"task.completed"}`
	}
	return r.Method, r.Path, ""
}

// TestProfilesServeTheirRoutes requests every route in api.Routes from
// each profile and checks what it serves and in which field names.
func TestProfilesServeTheirRoutes(t *testing.T) {
	for _, r := range api.Routes {
		if _, ok := profileShapes[r.Name]; !ok {
			t.Errorf("route %s (%s) has no row in profileShapes", r.Name, r.Pattern())
		}
	}
	for _, p := range Profiles {
		t.Run(string(p), func(t *testing.T) {
			f := newFixture(t, Options{Profile: p})
			for _, r := range api.Routes {
				want, ok := profileShapes[r.Name][p]
				if !ok {
					t.Errorf("%s: no expected shape in profile %s", r.Name, p)
					continue
				}
				method, path, body := f.request(r.Name)
				status, header, got := profileRequest(t, f.s, method, path, body)
				what := method + " " + path
				if status != want.status {
					t.Errorf("%s: status %d (%s); want %d", what, status, api.Clip(got, 200), want.status)
					continue
				}
				if want.body != "" && got != want.body {
					t.Errorf("%s: %s; want %s", what, got, want.body)
				}
				if want.status == 405 && header.Get("Allow") != "POST" {
					t.Errorf("%s: Allow %q; want POST", what, header.Get("Allow"))
				}
				if r.Name == api.RouteEvents {
					if status == 200 && got != want.keys {
						t.Errorf("%s: Content-Type %q", what, got)
					}
					continue
				}
				keys, item := fieldNames(t, got, want.itemOf)
				if keys != want.keys {
					t.Errorf("%s: fields %q; want %q", what, keys, want.keys)
				}
				if item != want.item {
					t.Errorf("%s: item fields %q; want %q\n%s", what, item, want.item, api.Clip(got, 300))
				}
			}
		})
	}
}

// profileRequest makes one request with the simulator's key; for the event
// stream it returns the Content-Type instead of the (endless) body.
func profileRequest(t *testing.T, s *Server, method, path, body string) (int, http.Header, string) {
	t.Helper()
	if path != "/events" {
		return rawRequest(t, s, method, path, s.APIKey(), body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, s.URL()+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.APIKey())
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	return resp.StatusCode, resp.Header, resp.Header.Get("Content-Type")
}

// fieldNames lists a JSON answer's field names, sorted ("[]" for an array),
// and those of the item at itemOf.
func fieldNames(t *testing.T, body, itemOf string) (keys, item string) {
	t.Helper()
	var v any
	if strings.TrimSpace(body) == "" {
		return "", ""
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, body)
	}
	names := func(v any) string {
		m, ok := v.(map[string]any)
		if !ok {
			if _, isList := v.([]any); isList {
				return "[]"
			}
			return ""
		}
		ks := make([]string, 0, len(m))
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, " ")
	}
	keys = names(v)
	var it any
	switch itemOf {
	case "":
		return keys, ""
	case "[]":
		if l, _ := v.([]any); len(l) > 0 {
			it = l[0]
		}
	case "data":
		if l, _ := v.(map[string]any)["data"].([]any); len(l) > 0 {
			it = l[0]
		}
	default:
		it = v.(map[string]any)[itemOf]
	}
	return keys, names(it)
}

// Svix's own behaviour beyond the names: a payload only with with_content,
// a canceled attempt reading 0 unless expanded_statuses, {code, detail}
// errors, an unset rate as null.
func TestSvixProfileBehaviour(t *testing.T) {
	f := newFixture(t, Options{Profile: ProfileSvix})
	s := f.s
	key := s.APIKey()

	_, _, body := rawRequest(t, s, "GET", "/webhooks/messages?with_content=true", key, "")
	if _, item := fieldNames(t, body, "data"); item != svixExampleKeys {
		t.Errorf("with_content=true: message fields %q; want the payload too", item)
	}
	_, _, body = rawRequest(t, s, "GET", "/webhooks/messages/"+f.msgID+"?with_content=true", key, "")
	if keys, _ := fieldNames(t, body, ""); keys != svixExampleKeys {
		t.Errorf("one message with_content=true: fields %q", keys)
	}

	s.hooks.mu.Lock()
	s.hooks.attempts.view()[0].a.Status = api.AttemptCanceled
	atID := s.hooks.attempts.view()[0].a.ID
	s.hooks.mu.Unlock()
	status := func(query string) (float64, string) {
		_, _, body := rawRequest(t, s, "GET", "/webhooks/delivery-attempts?message_id="+f.msgID+query, key, "")
		var p struct{ Data []map[string]any }
		json.Unmarshal([]byte(body), &p)
		for _, a := range p.Data {
			if a["id"] == atID {
				text, _ := a["statusText"].(string)
				n, _ := a["status"].(float64)
				return n, text
			}
		}
		t.Fatalf("attempt %s not listed: %s", atID, body)
		return 0, ""
	}
	if n, text := status(""); n != 0 || text != "canceled" {
		t.Errorf("canceled attempt without expanded_statuses: status %v, statusText %q; want 0, canceled", n, text)
	}
	if n, text := status("&expanded_statuses=true"); n != 4 || text != "canceled" {
		t.Errorf("canceled attempt with expanded_statuses: status %v, statusText %q; want 4, canceled", n, text)
	}

	st, _, body := rawRequest(t, s, "GET", "/webhooks/endpoints/ep_missing/stats", key, "")
	if st != 404 || body != `{"code":"not_found","detail":"Endpoint not found"}` {
		t.Errorf("unknown endpoint: %d %s; want Svix's {code, detail}", st, body)
	}
	st, _, body = rawRequest(t, s, "GET", "/tasks/active", "sk_wrong", "")
	if st != 401 || !strings.Contains(body, `"code":"authentication_failed"`) {
		t.Errorf("wrong key: %d %s", st, body)
	}
	st, _, body = rawRequest(t, s, "POST", "/webhooks/endpoints/"+f.epID+"/test", key, `{"event_type":"task.completed"}`)
	if st != 422 || !strings.Contains(body, `"loc":["body","eventType"]`) {
		t.Errorf("send-example without eventType: %d %s; want 422 on body.eventType", st, body)
	}

	_, _, body = rawRequest(t, s, "POST", "/webhooks/endpoints", key, `{"url":"http://127.0.0.1:9/h","filterTypes":["task.failed"],"throttleRate":3}`)
	var created struct {
		Endpoint map[string]any
		App      map[string]any
	}
	json.Unmarshal([]byte(body), &created)
	if created.Endpoint["throttleRate"] != 3.0 || !slices.Equal(toStrings(created.Endpoint["filterTypes"]), []string{"task.failed"}) {
		t.Errorf("Svix's names in a create are read: %s", body)
	}
	_, _, body = rawRequest(t, s, "POST", "/webhooks/endpoints", key, `{"url":"http://127.0.0.1:9/h"}`)
	json.Unmarshal([]byte(body), &created)
	if v, ok := created.Endpoint["throttleRate"]; !ok || v != nil {
		t.Errorf("an endpoint without a rate: throttleRate %v (present %v); want null", v, ok)
	}
	if created.App["isNew"] != false {
		t.Errorf("app %v; want isNew false", created.App)
	}
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

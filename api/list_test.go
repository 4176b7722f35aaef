package api_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

func endpointID(e api.Endpoint) string { return e.ID }
func messageID(m api.Message) string   { return m.ID }

func iterators(reqs []recorded) []string {
	out := make([]string, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, r.Query["iterator"]...)
		if len(r.Query["iterator"]) == 0 {
			out = append(out, "")
		}
	}
	return out
}

func TestListFollowsIteratorsAcrossPages(t *testing.T) {
	srv := newServer(t,
		answer{status: 200, body: `{"data":[{"id":"ep_1"},{"id":"ep_2"}],"iterator":"it_a","done":false}`},
		answer{status: 200, body: `{"data":[{"id":"ep_3"}],"iterator":"it_b","done":false}`},
		answer{status: 200, body: `{"data":[{"id":"ep_4"}],"iterator":"it_c","done":true}`},
		answer{status: 500, body: `{"detail":"read past the last page"}`},
	)
	got, err := newClient(t, srv.URL).ListEndpoints(ctxFor(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ep_1", "ep_2", "ep_3", "ep_4"}; !reflect.DeepEqual(ids(got, endpointID), want) {
		t.Errorf("endpoints %v; want %v", ids(got, endpointID), want)
	}
	if its, want := iterators(srv.requests()), []string{"", "it_a", "it_b"}; !reflect.DeepEqual(its, want) {
		t.Errorf("iterators sent %q; want %q", its, want)
	}
}

// Svix's own list pages carry camelCase items; filters must ride along on
// every page, not only the first.
func TestListAttemptsPagesInCamelCaseKeepFilters(t *testing.T) {
	srv := newServer(t,
		answer{status: 200, body: `{"data":[{"id":"atmpt_1","msgId":"msg_1","endpointId":"ep_1","status":2,"responseStatusCode":500,"responseDurationMs":31,"triggerType":0}],"iterator":"it_a","done":false,"prevIterator":null}`},
		answer{status: 200, body: `{"data":[{"id":"atmpt_2","msgId":"msg_2","endpointId":"ep_1","status":2,"responseStatusCode":0,"triggerType":1}],"iterator":"it_b","done":true}`},
	)
	got, err := newClient(t, srv.URL).ListAttempts(ctxFor(t, 5*time.Second), api.AttemptQuery{EndpointID: "ep_1", Status: failed(), Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []api.Attempt{
		{ID: "atmpt_1", MsgID: "msg_1", EndpointID: "ep_1", Status: api.AttemptFailed, ResponseStatusCode: 500, ResponseDurationMs: 31},
		{ID: "atmpt_2", MsgID: "msg_2", EndpointID: "ep_1", Status: api.AttemptFailed, TriggerType: api.TriggerManual},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests; want 2", len(reqs))
	}
	for i, r := range reqs {
		for k, v := range map[string]string{"endpoint_id": "ep_1", "status": "2", "limit": "1"} {
			if got := r.Query[k]; len(got) != 1 || got[0] != v {
				t.Errorf("page %d: %s = %q; want %q", i+1, k, got, v)
			}
		}
		if _, ok := r.Query["message_id"]; ok {
			t.Errorf("page %d sent message_id though none was asked", i+1)
		}
	}
}

// Status 0 is "success", a filter a user asks for; it must not vanish as a
// zero value.
func TestListAttemptsSendsStatusZero(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `[]`})
	ok := api.AttemptSuccess
	if _, err := newClient(t, srv.URL).ListAttempts(ctxFor(t, 5*time.Second), api.AttemptQuery{MessageID: "msg_1", Status: &ok}); err != nil {
		t.Fatal(err)
	}
	q := srv.requests()[0].Query
	if got := q["status"]; len(got) != 1 || got[0] != "0" {
		t.Errorf("status = %q; want \"0\"", got)
	}
	if _, ok := q["limit"]; ok {
		t.Error("limit sent though none was asked")
	}
}

func TestListStopsAtMax(t *testing.T) {
	srv := newServer(t,
		answer{status: 200, body: `{"data":[{"id":"msg_1"},{"id":"msg_2"}],"iterator":"it_a","done":false}`},
		answer{status: 200, body: `{"data":[{"id":"msg_3"},{"id":"msg_4"}],"iterator":"it_b","done":false}`},
	)
	got, err := newClient(t, srv.URL).ListMessages(ctxFor(t, 5*time.Second), api.MessageQuery{Limit: 2, Max: 3})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"msg_1", "msg_2", "msg_3"}; !reflect.DeepEqual(ids(got, messageID), want) {
		t.Errorf("messages %v; want %v", ids(got, messageID), want)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("%d requests; want 2", n)
	}
}

// A server that hands back the same iterator forever must not keep the
// client paging forever.
func TestListStopsOnRepeatedIterator(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `{"data":[{"id":"ep_1"}],"iterator":"same","done":false}`})
	if _, err := newClient(t, srv.URL).ListEndpoints(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("%d requests; want 2 (the first, then the iterator once)", n)
	}
}

func TestListPageShapes(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		requests   int
	}{
		{"bare array is the whole list", `[{"id":"ep_1"}]`, 1},
		{"no done and no iterator is the last page", `{"data":[{"id":"ep_1"}]}`, 1},
		{"null iterator is the last page", `{"data":[{"id":"ep_1"}],"iterator":null,"done":false}`, 1},
		{"empty page ends the list", `{"data":[],"iterator":"it_a","done":false}`, 1},
		{"iterator without done goes on", `{"data":[{"id":"ep_1"}],"iterator":"it_a"}`, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, answer{status: 200, body: tc.body}, answer{status: 200, body: `[]`})
			if _, err := newClient(t, srv.URL).ListEndpoints(ctxFor(t, 5*time.Second)); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.requests()); n != tc.requests {
				t.Errorf("%d requests; want %d", n, tc.requests)
			}
		})
	}
}

func TestListOfTheWrongShapeSaysSo(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `{"items":[{"id":"ep_1"}]}`})
	_, err := newClient(t, srv.URL).ListEndpoints(ctxFor(t, 5*time.Second))
	apiError(t, err, "a list must be a JSON array or an object with data", `{"items"`)
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests; an unreadable answer is not worth repeating", n)
	}
}

// When a later page fails, the pages already read come back with the error
// so that the screen can show them.
func TestListKeepsEarlierPagesWhenALaterOneFails(t *testing.T) {
	srv := newServer(t,
		answer{status: 200, body: `{"data":[{"id":"ep_1"}],"iterator":"it_a","done":false}`},
		answer{status: 401, body: `{"detail":"key revoked"}`},
	)
	got, err := newClient(t, srv.URL).ListEndpoints(ctxFor(t, 5*time.Second))
	apiError(t, err, "401", "key revoked")
	if want := []string{"ep_1"}; !reflect.DeepEqual(ids(got, endpointID), want) {
		t.Errorf("kept %v; want %v", ids(got, endpointID), want)
	}
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `{"id":"a/b"}`})
	if _, err := newClient(t, srv.URL+"/proxy/v0/").Task(ctxFor(t, 5*time.Second), "a/b"); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0]; got.Path != "/proxy/v0/tasks/a/b" || got.RawPath != "/proxy/v0/tasks/a%2Fb" {
		t.Errorf("path %q (raw %q); want /proxy/v0/tasks/a%%2Fb", got.Path, got.RawPath)
	}
}

func TestEmptyIDIsRefusedWithoutARequest(t *testing.T) {
	srv := newServer(t, answer{status: 200, body: `{}`})
	c := newClient(t, srv.URL)
	ctx := ctxFor(t, 5*time.Second)
	_, err := c.Task(ctx, "")
	apiError(t, err, "tasks.get", "empty")
	apiError(t, c.Resend(ctx, "msg_1", ""), "messages.resend", "empty")
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests sent with an empty id", n)
	}
}

package deliveries

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

type fake struct {
	eps     []api.Endpoint
	byEp    map[string][]api.Attempt
	failEp  string
	queries []api.AttemptQuery
	listErr error
}

func (f *fake) ListEndpoints(context.Context) ([]api.Endpoint, error) { return f.eps, f.listErr }

func (f *fake) ListAttempts(_ context.Context, q api.AttemptQuery) ([]api.Attempt, error) {
	f.queries = append(f.queries, q)
	if q.EndpointID == f.failEp {
		return nil, errors.New("boom")
	}
	return f.byEp[q.EndpointID], nil
}

func at(id string, sec int, code int) api.Attempt {
	return api.Attempt{ID: id, MsgID: "msg_" + id, Status: api.AttemptFailed, ResponseStatusCode: code, URL: "https://h.example/" + id,
		Timestamp: api.Time{Time: t0.Add(time.Duration(sec) * time.Second)}}
}

func TestListMergesEndpointsNewestFirst(t *testing.T) {
	f := &fake{
		eps:  []api.Endpoint{{ID: "ep_a"}, {ID: "ep_b"}, {ID: "ep_c"}},
		byEp: map[string][]api.Attempt{"ep_a": {at("a1", 5, 500), at("a2", 1, 0)}, "ep_b": {at("b1", 3, 404)}},
	}
	f.failEp = "ep_c"
	got := list(context.Background(), f)
	var ids []string
	for _, a := range got.Attempts {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != "a1,b1,a2" {
		t.Fatalf("order %v", ids)
	}
	if got.Err == nil || !strings.Contains(got.Err.Error(), "boom") {
		t.Fatalf("one endpoint failing should be reported: %v", got.Err)
	}
	for _, q := range f.queries {
		if q.Status == nil || *q.Status != api.AttemptFailed || q.Max != PerEndpoint {
			t.Fatalf("query %+v does not ask for failed attempts only", q)
		}
	}
}

func newPane(f Lister) *Model {
	ctx := &common.Context{Theme: theme.Default(), Keys: keys.Default(), Clock: func() time.Time { return t0 }, Now: t0.Add(time.Minute)}
	m := New(ctx, context.Background(), f, time.Second)
	m.SetSize(70, 5)
	return m
}

func TestPaneShowsAttemptsAndRefreshes(t *testing.T) {
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{"ep_a": {at("a1", 5, 500), at("a2", 1, 0)}}}
	m := newPane(f)
	cmd := m.Init()
	if cmd == nil {
		t.Fatal("no first fetch")
	}
	msg := cmd().(common.PaneMsg)
	if msg.Pane != common.Deliveries {
		t.Fatalf("result tagged for %v", msg.Pane)
	}
	_, next := m.Update(msg.Msg)
	view := ansi.Strip(m.View())
	for _, want := range []string{"✗ 500", "✗ no answer", "msg_a1", "h.example/a1"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if next == nil {
		t.Fatal("no refresh scheduled")
	}
	if m.Title() != "Failed deliveries 2" {
		t.Errorf("title %q", m.Title())
	}
}

func TestPaneStopsWhenTheRouteIsNotOffered(t *testing.T) {
	m := newPane(&fake{})
	notOffered := &api.Error{Route: api.RouteByName(api.RouteEndpointList), Status: 404}
	_, next := m.Update(ListedMsg{Err: notOffered})
	if next != nil {
		t.Error("a route the API does not offer is asked again")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "not listed") {
		t.Errorf("view: %s", v)
	}
}

func TestPaneEmptyStates(t *testing.T) {
	m := newPane(&fake{})
	m.Update(ListedMsg{Endpoints: 0})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "No endpoints, so no deliveries.") {
		t.Errorf("no endpoints: %s", v)
	}
	m.Update(ListedMsg{Endpoints: 2})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "No failed deliveries to 2 endpoints.") {
		t.Errorf("nothing failed: %s", v)
	}
	nm := New(&common.Context{Theme: theme.Default(), Keys: keys.Default()}, context.Background(), nil, time.Second)
	nm.SetSize(50, 3)
	if nm.Init() != nil || !strings.Contains(ansi.Strip(nm.View()), "No API client") {
		t.Error("without a client the pane fetches or pretends")
	}
}

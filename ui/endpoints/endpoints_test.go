package endpoints

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// fake answers what the tests here call; anything else panics through the
// nil embedded interface.
type fake struct {
	webhooks.Client
	eps      []api.Endpoint
	err      error
	stats    map[string]api.Stats
	statsErr error
	created  []api.EndpointIn
	createFn func(api.EndpointIn) (api.EndpointCreated, error)
}

func (f *fake) ListEndpoints(context.Context) ([]api.Endpoint, error) { return f.eps, f.err }

func (f *fake) EndpointStats(_ context.Context, id string, _ time.Time) (api.Stats, error) {
	return f.stats[id], f.statsErr
}

func (f *fake) CreateEndpoint(_ context.Context, in api.EndpointIn) (api.EndpointCreated, error) {
	f.created = append(f.created, in)
	return f.createFn(in)
}

func newPane(f webhooks.Client) *Model {
	ctx := &common.Context{Theme: theme.Default(), Keys: keys.Default(), Clock: time.Now, Now: time.Now(), Width: 120, Height: 40}
	m := New(ctx, context.Background(), f, time.Second)
	m.SetSize(70, 6)
	m.SetFocused(true)
	return m
}

// run runs cmd and feeds the pane what is tagged for it, once (ticks are
// skipped: they never fire here).
func run(m *Model, cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(100 * time.Millisecond):
		return nil
	}
	var out []tea.Msg
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			out = append(out, run(m, c)...)
		}
	case common.PaneMsg:
		_, next := m.Update(msg.Msg)
		out = append(out, run(m, next)...)
	case nil:
	default:
		out = append(out, msg)
	}
	return out
}

func TestPaneListsEndpointsWithStats(t *testing.T) {
	f := &fake{eps: []api.Endpoint{
		{ID: "ep_1", URL: "https://hooks.example.com/a", Description: "Prod listener", EventTypes: []string{"task.completed"}, RateLimit: 5},
		{ID: "ep_2", URL: "http://localhost:4000/h\x1b[2J", Disabled: true},
	}, stats: map[string]api.Stats{"ep_1": {Success: 1204, Fail: 22, Pending: 3}}}
	m := newPane(f)
	run(m, m.Init())
	raw := m.View()
	if strings.Contains(raw, "\x1b[2J") {
		t.Fatal("an endpoint URL from the API reaches the screen unclean")
	}
	v := ansi.Strip(raw)
	for _, want := range []string{"▸ ● hooks.example.com/a", "98.2% ✓1,204 ✗22 ◌3", "Prod listener · task.completed · 5/s", "○ http://localhost:4000/h", "disabled · task.*"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if m.Title() != "Endpoints 2 · stats 24h" {
		t.Errorf("title %q", m.Title())
	}
	m.Update(uitest.Key("j"))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "▸ ○") {
		t.Errorf("j does not move the selection:\n%s", v)
	}
}

func TestStatsNotOfferedHidesThemOnce(t *testing.T) {
	f := &fake{eps: []api.Endpoint{{ID: "ep_1", URL: "https://a.example/x"}},
		statsErr: &api.Error{Route: api.RouteByName(api.RouteStats), Status: 404}}
	m := newPane(f)
	out := run(m, m.Init())
	var hidden []common.NotOfferedMsg
	for _, msg := range out {
		if n, ok := msg.(common.NotOfferedMsg); ok {
			hidden = append(hidden, n)
		}
	}
	if len(hidden) != 1 || hidden[0].Feature != "endpoint stats" || !strings.Contains(hidden[0].Route, "/stats") {
		t.Fatalf("notes %#v", out)
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "a.example/x") || strings.Contains(v, "%") {
		t.Fatalf("the list is not shown without stats:\n%s", v)
	}
	if m.statsOffered || strings.Contains(m.Title(), "stats") {
		t.Fatal("stats are still asked for")
	}
}

func TestPaneKeepsTheListWhenARefreshFails(t *testing.T) {
	m := newPane(&fake{})
	m.Update(ListedMsg{Endpoints: []api.Endpoint{{ID: "ep_1", URL: "https://a.example/x"}}})
	_, next := m.Update(ListedMsg{Err: errors.New("connection refused")})
	if next == nil {
		t.Fatal("a failed refresh is not retried")
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "a.example/x") || !strings.Contains(v, "last refresh failed: connection refused") {
		t.Errorf("view:\n%s", v)
	}
}

func TestPaneNotOffered(t *testing.T) {
	m := newPane(&fake{})
	_, next := m.Update(ListedMsg{Err: &api.Error{Route: api.RouteByName(api.RouteEndpointList), Status: 404}})
	if next == nil {
		t.Fatal("no note that the list is not offered")
	}
	if msg, ok := next().(common.NotOfferedMsg); !ok || msg.Feature != "the endpoint list" {
		t.Errorf("%#v: want a note, not a retry", msg)
	}
	if !m.poll.Stopped() {
		t.Error("retrying a route the API does not offer")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "does not offer") {
		t.Errorf("view:\n%s", v)
	}
}

func typeText(m *Model, s string) {
	for _, k := range uitest.Runes(s) {
		m.Update(k)
	}
}

func overlayText(m *Model) string {
	o := m.Overlay()
	if o == nil {
		return ""
	}
	return ansi.Strip(strings.Join(o.Lines, "\n"))
}

func TestCreateFormChecksTheURLBeforeSending(t *testing.T) {
	f := &fake{createFn: func(in api.EndpointIn) (api.EndpointCreated, error) {
		return api.EndpointCreated{}, &api.Error{Route: api.RouteByName(api.RouteEndpointCreate), Status: 422,
			Fields: []api.FieldError{{Loc: []any{"body", "event_types", float64(0)}, Msg: "unknown event type task.nope"}}}
	}}
	m := newPane(f)
	m.Update(ListedMsg{})
	m.Update(uitest.Key("n"))
	if !strings.Contains(overlayText(m), "URL") {
		t.Fatalf("n opens no form: %q", overlayText(m))
	}
	typeText(m, "example.com/hook")
	_, cmd := m.Update(uitest.Key("enter"))
	if cmd != nil || len(f.created) != 0 {
		t.Fatal("a relative URL was sent")
	}
	if v := overlayText(m); !strings.Contains(v, "must be an absolute http:// or https:// URL") {
		t.Fatalf("no error under the URL:\n%s", v)
	}
	// Fix the URL; a type the API refuses comes back under its field.
	m.Update(uitest.Key("ctrl+u"))
	typeText(m, "https://example.com/hook")
	m.Update(uitest.Key("tab"))
	m.Update(uitest.Key("tab"))
	m.Update(uitest.Key("ctrl+u"))
	typeText(m, "task.nope")
	_, cmd = m.Update(uitest.Key("enter"))
	run(m, cmd)
	if len(f.created) != 1 || f.created[0].URL != "https://example.com/hook" || f.created[0].EventTypes[0] != "task.nope" {
		t.Fatalf("sent %#v", f.created)
	}
	if v := overlayText(m); !strings.Contains(v, "✗ unknown event type task.nope") || !strings.Contains(v, "the API refused these values") {
		t.Fatalf("the 422 is not under its field:\n%s", v)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"90m":                  now.Add(-90 * time.Minute),
		"2d":                   now.Add(-48 * time.Hour),
		"09:30":                time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC),
		"13:00":                time.Date(2025, 2, 28, 13, 0, 0, 0, time.UTC), // later today: yesterday
		"2025-02-27 08:15":     time.Date(2025, 2, 27, 8, 15, 0, 0, time.UTC),
		"2025-02-27T08:15:00Z": time.Date(2025, 2, 27, 8, 15, 0, 0, time.UTC),
	} {
		got, err := ParseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-5m", "2030-01-01 00:00"} {
		if _, err := ParseSince(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"https://example.com/h", "http://127.0.0.1:8787/webhooks"} {
		if err := CheckURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "example.com/h", "ftp://example.com", "https://", "https://user:pw@example.com/h", "/relative"} {
		if CheckURL(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

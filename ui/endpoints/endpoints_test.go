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
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

type fake struct {
	eps []api.Endpoint
	err error
}

func (f *fake) ListEndpoints(context.Context) ([]api.Endpoint, error) { return f.eps, f.err }

func newPane(f Lister) *Model {
	ctx := &common.Context{Theme: theme.Default(), Keys: keys.Default(), Clock: time.Now, Now: time.Now()}
	m := New(ctx, context.Background(), f, time.Second)
	m.SetSize(70, 4)
	m.SetFocused(true)
	return m
}

func TestPaneListsEndpoints(t *testing.T) {
	f := &fake{eps: []api.Endpoint{
		{ID: "ep_1", URL: "https://hooks.example.com/a", EventTypes: []string{"task.completed"}, RateLimit: 5},
		{ID: "ep_2", URL: "http://localhost:4000/h\x1b[2J", Disabled: true},
	}}
	m := newPane(f)
	msg := m.Init()().(common.PaneMsg)
	_, next := m.Update(msg.Msg)
	if next == nil {
		t.Fatal("no refresh scheduled")
	}
	raw := m.View()
	if strings.Contains(raw, "\x1b[2J") {
		t.Fatal("an endpoint URL from the API reaches the screen unclean")
	}
	v := ansi.Strip(raw)
	for _, want := range []string{"▸ ● hooks.example.com/a", "task.completed · 5/s", "○ http://localhost:4000/h", "disabled"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	m.Update(keyDown())
	if v := ansi.Strip(m.View()); !strings.Contains(v, "▸ ○") {
		t.Errorf("j does not move the selection:\n%s", v)
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
	if next != nil {
		t.Error("retrying a route the API does not offer")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "does not offer") {
		t.Errorf("view:\n%s", v)
	}
}

func keyDown() tea.KeyPressMsg { return tea.KeyPressMsg{Code: 'j', Text: "j"} }

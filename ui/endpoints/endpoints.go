// Package endpoints is the webhook endpoints pane: the endpoints the API
// lists, refreshed on an interval, read-only. Creating, editing and testing
// endpoints come with the webhook issue; this pane is their place.
package endpoints

import (
	"context"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// Lister is the part of api.Client the pane uses.
type Lister interface {
	ListEndpoints(ctx context.Context) ([]api.Endpoint, error)
}

// ListedMsg is a finished fetch.
type ListedMsg struct {
	Endpoints []api.Endpoint
	Err       error
}

// RefreshMsg asks for the next fetch.
type RefreshMsg struct{}

// Model is the endpoints pane.
type Model struct {
	ctx     *common.Context
	base    context.Context
	client  Lister
	every   time.Duration
	items   []api.Endpoint
	err     error
	loaded  bool
	offered bool // false once the API says it has no such route
	at      time.Time
	cur     common.Cursor
	w, h    int
	focused bool
}

// New returns the pane; client may be nil (no API: the pane says so).
func New(ctx *common.Context, base context.Context, client Lister, every time.Duration) *Model {
	return &Model{ctx: ctx, base: base, client: client, every: every, offered: true}
}

// Init starts the first fetch.
func (m *Model) Init() tea.Cmd { return m.fetch() }

func (m *Model) fetch() tea.Cmd {
	if m.client == nil {
		return nil
	}
	c, base := m.client, m.base
	return common.Tag(common.Endpoints, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, 15*time.Second)
		defer cancel()
		eps, err := c.ListEndpoints(ctx)
		return ListedMsg{Endpoints: eps, Err: err}
	})
}

// Endpoints is what the pane shows, for the deliveries pane's labels.
func (m *Model) Endpoints() []api.Endpoint { return m.items }

// SetFocused implements common.Focusable.
func (m *Model) SetFocused(f bool) { m.focused = f }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.cur.Clamp(len(m.items), m.h)
}

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case ListedMsg:
		m.at = m.ctx.Now
		if msg.Err != nil {
			m.err = msg.Err
			if api.IsNotOffered(msg.Err) || api.IsUnauthorized(msg.Err) {
				m.offered = false
				return m, nil
			}
		} else {
			m.items, m.err, m.loaded = msg.Endpoints, nil, true
			m.cur.Clamp(len(m.items), m.h)
		}
		return m, common.Tag(common.Endpoints, tea.Tick(m.every, func(time.Time) tea.Msg { return RefreshMsg{} }))
	case RefreshMsg:
		return m, m.fetch()
	case tea.KeyPressMsg:
		m.cur.Key(m.ctx.Keys, msg, len(m.items), m.h)
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		y := 0
		if c, ok := msg.(tea.MouseClickMsg); ok {
			y = c.Y
		}
		m.cur.Mouse(msg, y, len(m.items), m.h)
	}
	return m, nil
}

// Title implements common.Pane.
func (m *Model) Title() string {
	if !m.loaded {
		return "Endpoints"
	}
	return "Endpoints " + common.Count(len(m.items))
}

// View implements common.Pane.
func (m *Model) View() string {
	th := m.ctx.Theme
	var lines []string
	switch {
	case m.client == nil && !m.loaded:
		lines = wrap(th.MutedStyle.Render("No API client: endpoints are not listed."), m.w)
	case m.err != nil && !m.offered:
		lines = wrap(th.WarnStyle.Render("Endpoints are not listed: "+m.err.Error()), m.w)
	case m.err != nil && !m.loaded:
		lines = wrap(th.ErrorStyle.Render("Could not list endpoints: ")+api.Clean(m.err.Error())+th.MutedStyle.Render(" (retrying every "+m.every.String()+")"), m.w)
	case !m.loaded:
		lines = []string{th.MutedStyle.Render(" Listing endpoints…")}
	case len(m.items) == 0:
		lines = wrap(th.MutedStyle.Render("No webhook endpoints yet. An endpoint is created with POST /webhooks/endpoints (see the README)."), m.w)
	default:
		for i := m.cur.Offset; i < len(m.items) && i < m.cur.Offset+m.h; i++ {
			lines = append(lines, m.row(m.items[i], i == m.cur.Pos && m.focused))
		}
		if m.err != nil && len(lines) < m.h {
			lines = append(lines, th.WarnStyle.Render(" last refresh failed: ")+api.Clean(m.err.Error()))
		}
	}
	return strings.Join(common.Lines(strings.Join(lines, "\n"), m.w, m.h), "\n")
}

func (m *Model) row(e api.Endpoint, selected bool) string {
	th := m.ctx.Theme
	mark := "  "
	if selected {
		mark = "▸ "
	}
	state := th.OKStyle.Render("●")
	if e.Disabled {
		state = th.MutedStyle.Render("○")
	}
	types := "all events"
	if len(e.EventTypes) > 0 {
		types = api.Clip(strings.Join(e.EventTypes, ","), max(12, m.w/3))
	}
	extra := types
	if e.RateLimit > 0 {
		extra += " · " + strconv.Itoa(e.RateLimit) + "/s"
	}
	if e.Disabled {
		extra += " · disabled"
	}
	url := trimScheme(api.Clean(e.URL))
	inner := m.w - 4
	uw, xw := common.Width(url), common.Width(extra)
	if uw+2+xw > inner {
		// The URL is what tells endpoints apart: it keeps its room and the
		// details go first.
		return mark + state + " " + common.Clip(url, inner)
	}
	return mark + state + " " + url + common.Spaces(inner-uw-xw) + th.MutedStyle.Render(extra)
}

// trimScheme drops "https://", which every endpoint has and no one needs
// to read; "http://" stays, as a warning of sorts.
func trimScheme(u string) string { return strings.TrimPrefix(u, "https://") }

func wrap(s string, w int) []string {
	if w < 4 {
		return nil
	}
	ls := strings.Split(ansi.Wordwrap(s, w-2, ""), "\n")
	for i, l := range ls {
		ls[i] = " " + l
	}
	return ls
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return nil }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{keys.KeyBindings(m.ctx.Keys.InScope(keys.List)...)}
}

// Package deliveries is the failed deliveries pane: the latest failed
// delivery attempts across the webhook endpoints, refreshed on an interval,
// read-only. Resending and recovering come with the webhook issue; this
// pane is their place.
package deliveries

import (
	"context"
	"errors"
	"sort"
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

// PerEndpoint is how many failed attempts are read per endpoint.
const PerEndpoint = 50

// Lister is the part of api.Client the pane uses.
type Lister interface {
	ListEndpoints(ctx context.Context) ([]api.Endpoint, error)
	ListAttempts(ctx context.Context, q api.AttemptQuery) ([]api.Attempt, error)
}

// ListedMsg is a finished fetch.
type ListedMsg struct {
	Attempts  []api.Attempt
	Endpoints int
	Err       error
}

// RefreshMsg asks for the next fetch.
type RefreshMsg struct{}

// Model is the deliveries pane.
type Model struct {
	ctx     *common.Context
	base    context.Context
	client  Lister
	every   time.Duration
	items   []api.Attempt
	eps     int
	err     error
	loaded  bool
	offered bool
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
	return common.Tag(common.Deliveries, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, 20*time.Second)
		defer cancel()
		return list(ctx, c)
	})
}

// list reads every endpoint's latest failed attempts, newest first. One
// endpoint failing does not hide the others'.
func list(ctx context.Context, c Lister) ListedMsg {
	eps, err := c.ListEndpoints(ctx)
	if err != nil {
		return ListedMsg{Err: err}
	}
	failed := api.AttemptFailed
	var all []api.Attempt
	var errs []error
	for _, ep := range eps {
		as, err := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.ID, Status: &failed, Limit: PerEndpoint, Max: PerEndpoint})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, as...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Timestamp.After(all[j].Timestamp.Time) })
	return ListedMsg{Attempts: all, Endpoints: len(eps), Err: errors.Join(errs...)}
}

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
		m.err = msg.Err
		if msg.Err != nil && (api.IsNotOffered(msg.Err) || api.IsUnauthorized(msg.Err)) {
			m.offered = false
			return m, nil
		}
		if msg.Err == nil || msg.Attempts != nil {
			m.items, m.eps, m.loaded = msg.Attempts, msg.Endpoints, true
			m.cur.Clamp(len(m.items), m.h)
		}
		return m, common.Tag(common.Deliveries, tea.Tick(m.every, func(time.Time) tea.Msg { return RefreshMsg{} }))
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
		return "Failed deliveries"
	}
	return "Failed deliveries " + common.Count(len(m.items))
}

// View implements common.Pane.
func (m *Model) View() string {
	th := m.ctx.Theme
	var lines []string
	switch {
	case m.client == nil && !m.loaded:
		lines = wrap(th.MutedStyle.Render("No API client: deliveries are not listed."), m.w)
	case m.err != nil && !m.offered:
		lines = wrap(th.WarnStyle.Render("Deliveries are not listed: "+m.err.Error()), m.w)
	case m.err != nil && !m.loaded:
		lines = wrap(th.ErrorStyle.Render("Could not list deliveries: ")+api.Clean(m.err.Error())+th.MutedStyle.Render(" (retrying every "+m.every.String()+")"), m.w)
	case !m.loaded:
		lines = []string{th.MutedStyle.Render(" Listing failed deliveries…")}
	case m.eps == 0:
		lines = wrap(th.MutedStyle.Render("No endpoints, so no deliveries."), m.w)
	case len(m.items) == 0:
		lines = wrap(th.OKStyle.Render("✓ ")+th.MutedStyle.Render("No failed deliveries to "+plural(m.eps, "endpoint")+"."), m.w)
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

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return strconv.Itoa(n) + " " + s + "s"
}

func (m *Model) row(a api.Attempt, selected bool) string {
	th := m.ctx.Theme
	mark := "  "
	if selected {
		mark = "▸ "
	}
	code := "no answer"
	if a.ResponseStatusCode > 0 {
		code = strconv.Itoa(a.ResponseStatusCode)
	}
	age := common.PadLeft(common.Age(m.ctx.Now.Sub(a.Timestamp.Time)), 4)
	head := mark + th.MutedStyle.Render(age) + " " + th.ErrorStyle.Render("✗ "+common.Fit(code, 9)) + " "
	msg := common.Short(api.Clean(a.MsgID), 14)
	rest := msg + "  " + th.MutedStyle.Render(strings.TrimPrefix(api.Clean(a.URL), "https://"))
	return head + rest
}

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

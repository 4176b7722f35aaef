// Package endpoints is the webhook endpoints pane: each endpoint's URL,
// description, event types, rate limit and state, with its success rate
// and counts from the stats route, refreshed on an interval. From it the
// user creates an endpoint (its secret shown once, then only masked),
// edits, disables or enables, deletes (after a question naming it), sends
// a test event and recovers every message that failed since a time.
package endpoints

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/health"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// StatsWindow is the window the success rate and counts cover.
const StatsWindow = 24 * time.Hour

// ListedMsg is a finished fetch: the endpoints and, when the stats route
// is offered, each one's stats.
type ListedMsg struct {
	Endpoints []api.Endpoint
	Stats     map[string]api.Stats
	StatsErr  error
	Err       error
}

// Model is the endpoints pane.
type Model struct {
	ctx    *common.Context
	base   context.Context
	client webhooks.Client
	poll   common.Poller

	items        []api.Endpoint
	stats        map[string]api.Stats
	statsErr     error
	statsOffered bool
	// masked holds the masked secret of each endpoint created here: the
	// only form in which a secret outlives its one showing on screen.
	masked map[string]string
	// secrets keeps, in memory only, the secret of each endpoint created
	// here, for re-deliveries from this machine (see webhooks.Secrets).
	secrets  *webhooks.Secrets
	toggling map[string]bool
	health   *health.Model // latency, alerts and failing runs (latency.go)

	dialog dialog
	seq    int // numbers dialogs, so a late answer finds the right one

	err     error
	loaded  bool
	offered bool // false once the API says it has no such route
	cur     common.Cursor
	w, h    int
	focused bool
	actions keys.Actions
}

// KeepSecrets is where the secrets of endpoints created here are kept.
func (m *Model) KeepSecrets(s *webhooks.Secrets) { m.secrets = s }

// New returns the pane; client may be nil (no API: the pane says so).
func New(ctx *common.Context, base context.Context, client webhooks.Client, every time.Duration) *Model {
	m := &Model{ctx: ctx, base: base, client: client, offered: true, statsOffered: true,
		poll: common.Poller{Every: every}, stats: map[string]api.Stats{}, masked: map[string]string{}, toggling: map[string]bool{}}
	m.actions = m.keyActions()
	return m
}

// Init starts the first fetch.
func (m *Model) Init() tea.Cmd { return m.poll.Now(m.fetch()) }

// RefreshNow fetches at once (after an action).
func (m *Model) RefreshNow() tea.Cmd {
	if m.client == nil || !m.offered {
		return nil
	}
	return m.poll.Now(m.fetch())
}

func (m *Model) fetch() tea.Cmd {
	if m.client == nil {
		return nil
	}
	c, base, withStats, since := m.client, m.base, m.statsOffered, m.ctx.Clock().Add(-StatsWindow)
	return common.Tag(common.Endpoints, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, webhooks.CallTimeout)
		defer cancel()
		eps, err := c.ListEndpoints(ctx)
		out := ListedMsg{Endpoints: eps, Err: err}
		if err != nil || !withStats {
			return out
		}
		out.Stats = make(map[string]api.Stats, len(eps))
		var errs []error
		for _, ep := range eps {
			st, err := c.EndpointStats(ctx, ep.ID, since)
			if err != nil {
				if api.IsNotOffered(err) {
					return ListedMsg{Endpoints: eps, StatsErr: err}
				}
				errs = append(errs, err)
				continue
			}
			out.Stats[ep.ID] = st
		}
		out.StatsErr = errors.Join(errs...)
		return out
	})
}

// Endpoints is what the pane shows.
func (m *Model) Endpoints() []api.Endpoint { return m.items }

// SetFocused implements common.Focusable.
func (m *Model) SetFocused(f bool) { m.focused = f }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.cur.Clamp(len(m.items), m.rowsH())
}

// rowsH is how many endpoints show: two lines each.
func (m *Model) rowsH() int { return max(1, m.h/2) }

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case ListedMsg:
		return m, m.listed(msg)
	case common.PollMsg:
		return m, m.poll.Tick(msg, m.fetch())
	case toggledMsg:
		return m, m.toggled(msg)
	case createdMsg:
		// Whatever became of the form, a created endpoint's secret is
		// shown: the API never gives it again.
		if d, ok := m.dialog.(*editDialog); ok && d.ep == nil && d.mine(msg.seq) && msg.err != nil {
			d.fail(msg.err)
			return m, nil
		}
		if msg.err != nil {
			return m, common.Note(common.Error, "could not create the endpoint: "+api.Brief(msg.err))
		}
		return m, m.created(msg)
	case tea.KeyPressMsg:
		if m.dialog != nil {
			return m, m.dialog.key(m, msg)
		}
		return m, m.key(msg)
	case tea.PasteMsg:
		if m.dialog != nil {
			m.dialog.paste(msg.Content)
		}
	case tea.MouseWheelMsg:
		if m.dialog == nil {
			m.cur.Mouse(msg, 0, len(m.items), m.rowsH())
		}
	case tea.MouseClickMsg:
		if m.dialog == nil {
			m.cur.Mouse(msg, msg.Y/2, len(m.items), m.rowsH())
		}
	default:
		if m.dialog != nil {
			return m, m.dialog.result(m, msg)
		}
		return m, lateResult(msg)
	}
	return m, nil
}

func (m *Model) listed(msg ListedMsg) tea.Cmd {
	m.err = msg.Err
	if msg.Err != nil {
		if api.IsNotOffered(msg.Err) {
			m.offered = false
			m.poll.Stop()
			rt := api.RouteByName(api.RouteEndpointList)
			return common.NotOffered("the endpoint list", rt.Method+" "+rt.Path)
		}
		if api.IsUnauthorized(msg.Err) {
			m.offered = false
			m.poll.Stop()
			return nil
		}
		return m.poll.Done(common.Endpoints, msg.Err, m.fetch())
	}
	selected := ""
	if m.cur.Pos < len(m.items) {
		selected = m.items[m.cur.Pos].ID
	}
	m.items, m.loaded = msg.Endpoints, true
	m.cur.Pos = 0
	for i, ep := range m.items {
		if ep.ID == selected {
			m.cur.Pos = i
		}
	}
	m.cur.Clamp(len(m.items), m.rowsH())
	var cmds []tea.Cmd
	m.statsErr = msg.StatsErr
	switch {
	case msg.StatsErr != nil && api.IsNotOffered(msg.StatsErr):
		m.statsOffered = false
		m.stats = map[string]api.Stats{}
		rt := api.RouteByName(api.RouteStats)
		cmds = append(cmds, common.NotOffered("endpoint stats", rt.Method+" "+rt.Path))
	case msg.Stats != nil:
		m.stats = msg.Stats
	}
	cmds = append(cmds, m.poll.Done(common.Endpoints, nil, m.fetch()))
	return tea.Batch(cmds...)
}

// Selected is the selected endpoint.
func (m *Model) Selected() (api.Endpoint, bool) {
	if m.cur.Pos < len(m.items) {
		return m.items[m.cur.Pos], true
	}
	return api.Endpoint{}, false
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if m.cur.Key(&m.ctx.Keys.Moves, msg, len(m.items), m.rowsH()) {
		return nil
	}
	cmd, _ := common.Press(m.actions, msg)
	return cmd
}

// keyActions is the pane's keys and what each does, in the footer's order.
func (m *Model) keyActions() keys.Actions {
	k := m.ctx.Keys
	return keys.Actions{
		{Binding: k.NewEndpoint, Do: func() tea.Cmd {
			if m.client == nil {
				return common.Note(common.Warn, "no API client: nothing can be created")
			}
			m.open(newEditDialog(nil))
			return nil
		}},
		{Binding: k.EditEndpoint, Do: m.onSelected(func(ep api.Endpoint) tea.Cmd {
			if why := unknownSettings(ep); why != "" {
				return common.Note(common.Warn, k.EditEndpoint.Label()+" (edit) is off for this endpoint: "+why)
			}
			m.open(newEditDialog(&ep))
			return nil
		})},
		{Binding: k.ToggleEndpoint, Do: m.onSelected(func(ep api.Endpoint) tea.Cmd {
			if why := unknownSettings(ep); why != "" {
				return common.Note(common.Warn, k.ToggleEndpoint.Label()+" (disable/enable) is off for this endpoint: "+why)
			}
			return m.toggle(ep)
		})},
		{Binding: k.DeleteEndpoint, Do: m.onSelected(func(ep api.Endpoint) tea.Cmd {
			m.open(&deleteDialog{ep: ep})
			return nil
		})},
		{Binding: k.TestEndpoint, Do: m.onSelected(func(ep api.Endpoint) tea.Cmd {
			if ep.Disabled {
				return common.Note(common.Warn, "the endpoint is disabled: "+k.ToggleEndpoint.Label()+" enables it before a test event can reach it")
			}
			m.open(newTestDialog(ep))
			return nil
		})},
		{Binding: k.Recover, Do: m.onSelected(func(ep api.Endpoint) tea.Cmd {
			if ep.Disabled {
				return common.Note(common.Warn, "the endpoint is disabled: "+k.ToggleEndpoint.Label()+" enables it before failed messages can be sent again")
			}
			m.open(newRecoverDialog(ep))
			return nil
		})},
	}
}

// unknownSettings says why an endpoint found without the API listing it
// cannot be edited: its settings were never read, and the update route
// replaces them all, so a save would clear what it did not send.
func unknownSettings(ep api.Endpoint) string {
	if ep.Source == "" || ep.Source == api.SourceListed {
		return ""
	}
	return "it was " + sourceText(ep) + ", not listed by the API, so its settings are unknown and an update (which replaces them all) could clear them"
}

// onSelected is an action on the selected endpoint; without one it says
// how to make one.
func (m *Model) onSelected(do func(api.Endpoint) tea.Cmd) func() tea.Cmd {
	return func() tea.Cmd {
		ep, ok := m.Selected()
		if !ok {
			return common.Note(common.Info, "no endpoint selected; "+m.ctx.Keys.NewEndpoint.Label()+" creates one")
		}
		return do(ep)
	}
}

func (m *Model) open(d dialog) {
	m.seq++
	d.setSeq(m.seq)
	m.dialog = d
}

// close drops the dialog, and with it anything it held (a secret).
func (m *Model) close() { m.dialog = nil }

// Overlay implements common.Overlayer.
func (m *Model) Overlay() *common.Overlay {
	if m.dialog == nil {
		return nil
	}
	return m.dialog.overlay(m)
}

// toggledMsg is the answer to disabling or enabling an endpoint.
type toggledMsg struct {
	ep       api.Endpoint
	disabled bool
	err      error
}

func (m *Model) toggle(ep api.Endpoint) tea.Cmd {
	if m.toggling[ep.ID] {
		return nil
	}
	m.toggling[ep.ID] = true
	c, base := m.client, m.base
	disabled := !ep.Disabled
	in := inOf(ep)
	in.Disabled = &disabled
	return common.Tag(common.Endpoints, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, webhooks.CallTimeout)
		defer cancel()
		_, err := c.UpdateEndpoint(ctx, ep.ID, in)
		return toggledMsg{ep: ep, disabled: disabled, err: err}
	})
}

func (m *Model) toggled(msg toggledMsg) tea.Cmd {
	delete(m.toggling, msg.ep.ID)
	name := webhooks.Label(msg.ep.URL)
	if msg.err != nil {
		return common.Note(common.Error, "could not change "+name+": "+api.Brief(msg.err))
	}
	for i := range m.items {
		if m.items[i].ID == msg.ep.ID {
			m.items[i].Disabled = msg.disabled
		}
	}
	note := "enabled " + name + ": deliveries resume"
	if msg.disabled {
		note = "disabled " + name + ": nothing is delivered to it until it is enabled (" + m.ctx.Keys.ToggleEndpoint.Label() + ")"
	}
	return tea.Batch(common.Note(common.Info, note), common.Refresh)
}

// inOf is an endpoint as the body of an update: every field, as the API
// holds it (PUT replaces the endpoint).
func inOf(ep api.Endpoint) api.EndpointIn {
	in := api.EndpointIn{URL: ep.URL, Description: ep.Description, EventTypes: ep.EventTypes, RateLimit: ep.RateIn(), Version: max(ep.Version, 1)}
	d := ep.Disabled
	in.Disabled = &d
	return in
}

// Title implements common.Pane.
func (m *Model) Title() string {
	if !m.loaded {
		return "Endpoints"
	}
	t := "Endpoints " + common.Count(len(m.items))
	if m.discovered() {
		t += " · discovered (no list route)"
	}
	if m.statsOffered && len(m.stats) > 0 {
		t += " · stats 24h"
	}
	if m.err != nil && !m.poll.Stopped() {
		t += " · retry in " + common.Age(m.poll.Wait())
	}
	return t
}

// View implements common.Pane.
func (m *Model) View() string {
	th := m.ctx.Theme
	lines, unlisted := m.ctx.Unlisted("endpoints", m.w, m.client == nil, m.offered, m.loaded, m.err, &m.poll)
	switch {
	case unlisted: // lines say why
	case !m.loaded:
		lines = []string{th.MutedStyle.Render(" Listing endpoints…")}
	case len(m.items) == 0:
		hint := "No webhook endpoints yet."
		if !m.ctx.ReadOnly {
			hint += " " + m.ctx.Keys.NewEndpoint.Label() + " creates one (focus this pane with " + m.ctx.Keys.NextPane.Label() + ")."
		}
		lines = common.Wrap(th.MutedStyle.Render(hint), m.w)
	default:
		for i := m.cur.Offset; i < len(m.items) && i < m.cur.Offset+m.rowsH(); i++ {
			lines = append(lines, m.rows(m.items[i], i == m.cur.Pos && m.focused)...)
		}
		if room := m.h - len(lines); m.err != nil && room > 0 {
			// What to do comes first, so a narrow pane still shows it.
			why := common.Wrap(th.WarnStyle.Render("last refresh failed: ")+api.Brief(m.err), m.w)
			lines = append(lines, why[:min(room, len(why))]...)
		}
	}
	return strings.Join(common.Lines(strings.Join(lines, "\n"), m.w, m.h), "\n")
}

// discovered reports whether the endpoints shown were found without the
// API listing them (api.Directory), so each row says where it came from.
func (m *Model) discovered() bool {
	for _, e := range m.items {
		if e.Source != "" && e.Source != api.SourceListed {
			return true
		}
	}
	return false
}

// sourceText says where an endpoint the API does not list came from.
func sourceText(e api.Endpoint) string {
	switch e.Source {
	case api.SourceDelivered:
		return "found in its attempts"
	case api.SourceMadeHere:
		return "made in this app"
	case api.SourceConfigured:
		return "from the config's endpoints"
	}
	return ""
}

// rows is an endpoint's two lines: its state, URL and stats; then its
// description, event types, rate limit and masked secret.
func (m *Model) rows(e api.Endpoint, selected bool) []string {
	th := m.ctx.Theme
	mark := " "
	if selected {
		mark = th.AccentStyle.Render("▸")
	}
	state := th.OKStyle.Render("●")
	switch {
	case m.toggling[e.ID]:
		state = th.AccentStyle.Render("◌")
	case e.Disabled:
		state = th.MutedStyle.Render("○")
	}
	if m.alerted(e) {
		state = th.ErrorStyle.Render("⚠")
	}
	inner := m.w - 4
	stats := m.statsText(e, inner >= 100)
	url := e.URL
	if url == "" {
		url = api.Clean(e.ID) + " (its URL shows once a delivery to it is seen)"
	}
	sw := common.Width(stats)
	var first string
	if urlW := inner - sw - 2; sw > 0 && urlW >= 16 {
		fit := webhooks.FitURL(url, urlW)
		first = mark + " " + state + " " + fit + common.Spaces(inner-common.Width(fit)-sw) + stats
	} else {
		// The URL tells endpoints apart: it keeps its room, the stats go.
		first = mark + " " + state + " " + webhooks.FitURL(url, inner)
	}
	muted := th.MutedStyle.Render
	var parts []string
	if src := sourceText(e); src != "" {
		parts = append(parts, th.AccentStyle.Render(src))
	}
	if d := api.Clean(e.Description); d != "" {
		parts = append(parts, muted(m.roomForNote(e, d)))
	}
	if e.Disabled {
		parts = append(parts, th.WarnStyle.Render("disabled"))
	}
	if note := m.disableNote(e); note != "" {
		parts = append(parts, th.WarnStyle.Render(note))
	}
	if s := m.masked[e.ID]; s != "" {
		parts = append(parts, muted("secret "+s))
	}
	if len(e.EventTypes) > 0 || sourceText(e) == "" {
		// An endpoint found without the API listing it has no known types.
		parts = append(parts, muted(typesText(e.EventTypes)))
	}
	if e.RateLimit > 0 {
		parts = append(parts, muted(strconv.Itoa(e.RateLimit)+"/s"))
	}
	second := m.secondLine(e, strings.Join(parts, muted(" · ")))
	return []string{first, second}
}

// statsText is "98.2% ✓1,204 ✗22 ◌3" (in words when long), or "" when
// there are none.
func (m *Model) statsText(e api.Endpoint, long bool) string {
	th := m.ctx.Theme
	st, ok := m.stats[e.ID]
	if !ok || !m.statsOffered {
		return ""
	}
	rate, any := st.SuccessRate()
	var b strings.Builder
	if any {
		pct := strconv.FormatFloat(rate*100, 'f', 1, 64) + "%"
		if rate >= 0.99 {
			b.WriteString(th.OKStyle.Render(pct))
		} else if rate >= 0.9 {
			b.WriteString(th.WarnStyle.Render(pct))
		} else {
			b.WriteString(th.ErrorStyle.Render(pct))
		}
		b.WriteString(" ")
	}
	if long {
		b.WriteString(th.OKStyle.Render("✓ " + common.Count(st.Success) + " delivered"))
		b.WriteString("  " + th.ErrorStyle.Render("✗ "+common.Count(st.Fail)+" failed"))
		b.WriteString("  " + th.MutedStyle.Render("◌ "+common.Count(st.Pending+st.Sending)+" retrying"))
		if st.Canceled > 0 {
			b.WriteString("  " + th.WarnStyle.Render("⊘ "+common.Count(st.Canceled)+" canceled"))
		}
		return b.String()
	}
	b.WriteString(th.OKStyle.Render("✓" + common.Count(st.Success)))
	b.WriteString(" " + th.ErrorStyle.Render("✗"+common.Count(st.Fail)))
	if n := st.Pending + st.Sending; n > 0 {
		b.WriteString(" " + th.MutedStyle.Render("◌"+common.Count(n)))
	}
	return b.String()
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	if m.dialog != nil {
		return keys.KeyBindings(keys.Footer(m.dialog.hints(k)...)...)
	}
	return common.Hints(m.actions)
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	return [][]key.Binding{keys.KeyBindings(k.InScope(keys.List)...), keys.KeyBindings(k.InScope(keys.Endpoints)...)}
}

// Package detail is one task drawn whole: every feature with its state and
// how long it spent in each, the transitions this client saw, and the
// task's JSON, highlighted. It is rebuilt whenever the task changes and once
// a second for the durations, so it updates live while open.
package detail

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// BackMsg asks the root to close the detail.
type BackMsg struct{}

// RawFunc returns the data of the last event applied to a task, as
// received, and that event's id; ok is false when the task came from a
// snapshot or the event is no longer kept.
type RawFunc func(taskID string) (raw []byte, eventID string, ok bool)

// Model is the detail pane.
type Model struct {
	ctx   *common.Context
	store *feed.Store
	raw   RawFunc
	// assets is the dashboard's knowledge of assets (asset.go); nil in
	// tests that give none.
	assets AssetFunc

	id      string
	task    api.Task
	held    bool // the store still holds the task
	view    common.Scroll
	actions keys.Actions
}

// New returns a closed detail pane.
func New(ctx *common.Context, store *feed.Store, raw RawFunc) *Model {
	m := &Model{ctx: ctx, store: store, raw: raw}
	m.actions = keys.Actions{
		{Binding: ctx.Keys.Back, Shown: true, Do: func() tea.Cmd { return func() tea.Msg { return BackMsg{} } }},
		{Binding: ctx.Keys.Down, Shown: true},
		{Binding: ctx.Keys.Up, Shown: true},
	}
	return m
}

// Open shows a task.
func (m *Model) Open(id string) {
	m.id, m.view.Offset = id, 0
	m.Refresh()
}

// ID is the task shown.
func (m *Model) ID() string { return m.id }

// SetSize implements common.Pane.
func (m *Model) SetSize(w, h int) {
	m.view.SetSize(w, h)
	m.Refresh()
}

// Refresh rebuilds the content from the store; a task the store dropped
// keeps its last known content, marked as such.
func (m *Model) Refresh() {
	if m.id == "" {
		return
	}
	if t, ok := m.store.Task(m.id); ok {
		m.task, m.held = t, true
	} else {
		m.held = false
	}
	m.view.SetLines(m.build())
}

// Title implements common.Pane.
func (m *Model) Title() string {
	return "Task " + common.Short(api.Clean(m.id), 8) + " · esc back"
}

func (m *Model) build() []string {
	th := m.ctx.Theme
	now := m.ctx.ServerNow() // the task's times are the server's
	t := m.task
	w := max(m.view.W, 20)
	var out []string
	add := func(s string) { out = append(out, common.Fit(s, w)) }
	heading := func(s string) { add(""); add(" " + th.Bold.Render(s)) }
	label := func(s string) string { return th.MutedStyle.Render(common.Fit(s, 9)) }

	o := t.Overall()
	add(" " + label("task") + api.Clean(t.ID) + "   " + theme.OverallGlyph(o) + " " + string(o))
	m.assetLines(t, add, label)
	if t.UserID != "" {
		add(" " + label("user") + api.Clean(t.UserID))
	}
	add(" " + label("created") + stamp(t.Created.Time, now) + "   " + th.MutedStyle.Render("updated ") + stamp(t.Updated.Time, now))
	if !m.held {
		add(" " + th.WarnStyle.Render("The store no longer holds this task (finished tasks beyond the limit are dropped); this is its last known state."))
	}

	timeline := m.store.Timeline(m.id)
	heading("Features")
	names := t.FeatureOrder()
	nameW := 14
	for _, n := range names {
		nameW = max(nameW, min(common.Width(api.Clean(n))+2, 24))
	}
	for _, n := range names {
		f := t.Features[n]
		st := th.StateLipgloss(f.State)
		cell := st.Render(common.Fit(theme.Glyph(f.State, m.ctx.Frame)+" "+theme.Word(f.State, false), 14))
		add("   " + common.Fit(api.Clean(n), nameW) + cell + " " + common.Fit(m.since(n, f.State, timeline, t), 12) + " " + m.path(n, timeline, t))
	}
	if len(names) == 0 {
		add("   " + th.MutedStyle.Render("This task lists no features."))
	}

	heading("Timeline")
	if len(timeline) == 0 {
		add("   " + th.MutedStyle.Render("No transitions seen yet."))
	}
	for _, tr := range timeline {
		from := string(tr.From)
		if tr.From == "" {
			from = "first seen"
		} else {
			from = theme.Word(tr.From, false)
		}
		at := when(tr)
		seen := ""
		if tr.Source == feed.SourcePolled {
			seen = th.MutedStyle.Render("  (seen by polling: it happened by then)")
		}
		if tr.Source == feed.SourceReplayed {
			seen = th.MutedStyle.Render("  (while you were away)")
		}
		add("   " + th.MutedStyle.Render(at.Local().Format("15:04:05.000")) + "  " + common.Fit(api.Clean(tr.Feature), nameW) +
			th.MutedStyle.Render(from+" → ") + th.StateLipgloss(tr.To).Render(theme.Word(tr.To, false)) + seen)
	}

	src, how := m.json()
	heading("JSON " + th.MutedStyle.Render(how))
	for _, l := range highlight(th, src) {
		add("   " + l)
	}
	return out
}

// json is the task's JSON, pretty-printed: as received in its last event
// when that is kept (unknown fields and all), else as decoded.
func (m *Model) json() (string, string) {
	if m.raw != nil {
		if raw, evID, ok := m.raw(m.id); ok {
			var env struct {
				Data struct {
					Task json.RawMessage `json:"task"`
				} `json:"data"`
			}
			var buf bytes.Buffer
			if json.Unmarshal(raw, &env) == nil && len(env.Data.Task) > 0 && json.Indent(&buf, env.Data.Task, "", "  ") == nil {
				return api.CleanBlock(buf.String()), "as received in event " + api.Clip(evID, 40)
			}
		}
	}
	b, err := json.MarshalIndent(m.task, "", "  ")
	if err != nil {
		return err.Error(), ""
	}
	return api.CleanBlock(string(b)), "as decoded (from a snapshot, or the event is no longer kept)"
}

func when(tr feed.Transition) time.Time {
	if !tr.At.IsZero() {
		return tr.At
	}
	return tr.Seen
}

// segments are the states a feature went through with when each began.
type segment struct {
	state api.State
	at    time.Time
	lower bool // began no later than at: first seen already in it
	local bool // at is this machine's clock (the task had no `updated`), not the server's
}

func segments(name string, timeline []feed.Transition, t api.Task) []segment {
	var out []segment
	for _, tr := range timeline {
		if tr.Feature != name {
			continue
		}
		at := when(tr)
		out = append(out, segment{state: tr.To, at: at, lower: tr.From == "" && !at.Equal(t.Created.Time), local: tr.At.IsZero()})
	}
	return out
}

// since says how long the feature has been in its state ("for 12s" while
// pending, "2m ago" once final).
func (m *Model) since(name string, s api.State, timeline []feed.Transition, t api.Task) string {
	segs := segments(name, timeline, t)
	if len(segs) == 0 {
		return ""
	}
	last := segs[len(segs)-1]
	now := m.ctx.ServerNow()
	if last.local {
		now = m.ctx.Now
	}
	d := now.Sub(last.at)
	prefix := ""
	if last.lower {
		prefix = "≥"
	}
	if s.Pending() {
		return "for " + prefix + common.Duration(d)
	}
	return common.Duration(d) + " ago"
}

// path is the states the feature went through before its current one,
// and how long each took.
func (m *Model) path(name string, timeline []feed.Transition, t api.Task) string {
	segs := segments(name, timeline, t)
	var parts []string
	for i := 0; i+1 < len(segs); i++ {
		prefix := ""
		if segs[i].lower {
			prefix = "≥"
		}
		parts = append(parts, theme.Word(segs[i].state, false)+" "+prefix+common.Duration(segs[i+1].at.Sub(segs[i].at)))
	}
	if len(parts) == 0 {
		return ""
	}
	return m.ctx.Theme.MutedStyle.Render(strings.Join(parts, " → ") + " →")
}

func stamp(t, now time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Local().Format("15:04:05") + " (" + common.Age(now.Sub(t)) + " ago)"
}

// View implements common.Pane.
func (m *Model) View() string { return m.view.View() }

// Lines is the whole content, for tests.
func (m *Model) Lines() []string { return m.view.Lines }

// Update implements common.Pane.
func (m *Model) Update(msg tea.Msg) (common.Pane, tea.Cmd) {
	return m, m.view.Input(msg, &m.ctx.Keys.Moves, m.actions)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return common.Hints(m.actions) }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{keys.KeyBindings(m.ctx.Keys.InScope(keys.List)...)}
}

package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/feed/record"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/eventlog"
	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// ReplayReason is why the actions that change something are off in a
// replay: it is what pressing one says.
const ReplayReason = "a replay sends nothing anywhere"

// replayBarH is the position bar's height, below the dashboard.
const replayBarH = 2

// Replay is the dashboard on a recording (aspect-tui replay): the root
// model drawn above a position bar, fed from a record.Player instead of
// the network. The store is the player's, so a seek shows the grid, panes
// and timelines exactly as they were at that moment.
type Replay struct {
	m     *Model
	p     *record.Player
	hooks *replayHooks

	speed  float64 // recording seconds per second; 0: as fast as it goes
	paused bool
	// While playing, the recording's clock is clock0 + (wall now - wall0) * speed.
	clock0, wall0 time.Time
	wall          func() time.Time
	gen           int // ticks of an older play are dropped

	end     time.Time // the last record's time
	actions keys.Actions
	prompt  *string // the time being typed, while the go-to prompt is open
	note    string  // the bar's last message
}

type replayTickMsg struct{ gen int }

// NewReplay builds the dashboard on p. speed is the recording's seconds
// per second (1: its own timing), 0 as fast as it goes. o's read-only
// flag, store, clock and webhook client are the replay's.
func NewReplay(o Options, p *record.Player, speed float64) (*Replay, error) {
	r := &Replay{p: p, speed: speed, wall: time.Now, hooks: &replayHooks{}}
	r.end = p.Header().Started
	if p.Len() > 0 {
		r.end = p.At(p.Len() - 1)
	}
	o.ReadOnly = true
	o.Store = p.Store()
	o.Clock = r.now
	o.Hooks = r.hooks
	o.Client, o.Batches, o.FeedErr = nil, nil, nil
	if o.APIURL == "" {
		o.APIURL = p.Header().APIURL
	}
	if o.Label == "" {
		o.Label = "replay"
	}
	m, err := New(o)
	if err != nil {
		return nil, err
	}
	r.m = m
	m.ctx.Keys.SetOffReason(ReplayReason)
	if err := r.bindKeys(); err != nil {
		return nil, err
	}
	m.grid.SetEmptyText("No tasks at this point of the recording.")
	if p.Pos() != 0 {
		if err := r.seek(0); err != nil {
			return nil, err
		}
	}
	r.wall0, r.clock0 = r.wall(), p.Clock()
	return r, nil
}

// Player is the recording being replayed (for tests).
func (r *Replay) Player() *record.Player { return r.p }

// Dashboard is the dashboard drawn above the bar (for tests).
func (r *Replay) Dashboard() *Model { return r.m }

// now is the recording's clock: the dashboard's ages and countdowns read it.
func (r *Replay) now() time.Time {
	if r.paused || r.speed == 0 || r.wall0.IsZero() {
		return r.p.Clock()
	}
	t := r.clock0.Add(time.Duration(float64(r.wall().Sub(r.wall0)) * r.speed))
	if t.After(r.end) {
		t = r.end
	}
	return t
}

func (r *Replay) bindKeys() error {
	type row struct {
		b  keys.Binding
		do func() tea.Cmd
	}
	done := func(f func()) func() tea.Cmd { return func() tea.Cmd { f(); return nil } }
	rows := []row{
		{keys.Binding{Name: "replay_pause", Keys: []string{"space"}, Desc: "replay: pause or play", Hint: "pause/play", Footer: true}, r.togglePause},
		{keys.Binding{Name: "replay_back", Keys: []string{","}, Desc: "replay: one event back", Hint: "step"}, done(func() { r.seekTo(r.p.Pos() - 1) })},
		{keys.Binding{Name: "replay_forward", Keys: []string{"."}, Desc: "replay: one event forward"}, done(func() { r.seekTo(r.p.Pos() + 1) })},
		{keys.Binding{Name: "replay_minute_back", Keys: []string{"["}, Desc: "replay: a minute back", Hint: "±1 min"}, done(func() { r.seekTo(r.p.Index(r.now().Add(-time.Minute))) })},
		{keys.Binding{Name: "replay_minute_forward", Keys: []string{"]"}, Desc: "replay: a minute forward"}, done(func() { r.seekTo(r.p.Index(r.now().Add(time.Minute))) })},
		{keys.Binding{Name: "replay_prev_failure", Keys: []string{"{"}, Desc: "replay: the failure before (✗ on the bar)", Hint: "failures"}, done(func() { r.failure(-1) })},
		{keys.Binding{Name: "replay_next_failure", Keys: []string{"}"}, Desc: "replay: the next failure"}, done(func() { r.failure(1) })},
		{keys.Binding{Name: "replay_go_to", Keys: []string{":"}, Desc: "replay: go to a time you type (15:04:05, +2m, -30s, or RFC 3339)", Hint: "go to"}, done(func() { s := ""; r.prompt = &s })},
	}
	for _, row := range rows {
		b := row.b
		b.Scope = keys.Global
		if err := r.m.ctx.Keys.Add(&b, false); err != nil {
			return err
		}
		r.actions = append(r.actions, keys.Action{Binding: &b, Do: row.do})
	}
	return nil
}

// Init starts the dashboard and the play.
func (r *Replay) Init() tea.Cmd {
	return tea.Batch(r.m.Init(), r.play())
}

func (r *Replay) play() tea.Cmd {
	r.gen++
	gen := r.gen
	if r.paused {
		return nil
	}
	wait := time.Duration(0)
	if r.speed > 0 && r.p.Pos() < r.p.Len() {
		next := r.p.At(r.p.Pos())
		wait = time.Duration(float64(next.Sub(r.now())) / r.speed)
		// Wake at least a few times a second: the bar's clock moves.
		wait = max(0, min(wait, 250*time.Millisecond))
	}
	return tea.Tick(wait, func(time.Time) tea.Msg { return replayTickMsg{gen: gen} })
}

// Update plays on each tick, answers the replay's keys and hands the rest
// to the dashboard.
func (r *Replay) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case replayTickMsg:
		if msg.gen != r.gen || r.paused {
			return r, nil
		}
		return r, tea.Batch(r.advance(), r.play())
	case tea.WindowSizeMsg:
		msg.Height = max(0, msg.Height-replayBarH)
		_, cmd := r.m.Update(msg)
		return r, cmd
	case tea.KeyPressMsg:
		if cmd, ok := r.key(msg); ok {
			return r, cmd
		}
	}
	_, cmd := r.m.Update(msg)
	return r, cmd
}

func (r *Replay) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if r.prompt != nil {
		switch msg.String() {
		case "esc":
			r.prompt = nil
		case "enter":
			text := *r.prompt
			r.prompt = nil
			t, err := r.parseTime(text)
			if err != nil {
				r.note = err.Error()
				return nil, true
			}
			r.seekTo(r.p.Index(t))
		case "backspace":
			if s := *r.prompt; s != "" {
				*r.prompt = s[:len(s)-1]
			}
		case "ctrl+c":
			return nil, false
		default:
			if t := msg.Text; t != "" && len(*r.prompt) < 40 {
				*r.prompt += t
			}
		}
		return nil, true
	}
	m := r.m
	if m.overlayPane() != nil || (m.focus == common.Tasks && m.grid.Editing()) || m.chrome.ShowHelp {
		return nil, false
	}
	return common.Press(r.actions, msg)
}

func (r *Replay) togglePause() tea.Cmd {
	if r.paused {
		if r.p.Pos() >= r.p.Len() {
			r.note = "at the end of the recording: go back first"
			return nil
		}
		r.paused = false
		r.wall0, r.clock0 = r.wall(), r.p.Clock()
		r.note = ""
		return r.play()
	}
	r.clock0 = r.now()
	r.paused = true
	r.gen++
	return nil
}

// advance applies the records due by now: at speed max, as many as take
// about a frame.
func (r *Replay) advance() tea.Cmd {
	var cmds []tea.Cmd
	due := r.now()
	start := r.wall()
	for n := 0; r.p.Pos() < r.p.Len(); n++ {
		if r.speed > 0 && r.p.At(r.p.Pos()).After(due) {
			break
		}
		if r.speed == 0 && n%64 == 63 && r.wall().Sub(start) > 30*time.Millisecond {
			break
		}
		cmd, err := r.step()
		if err != nil {
			r.stop(err.Error())
			return tea.Batch(cmds...)
		}
		cmds = append(cmds, cmd)
	}
	if r.p.Pos() >= r.p.Len() {
		r.stop(r.endNote())
	}
	return tea.Batch(cmds...)
}

func (r *Replay) endNote() string {
	if err := r.p.Err(); err != nil {
		return "the recording was read up to here: " + err.Error()
	}
	return "end of the recording"
}

func (r *Replay) stop(note string) {
	r.clock0 = r.p.Clock()
	r.paused = true
	r.gen++
	r.note = note
}

// step applies the next record as the live dashboard applies what it
// receives.
func (r *Replay) step() (tea.Cmd, error) {
	st, err := r.p.Next()
	if err != nil {
		return nil, err
	}
	m := r.m
	m.ctx.Now = st.At
	var cmd tea.Cmd
	if st.Batch != nil {
		cmd = m.applyBatch(st.Batch)
	}
	if st.Tasks != nil {
		m.refetched(refetchedMsg{tasks: st.Tasks})
	}
	r.p.Advance()
	if st.Hooks != nil && st.Hooks.Conn == nil {
		r.hooks.set(st.Hooks)
		cmd = tea.Batch(cmd, common.Refresh)
	}
	return cmd, nil
}

// seekTo goes to position pos, keeping the play going if it was.
func (r *Replay) seekTo(pos int) tea.Cmd {
	pos = max(0, min(pos, r.p.Len()))
	if err := r.seek(pos); err != nil {
		r.note = err.Error()
		return nil
	}
	r.note = ""
	r.wall0, r.clock0 = r.wall(), r.p.Clock()
	return tea.Batch(common.Refresh, r.play())
}

// seek brings the store to pos and the dashboard up to date with it.
func (r *Replay) seek(pos int) error {
	m := r.m
	before := m.store.IDs()
	if err := r.p.Seek(pos); err != nil {
		return err
	}
	after := m.store.IDs()
	have := make(map[string]bool, len(after))
	for _, id := range after {
		have[id] = true
	}
	var removed []string
	for _, id := range before {
		if !have[id] {
			removed = append(removed, id)
		}
	}
	m.raw.reset()
	// The log lists what was skipped or unknown as it was played: after a
	// seek it starts again from there.
	m.log = eventlog.New(m.ctx)
	m.panes[common.Log] = m.log
	m.ctx.Now = r.p.Clock()
	m.grid.Apply(after, removed)
	m.afterChange(after, removed)
	m.layout()
	hs, err := r.p.HooksAt(pos, 64)
	r.hooks.reset()
	conn := feed.ConnState{Phase: feed.PhaseConnecting}
	for _, h := range hs {
		if h.Conn != nil {
			conn = *h.Conn
		}
		r.hooks.set(h)
	}
	m.status.SetConn(conn)
	m.grid.SetEmptyText("No tasks at this point of the recording.")
	return err
}

// failure jumps to the failure after (dir 1) or before (dir -1) where the
// play is.
func (r *Replay) failure(dir int) {
	fs := r.p.Failures()
	pos := r.p.Pos() // the store holds records [0, pos): the one at pos-1 was applied last
	target := -1
	if dir > 0 {
		for _, f := range fs {
			if f+1 > pos {
				target = f + 1
				break
			}
		}
	} else {
		for i := len(fs) - 1; i >= 0; i-- {
			if fs[i]+1 < pos {
				target = fs[i] + 1
				break
			}
		}
	}
	if target < 0 {
		r.note = "no failure " + map[bool]string{true: "after", false: "before"}[dir > 0] + " this point"
		return
	}
	r.seekTo(target)
	r.paused, r.gen = true, r.gen+1
	r.note = fmt.Sprintf("a task failed here (failure %d of %d); space plays on", indexOf(fs, target-1)+1, len(fs))
}

func indexOf(xs []int, x int) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// parseTime reads the go-to prompt: a clock time on the recording's
// first day (15:04 or 15:04:05, UTC), an offset from now (+2m, -30s), or
// RFC 3339.
func (r *Replay) parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("no time typed")
	}
	if s[0] == '+' || s[0] == '-' {
		d, err := time.ParseDuration(s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is no offset (try +2m or -30s)", s)
		}
		return r.now().Add(d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	start := r.p.Header().Started.UTC()
	if start.IsZero() && r.p.Len() > 0 {
		start = r.p.At(0).UTC()
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if c, err := time.Parse(layout, s); err == nil {
			t := time.Date(start.Year(), start.Month(), start.Day(), c.Hour(), c.Minute(), c.Second(), 0, time.UTC)
			if t.Before(start.Add(-time.Minute)) {
				t = t.Add(24 * time.Hour)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is no time (try 15:04:05 UTC, +2m, or RFC 3339)", s)
}

// View draws the dashboard and the bar below it.
func (r *Replay) View() tea.View {
	v := r.m.View()
	if r.m.w == 0 || r.m.quitting {
		return v
	}
	v.SetContent(v.Content + "\n" + r.bar(r.m.w))
	return v
}

// reset forgets every task's raw event: after a seek they may be from
// another moment.
func (c *rawCache) reset() {
	clear(c.m)
	for i := range c.ring {
		c.ring[i].id, c.ring[i].seq = "", 0
	}
	c.next = 0
}

// Package listen is the screen of `aspect-tui listen` on a terminal: a live
// list of every request the local receiver answered (verified or refused,
// with the handler's answer when forwarding), and the detail of one: why it
// was refused and what to check, the received signatures beside the ones
// each secret computes, the headers, the body pretty-printed, and what the
// handler said. It is the root model of its own tea.Program.
//
// Deliveries reach the model as one message per frame at most (source.go);
// the list keeps a bounded number of them (list.go). model.go holds the
// model and its routing, view.go the layout, detail.go the detail's lines.
package listen

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// The smallest window the listen screen draws in; below it, it says so (and the
// receiver keeps answering).
const (
	MinWidth  = 80
	MinHeight = 20
)

// Receiver is what the listen screen uses of listen.Receiver.
type Receiver interface {
	Take(ctx context.Context, max int) ([]listen.Request, bool)
	TakeNow(max int) []listen.Request
	URL() string
	Secrets() []string // masked
	ForwardURL() string
	Stats() listen.Stats
	Warnings() []string
	Resend(ctx context.Context, d listen.Request) (listen.ForwardResult, error)
	SendEdited(ctx context.Context, d listen.Request, body []byte, newID bool) (listen.ForwardResult, string, error)
	Sign(d listen.Request, id string, at time.Time, body []byte) (string, error)
}

// Options configure the listen screen.
type Options struct {
	Receiver Receiver
	// Context bounds replays; it defaults to Background.
	Context context.Context
	Theme   map[string]string // the config file's [theme]
	Keys    map[string]string // the config file's [keys]
	NoColor bool
	Dark    *bool // the background, when known; otherwise asked of the terminal
	Clock   func() time.Time
	// Limit is how many requests the list keeps (DefaultLimit); BodyBudget
	// how many bytes of their bodies (DefaultBodyBudget).
	Limit      int
	BodyBudget int64
	// ExportDir is where exports are written ("" the current directory).
	ExportDir string
	// Editor is the command that edits a body to resend ($EDITOR); empty,
	// an inline editor does.
	Editor string
}

// counts are the session's tallies; clearing the list keeps them.
type counts struct {
	received, verified, refused, fwdOK, fwdFailed, repeats int
}

// Model is the root model.
type Model struct {
	opts  Options
	rx    Receiver
	ctx   *common.Context
	keys  *Keys
	list  *list
	paint *paints

	inDetail bool // keys go to the detail (narrow: the detail fills the body)
	editing  bool // typing a filter
	chrome   common.Chrome
	det      detailView

	// The keys and what each does (actions.go): global ones first, then
	// the list's or the detail's, or the filter line's while typing.
	global, listActions, detailActions, editActions keys.Actions

	// What the receiver says of itself, read once: it does not change.
	url, forward string
	secretList   []string // masked
	warnings     []string // sanitized

	counts counts
	busy   int64 // requests answered 503 because the screen did not take them in time
	closed bool  // the receiver stopped

	notice   string
	noticeID int

	marked *entry      // the left side of the next comparison
	cmp    *comparison // shown instead of the detail, when open
	cmpN   int         // comparisons opened
	edit   *editState  // an edit to resend, while it is open

	w, h     int
	quitting bool
}

// detailView is the detail's lines, built for one request at one width
// and theme, and the scroll position.
type detailView struct {
	seq     int
	cmp     int // the comparison shown, 0 none
	th      *theme.Theme
	w       int
	replays int
	common.Scroll
}

// Check validates the parts of Options a user writes (theme colours and
// key overrides), so the command can refuse them before the program
// starts.
func Check(o Options) error {
	if err := theme.Validate(o.Theme); err != nil {
		return err
	}
	_, err := NewKeys(o.Keys)
	return err
}

// New builds the listen screen for a receiver that is listening.
func New(o Options) (*Model, error) {
	if o.Receiver == nil {
		return nil, errors.New("listen screen: no receiver")
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Limit <= 0 {
		o.Limit = DefaultLimit
	}
	if o.BodyBudget <= 0 {
		o.BodyBudget = DefaultBodyBudget
	}
	chrome, th, err := common.NewChrome("aspect-tui listen", MinWidth, MinHeight, o.Theme, o.NoColor, o.Dark)
	if err != nil {
		return nil, err
	}
	k, err := NewKeys(o.Keys)
	if err != nil {
		return nil, err
	}
	forward := api.Clean(o.Receiver.ForwardURL())
	if forward == "" {
		k.Replay.Disabled = "no --forward-to"
		k.Edit.Disabled = "no --forward-to"
	}
	m := &Model{
		opts:   o,
		rx:     o.Receiver,
		ctx:    &common.Context{Theme: th, Keys: k.Map, Clock: o.Clock, Now: o.Clock()},
		keys:   k,
		list:   newList(o.Limit, o.BodyBudget),
		chrome: chrome,

		url:        api.Clean(o.Receiver.URL()),
		forward:    forward,
		secretList: o.Receiver.Secrets(),
	}
	m.paint = paintsFor(th)
	m.bindActions()
	for _, w := range o.Receiver.Warnings() {
		m.warnings = append(m.warnings, api.Clean(w))
	}
	return m, nil
}

// Init starts reading deliveries and asks the terminal for its background.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{waitDeliveries(m.takeCtx(), m.rx, time.Time{})}
	if m.opts.Dark == nil {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// Messages the model makes for itself.
type (
	replayedMsg struct {
		seq int
		at  time.Time
		res listen.ForwardResult
		err error
	}
	noticeDoneMsg struct{ id int }
)

// Update routes messages; the work is in the methods it calls.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.ctx.Now = m.ctx.Clock()
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		if m.chrome.SetDark(m.ctx, msg.IsDark()) {
			m.paint = paintsFor(m.ctx.Theme)
		}
	case deliveriesMsg:
		cmd = m.arrived(msg)
	case replayedMsg:
		cmd = m.replayed(msg)
	case editorDoneMsg:
		cmd = m.editorDone(msg)
	case editSentMsg:
		cmd = m.editSent(msg)
	case exportedMsg:
		cmd = m.say(msg.text)
	case noticeDoneMsg:
		if msg.id == m.noticeID {
			m.notice = ""
		}
	case tea.KeyPressMsg:
		cmd = m.key(msg)
	case tea.MouseMsg:
		m.mouse(msg)
	case tea.PasteMsg:
		if m.edit != nil && m.edit.inline != nil {
			ta, c := m.edit.inline.Update(msg)
			m.edit.inline, cmd = &ta, c
		} else if m.editing {
			m.typeText(msg.Content)
		}
	}
	m.syncDetail()
	return m, cmd
}

// Quitting reports whether the user asked to quit.
func (m *Model) Quitting() bool { return m.quitting }

func (m *Model) arrived(msg deliveriesMsg) tea.Cmd {
	for i := range msg.ds {
		d := &msg.ds[i]
		m.counts.received++
		if d.Verified {
			m.counts.verified++
		} else {
			m.counts.refused++
		}
		if f := d.Forward; f != nil {
			if f.Status != 0 && okStatus(f.Status) {
				m.counts.fwdOK++
			} else {
				m.counts.fwdFailed++
			}
		}
		if d.DuplicateOf > 0 {
			m.counts.repeats++
		}
	}
	m.list.hold = m.inDetail
	m.list.add(msg.ds)
	for _, d := range msg.ds {
		d.Done() // stored: its sender may have its answer
	}
	m.busy = m.rx.Stats().Busy
	if msg.closed {
		m.closed = true
		return nil
	}
	return waitDeliveries(m.takeCtx(), m.rx, time.Now())
}

func (m *Model) takeCtx() context.Context {
	if m.opts.Context != nil {
		return m.opts.Context
	}
	return context.Background()
}

// say shows a notice in the footer for a few seconds.
func (m *Model) say(s string) tea.Cmd {
	m.noticeID++
	m.notice = s
	id := m.noticeID
	return tea.Tick(5*time.Second, func(time.Time) tea.Msg { return noticeDoneMsg{id: id} })
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	return tea.Quit
}

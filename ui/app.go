// Package ui is the dashboard: the root model that lays out the panes
// (grid, detail, event log, endpoints, deliveries), routes messages to them
// and draws the header, footer and overlays. app.go holds the model and
// Init, panes.go the table of panes, update.go the routing, keys.go the
// root's own keys, focus.go focus, zoom and dialogs, navigate.go what the
// main area shows and the way back, view.go the layout, names.go the
// tasks' asset names and the account.
//
// The task store is owned by the Bubble Tea update loop: batches from the
// feed arrive as messages (one per frame at most) and are applied in
// Update; Cmds never touch the store.
package ui

import (
	"bytes"
	"context"
	"net/url"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/feed/assets"
	"github.com/aspect-hq/aspect-tui/ui/attempt"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/compare"
	"github.com/aspect-hq/aspect-tui/ui/deliveries"
	"github.com/aspect-hq/aspect-tui/ui/detail"
	"github.com/aspect-hq/aspect-tui/ui/endpoints"
	"github.com/aspect-hq/aspect-tui/ui/eventlog"
	"github.com/aspect-hq/aspect-tui/ui/grid"
	"github.com/aspect-hq/aspect-tui/ui/health"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/statusbar"
	"github.com/aspect-hq/aspect-tui/ui/taskhooks"
	"github.com/aspect-hq/aspect-tui/ui/theme"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// The smallest window the dashboard draws in; below it, it says so.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Options configure the dashboard.
type Options struct {
	// Context bounds the dashboard's API calls; it defaults to Background.
	Context context.Context
	// Client lists endpoints and deliveries, acts on them, and fetches
	// tasks a resync missed; nil in tests (nothing is fetched).
	Client *api.Client
	// Hooks, when set, is what the webhook panes call instead of Client
	// (tests put a fake or a recorder here).
	Hooks webhooks.Client
	// Batches is the live feed (feed.Feed.Batches); nil in tests, which
	// send batches as messages.
	Batches <-chan feed.Batch
	// First is the feed's first batch, taken by the caller (after
	// feed.Feed.Ready): the first frame shows its tasks.
	First *feed.Batch
	// FeedErr says why the feed stopped once Batches is closed
	// (feed.Feed.Wait).
	FeedErr func() error
	// Skipped is the API client's report of fields it could not read
	// (api.WithSkipReport); each distinct one is logged once.
	Skipped <-chan api.FieldSkip
	// Store holds the tasks; nil makes a new one.
	Store *feed.Store
	// OnRefetched, if set, sees the tasks fetched one by one after a
	// resync missed them, as they are applied (the dashboard's --record).
	OnRefetched func(tasks []api.Task)

	APIURL   string
	Label    string            // shown in the header, e.g. "demo"
	Theme    map[string]string // the config file's [theme]
	Keys     map[string]string // the config file's [keys]
	ReadOnly bool
	// NoAnimation draws processing with a still glyph: the screen changes
	// only when a task or an age does.
	NoAnimation bool
	// EndpointSecrets (the config's [endpoint_secrets], by endpoint id) and
	// WebhookSecret (ASPECT_WEBHOOK_SECRET) sign re-deliveries from this
	// machine where the API has no resend route.
	EndpointSecrets map[string]string
	WebhookSecret   string
	Refresh         time.Duration // how often endpoints and deliveries refresh (default 5 s)
	ExportDir       string        // where exports are written (--export-dir; "" is the current directory)
	NoColor         bool
	Dark            *bool // the background, when known; otherwise asked of the terminal
	Clock           func() time.Time
	// Marked, when set, receives the store's mark (the last event
	// applied) after each batch with events, to be kept for the next
	// start's resume. It must not block.
	Marked func(feed.Mark)
	// AlertFailShare and AlertWindow raise an alert when an endpoint
	// fails that share of its messages over the window (zero: 0.2 and 10
	// minutes; see health.Model.Share); Notify is how the terminal is told
	// (DetectNotify).
	AlertFailShare float64
	AlertWindow    time.Duration
	Notify         Notify
	// TimeScale is the speed of the Svix the API runs (the demo's
	// simulator runs its schedule faster); zero is Svix's own.
	TimeScale float64
	// Account is the key's account as GET /users/me answered before the
	// dashboard started (nil: not known); TokensWarn the balance under
	// which the header warns (0: the default).
	Account    *api.User
	TokensWarn int64
	// Columns are the grid's optional columns (nil: all, with names);
	// Index limits the grid to one index, by name or id (the config's).
	Columns *grid.Columns
	Index   string
}

// Model is the root model.
type Model struct {
	opts  Options
	ctx   *common.Context
	store *feed.Store
	raw   *rawCache

	caught *feed.PanicError // a panic caught off the program's goroutine (in Refetch), for Caught
	first  tea.Cmd          // what applying Options.First asked for, run by Init

	// panes is every pane of the table in panes.go, by PaneID; the root
	// calls these by name.
	panes      []common.Pane
	grid       *grid.Model
	detail     *detail.Model
	log        *eventlog.Model
	endpoints  *endpoints.Model
	deliveries *deliveries.Model
	attempt    *attempt.Model
	hooks      *taskhooks.Model
	compare    *compare.Model
	exporter   *webhooks.Exporter
	resend     *webhooks.Resender
	secrets    *webhooks.Secrets
	status     *statusbar.Model
	health     *health.Model // the endpoints' health and alerts (alerts.go)
	names      names         // naming tasks by their assets (names.go)

	main  common.PaneID            // the pane the main area shows: the grid, or a view opened over it
	side  [areaCount]common.PaneID // the pane each side area shows
	focus common.PaneID            // the pane that gets keys: main or a side pane
	// zoom gives the focused side pane the whole body.
	zoom bool
	// from is where each view in the main area was opened from, so esc
	// goes back there.
	from []place

	chrome  common.Chrome // too small, help, theme
	helpH   int
	actions keys.Actions // the root's own keys (keys.go)

	w, h       int
	rects      [areaCount]rect  // where each area is; zero when not on screen
	boxes      [areaCount]boxed // each area's box as last drawn (boxOf)
	joined     bytes.Buffer     // the screen being joined, its memory kept (screen)
	lastScreen string           // the screen joined last

	quitting bool

	// skew estimates the server's clock from the events' timestamps.
	skew skewEstimator

	// hintsCache keeps the footer's hints line: it changes with focus,
	// not with frames, and drawing it styles every hint.
	hintsCache struct {
		theme *theme.Theme
		w     int
		key   string
		line  string
	}
}

// Check validates the parts of Options a user writes (theme colours and
// key overrides), so the command can refuse them before the program
// starts.
func Check(o Options) error {
	if err := theme.Validate(o.Theme); err != nil {
		return err
	}
	_, err := keys.New(o.Keys, o.ReadOnly)
	return err
}

// Caught is the first panic the dashboard caught outside its own event
// loop and carried on after (a fetch's), or nil. Read it once the program
// has ended: the command turns it into a crash report.
func (m *Model) Caught() *feed.PanicError { return m.caught }

// New builds the dashboard.
func New(o Options) (*Model, error) {
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Refresh <= 0 {
		o.Refresh = 5 * time.Second
	}
	if o.Store == nil {
		o.Store = feed.NewStore(feed.StoreOptions{Now: o.Clock})
	}
	chrome, th, err := common.NewChrome("aspect-tui", MinWidth, MinHeight, o.Theme, o.NoColor, o.Dark)
	if err != nil {
		return nil, err
	}
	km, err := keys.New(o.Keys, o.ReadOnly)
	if err != nil {
		return nil, err
	}
	ctx := &common.Context{Theme: th, Keys: km, ReadOnly: o.ReadOnly, Clock: o.Clock, Now: o.Clock(), APIURL: o.APIURL}
	m := &Model{
		opts:   o,
		ctx:    ctx,
		store:  o.Store,
		raw:    newRawCache(rawKeep),
		main:   common.Tasks,
		focus:  common.Tasks,
		chrome: chrome,
		status: statusbar.New(ctx),
	}
	// A nil *api.Client must become a nil interface, not an interface
	// holding nil, for the panes to know there is no API.
	hooks := o.Hooks
	if hooks == nil && o.Client != nil {
		hooks = o.Client
	}
	m.secrets = webhooks.NewSecrets(o.EndpointSecrets, o.WebhookSecret)
	m.resend = webhooks.NewResender(ctx, o.Context, hooks)
	m.resend.UseSecrets(m.secrets)
	m.health = newHealth(o)
	m.exporter = webhooks.NewExporter(m.secrets, o.ExportDir, o.Context, hooks)
	m.buildPanes(hooks)
	m.names.book = assets.NewBook(0, 0)
	m.names.inbox = &assetInbox{}
	m.detail.SetAssets(m.assetOf)
	m.ctx.AssetName = m.assetName
	m.status.SetAccount(o.Account, o.TokensWarn)
	if o.Columns != nil {
		m.grid.SetColumns(*o.Columns)
	}
	if o.Index != "" {
		m.grid.FilterIndex(o.Index)
	}
	m.actions = m.rootActions()
	m.grid.SetEmptyText(m.emptyText())
	m.setFocus(common.Tasks)
	if o.First != nil {
		m.first = m.applyBatch(o.First)
		m.opts.First = nil // the store has it now; a snapshot is big
	}
	return m, nil
}

// Init starts the feed reader, the clock and the first fetches, and asks
// the terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.first, m.waitBatch(), m.nextTick(), m.waitSkip(), m.initNames()}
	for _, row := range panes {
		if row.init != nil {
			cmds = append(cmds, row.init(m))
		}
	}
	if m.opts.Dark == nil {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

func (m *Model) emptyText() string {
	switch m.status.Conn().Phase {
	case feed.PhaseLive:
		return "No tasks yet: the API lists none active, and no event has arrived. New tasks appear here as they start."
	case feed.PhasePolling:
		return "No tasks yet: GET /tasks/active lists none. There is no live stream, so the grid polls it; new tasks appear within one poll."
	case feed.PhaseStopped:
		return "No tasks: the feed stopped (see the status line)."
	}
	if m.opts.APIURL != "" {
		return "Connecting to " + api.Clean(m.opts.APIURL) + "…"
	}
	return "Waiting for the feed…"
}

func (m *Model) host() string {
	u, err := url.Parse(m.opts.APIURL)
	if err != nil || u.Host == "" {
		return api.Clean(m.opts.APIURL)
	}
	return api.Clean(u.Host)
}

// Quitting reports whether the user asked to quit (for tests).
func (m *Model) Quitting() bool { return m.quitting }

// rawKeep is how many tasks' last raw event the detail view can show as
// received; older ones fall back to the decoded task.
const rawKeep = 4096

type rawEntry struct {
	raw     []byte
	eventID string
	seq     uint64
}

// rawCache keeps the last applied event's data for recently changed tasks.
type rawCache struct {
	m    map[string]rawEntry
	ring []struct {
		id  string
		seq uint64
	}
	next int
	seq  uint64
}

func newRawCache(n int) *rawCache {
	// The map grows as events come: sized for n at once, it cost a
	// millisecond and a half of every start.
	c := &rawCache{m: map[string]rawEntry{}}
	c.ring = make([]struct {
		id  string
		seq uint64
	}, n)
	return c
}

func (c *rawCache) put(id string, raw []byte, eventID string) {
	c.seq++
	slot := &c.ring[c.next]
	if e, ok := c.m[slot.id]; ok && e.seq == slot.seq {
		delete(c.m, slot.id)
	}
	slot.id, slot.seq = id, c.seq
	c.next = (c.next + 1) % len(c.ring)
	c.m[id] = rawEntry{raw: raw, eventID: eventID, seq: c.seq}
}

func (c *rawCache) drop(id string) { delete(c.m, id) }

func (c *rawCache) get(id string) ([]byte, string, bool) {
	e, ok := c.m[id]
	return e.raw, e.eventID, ok
}

// Package health is what the dashboard knows of each webhook endpoint's
// health from the attempts it already reads: its failure share over the
// alert window, its latency over the last hour, its unbroken run of
// failures and when Svix will disable it for that, and the alerts these
// raise and clear. It holds data only; the panes draw it.
package health

import (
	"slices"
	"strconv"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// Defaults of the alert settings.
const (
	DefaultFailShare = 0.2
	DefaultWindow    = 10 * time.Minute
	// LatencyWindow is the span latency figures cover.
	LatencyWindow = time.Hour
	// WarnBefore is how close to Svix's disabling an endpoint must come
	// for an alert (a day, at the schedule's speed).
	WarnBefore = 24 * time.Hour
)

// Config is how alerts are raised.
type Config struct {
	FailShare float64       // share of failing messages over Window that raises an alert (see Share)
	Window    time.Duration // the span the share covers
	// Schedule is Svix's rules at the API's speed (the demo's simulator
	// runs them faster).
	Schedule api.Schedule
}

// Kind is what an alert is about.
type Kind int

// The alerts.
const (
	FailShare   Kind = iota // the failure share crossed the threshold
	NearDisable             // within a day of Svix disabling the endpoint
	Disabled                // the endpoint became disabled after failing
)

// Alert is one raised alert.
type Alert struct {
	Kind     Kind
	Endpoint string // its id
	URL      string
	Raised   time.Time
	Text     string // one line, for the status line and the notification
}

type key struct {
	ep   string
	kind Kind
}

// Model is the endpoints' health.
type Model struct {
	cfg   Config
	eps   []api.Endpoint
	seen  map[string][]api.Attempt // each endpoint's newest attempts
	whole map[string]bool          // seen holds the endpoint's whole history
	on    map[key]Alert
	// enabled is when an endpoint seen disabled was seen enabled again:
	// Svix counts its five days afresh from there.
	enabled map[string]time.Time
	// failing caches Failing until the next Observe: panes ask for it on
	// every frame.
	failing map[string]failingRun
}

type failingRun struct {
	f  api.Failing
	ok bool
}

// New returns an empty model; zero settings take the defaults.
func New(cfg Config) *Model {
	if cfg.FailShare <= 0 {
		cfg.FailShare = DefaultFailShare
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	return &Model{cfg: cfg, seen: map[string][]api.Attempt{}, whole: map[string]bool{}, on: map[key]Alert{}, enabled: map[string]time.Time{}}
}

// Schedule is Svix's rules as this dashboard forecasts with them.
func (m *Model) Schedule() api.Schedule { return m.cfg.Schedule }

// Observe records a refresh: the endpoints and each one's newest attempts
// (of any status; whole says they are its every attempt). It returns the
// alerts it raised and those it cleared; an alert stays raised, and is not
// raised again, until its endpoint recovers.
func (m *Model) Observe(now time.Time, eps []api.Endpoint, attempts map[string][]api.Attempt, whole map[string]bool) (raised, cleared []Alert) {
	for _, ep := range eps {
		if !ep.Disabled && m.wasDisabled(ep.ID) {
			m.enabled[ep.ID] = now
		}
	}
	m.eps = eps
	m.seen, m.whole = attempts, whole
	m.failing = map[string]failingRun{}
	want := map[key]Alert{}
	for _, ep := range eps {
		for _, a := range m.judge(now, ep) {
			want[key{ep.ID, a.Kind}] = a
		}
	}
	for k, a := range want {
		if was, ok := m.on[k]; ok {
			a.Raised = was.Raised // the figures move; the alert is the same
			m.on[k] = a
			continue
		}
		m.on[k] = a
		raised = append(raised, a)
	}
	for k, a := range m.on {
		if _, ok := want[k]; !ok {
			delete(m.on, k)
			cleared = append(cleared, a)
		}
	}
	order := func(a, b Alert) int { return cmpAlert(a, b) }
	slices.SortFunc(raised, order)
	slices.SortFunc(cleared, order)
	return raised, cleared
}

func cmpAlert(a, b Alert) int {
	if a.Endpoint != b.Endpoint {
		if a.Endpoint < b.Endpoint {
			return -1
		}
		return 1
	}
	return int(a.Kind) - int(b.Kind)
}

// Active is the alerts raised now, the most serious first.
func (m *Model) Active() []Alert {
	out := make([]Alert, 0, len(m.on))
	for _, a := range m.on {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Alert) int {
		if a.Kind != b.Kind {
			return int(b.Kind) - int(a.Kind)
		}
		return cmpAlert(a, b)
	})
	return out
}

// AlertsOf is the alerts raised now about one endpoint.
func (m *Model) AlertsOf(epID string) []Alert {
	var out []Alert
	for _, a := range m.Active() {
		if a.Endpoint == epID {
			out = append(out, a)
		}
	}
	return out
}

// judge is the alerts an endpoint deserves now.
func (m *Model) judge(now time.Time, ep api.Endpoint) []Alert {
	var out []Alert
	name := webhooks.Label(ep.URL)
	if name == "" {
		name = api.Clean(ep.ID)
	}
	alert := func(k Kind, text string) {
		out = append(out, Alert{Kind: k, Endpoint: ep.ID, URL: ep.URL, Raised: now, Text: text})
	}
	failing, isFailing := m.Failing(ep.ID)
	switch {
	case ep.Disabled && isFailing:
		// Disabled while failing: Svix's doing, or the user's; either way
		// nothing reaches it.
		alert(Disabled, name+" is disabled after failing since "+failing.Since.Local().Format("Jan 2 15:04")+": nothing is delivered to it")
	case !ep.Disabled && isFailing:
		left := m.cfg.Schedule.DisableAt(failing).Sub(now)
		if left <= m.cfg.Schedule.Scaled(WarnBefore) {
			verb := " will be "
			if left <= 0 {
				verb = " is "
			}
			alert(NearDisable, name+verb+DisableText(left, failing.AtLeast))
		}
	}
	if ep.Disabled {
		return out
	}
	failed, total := m.Share(ep.ID, now)
	switch {
	case failed > 0 && float64(failed) >= m.cfg.FailShare*float64(total):
		pct := strconv.Itoa(int(float64(failed)*100/float64(total)+0.5)) + "%"
		alert(FailShare, name+" failing "+pct+" of its messages ("+strconv.Itoa(failed)+" of "+strconv.Itoa(total)+") in the last "+Span(m.cfg.Window))
	case !m.delivering(ep.ID):
		// Below the threshold, or nothing tried lately: an alert already
		// raised stays until a delivery succeeds.
		if a, on := m.on[key{ep.ID, FailShare}]; on {
			out = append(out, a)
		}
	}
	return out
}

// delivering reports whether an endpoint's newest attempt that finished
// succeeded.
func (m *Model) delivering(epID string) bool {
	newest, ok := newestDone(m.seen[epID])
	return ok && newest.Status == api.AttemptSuccess
}

// Share is how many of the messages tried on an endpoint within the
// alert window it keeps refusing, of how many: a message counts as
// failing when its newest attempt failed and so did one before it. A first
// failure alone does not count, since Svix tries again 5 s later: an
// endpoint that fails now and then, and takes each message on the retry,
// is not raising alarms.
func (m *Model) Share(epID string, now time.Time) (failing, total int) {
	from := now.Add(-m.cfg.Window)
	type msgState struct {
		tried    bool // an attempt finished within the window
		fails    int
		newest   api.Attempt
		finished bool
	}
	msgs := map[string]*msgState{}
	for _, a := range m.seen[epID] {
		if a.FromHere || (a.Status != api.AttemptSuccess && a.Status != api.AttemptFailed) || a.Timestamp.After(now) {
			continue
		}
		s := msgs[a.MsgID]
		if s == nil {
			s = &msgState{}
			msgs[a.MsgID] = s
		}
		if !a.Timestamp.Before(from) {
			s.tried = true
		}
		if a.Status == api.AttemptFailed {
			s.fails++
		}
		if !s.finished || a.Timestamp.After(s.newest.Timestamp.Time) {
			s.newest, s.finished = a, true
		}
	}
	for _, s := range msgs {
		if !s.tried {
			continue
		}
		total++
		if s.newest.Status == api.AttemptFailed && s.fails >= 2 {
			failing++
		}
	}
	return failing, total
}

func newestDone(as []api.Attempt) (api.Attempt, bool) {
	var out api.Attempt
	ok := false
	for _, a := range as {
		if a.FromHere || (a.Status != api.AttemptSuccess && a.Status != api.AttemptFailed) {
			continue
		}
		if !ok || a.Timestamp.After(out.Timestamp.Time) {
			out, ok = a, true
		}
	}
	return out, ok
}

func (m *Model) wasDisabled(epID string) bool {
	for _, ep := range m.eps {
		if ep.ID == epID {
			return ep.Disabled
		}
	}
	return false
}

// Failing is an endpoint's unbroken run of failures, when it is in one
// (since it was last enabled, when this dashboard saw that).
func (m *Model) Failing(epID string) (api.Failing, bool) {
	if r, ok := m.failing[epID]; ok {
		return r.f, r.ok
	}
	as, whole := m.seen[epID], m.whole[epID]
	if t, ok := m.enabled[epID]; ok {
		as = slices.DeleteFunc(slices.Clone(as), func(a api.Attempt) bool { return a.Timestamp.Before(t) })
		whole = true
	}
	var r failingRun
	r.f, r.ok = api.FailingSince(as, whole)
	if m.failing != nil {
		m.failing[epID] = r
	}
	return r.f, r.ok
}

// Attempts is every attempt seen of one endpoint, as the last refresh
// read them.
func (m *Model) Attempts(epID string) []api.Attempt { return m.seen[epID] }

// Pair is every attempt seen of one message to one endpoint.
func (m *Model) Pair(p webhooks.Pair) []api.Attempt {
	var out []api.Attempt
	for _, a := range m.seen[p.Endpoint] {
		if a.MsgID == p.Msg {
			out = append(out, a)
		}
	}
	return out
}

// DisableText is "disabled in 4d 3h unless a delivery succeeds" (or "by",
// when the run of failures may have begun before the attempts read).
func DisableText(left time.Duration, atLeast bool) string {
	if left <= 0 {
		return "due to be disabled now (five days of failures), unless a delivery succeeds"
	}
	word := "in"
	if atLeast {
		word = "in at most"
	}
	return "disabled " + word + " " + Span(left) + " unless a delivery succeeds"
}

// Span is a duration in its two largest units: "4d 3h", "2h 05m", "25m",
// "40s".
func Span(d time.Duration) string {
	d = d.Round(time.Second)
	day := 24 * time.Hour
	switch {
	case d >= day:
		s := strconv.Itoa(int(d/day)) + "d"
		if h := (d % day) / time.Hour; h > 0 {
			s += " " + strconv.Itoa(int(h)) + "h"
		}
		return s
	case d >= time.Hour:
		s := strconv.Itoa(int(d/time.Hour)) + "h"
		if mm := (d % time.Hour) / time.Minute; mm > 0 {
			s += " " + pad2(int(mm)) + "m"
		}
		return s
	case d >= time.Minute:
		s := strconv.Itoa(int(d/time.Minute)) + "m"
		if sec := (d % time.Minute) / time.Second; sec > 0 && d < 10*time.Minute {
			s += " " + pad2(int(sec)) + "s"
		}
		return s
	}
	return strconv.Itoa(int(d/time.Second)) + "s"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

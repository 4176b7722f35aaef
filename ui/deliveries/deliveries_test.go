package deliveries

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
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

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// fake answers the routes the pane lists; calling any other panics
// through the nil embedded interface, which is the point.
type fake struct {
	webhooks.Client
	mu      sync.Mutex
	eps     []api.Endpoint
	byEp    map[string][]api.Attempt
	byMsg   map[string][]api.Attempt
	msgs    []api.Message
	failEp  string
	queries []api.AttemptQuery
	listErr error
	resends int
}

func (f *fake) ListEndpoints(context.Context) ([]api.Endpoint, error) { return f.eps, f.listErr }

func (f *fake) ListAttempts(_ context.Context, q api.AttemptQuery) ([]api.Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, q)
	if q.MessageID != "" {
		return f.byMsg[q.MessageID], nil
	}
	if q.EndpointID == f.failEp {
		return nil, errors.New("boom")
	}
	var out []api.Attempt
	for _, a := range f.byEp[q.EndpointID] {
		if q.Max > 0 && len(out) == q.Max {
			break
		}
		if q.Status == nil || a.Status == *q.Status {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fake) ListMessages(context.Context, api.MessageQuery) ([]api.Message, error) {
	return f.msgs, nil
}

func (f *fake) Message(_ context.Context, id string) (api.Message, error) {
	for _, m := range f.msgs {
		if m.ID == id {
			return m, nil
		}
	}
	return api.Message{}, &api.Error{Status: 404, Detail: "Message not found"}
}

func (f *fake) Resend(context.Context, string, string) error {
	f.mu.Lock()
	f.resends++
	f.mu.Unlock()
	return nil
}

func at(id string, sec int, code int) api.Attempt {
	st := api.AttemptFailed
	if code >= 200 && code < 300 {
		st = api.AttemptSuccess
	}
	return api.Attempt{ID: id, MsgID: "msg_" + id, EndpointID: "ep_a", Status: st, ResponseStatusCode: code, URL: "https://h.example/" + id,
		ResponseDurationMs: 120, Timestamp: api.Time{Time: t0.Add(time.Duration(sec) * time.Second)}}
}

func TestListMergesEndpointsNewestFirst(t *testing.T) {
	f := &fake{
		eps:  []api.Endpoint{{ID: "ep_a"}, {ID: "ep_b"}, {ID: "ep_c"}},
		byEp: map[string][]api.Attempt{"ep_a": {at("a1", 5, 500), at("a2", 1, 0)}, "ep_b": {at("b1", 3, 404)}},
	}
	f.failEp = "ep_c"
	got := list(context.Background(), f, false, nil, nil)
	webhooks.NewestFirst(got.Attempts)
	var ids []string
	for _, a := range got.Attempts {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != "a1,b1,a2" {
		t.Fatalf("order %v", ids)
	}
	if got.Err == nil || !strings.Contains(got.Err.Error(), "boom") {
		t.Fatalf("one endpoint failing should be reported: %v", got.Err)
	}
	failedQueries := 0
	for _, q := range f.queries {
		if q.Status != nil && *q.Status == api.AttemptFailed && q.Max == PerEndpoint {
			failedQueries++
		}
	}
	if failedQueries != 3 {
		t.Fatalf("%d queries for failed attempts, want one per endpoint: %+v", failedQueries, f.queries)
	}
}

type harness struct {
	t   *testing.T
	m   *Model
	ctx *common.Context
	now time.Time
}

func newPane(t *testing.T, f webhooks.Client, w, h int) *harness {
	hs := &harness{t: t, now: t0.Add(time.Minute)}
	hs.ctx = &common.Context{Theme: theme.Default(), Keys: keys.Default(), Clock: func() time.Time { return hs.now }, Now: hs.now}
	rs := webhooks.NewResender(hs.ctx, context.Background(), f)
	hs.m = New(hs.ctx, context.Background(), f, time.Second, rs)
	hs.m.SetSize(w, h)
	hs.m.SetFocused(true)
	return hs
}

// run runs a Cmd and feeds back what comes of it that belongs to the pane,
// skipping ticks (their time never comes in these tests).
func (h *harness) run(cmd tea.Cmd) []tea.Msg {
	var others []tea.Msg
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(100 * time.Millisecond):
		return nil // a tick
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			others = append(others, h.run(c)...)
		}
	case common.PaneMsg:
		h.ctx.Now = h.now
		_, next := h.m.Update(msg.Msg)
		others = append(others, h.run(next)...)
	case nil:
	default:
		others = append(others, msg)
	}
	return others
}

func (h *harness) press(k string) []tea.Msg {
	h.ctx.Now = h.now
	_, cmd := h.m.Update(uitest.Key(k))
	return h.run(cmd)
}

func (h *harness) view() string { return ansi.Strip(h.m.View()) }

func TestPaneShowsAttemptsWithTheirMessages(t *testing.T) {
	a1, a0 := at("a1", 5, 500), at("a0", 1, 0)
	a0.MsgID = a1.MsgID // a retry of the same message: attempt 2
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{"ep_a": {a1, a0}},
		msgs: []api.Message{{ID: a1.MsgID, EventType: "task.completed", Payload: []byte(`{"data":{"task":{"id":"task-1"}}}`)}}}
	h := newPane(t, f, 100, 6)
	h.run(h.m.Init())
	v := h.view()
	for _, want := range []string{"TIME", "STATUS", "EVENT", "TRIGGER", "ENDPOINT", "12:00:05 ✗ 500", "✗ no answer", "task.completed", "#2", "#1", "scheduled", "h.example/a1", "120ms"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if h.m.Title() != "Failed deliveries 2 · 1 still failing" {
		t.Errorf("title %q", h.m.Title())
	}
	// T asks the root to go to the task the message is about.
	out := h.press("T")
	if len(out) != 1 || out[0] != (webhooks.GoToTaskMsg{TaskID: "task-1"}) {
		t.Fatalf("T gave %#v", out)
	}
	// enter opens the attempt with its message.
	_, cmd := h.m.Update(uitest.Key("enter"))
	open, ok := cmd().(webhooks.OpenAttemptMsg)
	if !ok || open.Attempt.ID != "a1" || open.Message == nil || open.Message.EventType != "task.completed" {
		t.Fatalf("enter gave %#v", open)
	}
}

func TestNewRowsAreMarkedForAWhile(t *testing.T) {
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{"ep_a": {at("a1", 5, 500)}}}
	h := newPane(t, f, 70, 5)
	h.run(h.m.Init())
	if strings.Contains(h.view(), "◆") {
		t.Fatalf("a row there from the start is marked new:\n%s", h.view())
	}
	f.byEp["ep_a"] = []api.Attempt{at("a2", 50, 503), at("a1", 5, 500)}
	h.run(h.m.RefreshNow())
	if v := h.view(); !strings.Contains(v, "◆12:00:50") || strings.Contains(v, "◆12:00:05") {
		t.Fatalf("the new row is not the one marked:\n%s", v)
	}
	h.now = h.now.Add(NewFor + time.Second)
	h.ctx.Now = h.now
	if strings.Contains(h.view(), "◆") {
		t.Fatalf("the mark does not go:\n%s", h.view())
	}
}

func TestAFailureDeliveredSinceIsQuiet(t *testing.T) {
	failed, later := at("a1", 5, 500), at("a2", 10, 204)
	later.MsgID = failed.MsgID
	other := at("b1", 7, 503)
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{"ep_a": {later, other, failed}}}
	h := newPane(t, f, 110, 6)
	h.run(h.m.Init())
	v := h.view()
	if !strings.Contains(v, "THEN") || !strings.Contains(v, "✓ #2") {
		t.Fatalf("the failure delivered on its retry does not say so:\n%s", v)
	}
	if got := h.m.Title(); got != "Failed deliveries 2 · 1 still failing" {
		t.Fatalf("title %q", got)
	}
}

func TestAllShowsEveryAttempt(t *testing.T) {
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{"ep_a": {at("a2", 9, 204), at("a1", 5, 500)}}}
	h := newPane(t, f, 70, 5)
	h.run(h.m.Init())
	if v := h.view(); strings.Contains(v, "✓ 204") || !strings.Contains(v, "✗ 500") {
		t.Fatalf("failed only by default:\n%s", v)
	}
	h.press("a")
	if v := h.view(); !strings.Contains(v, "✓ 204") || !strings.Contains(v, "✗ 500") || !strings.HasPrefix(h.m.Title(), "Deliveries · all 2") {
		t.Fatalf("a shows every attempt (%s):\n%s", h.m.Title(), v)
	}
}

func TestResendSendsOncePerRowInFlight(t *testing.T) {
	a1 := at("a1", 5, 500)
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{"ep_a": {a1}}, byMsg: map[string][]api.Attempt{a1.MsgID: {a1}}}
	h := newPane(t, f, 70, 5)
	h.run(h.m.Init())
	// Two presses before any answer: the second finds the first in flight.
	_, first := h.m.Update(uitest.Key("r"))
	if v := h.view(); !strings.Contains(v, "◌ resending") {
		t.Fatalf("the row does not say it is resending:\n%s", v)
	}
	_, second := h.m.Update(uitest.Key("r"))
	notes := h.run(second)
	if len(notes) != 1 || !strings.Contains(notes[0].(common.NoteMsg).Text, "already resending") {
		t.Fatalf("second press: %#v", notes)
	}
	h.run(first)
	if f.resends != 1 {
		t.Fatalf("%d resends sent, want 1", f.resends)
	}
	// The manual attempt shows: the row has its result and the resend is
	// over, so r sends again.
	manual := at("a9", 70, 204)
	manual.MsgID, manual.TriggerType = a1.MsgID, api.TriggerManual
	f.byMsg[a1.MsgID] = []api.Attempt{manual, a1}
	notes = h.run(h.m.RefreshNow())
	v := h.view()
	if !strings.Contains(v, "✓ 204") || strings.Contains(v, "resending") {
		t.Fatalf("the new attempt does not show with its result:\n%s", v)
	}
	found := false
	for _, n := range notes {
		if nm, ok := n.(common.NoteMsg); ok && strings.Contains(nm.Text, "resent") && strings.Contains(nm.Text, "✓ 204") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no note of the result: %#v", notes)
	}
	// A key repeat right after the attempt came sends nothing; a press a
	// moment later resends again.
	h.m.cur.Pos = 1 // the failed row again
	notes = h.press("r")
	if f.resends != 1 || len(notes) != 1 || !strings.Contains(notes[0].(common.NoteMsg).Text, "just resent") {
		t.Fatalf("a press within the cooldown: %d resends, %#v", f.resends, notes)
	}
	h.now = h.now.Add(webhooks.Cooldown + time.Second)
	h.press("r")
	if f.resends != 2 {
		t.Fatalf("a press after the cooldown: %d resends, want 2", f.resends)
	}
}

func TestPaneStopsWhenTheRouteIsNotOffered(t *testing.T) {
	h := newPane(t, &fake{}, 70, 5)
	notOffered := &api.Error{Route: api.RouteByName(api.RouteEndpointList), Status: 404}
	_, next := h.m.Update(ListedMsg{Err: notOffered})
	if next != nil {
		t.Error("a route the API does not offer is asked again")
	}
	if v := h.view(); !strings.Contains(v, "not listed") {
		t.Errorf("view: %s", v)
	}
}

func TestFailuresBackOff(t *testing.T) {
	h := newPane(t, &fake{}, 70, 5)
	var waits []time.Duration
	for i := 0; i < 4; i++ {
		h.m.poll.Now(func() tea.Msg { return nil })
		h.m.Update(ListedMsg{Err: errors.New("connection refused")})
		waits = append(waits, h.m.poll.Wait())
	}
	if !(waits[3] > waits[0]*3) {
		t.Fatalf("waits after failures do not grow: %v", waits)
	}
	if !strings.Contains(h.m.Title(), "retry in") {
		t.Errorf("title does not say when it tries again: %q", h.m.Title())
	}
	h.m.poll.Now(func() tea.Msg { return nil })
	h.m.Update(ListedMsg{Endpoints: []api.Endpoint{{ID: "ep_a"}}})
	if h.m.poll.Wait() != time.Second {
		t.Fatalf("a success does not bring back the interval: %v", h.m.poll.Wait())
	}
	// A 429 is waited out as asked.
	h.m.poll.Now(func() tea.Msg { return nil })
	h.m.Update(ListedMsg{Err: &api.Error{Route: api.RouteByName(api.RouteEndpointList), Status: 429, RetryAfter: 90 * time.Second}})
	if h.m.poll.Wait() < 90*time.Second {
		t.Fatalf("a 429's Retry-After is not honoured: %v", h.m.poll.Wait())
	}
}

func TestPaneEmptyStates(t *testing.T) {
	h := newPane(t, &fake{}, 70, 5)
	h.m.Update(ListedMsg{})
	if v := h.view(); !strings.Contains(v, "No endpoints, so no deliveries.") {
		t.Errorf("no endpoints: %s", v)
	}
	h.m.Update(ListedMsg{Endpoints: make([]api.Endpoint, 2)})
	if v := h.view(); !strings.Contains(v, "No failed deliveries to 2 endpoints.") {
		t.Errorf("nothing failed: %s", v)
	}
	ctx := &common.Context{Theme: theme.Default(), Keys: keys.Default()}
	nm := New(ctx, context.Background(), nil, time.Second, webhooks.NewResender(ctx, context.Background(), nil))
	nm.SetSize(50, 3)
	if nm.Init() != nil || !strings.Contains(ansi.Strip(nm.View()), "No API client") {
		t.Error("without a client the pane fetches or pretends")
	}
}

func TestUntrustedTextIsCleaned(t *testing.T) {
	a := at("a1", 5, 500)
	a.URL = "https://evil.example/\x1b]52;c;aGk=\x07x"
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{"ep_a": {a}},
		msgs: []api.Message{{ID: a.MsgID, EventType: "task.\x1b[2Jcompleted"}}}
	h := newPane(t, f, 100, 5)
	h.run(h.m.Init())
	raw := h.m.View()
	if strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x1b[2J") {
		t.Fatalf("text from the API reaches the screen unclean: %q", raw)
	}
}

// successes makes n delivered attempts of other messages, newest first,
// at seconds from+n-1 down to from.
func successes(from, n int) []api.Attempt {
	out := make([]api.Attempt, 0, n)
	for i := n - 1; i >= 0; i-- {
		out = append(out, at("ok"+strconv.Itoa(from+i), from+i, 204))
	}
	return out
}

func TestADeliveryStaysKnownAfterItLeavesTheRecentAttempts(t *testing.T) {
	failed, retry := at("f1", 5, 500), at("r1", 6, 204)
	retry.MsgID = failed.MsgID
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{
		"ep_a": append(successes(7, PerEndpoint-1), retry, failed)}}
	h := newPane(t, f, 110, 6)
	h.run(h.m.Init())
	if v := h.view(); !strings.Contains(v, "✓ #2") {
		t.Fatalf("the retry that delivered is not shown:\n%s", v)
	}
	// A busy endpoint: the next refresh's latest attempts no longer reach
	// back to the retry. What the pane saw must not be forgotten.
	f.byEp["ep_a"] = append(successes(1000, PerEndpoint), f.byEp["ep_a"]...)
	h.run(h.m.RefreshNow())
	if v := h.view(); !strings.Contains(v, "✓ #2") {
		t.Fatalf("the delivery was forgotten once it left the recent attempts:\n%s", v)
	}
	if got := h.m.Title(); got != "Failed deliveries 1 · 0 still failing" {
		t.Fatalf("title %q", got)
	}
}

func TestOldFailuresAreCheckedMessageByMessage(t *testing.T) {
	// Two failures older than the latest attempts reach: one was delivered
	// by a retry, the other never.
	delivered, retry := at("f1", 5, 500), at("r1", 6, 204)
	retry.MsgID = delivered.MsgID
	lost := at("f2", 4, 503)
	f := &fake{
		eps:   []api.Endpoint{{ID: "ep_a"}},
		byEp:  map[string][]api.Attempt{"ep_a": append(successes(100, PerEndpoint), retry, delivered, lost)},
		byMsg: map[string][]api.Attempt{delivered.MsgID: {retry, delivered}, lost.MsgID: {lost}},
	}
	h := newPane(t, f, 110, 6)
	h.run(h.m.Init())
	if got := h.m.Title(); got != "Failed deliveries 2 · 0 still failing · 2 checking" {
		t.Fatalf("failures the pane cannot judge yet should be counted as checking, not failing: %q", got)
	}
	if v := h.view(); !strings.Contains(v, "…") {
		t.Fatalf("rows being checked are not marked:\n%s", v)
	}
	h.run(h.m.RefreshNow())
	if got := h.m.Title(); got != "Failed deliveries 2 · 1 still failing" {
		t.Fatalf("after the check: %q", got)
	}
	if v := h.view(); !strings.Contains(v, "✓ #2") {
		t.Fatalf("the checked delivery does not say so:\n%s", v)
	}
	checks := 0
	for _, q := range f.queries {
		if q.MessageID != "" {
			checks++
		}
	}
	h.run(h.m.RefreshNow())
	for _, q := range f.queries {
		if q.MessageID != "" {
			checks--
		}
	}
	if checks != 0 {
		t.Errorf("pairs checked a moment ago were checked again (%d more)", -checks)
	}
}

func TestUnfocusedPaneShowsTheNewestAndFocusedKeepsItsRow(t *testing.T) {
	var rows []api.Attempt
	for i := 20; i >= 1; i-- {
		rows = append(rows, at("a"+strconv.Itoa(i), i, 500))
	}
	f := &fake{eps: []api.Endpoint{{ID: "ep_a"}}, byEp: map[string][]api.Attempt{"ep_a": rows}}
	h := newPane(t, f, 110, 6)
	h.run(h.m.Init())
	h.press("G")
	if sel, _ := h.m.Selected(); sel.ID != "a1" {
		t.Fatalf("G selected %q", sel.ID)
	}
	// Focused: new failures arrive; the selection stays on its attempt and
	// the title says rows are above.
	f.byEp["ep_a"] = append([]api.Attempt{at("a22", 22, 500), at("a21", 21, 500)}, f.byEp["ep_a"]...)
	h.run(h.m.RefreshNow())
	if sel, _ := h.m.Selected(); sel.ID != "a1" {
		t.Fatalf("the selection moved to %q", sel.ID)
	}
	if got := h.m.Title(); !strings.Contains(got, "above") {
		t.Fatalf("title does not say rows are above: %q", got)
	}
	// Unfocused: a live view of the newest.
	h.m.SetFocused(false)
	f.byEp["ep_a"] = append([]api.Attempt{at("a23", 23, 500)}, f.byEp["ep_a"]...)
	h.run(h.m.RefreshNow())
	if v := h.view(); !strings.Contains(v, "12:00:23") {
		t.Fatalf("the newest failure is not in view of an unfocused pane:\n%s", v)
	}
	if got := h.m.Title(); strings.Contains(got, "above") {
		t.Fatalf("title %q", got)
	}
}

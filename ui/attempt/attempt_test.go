package attempt

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func open(t *testing.T, a api.Attempt, msg *api.Message, timeline ...api.Attempt) *Model {
	t.Helper()
	ctx := &common.Context{Theme: theme.Default(), Keys: keys.Default(), Clock: func() time.Time { return t0 }, Now: t0}
	m := New(ctx, context.Background(), nil, time.Second, webhooks.NewResender(ctx, context.Background(), nil))
	m.SetSize(100, 200)
	m.Open(a, msg)
	m.Update(LoadedMsg{seq: m.seq, Timeline: timeline})
	return m
}

func at(id string, sec int, code int, st api.AttemptStatus, body string) api.Attempt {
	return api.Attempt{ID: id, MsgID: "msg_1", EndpointID: "ep_1", URL: "https://h.example/x", Status: st, ResponseStatusCode: code,
		Response: body, ResponseDurationMs: 240, Timestamp: api.Time{Time: t0.Add(time.Duration(sec) * time.Second)}}
}

func TestDetailShowsResponseTimelineAndPayload(t *testing.T) {
	first := at("atmpt_1", -60, 0, api.AttemptFailed, "no answer within 15s (the timeout)")
	second := at("atmpt_2", -55, 500, api.AttemptFailed, `{"detail":"boom"}`)
	third := at("atmpt_3", -5, 204, api.AttemptSuccess, "")
	third.TriggerType = api.TriggerManual
	msg := &api.Message{ID: "msg_1", EventType: "task.failed", Payload: []byte(`{"event_type":"task.failed","data":{"task":{"id":"task-9"}}}`)}
	m := open(t, second, msg, third, first, second)
	v := ansi.Strip(strings.Join(m.Lines(), "\n"))
	for _, want := range []string{
		"✗ 500 · failed · took 240ms · attempt 2 of 3 · scheduled",
		"Response HTTP 500 after 240ms · 17 bytes",
		`"detail": "boom"`,
		"#1  11:59:00  ✗ no answer",
		"#2  11:59:05  ✗ 500",
		"← this one",
		"#3  11:59:55  ✓ 204",
		"manual",
		"task      task-9",
		`"event_type": "task.failed"`,
	} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	// T asks the root for the task.
	_, cmd := m.Update(uitest.Key("T"))
	if got := cmd(); got != (webhooks.GoToTaskMsg{TaskID: "task-9"}) {
		t.Errorf("T gave %#v", got)
	}
}

func TestBodyIsCleanedAndItsCutSaid(t *testing.T) {
	body := "<p>bad</p>\x1b[2J\x1b]52;c;aGk=\x07\r" + strings.Repeat("x", api.MaxResponseBody)
	a := at("atmpt_1", -1, 502, api.AttemptFailed, body[:api.MaxResponseBody])
	m := open(t, a, nil, a)
	raw := strings.Join(m.Lines(), "\n")
	if strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\r") {
		t.Fatal("a response body reaches the screen with control sequences")
	}
	v := ansi.Strip(raw)
	if !strings.Contains(v, "cut at 20 KB by the API") || !strings.Contains(v, "<p>bad</p>") {
		t.Errorf("the cut is not said:\n%s", v[:min(len(v), 2000)])
	}
}

func TestMessageNotFoundIsSaid(t *testing.T) {
	a := at("atmpt_1", -1, 500, api.AttemptFailed, "")
	m := open(t, a, nil, a)
	m.Update(LoadedMsg{seq: m.seq, Timeline: []api.Attempt{a}})
	v := ansi.Strip(strings.Join(m.Lines(), "\n"))
	if !strings.Contains(v, "(empty body)") || !strings.Contains(v, "not found among the latest") {
		t.Errorf("detail:\n%s", v)
	}
	_, cmd := m.Update(uitest.Key("T"))
	if n, ok := cmd().(common.NoteMsg); !ok || !strings.Contains(n.Text, "not found") {
		t.Errorf("T without the message: %#v", n)
	}
}

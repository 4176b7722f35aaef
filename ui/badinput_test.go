package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// An API whose webhook answers are off: a message with no payload, an
// attempt whose status is text, a field of an unexpected type. Each row is
// still shown with what could be read, and each skip is logged once.
func TestBadWebhookAnswersStillShowTheirRows(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	answer := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}
	off := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/webhooks/endpoints":
			answer(w, `[{"id":"ep_odd","url":"https://hooks.example/odd","description":"odd answers","event_types":["task.*"],"rate_limit":"fast"}]`)
		case "/webhooks/delivery-attempts":
			answer(w, `{"data":[
				{"id":"atmpt_text","msg_id":"msg_bare","endpoint_id":"ep_odd","url":"https://hooks.example/odd","status":"fail","response_status_code":503,"response_duration_ms":"slow","trigger_type":0,"timestamp":"2026-12-06T01:00:00Z"}
			],"done":true}`)
		case "/webhooks/messages":
			answer(w, `{"data":[{"id":"msg_bare","event_type":"task.failed","event_id":null,"timestamp":"2026-12-06T00:59:59Z"}],"done":true}`)
		case "/webhooks/endpoints/ep_odd/stats":
			answer(w, `{"success":1,"pending":0,"sending":0,"fail":"many"}`)
		default:
			s.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(off.Close)

	skips := make(chan api.FieldSkip, 64)
	client, err := api.NewClient(off.URL, s.APIKey(), api.WithSkipReport(func(fs api.FieldSkip) { skips <- fs }))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := feed.Start(ctx, client, feed.Options{})
	t.Cleanup(func() { cancel(); f.Wait() })
	dark := true
	m, err := New(Options{Context: ctx, Client: client, APIURL: off.URL, Dark: &dark, Refresh: 200 * time.Millisecond,
		Batches: f.Batches(), FeedErr: f.Wait, Skipped: skips})
	if err != nil {
		t.Fatal(err)
	}
	d := uitest.NewAsync(t, m, 160, 45)
	d.Tick = func() tea.Msg { return tickMsg{} }
	d.Send(tea.WindowSizeMsg{Width: 160, Height: 45})
	d.Run(m.Init())

	// The endpoint with its unreadable rate, the failure with its text
	// status and unreadable latency, the message's event type.
	d.WaitFor("hooks.example/odd", "odd answers", "✗ 503", "task.failed")
	d.Press("tab", "tab", "enter")
	d.WaitFor("Attempt atmpt_text", "the API sent the message without its payload")
	d.Press("L")
	d.WaitFor(`attempts.list: atmpt_text: skipped field "response_dur`, `endpoints.list: ep_odd: skipped field "rate_limit"`)
	if n := strings.Count(d.Text(), `attempts.list: atmpt_text: skipped field`); n != 1 {
		t.Errorf("the latency's skip is logged %d times, want once however often the pane refreshed", n)
	}
}

package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// fakeHooks is a fixed webhook API for golden screens: two endpoints,
// messages about the fleet's tasks, and attempts that failed in the ways
// endpoints fail (a 500 with a JSON body, an HTML 404, no answer at all),
// some delivered on a retry or a resend.
type fakeHooks struct {
	eps      []api.Endpoint
	stats    map[string]api.Stats
	msgs     []api.Message
	attempts []api.Attempt
}

const goldenSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func newFakeHooks() *fakeHooks {
	f := &fakeHooks{stats: map[string]api.Stats{
		"ep_2b8aQ1": {Success: 1204, Fail: 22, Pending: 3},
		"ep_2b8aZ7": {Success: 40},
	}}
	at := func(sec int) api.Time { return api.Time{Time: t0.Add(time.Duration(sec) * time.Second)} }
	f.eps = []api.Endpoint{
		{ID: "ep_2b8aQ1", URL: "https://hooks.example.com/aspect", Description: "Prod listener", EventTypes: []string{"task.completed", "task.failed"}, RateLimit: 10, Version: 1, CreatedAt: at(-86400)},
		{ID: "ep_2b8aZ7", URL: "http://127.0.0.1:4000/webhooks", Description: "laptop", EventTypes: api.EventTypes, Disabled: true, Version: 1, CreatedAt: at(-3600)},
	}
	ts := fleet(24)
	for i, n := range []int{21, 19, 11, 3, 24} {
		t := ts[n-1]
		typ := api.EventTaskFailed
		if n == 24 {
			typ = api.EventTaskCompleted
		}
		env := api.Envelope{Timestamp: at(-300 + i*40), UserID: "usr_1", EventID: fmt.Sprintf("evt_%04d", i), EventType: typ, Data: api.EnvelopeData{Task: &t}}
		payload, _ := json.Marshal(env)
		f.msgs = append(f.msgs, api.Message{ID: fmt.Sprintf("msg_2b8k%02dQbqXw", i), EventType: typ, EventID: env.EventID, Payload: payload, Timestamp: env.Timestamp})
	}
	a := func(id string, msg int, sec, code int, took int64, st api.AttemptStatus, trig api.TriggerType, body string) api.Attempt {
		return api.Attempt{ID: id, MsgID: f.msgs[msg].ID, EndpointID: "ep_2b8aQ1", URL: "https://hooks.example.com/aspect", Status: st,
			ResponseStatusCode: code, Response: body, ResponseDurationMs: took, TriggerType: trig, Timestamp: at(sec)}
	}
	const html = "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
	failed, ok := api.AttemptFailed, api.AttemptSuccess
	s, mn := api.TriggerScheduled, api.TriggerManual
	f.attempts = []api.Attempt{
		a("atmpt_01", 0, -299, 500, 1240, failed, s, `{"detail":"database is locked","request_id":"req_7f3a"}`),
		a("atmpt_02", 0, -294, 500, 1310, failed, s, `{"detail":"database is locked","request_id":"req_7f3b"}`),
		a("atmpt_03", 0, 6, 503, 88, failed, s, "upstream connect error or disconnect/reset before headers\x1b[2J"),
		a("atmpt_04", 1, -259, 0, 15000, failed, s, "no answer within 15s (the timeout)"),
		a("atmpt_05", 1, -254, 204, 95, ok, s, ""),
		a("atmpt_06", 2, -219, 404, 12, failed, s, html),
		a("atmpt_07", 2, -30, 204, 80, ok, mn, ""),
		a("atmpt_08", 3, -179, 0, 3, failed, s, "no answer: dial tcp 10.0.0.7:443: connect: connection refused"),
		a("atmpt_09", 4, -139, 200, 41, ok, s, `{"ok":true}`),
	}
	return f
}

func (f *fakeHooks) ListEndpoints(context.Context) ([]api.Endpoint, error) { return f.eps, nil }

func (f *fakeHooks) CreateEndpoint(_ context.Context, in api.EndpointIn) (api.EndpointCreated, error) {
	ep := api.Endpoint{ID: "ep_2b8aX3", URL: in.URL, Description: in.Description, EventTypes: api.EventTypes, Version: 1}
	if in.RateLimit != nil {
		ep.RateLimit, ep.HasRateLimit = *in.RateLimit, true
	}
	f.eps = append([]api.Endpoint{ep}, f.eps...)
	return api.EndpointCreated{Endpoint: ep, Secret: goldenSecret, App: api.App{ID: "app_1"}}, nil
}

func (f *fakeHooks) UpdateEndpoint(_ context.Context, id string, in api.EndpointIn) (api.Endpoint, error) {
	return api.Endpoint{ID: id, URL: in.URL}, nil
}

func (f *fakeHooks) DeleteEndpoint(context.Context, string) error { return nil }

func (f *fakeHooks) EndpointStats(_ context.Context, id string, _ time.Time) (api.Stats, error) {
	return f.stats[id], nil
}

func (f *fakeHooks) SendTest(context.Context, string, string) (string, error) { return "msg_test", nil }

func (f *fakeHooks) Recover(context.Context, string, time.Time, *time.Time) (api.RecoverOut, error) {
	return api.RecoverOut{ID: "rtsk_1", Status: "running"}, nil
}

func (f *fakeHooks) ListAttempts(_ context.Context, q api.AttemptQuery) ([]api.Attempt, error) {
	var out []api.Attempt
	for _, a := range f.attempts {
		if (q.EndpointID == "" || a.EndpointID == q.EndpointID) && (q.MessageID == "" || a.MsgID == q.MessageID) && (q.Status == nil || a.Status == *q.Status) {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Timestamp.After(out[j].Timestamp.Time) })
	return out, nil
}

func (f *fakeHooks) ListMessages(context.Context, api.MessageQuery) ([]api.Message, error) {
	out := append([]api.Message(nil), f.msgs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Timestamp.After(out[j].Timestamp.Time) })
	return out, nil
}

func (f *fakeHooks) Message(_ context.Context, id string) (api.Message, error) {
	for _, m := range f.msgs {
		if m.ID == id {
			return m, nil
		}
	}
	return api.Message{}, &api.Error{Status: 404, Detail: "Message not found"}
}

func (f *fakeHooks) Resend(context.Context, string, string) error { return nil }

// webhookHarness is the golden dashboard with the fixed webhook API.
func webhookHarness(t *testing.T, w, hh int) *harness {
	h := &harness{t: t, now: t0}
	dark := true
	m, err := New(Options{APIURL: "https://api.aspect.inc", Clock: func() time.Time { return h.now }, Dark: &dark, Hooks: newFakeHooks()})
	if err != nil {
		t.Fatal(err)
	}
	h.drive(m, w, hh)
	h.send(batchMsg{b: feed.Batch{Conn: &feed.ConnState{Phase: feed.PhaseLive, Since: t0.Add(-3 * time.Minute)}}})
	h.send(batchMsg{b: feed.Batch{Resync: fleet(24)}})
	nameAssets(h, 24, 11, 13) // names_test.go
	h.now = t0.Add(30 * time.Second)
	h.Run(m.endpoints.RefreshNow())
	h.Run(m.deliveries.RefreshNow())
	return h
}

// TestGoldenWebhooks compares the webhook screens at 160×45 with
// testdata/TestGoldenWebhooks/*.golden. Regenerate with:
// go test ./ui -run TestGoldenWebhooks -update
func TestGoldenWebhooks(t *testing.T) {
	for _, c := range []struct {
		name string
		keys []string
	}{
		{"dashboard", nil},
		{"endpoints", []string{"tab", "z"}},
		{"deliveries", []string{"tab", "tab", "z"}},
		{"deliveries_all", []string{"tab", "tab", "a", "z"}},
		{"attempt", []string{"tab", "tab", "j", "j", "j", "j", "enter"}},
		{"attempt_no_answer", []string{"tab", "tab", "j", "enter"}},
		{"attempt_html", []string{"tab", "tab", "j", "j", "enter"}},
		{"task_webhooks", []string{"j", "j", "j", "w"}},
		{"new_endpoint", []string{"tab", "n"}},
		{"secret_once", []string{"tab", "n", "text:https://hooks.example.com/staging", "enter"}},
		{"delete", []string{"tab", "D"}},
		{"recover_confirm", []string{"tab", "R", "enter"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := webhookHarness(t, 160, 45)
			for _, k := range c.keys {
				if len(k) > 5 && k[:5] == "text:" {
					h.typeText(k[5:])
					continue
				}
				h.press(k)
			}
			golden.RequireEqual(t, h.screen())
		})
	}
}

// BenchmarkViewDeliveries is a frame with the deliveries pane full: 600
// attempts held, the whole window zoomed onto them.
func BenchmarkViewDeliveries(b *testing.B) {
	h := &harness{t: b, now: t0}
	dark := true
	f := newFakeHooks()
	base := f.attempts
	for i := 0; len(f.attempts) < 600; i++ {
		a := base[i%len(base)]
		a.ID = fmt.Sprintf("atmpt_x%04d", i)
		a.Timestamp = api.Time{Time: a.Timestamp.Add(-time.Duration(i) * time.Minute)}
		f.attempts = append(f.attempts, a)
	}
	m, err := New(Options{APIURL: "https://api.aspect.inc", Clock: func() time.Time { return h.now }, Dark: &dark, Hooks: f})
	if err != nil {
		b.Fatal(err)
	}
	h.drive(m, 160, 45)
	h.Run(m.deliveries.RefreshNow())
	h.press("tab", "tab", "z")
	b.ResetTimer()
	for range b.N {
		m.View()
	}
}

func TestEscGoesBackToWhereTheAttemptWasOpened(t *testing.T) {
	h := webhookHarness(t, 160, 45)
	h.press("tab", "tab", "z", "j", "enter")
	h.must("Attempt atmpt_08", "Response no HTTP answer")
	h.press("esc")
	h.must("Failed deliveries 6 · 2 still failing · z or esc unzooms")
	if a, _ := h.m.deliveries.Selected(); a.ID != "atmpt_08" {
		t.Fatalf("selection moved to %s", a.ID)
	}
	// From the task's webhooks: esc goes back there, then to the grid.
	h.press("esc", "esc", "j", "j", "j", "w")
	h.must("Webhooks about task t0000021")
	h.press("enter")
	h.must("Attempt atmpt_03")
	h.press("esc")
	h.must("Webhooks about task t0000021")
	h.press("esc")
	h.must("Tasks 24")
	h.mustNot("Webhooks about task")
}

package sim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// clientAt is an api.Client for the simulator's state served at base.
func clientAt(t *testing.T, base, key string) *api.Client {
	t.Helper()
	tr := api.NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	c, err := api.NewClient(base, key, api.WithHTTPClient(&http.Client{Transport: tr}), api.WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The client reads the svix profile's answers into the values it reads
// from the full profile: one simulator's state, served in both shapes.
func TestClientReadsSvixAsFull(t *testing.T) {
	s := startPaused(t, Options{Seed: 3, TimeScale: 100_000})
	svixFront, err := s.newFront(ProfileSvix)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svixFront)
	t.Cleanup(srv.Close)
	full, svix := newClient(t, s), clientAt(t, srv.URL, s.APIKey())
	ctx := context.Background()

	ok, failing := newReceiver(t, nil), newReceiver(t, func(int, delivery) (int, string) { return 500, `{"error":"down"}` })
	createEndpoint(t, full, api.EndpointIn{URL: ok.url(), Description: "limited", EventTypes: []string{"task.*"}, RateLimit: ptr(50)})
	createEndpoint(t, full, api.EndpointIn{URL: failing.url(), Description: "failing", EventTypes: []string{"task.completed", "task.progress"}})
	s.CreateTasks(3)
	s.Advance(time.Hour)
	waitSettled(t, s, 10*time.Second)
	s.hooks.mu.Lock()
	s.hooks.attempts.view()[0].a.Status = api.AttemptCanceled
	s.hooks.mu.Unlock()

	same := func(what string, fromFull, fromSvix any) {
		t.Helper()
		if !reflect.DeepEqual(fromFull, fromSvix) {
			t.Errorf("%s:\nfull %+v\nsvix %+v", what, fromFull, fromSvix)
		}
	}
	read := func(what string, c *api.Client) ([]api.Endpoint, []api.Message, map[string][]api.Attempt, map[string]api.Stats) {
		t.Helper()
		eps, err := c.ListEndpoints(ctx)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		msgs, err := c.ListMessages(ctx, api.MessageQuery{})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		atts, stats := map[string][]api.Attempt{}, map[string]api.Stats{}
		for _, ep := range eps {
			list, err := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.ID})
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			legacy, err := c.EndpointDeliveries(ctx, ep.ID, 0)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if !reflect.DeepEqual(list, legacy) {
				t.Errorf("%s: %s's two attempt lists differ", what, ep.ID)
			}
			atts[ep.ID] = list
			if stats[ep.ID], err = c.EndpointStats(ctx, ep.ID, time.Time{}); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		return eps, msgs, atts, stats
	}
	fEps, fMsgs, fAtts, fStats := read("full", full)
	sEps, sMsgs, sAtts, sStats := read("svix", svix)

	if len(fEps) != 2 || !fEps[1].HasRateLimit || fEps[0].HasRateLimit {
		t.Fatalf("full endpoints %+v; want the failing one without a rate, then the limited one with", fEps)
	}
	for i := range fEps {
		if fEps[i].Version != 1 || sEps[i].Version != 0 {
			t.Errorf("version: full %d, svix %d; Svix has none", fEps[i].Version, sEps[i].Version)
		}
		fEps[i].Version = 0
	}
	same("endpoints", fEps, sEps)

	if len(fMsgs) < 6 {
		t.Fatalf("only %d messages", len(fMsgs))
	}
	for _, m := range sMsgs {
		if !m.HasPayload() {
			t.Errorf("svix message %s without its payload though with_content=true was sent", m.ID)
		}
	}
	same("messages", fMsgs, sMsgs)

	canceled, failed := 0, 0
	for id, list := range sAtts {
		for i := range list {
			a := &list[i]
			if a.StatusText != svixStatusText[a.Status] {
				t.Errorf("svix attempt %s: statusText %q for status %v", a.ID, a.StatusText, a.Status)
			}
			a.StatusText = ""
			switch a.Status {
			case api.AttemptCanceled:
				canceled++
			case api.AttemptFailed:
				failed++
			}
		}
		same("attempts of "+id, fAtts[id], list)
	}
	if canceled != 1 || failed == 0 {
		t.Errorf("%d canceled and %d failed attempts compared; want 1 and some", canceled, failed)
	}
	same("stats", fStats, sStats)

	fOne, err1 := full.Message(ctx, fMsgs[2].ID)
	sOne, err2 := svix.Message(ctx, fMsgs[2].ID)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	same("one message", fOne, sOne)

	epID := fEps[1].ID
	fRec, err1 := full.Recover(ctx, epID, time.Now().Add(-time.Hour), nil)
	sRec, err2 := svix.Recover(ctx, epID, time.Now().Add(-time.Hour), nil)
	if err1 != nil || err2 != nil || fRec.Status != "running" || sRec.Status != "running" || sRec.Task != "endpoint.recover" || sRec.UpdatedAt.IsZero() {
		t.Errorf("recover: full %+v %v, svix %+v %v", fRec, err1, sRec, err2)
	}
	id, err := svix.SendTest(ctx, epID, api.EventTaskCompleted)
	if err != nil {
		t.Fatal(err)
	}
	m, err := svix.Message(ctx, id)
	if err != nil || m.EventType != api.EventTaskCompleted || m.EventID != "" || !m.HasPayload() {
		t.Errorf("send-example's message %+v, %v; want task.completed with a payload and no event id", m, err)
	}
}

// Against only the documented routes, what the client needs from the
// others reads as not offered (so the screen hides it), a message is
// found in the list, and deliveries still arrive signed.
func TestClientAgainstTheDocumentedProfile(t *testing.T) {
	s := startPaused(t, Options{Profile: ProfileDocumented})
	c := newClient(t, s)
	ctx := context.Background()
	rcv := newReceiver(t, nil)
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url(), EventTypes: []string{"task.*"}})
	s.CreateTasks(1)
	d := rcv.waitCount(t, 1, 5*time.Second)[0]
	verify(t, ep.Secret, d)

	_, err := c.ListEndpoints(ctx)
	if !api.IsNotOffered(err) {
		t.Errorf("ListEndpoints: %v; want not offered", err)
	}
	for what, err := range map[string]error{
		"SendTest": func() error { _, err := c.SendTest(ctx, ep.Endpoint.ID, ""); return err }(),
		"Resend":   c.Resend(ctx, d.id(), ep.Endpoint.ID),
		"Stats":    func() error { _, err := c.EndpointStats(ctx, ep.Endpoint.ID, time.Time{}); return err }(),
		"Recover":  func() error { _, err := c.Recover(ctx, ep.Endpoint.ID, time.Now(), nil); return err }(),
	} {
		if !api.IsNotOffered(err) {
			t.Errorf("%s: %v; want not offered", what, err)
		}
	}
	m, err := c.Message(ctx, d.id())
	if err != nil || m.ID != d.id() || m.EventID != d.envelope(t).EventID || !m.HasPayload() {
		t.Errorf("Message(%s) = %+v, %v; want it found in the list, with its payload", d.id(), m, err)
	}
	atts, err := c.ListAttempts(ctx, api.AttemptQuery{MessageID: d.id()})
	if err != nil || len(atts) != 1 {
		t.Errorf("attempts %+v, %v", atts, err)
	}
}

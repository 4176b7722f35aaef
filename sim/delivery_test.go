package sim

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

func TestEveryDeliveryVerifiesWithSvix(t *testing.T) {
	s := startPaused(t, Options{Seed: 3})
	c := newClient(t, s)
	rcv := newReceiver(t, nil)
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url(), EventTypes: []string{"task.*"}})
	s.CreateTasks(20)
	s.Advance(time.Hour) // every task runs to its end
	msgs, err := c.ListMessages(context.Background(), api.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	got := rcv.waitCount(t, len(msgs), 10*time.Second)
	waitSettled(t, s, 5*time.Second)
	if len(got) != len(msgs) {
		t.Fatalf("%d deliveries for %d messages", len(got), len(msgs))
	}
	byID := map[string]api.Message{}
	for _, m := range msgs {
		byID[m.ID] = m
	}
	for _, d := range got {
		verify(t, ep.Secret, d)
		m, ok := byID[d.id()]
		if !ok {
			t.Fatalf("svix-id %s is not a listed message", d.id())
		}
		if string(d.body) != string(m.Payload) {
			t.Fatalf("delivered body differs from the message payload:\n%s\n%s", d.body, m.Payload)
		}
		env := d.envelope(t)
		if env.EventID != m.EventID || env.EventType != m.EventType || env.Data.Task == nil {
			t.Fatalf("envelope %+v does not match message %+v", env, m)
		}
		if ua := d.header.Get("User-Agent"); !strings.HasPrefix(ua, "Svix-Webhooks/") || d.header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", d.header)
		}
		delete(byID, d.id())
	}
	stats, err := c.EndpointStats(context.Background(), ep.Endpoint.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Success != len(msgs) || stats.Fail+stats.Pending+stats.Sending != 0 {
		t.Errorf("stats %+v; want %d successes", stats, len(msgs))
	}
}

func TestFailedFirstTryIsRetriedWithTheSameSvixID(t *testing.T) {
	s := startPaused(t, Options{TimeScale: 1000}) // the 5 s retry comes after 5 ms
	c := newClient(t, s)
	rcv := newReceiver(t, func(n int, d delivery) (int, string) {
		if n == 1 {
			return 500, `{"error":"not yet"}`
		}
		return 200, "ok"
	})
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url()})
	s.CreateTasks(5)
	got := rcv.waitCount(t, 10, 10*time.Second)
	waitSettled(t, s, 5*time.Second)
	if len(got) != 10 {
		t.Fatalf("%d deliveries; want 5 messages twice", len(got))
	}
	tries := map[string][]delivery{}
	for _, d := range got {
		verify(t, ep.Secret, d)
		tries[d.id()] = append(tries[d.id()], d)
	}
	for id, ds := range tries {
		if len(ds) != 2 || string(ds[0].body) != string(ds[1].body) {
			t.Errorf("message %s: %d tries; want 2 with the same body", id, len(ds))
			continue
		}
		atts, err := c.ListAttempts(context.Background(), api.AttemptQuery{MessageID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(atts) != 2 || atts[0].Status != api.AttemptSuccess || atts[1].Status != api.AttemptFailed ||
			atts[1].ResponseStatusCode != 500 || atts[1].Response != `{"error":"not yet"}` ||
			atts[0].TriggerType != api.TriggerScheduled || atts[1].TriggerType != api.TriggerScheduled {
			t.Errorf("attempts of %s = %+v; want a scheduled success after a stored 500", id, atts)
		}
	}
}

// TestRetrySignsWithAFreshTimestamp waits for a real retry more than a
// second later (Svix's 5 s at TimeScale 2): its svix-timestamp must be new,
// or receivers enforcing the 5-minute window would reject late retries.
func TestRetrySignsWithAFreshTimestamp(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 2.5 s for a retry")
	}
	s := startPaused(t, Options{TimeScale: 2})
	c := newClient(t, s)
	rcv := newReceiver(t, func(n int, d delivery) (int, string) {
		if n == 1 {
			return 500, ""
		}
		return 204, ""
	})
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url()})
	s.CreateTasks(1)
	got := rcv.waitCount(t, 2, 10*time.Second)
	ts := func(d delivery) int64 {
		n, err := strconv.ParseInt(d.header.Get("svix-timestamp"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got[0].id() != got[1].id() || ts(got[1]) <= ts(got[0]) || ts(got[1]) < got[1].at.Unix()-1 {
		t.Errorf("retry %s at %d after %s at %d; want the same id, a later timestamp", got[1].id(), ts(got[1]), got[0].id(), ts(got[0]))
	}
	if d := got[1].at.Sub(got[0].at); d < 2400*time.Millisecond {
		t.Errorf("retry after %s; Svix's 5 s at TimeScale 2 is 2.5 s", d)
	}
	verify(t, ep.Secret, got[1])
}

func TestResendDeliversOnceAndIsNotRetried(t *testing.T) {
	// 1e5: Svix's whole schedule (32.5 h) takes about 1.2 s.
	s := startPaused(t, Options{TimeScale: 1e5})
	c := newClient(t, s)
	ctx := context.Background()
	rcv := newReceiver(t, func(int, delivery) (int, string) { return 503, "down" })
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url()})
	s.CreateTasks(1)
	rcv.waitCount(t, api.MaxAttempts, 20*time.Second)
	waitSettled(t, s, 5*time.Second)
	msgID := rcv.deliveries()[0].id()
	stats, _ := c.EndpointStats(ctx, ep.Endpoint.ID, time.Time{})
	if rcv.count() != 8 || stats != (api.Stats{Fail: 1}) {
		t.Fatalf("after Svix's schedule: %d tries, stats %+v; want 8 tries and the message failed", rcv.count(), stats)
	}

	if err := c.Resend(ctx, msgID, ep.Endpoint.ID); err != nil {
		t.Fatal(err)
	}
	rcv.waitCount(t, 9, 5*time.Second)
	waitSettled(t, s, 5*time.Second)
	// A retry would be queued now if there were to be one; with 1e5 it
	// would also have run within these 100 ms (the first retry waits 50 µs).
	time.Sleep(100 * time.Millisecond)
	if n, c := rcv.count(), s.Counts(); n != 9 || c.PendingJobs != 0 {
		t.Fatalf("after a failed resend: %d requests, %d queued; want 9 and none", n, c.PendingJobs)
	}
	atts, err := c.ListAttempts(ctx, api.AttemptQuery{MessageID: msgID})
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 9 || atts[0].TriggerType != api.TriggerManual || atts[0].Status != api.AttemptFailed {
		t.Fatalf("attempts: %d, newest %+v; want 9, the newest a failed manual one", len(atts), atts[0])
	}
	for _, a := range atts[1:] {
		if a.TriggerType != api.TriggerScheduled {
			t.Fatalf("a scheduled attempt is marked %v", a.TriggerType)
		}
	}
	failed := api.AttemptFailed
	onlyFailed, _ := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.Endpoint.ID, Status: &failed})
	if len(onlyFailed) != 9 {
		t.Errorf("status=2 filter listed %d; want 9", len(onlyFailed))
	}
	success := api.AttemptSuccess
	if none, _ := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.Endpoint.ID, Status: &success}); len(none) != 0 {
		t.Errorf("status=0 filter listed %d; want none", len(none))
	}
}

func TestRecoverResendsFailedMessagesSince(t *testing.T) {
	s := startPaused(t, Options{TimeScale: 1e5})
	c := newClient(t, s)
	ctx := context.Background()
	up := make(chan struct{})
	rcv := newReceiver(t, func(int, delivery) (int, string) {
		select {
		case <-up:
			return 204, ""
		default:
			return 500, "down"
		}
	})
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url()})
	s.CreateTasks(3)
	rcv.waitCount(t, 3*api.MaxAttempts, 20*time.Second)
	waitSettled(t, s, 5*time.Second)
	close(up)
	if _, err := c.Recover(ctx, ep.Endpoint.ID, time.Now().Add(-time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	rcv.waitCount(t, 3*api.MaxAttempts+3, 5*time.Second)
	waitSettled(t, s, 5*time.Second)
	stats, _ := c.EndpointStats(ctx, ep.Endpoint.ID, time.Time{})
	if stats != (api.Stats{Success: 3}) {
		t.Errorf("after recover: %+v; want the 3 messages delivered", stats)
	}
	// Nothing failed any more: a second recover sends nothing.
	c.Recover(ctx, ep.Endpoint.ID, time.Now().Add(-time.Minute), nil)
	waitSettled(t, s, 5*time.Second)
	if n := rcv.count(); n != 3*api.MaxAttempts+3 {
		t.Errorf("a recover with nothing failed sent %d more", n-3*api.MaxAttempts-3)
	}
}

// TestDisabledOrDeletedEndpointGetsNothing compares the endpoint under test
// with a control endpoint that gets every event: once the control has them
// all and nothing is queued or sending, the other has all it will ever get.
func TestDisabledOrDeletedEndpointGetsNothing(t *testing.T) {
	s := startPaused(t, Options{})
	c := newClient(t, s)
	ctx := context.Background()
	under, control := newReceiver(t, nil), newReceiver(t, nil)
	ep := createEndpoint(t, c, api.EndpointIn{URL: under.url()})
	createEndpoint(t, c, api.EndpointIn{URL: control.url()})
	round := func(wantControl int) {
		t.Helper()
		s.CreateTasks(5)
		control.waitCount(t, wantControl, 10*time.Second)
		waitSettled(t, s, 5*time.Second)
	}
	round(5)
	if n := under.count(); n != 5 {
		t.Fatalf("enabled endpoint got %d of 5", n)
	}
	off, on := true, false
	if _, err := c.UpdateEndpoint(ctx, ep.Endpoint.ID, api.EndpointIn{URL: under.url(), Version: 1, Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	round(10)
	if n := under.count(); n != 5 {
		t.Fatalf("disabled endpoint got %d new deliveries", n-5)
	}
	if err := c.Resend(ctx, under.deliveries()[0].id(), ep.Endpoint.ID); api.StatusOf(err) != http.StatusConflict {
		t.Errorf("resend to a disabled endpoint: %v; want 409", err)
	}
	if _, err := c.UpdateEndpoint(ctx, ep.Endpoint.ID, api.EndpointIn{URL: under.url(), Version: 1, Disabled: &on}); err != nil {
		t.Fatal(err)
	}
	round(15)
	if n := under.count(); n != 10 {
		t.Fatalf("re-enabled endpoint got %d of the 5 new", n-5)
	}
	if err := c.DeleteEndpoint(ctx, ep.Endpoint.ID); err != nil {
		t.Fatal(err)
	}
	round(20)
	if n := under.count(); n != 10 {
		t.Fatalf("deleted endpoint got %d new deliveries", n-10)
	}
}

// TestDisableStopsAnAttemptInFlight: a handler that hangs keeps an attempt
// in flight; disabling answers only once it is cancelled.
func TestDisableStopsAnAttemptInFlight(t *testing.T) {
	s := startPaused(t, Options{})
	c := newClient(t, s)
	entered := make(chan struct{}, 1)
	rcv := newReceiver(t, func(_ int, d delivery) (int, string) {
		entered <- struct{}{}
		return 204, ""
	})
	hang := make(chan struct{})
	defer close(hang)
	inner := rcv.srv.Config.Handler
	rcv.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.ServeHTTP(httpDiscard{}, r)
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	})
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url()})
	s.CreateTasks(1)
	<-entered
	off := true
	if _, err := c.UpdateEndpoint(context.Background(), ep.Endpoint.ID, api.EndpointIn{URL: rcv.url(), Version: 1, Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	if n := s.Counts().Inflight; n != 0 {
		t.Fatalf("%d attempts still in flight after the disable answered", n)
	}
	atts, _ := c.ListAttempts(context.Background(), api.AttemptQuery{EndpointID: ep.Endpoint.ID})
	if len(atts) != 1 || atts[0].Status != api.AttemptCanceled {
		t.Errorf("attempts %+v; want the one in flight canceled", atts)
	}
}

type httpDiscard struct{}

func (httpDiscard) Header() http.Header         { return http.Header{} }
func (httpDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (httpDiscard) WriteHeader(int)             {}

func TestEventTypeFilterHolds(t *testing.T) {
	s := startPaused(t, Options{Seed: 11, FailRate: 0.3})
	c := newClient(t, s)
	ctx := context.Background()
	onlyFailed, all := newReceiver(t, nil), newReceiver(t, nil)
	createEndpoint(t, c, api.EndpointIn{URL: onlyFailed.url(), EventTypes: []string{api.EventTaskFailed}})
	createEndpoint(t, c, api.EndpointIn{URL: all.url(), EventTypes: []string{"task.*"}})
	s.CreateTasks(30)
	s.Advance(3 * time.Hour)
	msgs, err := c.ListMessages(ctx, api.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	failedMsgs, err := c.ListMessages(ctx, api.MessageQuery{EventType: api.EventTaskFailed})
	if err != nil {
		t.Fatal(err)
	}
	all.waitCount(t, len(msgs), 10*time.Second)
	waitSettled(t, s, 5*time.Second)
	if len(failedMsgs) == 0 {
		t.Fatal("no task.failed event in 30 tasks at a 30% fail rate; the test proves nothing")
	}
	got := onlyFailed.deliveries()
	if len(got) != len(failedMsgs) {
		t.Errorf("task.failed endpoint got %d; there are %d task.failed messages", len(got), len(failedMsgs))
	}
	for _, d := range got {
		if typ := d.envelope(t).EventType; typ != api.EventTaskFailed {
			t.Errorf("task.failed endpoint got %s", typ)
		}
	}
}

func TestRateLimitHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 3 s of real time")
	}
	const limit, n = 10, 35
	s := startPaused(t, Options{})
	c := newClient(t, s)
	rcv := newReceiver(t, nil)
	createEndpoint(t, c, api.EndpointIn{URL: rcv.url(), RateLimit: ptr(limit)})
	s.CreateTasks(n) // 35 messages at once
	got := rcv.waitCount(t, n, 15*time.Second)
	for i := range got {
		in := 0
		for j := i; j < len(got) && got[j].at.Sub(got[i].at) < time.Second; j++ {
			in++
		}
		if in > limit+1 {
			t.Fatalf("%d deliveries within one second from delivery %d; rate_limit is %d", in, i, limit)
		}
	}
	if span := got[len(got)-1].at.Sub(got[0].at); span < time.Duration(n-1)*time.Second/limit-50*time.Millisecond {
		t.Errorf("%d deliveries took %s; at %d/s they need %s", n, span, limit, time.Duration(n-1)*time.Second/limit)
	}
}

func TestNoAnswerTimeoutRedirectAndLongBody(t *testing.T) {
	// The timeout's floor is 200 ms and the schedule's waits take 1 s in all;
	// Svix's five days before disabling a failing endpoint take 4.3 s.
	s := startPaused(t, Options{TimeScale: 1e5})
	c := newClient(t, s)
	ctx := context.Background()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/h"
	ln.Close()

	release := make(chan struct{})
	defer close(release)
	slow := newReceiver(t, nil)
	slow.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	long := newReceiver(t, func(int, delivery) (int, string) { return 500, strings.Repeat("x", 30<<10) })
	redirect := newReceiver(t, func(int, delivery) (int, string) { return 302, "" })

	cases := []struct {
		name, url string
		code      int
		response  string
	}{
		{"refused", refused, 0, "connection refused"},
		{"timeout", slow.url(), 0, "no answer within 200ms"},
		{"long body", long.url(), 500, strings.Repeat("x", api.MaxResponseBody)},
		{"redirect", redirect.url(), 302, ""},
	}
	for _, tc := range cases {
		ep := createEndpoint(t, c, api.EndpointIn{URL: tc.url})
		msgID, err := c.SendTest(ctx, ep.Endpoint.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var atts []api.Attempt
		waitFor(t, 20*time.Second, tc.name+": the whole schedule should fail", func() bool {
			atts, _ = c.ListAttempts(ctx, api.AttemptQuery{MessageID: msgID})
			return len(atts) == api.MaxAttempts && atts[0].Status == api.AttemptFailed
		})
		a := atts[0]
		if a.ResponseStatusCode != tc.code || !strings.Contains(a.Response, tc.response) || tc.name == "long body" && len(a.Response) != api.MaxResponseBody {
			t.Errorf("%s: attempt %d %q (%d bytes); want %d and %q", tc.name, a.ResponseStatusCode, api.Clip(a.Response, 80), len(a.Response), tc.code, api.Clip(tc.response, 40))
		}
		if err := c.DeleteEndpoint(ctx, ep.Endpoint.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogfOneLinePerAttempt(t *testing.T) {
	lines := make(chan string, 16)
	s := startPaused(t, Options{Logf: func(f string, a ...any) { lines <- strconv.Quote(sprintf(f, a...)) }})
	c := newClient(t, s)
	rcv := newReceiver(t, nil)
	ep := createEndpoint(t, c, api.EndpointIn{URL: rcv.url()})
	msgID, err := c.SendTest(context.Background(), ep.Endpoint.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-lines:
		for _, want := range []string{msgID, rcv.url(), " 204 ", "attempt 1 scheduled"} {
			if !strings.Contains(l, want) {
				t.Errorf("log line %s lacks %q", l, want)
			}
		}
		if strings.Contains(l, "whsec_") || strings.Contains(l, s.APIKey()) {
			t.Errorf("log line leaks a secret: %s", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no log line for the attempt")
	}
}

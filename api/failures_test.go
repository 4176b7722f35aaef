package api_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Most tests here allow 5 s for a call that should end in milliseconds; a
// "promptly" bound is this much past the deadline the test sets, loose
// enough for -race on a busy 2-core machine.
const slack = time.Second

func TestUnprocessableNamesTheFieldAndMessage(t *testing.T) {
	srv := newServer(t, answer{status: 422, body: `{"detail":[
		{"loc":["body","url"],"msg":"invalid or missing URL scheme","type":"value_error.url.scheme"},
		{"loc":["body","rate_limit"],"msg":"ensure this value is greater than 0","type":"value_error.number.not_gt"}]}`})
	_, err := newClient(t, srv.URL).CreateEndpoint(ctxFor(t, 5*time.Second), api.EndpointIn{URL: "example.com", RateLimit: ptr(-1)})
	e := apiError(t, err, "422 from POST", "/webhooks/endpoints",
		"body.url: invalid or missing URL scheme", "body.rate_limit: ensure this value is greater than 0")
	if len(e.Fields) != 2 || e.Fields[0].Where() != "body.url" {
		t.Errorf("Fields = %+v", e.Fields)
	}
}

func TestUnprocessableWithTextDetail(t *testing.T) {
	srv := newServer(t, answer{status: 422, body: `{"detail":"features must not be empty"}`})
	_, err := newClient(t, srv.URL).CreateTask(ctxFor(t, 5*time.Second), "a1", nil)
	apiError(t, err, "the API rejected the request: features must not be empty")
}

// The API's detail text is untrusted: it reaches the screen only cleaned.
func TestErrorDetailIsCleaned(t *testing.T) {
	srv := newServer(t, answer{status: 400, body: `{"detail":"bad\u001b]52;c;cm0gLXJmIH4=\u0007 \u001b[2Jrequest\u202e"}`})
	_, err := newClient(t, srv.URL).ActiveTasks(ctxFor(t, 5*time.Second))
	apiError(t, err, "bad request")
	if strings.ContainsAny(err.Error(), "\x1b\x07\u202e") {
		t.Errorf("error %q carries terminal controls", err)
	}
}

func TestUnauthorizedSaysTheKeyWasRefused(t *testing.T) {
	srv := newServer(t, answer{status: 401, body: `{"detail":"Invalid API key"}`})
	_, err := newClient(t, srv.URL).ActiveTasks(ctxFor(t, 5*time.Second))
	apiError(t, err, "401 from GET", "the API key was refused", "ASPECT_API_KEY", "Invalid API key")
	if !api.IsUnauthorized(err) {
		t.Error("IsUnauthorized = false")
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests; a refused key is not worth repeating", n)
	}
}

func TestNotFoundOnAnAssumedRouteIsNotOffered(t *testing.T) {
	srv := newServer(t, answer{status: 404, body: `{"detail":"Not Found"}`})
	c := newClient(t, srv.URL)
	ctx := ctxFor(t, 5*time.Second)

	_, err := c.ListEndpoints(ctx)
	apiError(t, err, "does not offer /webhooks/endpoints")
	if !api.IsNotOffered(err) {
		t.Error("IsNotOffered = false for GET /webhooks/endpoints (assumed)")
	}
	err = c.Resend(ctx, "msg_1", "ep_1")
	apiError(t, err, "does not offer /webhooks/messages/{message_id}/endpoints/{endpoint_id}/resend")
	if !api.IsNotOffered(err) {
		t.Error("IsNotOffered = false for resend (assumed)")
	}
}

func TestNotFoundOnADocumentedRouteIsNotFound(t *testing.T) {
	srv := newServer(t, answer{status: 404, body: `{"detail":"Task not found"}`})
	_, err := newClient(t, srv.URL).Task(ctxFor(t, 5*time.Second), "t_gone")
	e := apiError(t, err, "404 from GET", "/tasks/t_gone", "not found: Task not found")
	if api.IsNotOffered(err) || strings.Contains(e.Error(), "does not offer") {
		t.Errorf("a missing task reads as a missing route: %v", err)
	}
}

func TestTooManyRequestsWaitsForRetryAfterThenSucceeds(t *testing.T) {
	srv := newServer(t,
		answer{status: 429, header: map[string]string{"Retry-After": "1"}, body: `{"detail":"slow down"}`},
		answer{status: 200, body: `[{"id":"t1"}]`},
	)
	tasks, err := newClient(t, srv.URL).ActiveTasks(ctxFor(t, 5*time.Second))
	if err != nil {
		t.Fatalf("after a 429 the call failed: %v", err)
	}
	if len(tasks) != 1 || tasks[0].ID != "t1" {
		t.Errorf("tasks %+v; want t1", tasks)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests; want 2", len(reqs))
	}
	if gap := reqs[1].At.Sub(reqs[0].At); gap < time.Second {
		t.Errorf("retried %v after the 429; Retry-After asked for 1s", gap)
	}
}

// A 429 means the request was not processed, so even a POST repeats it.
func TestTooManyRequestsRepeatsAPost(t *testing.T) {
	srv := newServer(t, answer{status: 429, body: `{}`}, answer{status: 202, body: `{}`})
	if err := newClient(t, srv.URL).Resend(ctxFor(t, 5*time.Second), "msg_1", "ep_1"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("%d requests; want 2", n)
	}
}

func TestRetryAfterLongerThanTheClientWaitsIsReturned(t *testing.T) {
	srv := newServer(t, answer{status: 429, header: map[string]string{"Retry-After": "120"}, body: `{"detail":"quota"}`})
	start := time.Now()
	_, err := newClient(t, srv.URL, api.WithRetries(4, time.Second)).ActiveTasks(ctxFor(t, 5*time.Second))
	apiError(t, err, "429", "rate limited", "wait 2m0s")
	if d := api.RetryAfterOf(err); d != 2*time.Minute {
		t.Errorf("RetryAfterOf = %v; want 2m", d)
	}
	if el := time.Since(start); el > slack {
		t.Errorf("took %v; a wait the client will not make should return at once", el)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests; want 1", n)
	}
}

// A wait that would outlast the caller's deadline returns the 429 now,
// rather than a vague timeout later.
func TestRetryAfterPastTheDeadlineReturnsTheAnswer(t *testing.T) {
	srv := newServer(t, answer{status: 429, header: map[string]string{"Retry-After": "5"}, body: `{}`})
	start := time.Now()
	_, err := newClient(t, srv.URL).ActiveTasks(ctxFor(t, 2*time.Second))
	apiError(t, err, "429", "wait 5s")
	if el := time.Since(start); el > slack {
		t.Errorf("took %v", el)
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	srv := newServer(t, answer{status: 500, body: `{"detail":"hiccup"}`}, answer{status: 200, body: `[{"id":"t1"}]`})
	tasks, err := newClient(t, srv.URL).ActiveTasks(ctxFor(t, 5*time.Second))
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks %v, err %v; want one task after the retry", tasks, err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("%d requests; want 2", n)
	}
}

func TestServerErrorThatPersistsIsBounded(t *testing.T) {
	srv := newServer(t, answer{status: 503, body: `{"detail":"database unavailable"}`})
	_, err := newClient(t, srv.URL, api.WithRetries(3, time.Second)).ActiveTasks(ctxFor(t, 5*time.Second))
	e := apiError(t, err, "503 from GET "+srv.URL+"/tasks/active", "the API failed", "database unavailable", "after 3 attempts")
	if e.Attempts != 3 || api.StatusOf(err) != 503 {
		t.Errorf("Attempts %d, status %d; want 3, 503", e.Attempts, api.StatusOf(err))
	}
	if n := len(srv.requests()); n != 3 {
		t.Errorf("%d requests; want 3", n)
	}
}

// A POST that failed with a 5xx may have been processed: sending it again
// could deliver a resend (or create an endpoint) twice.
func TestPostIsNeverRepeatedAfterServerError(t *testing.T) {
	for _, r := range api.Routes {
		if r.Method != http.MethodPost {
			continue
		}
		t.Run(r.Name, func(t *testing.T) {
			srv := newServer(t, answer{status: 500, body: `{"detail":"boom"}`})
			_, err := routeCases[r.Name].call(ctxFor(t, 5*time.Second), newClient(t, srv.URL))
			apiError(t, err, "500 from POST")
			if n := len(srv.requests()); n != 1 {
				t.Errorf("%s sent %d times after a 500; want once", r.Pattern(), n)
			}
		})
	}
}

func TestPostIsNeverRepeatedAfterADroppedConnection(t *testing.T) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	err := newClient(t, srv.URL).Resend(ctxFor(t, 5*time.Second), "msg_1", "ep_1")
	apiError(t, err, "POST", "/resend", "closed before an answer came", "may or may not have been made")
	mu.Lock()
	defer mu.Unlock()
	if n != 1 {
		t.Errorf("resend sent %d times; want once", n)
	}
}

// blockingServer accepts requests and answers none until the test ends.
func blockingServer(t *testing.T) *server {
	release := make(chan struct{})
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(release) }) // runs first: Close waits for handlers
	return s
}

func TestSlowServerHonoursTheDeadline(t *testing.T) {
	srv := blockingServer(t)
	start := time.Now()
	_, err := newClient(t, srv.URL).ActiveTasks(ctxFor(t, 150*time.Millisecond))
	apiError(t, err, "no answer in time")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 150*time.Millisecond+slack {
		t.Errorf("returned after %v; the deadline was 150ms", el)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests; want 1", n)
	}
}

// Without a deadline of its own, a call is bounded by WithCallTimeout.
func TestCallTimeoutBoundsACallWithoutDeadline(t *testing.T) {
	srv := blockingServer(t)
	start := time.Now()
	_, err := newClient(t, srv.URL, api.WithCallTimeout(150*time.Millisecond)).Task(context.Background(), "t1")
	apiError(t, err, "no answer in time")
	if el := time.Since(start); el > 150*time.Millisecond+slack {
		t.Errorf("returned after %v; the call timeout was 150ms", el)
	}
}

func TestCancelStopsACallPromptly(t *testing.T) {
	srv := blockingServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := newClient(t, srv.URL)
	done := make(chan error, 1)
	go func() { _, err := c.ActiveTasks(ctx); done <- err }()
	waitFor(t, func() bool { return len(srv.requests()) == 1 })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v; want context.Canceled", err)
		}
	case <-time.After(slack):
		t.Fatal("the call went on after its context was cancelled")
	}
}

// waitFor polls cond until it holds, failing the test after 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

// silentListener accepts TCP connections and never reads or writes.
func silentListener(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

func TestServerThatAcceptsAndNeverAnswers(t *testing.T) {
	base := silentListener(t)
	start := time.Now()
	_, err := newClient(t, base).ActiveTasks(ctxFor(t, 150*time.Millisecond))
	e := apiError(t, err, "no answer in time", base+"/tasks/active")
	if el := time.Since(start); el > 150*time.Millisecond+slack {
		t.Errorf("returned after %v; the deadline was 150ms", el)
	}
	if e.Status != 0 {
		t.Errorf("Status = %d; no answer came", e.Status)
	}
}

// cutServer answers with a body that stops half-way through, cut times,
// then whole.
func cutServer(t *testing.T, cut int) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.record(r) >= cut {
			_, _ = w.Write([]byte(`[{"id":"t1"}]`))
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		writeCut(buf)
	}))
	t.Cleanup(s.Close)
	return s
}

func writeCut(buf *bufio.ReadWriter) {
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n" + `[{"id":"t1","features":{"pro`)
	_ = buf.Flush()
}

func TestBodyCutMidway(t *testing.T) {
	srv := cutServer(t, 100)
	_, err := newClient(t, srv.URL, api.WithRetries(2, time.Second)).ActiveTasks(ctxFor(t, 5*time.Second))
	apiError(t, err, "the answer was cut short", "after 2 attempts")
}

// A cut body on a GET is a broken connection, not a bad answer: asking
// again gets the whole list.
func TestBodyCutOnceIsRetried(t *testing.T) {
	srv := cutServer(t, 1)
	tasks, err := newClient(t, srv.URL).ActiveTasks(ctxFor(t, 5*time.Second))
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks %v, err %v; want the task from the second answer", tasks, err)
	}
}

func TestBodyThatIsNotJSON(t *testing.T) {
	srv := newServer(t, answer{status: 200, header: map[string]string{"Content-Type": "text/plain"}, body: "upstream connect error\x1b[31m"})
	_, err := newClient(t, srv.URL).ActiveTasks(ctxFor(t, 5*time.Second))
	apiError(t, err, "200 from GET", "not what aspect-tui expects", "invalid character", "upstream connect error")
	if strings.Contains(err.Error(), "\x1b") {
		t.Errorf("error %q carries an escape sequence from the body", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests; the same bad answer would come back, so want 1", n)
	}
}

func TestBodyThatIsHTMLSaysSo(t *testing.T) {
	srv := newServer(t, answer{status: 200, header: map[string]string{"Content-Type": "text/html"},
		body: "\n<!DOCTYPE html><html><head><title>Sign in</title></head><body>…</body></html>"})
	_, err := newClient(t, srv.URL).ListEndpoints(ctxFor(t, 5*time.Second))
	apiError(t, err, "got HTML, not JSON", "is the API URL right?", "<!DOCTYPE html>")
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests; want 1", n)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close()
	_, err = newClient(t, base, api.WithRetries(3, time.Second)).ActiveTasks(ctxFor(t, 5*time.Second))
	e := apiError(t, err, "connection refused", "ASPECT_API_URL", base, "after 3 attempts")
	if e.Attempts != 3 {
		t.Errorf("Attempts = %d; a GET is worth retrying after a refusal", e.Attempts)
	}
}

func TestUnknownHost(t *testing.T) {
	_, err := newClient(t, "http://aspect-tui-test.invalid").ActiveTasks(ctxFor(t, 5*time.Second))
	e := apiError(t, err, "cannot resolve host aspect-tui-test.invalid", "ASPECT_API_URL")
	if e.Attempts != 1 {
		t.Errorf("Attempts = %d; a name that does not exist will not appear on retry", e.Attempts)
	}
}

func TestOpenEventsRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a     answer
		wants []string
	}{
		{"401", answer{status: 401, body: `{"detail":"bad key"}`}, []string{"401 from GET", "/events", "ASPECT_API_KEY"}},
		{"404 is not offered", answer{status: 404, body: `{"detail":"Not Found"}`}, []string{"does not offer /events"}},
		{"503 with Retry-After", answer{status: 503, header: map[string]string{"Retry-After": "7"}, body: ``}, []string{"503", "the API failed"}},
		{"not an event stream", answer{status: 200, body: `[]`}, []string{"expected Content-Type text/event-stream", "application/json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.a)
			resp, err := newClient(t, srv.URL).OpenEvents(ctxFor(t, 5*time.Second), "")
			if resp != nil {
				resp.Body.Close()
				t.Error("a refused stream returned a response")
			}
			apiError(t, err, tc.wants...)
			if tc.name == "404 is not offered" && !api.IsNotOffered(err) {
				t.Error("IsNotOffered = false")
			}
			if tc.a.status == 503 && api.RetryAfterOf(err) != 7*time.Second {
				t.Errorf("RetryAfterOf = %v; want 7s", api.RetryAfterOf(err))
			}
			if h := srv.requests()[0].Header; h.Get("Last-Event-ID") != "" {
				t.Errorf("sent Last-Event-ID %q on a first connect", h.Get("Last-Event-ID"))
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 10 ":                          10 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Thu, 02 Jan 2025 03:05:05 GMT": time.Minute,
		"Thu, 02 Jan 2025 03:00:00 GMT": 0,
	} {
		if got := api.ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v; want %v", in, got, want)
		}
	}
}

func TestNotFoundNamingAnIDOnAnAssumedRouteIsNotARouteProblem(t *testing.T) {
	srv := newServer(t, answer{status: 404, body: `{"detail":"Endpoint not found"}`})
	err := newClient(t, srv.URL).Resend(ctxFor(t, 5*time.Second), "msg_1", "ep_gone")
	e := apiError(t, err, "404 from POST", "not found: Endpoint not found")
	if api.IsNotOffered(err) || strings.Contains(e.Error(), "does not offer") {
		t.Errorf("a stale endpoint id reads as a missing route: %v", err)
	}
}

// Brief leads with what to do and ends with the status and the path, so a
// narrow pane that cuts the end still shows the advice; ids in the path
// stay escaped.
func TestBrief(t *testing.T) {
	srv := newServer(t, answer{status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"detail":"slow down"}`})
	_, err := newClient(t, srv.URL, api.WithRetries(1, time.Second)).ListAttempts(ctxFor(t, 5*time.Second), api.AttemptQuery{EndpointID: "ep_\x1b]0;x\x07"})
	got := api.Brief(err)
	want := "rate limited by the API; it asks to wait 7s: slow down (429 from GET /webhooks/delivery-attempts)"
	if got != want {
		t.Errorf("Brief = %q\nwant     %q", got, want)
	}
	_, err = newClient(t, srv.URL, api.WithRetries(1, time.Second)).Task(ctxFor(t, 5*time.Second), "a/b\x1b[2J")
	if got := api.Brief(err); !strings.Contains(got, "(429 from GET /tasks/a%2Fb%1B%5B2J)") {
		t.Errorf("Brief = %q: the id should stay escaped in the path", got)
	}
	if got := api.Brief(errors.New("plain \x1b[31mfailure")); got != "plain failure" {
		t.Errorf("Brief of a plain error = %q", got)
	}
}

// A deadline that cuts a retry short reports what the server answered
// before, not a vaguer "no answer in time".
func TestDeadlineDuringARetryKeepsTheLastAnswer(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			w.Write([]byte(`{"detail":"boom"}`))
			return
		}
		<-r.Context().Done() // the retry gets no answer before the deadline
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	c := newClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.ActiveTasks(ctx)
	if api.StatusOf(err) != 500 || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v; want the 500 the server answered", err)
	}
	if calls.Load() < 2 {
		t.Fatalf("%d calls: the retry this test is about never happened", calls.Load())
	}
}

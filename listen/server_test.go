package listen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// rxStart runs a receiver on a free loopback port until the test ends.
func rxStart(t testing.TB, o Options) *Receiver {
	t.Helper()
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Secrets == nil {
		o.Secrets = []string{rxSecret}
	}
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	// A consumer that stores each request at once, as a prompt reader
	// does, for rxNext to read.
	ch := make(chan Request, 1<<16)
	published.Store(r, ch)
	go func() {
		defer close(ch)
		for {
			ds, ok := r.Take(context.Background(), 64)
			if !ok {
				return
			}
			for _, d := range ds {
				ch <- d
				d.Done()
			}
		}
	}()
	return r
}

// published is what each rxStart receiver's consumer took.
var published sync.Map

func rxRequests(r *Receiver) chan Request {
	ch, _ := published.Load(r)
	return ch.(chan Request)
}

type rxAnswer struct {
	status int
	body   string
	d      Request
}

// rxPost sends one request and returns the answer with the Delivery the
// receiver published for it.
func rxPost(t testing.TB, r *Receiver, path string, h http.Header, body []byte) rxAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.URL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return rxAnswer{status: resp.StatusCode, body: string(b), d: rxNext(t, r)}
}

func rxNext(t testing.TB, r *Receiver) Request {
	t.Helper()
	select {
	case d := <-rxRequests(r):
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery published")
	}
	return Request{}
}

const rxBody = `{"timestamp":"2026-05-01T10:00:00Z","user_id":"u_1","event_id":"e_1","event_type":"task.completed","data":{"task":{"id":"t_1","features":{"proxy":{"state":"completed"}}}}}`

// Each case signs with the svix library, sends over loopback HTTP and checks
// the status, the problem and the reason a user would read.
func TestReceiverVerdicts(t *testing.T) {
	r := rxStart(t, Options{Secrets: []string{rxOtherSecret, rxSecret}})
	body := []byte(rxBody)
	now := time.Now()
	signed := func(mut func(h http.Header)) http.Header {
		h := rxSigned(t, rxSecret, "msg_"+strconv.FormatInt(time.Now().UnixNano(), 36), now, body)
		if mut != nil {
			mut(h)
		}
		return h
	}
	good := rxSigned(t, rxSecret, "msg_x", now, body).Get("svix-signature")

	for _, tc := range []struct {
		name    string
		h       http.Header
		body    string
		status  int
		problem Problem
		reason  string
		secret  int
	}{
		{"valid", signed(nil), rxBody, 204, ProblemNone, "", 1},
		{"body changed", signed(nil), strings.Replace(rxBody, "completed", "failed", 1), 400, ProblemNoMatch, "no signature matched", -1},
		{"wrong secret", rxSigned(t, "whsec_"+strings.Repeat("QUJD", 8), "msg_w", now, body), rxBody, 400, ProblemNoMatch, "no signature matched", -1},
		{"10 minutes old", rxSigned(t, rxSecret, "msg_o", now.Add(-10*time.Minute), body), rxBody, 400, ProblemTooOld, "behind this machine's clock", -1},
		{"10 minutes ahead", rxSigned(t, rxSecret, "msg_a", now.Add(10*time.Minute), body), rxBody, 400, ProblemTooNew, "ahead of this machine's clock", -1},
		{"no svix-id", signed(func(h http.Header) { h.Del("svix-id") }), rxBody, 400, ProblemMissingHeader, "missing header svix-id", -1},
		{"no svix-timestamp", signed(func(h http.Header) { h.Del("svix-timestamp") }), rxBody, 400, ProblemMissingHeader, "missing header svix-timestamp", -1},
		{"no svix-signature", signed(func(h http.Header) { h.Del("svix-signature") }), rxBody, 400, ProblemMissingHeader, "missing header svix-signature", -1},
		{"one of several signatures valid", rxSigned(t, rxSecret, "msg_x", now, body), rxBody, 204, ProblemNone, "", 1},
		{"only v1a", signed(func(h http.Header) { h.Set("svix-signature", "v1a,c2lnbmF0dXJl") }), rxBody, 400, ProblemUnsupportedVersion, "only v1a signatures", -1},
		{"webhook-* names", signed(func(h http.Header) {
			for _, k := range []string{"id", "timestamp", "signature"} {
				h.Set("webhook-"+k, h.Get("svix-"+k))
				h.Del("svix-" + k)
			}
		}), rxBody, 204, ProblemNone, "", 1},
		{"rotated: the first secret", rxSigned(t, rxOtherSecret, "msg_r", now, body), rxBody, 204, ProblemNone, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "one of several signatures valid" {
				tc.h.Set("svix-signature", "v1,Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE= v1a,c2ln "+good+" v1,bm9wZQ==")
			}
			a := rxPost(t, r, "/webhooks/aspect", tc.h, []byte(tc.body))
			if a.status != tc.status || a.d.Status != tc.status {
				t.Errorf("status %d (delivery says %d), want %d; body %q", a.status, a.d.Status, tc.status, a.body)
			}
			if a.d.Problem != tc.problem || !strings.Contains(a.d.Reason, tc.reason) || a.d.MatchedSecret != tc.secret {
				t.Errorf("problem %q reason %q secret %d; want %q %q %d", a.d.Problem, a.d.Reason, a.d.MatchedSecret, tc.problem, tc.reason, tc.secret)
			}
			if a.d.Verified != (tc.status == 204) || a.d.Path != "/webhooks/aspect" || tc.body == rxBody && a.d.EventType != "task.completed" {
				t.Errorf("verified %v path %q event %q", a.d.Verified, a.d.Path, a.d.EventType)
			}
			if tc.status == 400 && strings.TrimSpace(a.body) != a.d.Reason {
				t.Errorf("the sender should read the reason: %q vs %q", a.body, a.d.Reason)
			}
			if a.d.Check != nil {
				for _, e := range a.d.Check.Expected {
					if strings.Contains(a.body, strings.TrimPrefix(e.Signature, "v1,")) {
						t.Errorf("the answer leaks the computed signature: %q", a.body)
					}
				}
			}
		})
	}
}

func TestReceiverSkewIsMeasured(t *testing.T) {
	r := rxStart(t, Options{})
	body := []byte(rxBody)
	a := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_s", time.Now().Add(-10*time.Minute-3*time.Second), body), body)
	if !strings.Contains(a.d.Reason, "timestamp is 10m3s behind") && !strings.Contains(a.d.Reason, "timestamp is 10m4s behind") {
		t.Errorf("reason %q", a.d.Reason)
	}
	if !rxHas(a.d.Hints, "NTP") || !rxHas(a.d.Hints, "only the clock is wrong") {
		t.Errorf("hints %q", a.d.Hints)
	}
}

// A body re-encoded between signing and arrival is named as such.
func TestReceiverNamesReserializedBody(t *testing.T) {
	r := rxStart(t, Options{})
	signedBody := []byte(rxBody)
	received := []byte(strings.NewReplacer(`":`, `": `, `,"`, `, "`).Replace(rxBody)) // Python's json.dumps spacing
	a := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_p", time.Now(), signedBody), received)
	if a.status != 400 || a.d.Reason != "no signature matched: the body was re-serialized after signing" {
		t.Fatalf("%d %q", a.status, a.d.Reason)
	}
	if !rxHas(a.d.Hints, "re-encoded the way JSON.stringify writes it") {
		t.Errorf("hints %q", a.d.Hints)
	}
}

func TestReceiverBodyLimit(t *testing.T) {
	r := rxStart(t, Options{MaxBody: 1024})
	pad := func(n int) []byte {
		b := []byte(`{"event_type":"task.progress","pad":"`)
		b = append(b, bytes.Repeat([]byte("x"), n-len(b)-2)...)
		return append(b, '"', '}')
	}
	under := pad(1024)
	a := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_u", time.Now(), under), under)
	if a.status != 204 || a.d.Size != 1024 {
		t.Errorf("1024 bytes at a 1024 limit: %d %q", a.status, a.d.Reason)
	}
	over := pad(1025)
	a = rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_v", time.Now(), over), over)
	if a.status != 413 || a.d.Problem != ProblemTooLarge || a.d.Reason != "body of 1.0 KiB is over the 1.0 KiB limit" || !rxHas(a.d.Hints, "--max-body") {
		t.Errorf("1025 bytes: %d %q %d", a.status, a.d.Reason, a.d.Size)
	}

	// Without a Content-Length the limit is found while reading.
	req, _ := http.NewRequest(http.MethodPost, r.URL()+"/chunked", io.MultiReader(bytes.NewReader(over)))
	req.ContentLength = -1
	for k, v := range rxSigned(t, rxSecret, "msg_c", time.Now(), over) {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := rxNext(t, r); resp.StatusCode != 413 || d.Problem != ProblemTooLarge {
		t.Errorf("chunked 1025 bytes: %d %q", resp.StatusCode, d.Reason)
	}
}

func TestReceiverMarksRepeats(t *testing.T) {
	r := rxStart(t, Options{})
	body := []byte(rxBody)
	h := rxSigned(t, rxSecret, "msg_dup", time.Now(), body)
	first := rxPost(t, r, "/", h, body)
	other := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_other", time.Now(), body), body)
	same := rxPost(t, r, "/", h, body)
	retry := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_dup", time.Now().Add(time.Second), body), body)
	if first.d.DuplicateOf != 0 || other.d.DuplicateOf != 0 {
		t.Errorf("first sightings marked as repeats: %d %d", first.d.DuplicateOf, other.d.DuplicateOf)
	}
	for _, a := range []rxAnswer{same, retry} {
		if a.status != 204 || a.d.DuplicateOf != first.d.Seq {
			t.Errorf("#%d: status %d, duplicate of %d, want %d", a.d.Seq, a.status, a.d.DuplicateOf, first.d.Seq)
		}
	}
	h = rxSigned(t, rxSecret, "msg_refused", time.Now(), body)
	h.Del("svix-signature")
	a, b := rxPost(t, r, "/", h, body), rxPost(t, r, "/", h, body)
	if a.d.SvixID != "msg_refused" || b.d.DuplicateOf != a.d.Seq {
		t.Errorf("a refused delivery retried: id %q, duplicate of %d, want %d", a.d.SvixID, b.d.DuplicateOf, a.d.Seq)
	}
}

func TestReceiverStripsEscapesFromWhatItShows(t *testing.T) {
	r := rxStart(t, Options{})
	body := []byte(`{"event_type":"task.\u001b[2Jcompleted\u009b31m","note":"\u001b]0;pwned\u0007\u001b[31mred"}`)
	a := rxPost(t, r, "/hook?x=%1b[2J", rxSigned(t, rxSecret, "msg_e", time.Now(), body), body)
	if a.status != 204 || a.d.EventType != "task.completed" {
		t.Fatalf("status %d %q, event type %q", a.status, a.d.Reason, a.d.EventType)
	}

	raw := []byte("{\"event_type\":\"task.progress\",\"note\":\"\x1b]0;pwned\x07\x1b[31mred\u202e\"}")
	a = rxPost(t, r, "/hook", rxSigned(t, rxSecret, "msg_e2", time.Now(), raw), raw)
	shown := a.d.PrettyBody() + a.d.Path + a.d.EventType + strings.Join(a.d.HeaderLines(), "\n")
	if a.status != 204 || strings.ContainsAny(shown, "\x1b\x07\u009b\u202e") || !strings.Contains(a.d.PrettyBody(), "red") {
		t.Errorf("escapes reach the screen: %d %q", a.status, shown)
	}
	if !bytes.Equal(a.d.Body, raw) {
		t.Error("the raw body must be kept for forwarding")
	}

	// Go's server refuses control characters in header values before the
	// handler runs; the answer carries none back.
	conn, err := net.Dial("tcp", strings.TrimPrefix(r.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nsvix-id: msg_\x1b[2J\r\nsvix-timestamp: 1\r\nsvix-signature: v1,abc\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
	answer, _ := io.ReadAll(conn)
	if !strings.HasPrefix(string(answer), "HTTP/1.1 400") || strings.Contains(string(answer), "\x1b") {
		t.Errorf("answer %q", answer)
	}
	// It never reached verification; it is shown as refused by the
	// server, with nothing of its headers on screen.
	d := rxNext(t, r)
	shownRefused := d.Path + d.Reason + strings.Join(d.HeaderLines(), "\n")
	if d.Problem != ProblemRefusedByServer || d.Status != 400 || d.Verified || strings.ContainsAny(shownRefused, "\x1b\x07") {
		t.Errorf("a request Go refused is shown as %+v", d)
	}

	// Mounted on another server (the demo does), the handler may see them:
	// the reason quotes the header, cleaned.
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
	req.Header = http.Header{"Svix-Id": {"msg_\x1b[2J"}, "Svix-Timestamp": {"12\x1b]0;x\x07"}, "Svix-Signature": {"v1,abc"}}
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	d = rxNext(t, r)
	if rec.Code != 400 || d.Problem != ProblemBadTimestamp || strings.ContainsAny(d.Reason+d.SvixID+rec.Body.String(), "\x1b\x07") {
		t.Errorf("status %d problem %q reason %q id %q answer %q", rec.Code, d.Problem, d.Reason, d.SvixID, rec.Body.String())
	}
}

// A bug while handling one request (here: a clock that panics) answers
// 500 with the reason, shows on the listen screen, and the next request is served.
func TestReceiverSurvivesAPanicOnARequest(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	r := rxStart(t, Options{Now: func() time.Time {
		if fail.CompareAndSwap(true, false) {
			panic("clock on fire")
		}
		return time.Now()
	}})
	a := rxPost(t, r, "/hook", nil, []byte(rxBody))
	if a.status != http.StatusInternalServerError || !strings.Contains(a.body, "clock on fire") {
		t.Errorf("answer %d %q", a.status, a.body)
	}
	if a.d.Problem != ProblemInternal || a.d.Verified || !strings.Contains(a.d.Reason, "a bug") || a.d.Status != 500 {
		t.Errorf("published %+v", a.d)
	}
	if b := rxPost(t, r, "/hook", nil, []byte(rxBody)); b.status != http.StatusBadRequest || b.d.Problem != ProblemMissingHeader {
		t.Errorf("the next request: %d %q (%s)", b.status, b.body, b.d.Problem)
	}
}

func TestReceiverRefusesOtherMethodsAndLoops(t *testing.T) {
	r := rxStart(t, Options{})
	resp, err := http.Get(r.URL() + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := rxNext(t, r); resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" || d.Problem != ProblemMethod {
		t.Errorf("GET: %d %q", resp.StatusCode, d.Reason)
	}
	h := rxSigned(t, rxSecret, "msg_l", time.Now(), []byte(rxBody))
	h.Set(ForwardedHeader, "1")
	if a := rxPost(t, r, "/", h, []byte(rxBody)); a.status != 508 || a.d.Problem != ProblemLoop {
		t.Errorf("loop: %d %q", a.status, a.d.Reason)
	}
}

func TestReceiverForwards(t *testing.T) {
	type seen struct {
		h    http.Header
		body []byte
	}
	got := make(chan seen, 4)
	handler := func(status int, answer string) *httptest.Server {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			b, _ := io.ReadAll(req.Body)
			got <- seen{req.Header.Clone(), b}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, answer)
		}))
		t.Cleanup(s.Close)
		return s
	}
	body := []byte(rxBody + "  ") // trailing bytes a re-encoding would lose

	t.Run("200", func(t *testing.T) {
		r := rxStart(t, Options{ForwardTo: handler(200, `{"ok":true}`).URL + "/webhooks"})
		a := rxPost(t, r, "/x", rxSigned(t, rxSecret, "msg_f1", time.Now(), body), body)
		if a.status != 200 || a.body != `{"ok":true}` || a.d.Forward == nil || a.d.Forward.Status != 200 || a.d.Forward.Body != `{"ok":true}` {
			t.Fatalf("%d %q %+v", a.status, a.body, a.d.Forward)
		}
		s := <-got
		if !bytes.Equal(s.body, body) || s.h.Get("svix-signature") == "" || s.h.Get("svix-id") != "msg_f1" || s.h.Get(ForwardedHeader) != "1" {
			t.Errorf("the handler got %q with %v", s.body, s.h)
		}
		if a.d.Forward.Latency <= 0 || a.d.Forward.Latency > a.d.Duration {
			t.Errorf("latency %s, duration %s", a.d.Forward.Latency, a.d.Duration)
		}
	})

	t.Run("500", func(t *testing.T) {
		r := rxStart(t, Options{ForwardTo: handler(500, "boom\x1b[2J").URL})
		a := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_f2", time.Now(), body), body)
		<-got
		if a.status != 500 || !a.d.Verified || a.d.Forward.Status != 500 || a.d.Forward.Body != "boom" || !rxHas(a.d.Hints, "Svix retries") {
			t.Errorf("%d %+v %q", a.status, a.d.Forward, a.d.Hints)
		}
	})

	t.Run("401 from a handler that re-serializes", func(t *testing.T) {
		r := rxStart(t, Options{ForwardTo: handler(401, "Invalid signature").URL})
		b := []byte(`{"event_type": "task.completed", "progress": 1.0}`)
		a := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_f3", time.Now(), b), b)
		<-got
		if a.status != 401 || !rxHas(a.d.Hints, "raw body bytes") || !rxHas(a.d.Hints, "JSON.stringify(req.body)") {
			t.Errorf("%d %q", a.status, a.d.Hints)
		}
	})

	t.Run("nothing listening", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dead := "http://" + ln.Addr().String() + "/webhooks"
		ln.Close()
		r := rxStart(t, Options{ForwardTo: dead})
		a := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_f4", time.Now(), body), body)
		if a.status != 502 || a.d.Forward.Status != 0 || !strings.Contains(a.d.Forward.Err, "connection refused") || !strings.Contains(a.body, "is your handler running?") {
			t.Errorf("%d %q %+v", a.status, a.body, a.d.Forward)
		}
	})

	t.Run("not verified is not forwarded", func(t *testing.T) {
		r := rxStart(t, Options{ForwardTo: handler(200, "").URL})
		a := rxPost(t, r, "/", rxSigned(t, rxOtherSecret, "msg_f5", time.Now(), body), body)
		if a.status != 400 || a.d.Forward != nil || len(got) != 0 {
			t.Errorf("%d %+v", a.status, a.d.Forward)
		}
	})

	t.Run("a handler that never answers", func(t *testing.T) {
		block := make(chan struct{})
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { <-block }))
		t.Cleanup(s.Close)
		t.Cleanup(func() { close(block) })
		r := rxStart(t, Options{ForwardTo: s.URL, ForwardTimeout: 200 * time.Millisecond})
		a := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_f6", time.Now(), body), body)
		if a.status != 504 || !strings.Contains(a.d.Forward.Err, "did not answer within 200ms") {
			t.Errorf("%d %+v", a.status, a.d.Forward)
		}
	})
}

// A request is answered 2xx only once the consumer has it written; one the
// consumer never took within the hold is answered 503 with Retry-After, and
// counted as busy.
func TestReceiverAnswersOnlyWhatWasShown(t *testing.T) {
	const hold = 300 * time.Millisecond
	r, err := New(Options{Addr: "127.0.0.1:0", Secrets: []string{rxSecret}, Hold: hold})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	body := []byte(rxBody)
	send := func(id string) <-chan *http.Response {
		ch := make(chan *http.Response, 1)
		go func() {
			req, _ := http.NewRequest(http.MethodPost, r.URL(), bytes.NewReader(body))
			req.Header = rxSigned(t, rxSecret, id, time.Now(), body)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				ch <- nil
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			ch <- resp
		}()
		return ch
	}
	wait := func(ch <-chan *http.Response) *http.Response {
		select {
		case resp := <-ch:
			return resp
		case <-time.After(10 * time.Second):
			t.Fatal("no answer")
		}
		return nil
	}

	// Nobody takes it: 503, retry.
	if resp := wait(send("msg_unseen")); resp == nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("not taken: %+v", resp)
	}
	if s := r.Stats(); s.Busy != 1 || s.Verified != 0 {
		t.Errorf("stats %+v", s)
	}

	// Taken, written only after the hold: the sender waits and gets 204.
	sent := time.Now()
	answered := send("msg_slow")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ds, ok := r.Take(ctx, 10)
	if !ok || len(ds) != 1 || ds[0].SvixID != "msg_slow" {
		t.Fatalf("took %v %+v", ok, ds)
	}
	for time.Since(sent) < 2*hold {
		select {
		case resp := <-answered:
			t.Fatalf("answered %d before it was written", resp.StatusCode)
		case <-time.After(10 * time.Millisecond):
		}
	}
	ds[0].Done()
	if resp := wait(answered); resp == nil || resp.StatusCode != 204 {
		t.Fatalf("written late: %+v", resp)
	}
	if s := r.Stats(); s.Busy != 1 || s.Verified != 1 || s.Received != 2 {
		t.Errorf("stats %+v", s)
	}
}

func TestReceiverDemoFailRateIsSeeded(t *testing.T) {
	statuses := func() string {
		r := rxStart(t, Options{FailRate: 0.3, Seed: 42})
		var out []string
		body := []byte(rxBody)
		for i := range 40 {
			a := rxPost(t, r, "/", rxSigned(t, rxSecret, fmt.Sprintf("msg_%d", i), time.Now(), body), body)
			if a.d.Simulated != (a.status == 500) || !a.d.Verified {
				t.Fatalf("status %d simulated %v verified %v", a.status, a.d.Simulated, a.d.Verified)
			}
			out = append(out, strconv.Itoa(a.status))
		}
		return strings.Join(out, " ")
	}
	a, b := statuses(), statuses()
	if a != b {
		t.Errorf("the same seed gave\n%s\n%s", a, b)
	}
	if n := strings.Count(a, "500"); n < 4 || n > 20 {
		t.Errorf("%d of 40 failed at a 30%% rate: %s", n, a)
	}
}

func TestNewReceiverRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{}, "no signing secret"},
		{Options{Secrets: []string{rxSecret, "sk_test_abcdefghijklmnop"}}, "secret 2 (sk_test_••••mnop) looks like an API key"},
		{Options{Secrets: []string{rxSecret}, ForwardTo: "localhost:3000"}, "absolute http:// or https:// URL"},
		{Options{Secrets: []string{rxSecret}, Addr: "8787"}, "want HOST:PORT"},
		{Options{Secrets: []string{rxSecret}, MaxBody: -1}, "must be positive"},
	} {
		_, err := New(tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v", tc.o, err)
		}
	}
	r, err := New(Options{Secrets: []string{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, Addr: "0.0.0.0:0"})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(r.Warnings(), "\n"); !strings.Contains(w, "no whsec_ prefix") || !strings.Contains(w, "not a loopback address") {
		t.Errorf("warnings %q", w)
	}
	r.Close()

	busy := rxStart(t, Options{})
	r, _ = New(Options{Secrets: []string{rxSecret}, Addr: strings.TrimPrefix(busy.URL(), "http://")})
	if err := r.Start(); err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("a busy port: %v", err)
	}
	r.Close()
}

func TestReceiverCloseLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { w.WriteHeader(202) }))
	defer handler.Close()
	r, err := New(Options{Addr: "127.0.0.1:0", Secrets: []string{rxSecret}, ForwardTo: handler.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		for {
			ds, ok := r.Take(context.Background(), 4)
			if !ok {
				return
			}
			for _, d := range ds {
				n.Add(1)
				d.Done()
			}
		}
	}()
	client := &http.Client{Transport: &http.Transport{}}
	body := []byte(rxBody)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, r.URL(), bytes.NewReader(body))
			req.Header = rxSigned(t, rxSecret, fmt.Sprintf("msg_%d", i), time.Now(), body)
			if resp, err := client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	client.CloseIdleConnections()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	<-consumed
	if n.Load() != 8 {
		t.Errorf("%d deliveries before close, want 8", n.Load())
	}
	if err := r.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	handler.Close()
}

// BenchmarkVerify measures signed deliveries verified per second over
// loopback HTTP, from the client's send to the 204.
func BenchmarkVerify(b *testing.B) {
	r := rxStart(b, Options{})
	body := []byte(rxBody)
	const n = 256
	headers := make([]http.Header, n)
	for i := range headers {
		headers[i] = rxSigned(b, rxSecret, fmt.Sprintf("msg_%d", i), time.Now(), body)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	b.ResetTimer()
	var mu sync.Mutex
	i := 0
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			h := headers[i%n]
			i++
			mu.Unlock()
			req, _ := http.NewRequest(http.MethodPost, r.URL(), bytes.NewReader(body))
			req.Header = h.Clone()
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 204 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

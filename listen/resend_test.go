package listen

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"
)

// A resend reaches the handler signed afresh: a handler that verifies with
// the svix library accepts it even when the original's timestamp is long
// past, and sees the same svix-id and the same body bytes.
func TestResendSignsAfresh(t *testing.T) {
	type seen struct {
		h      http.Header
		body   []byte
		verify error
	}
	got := make(chan seen, 4)
	wh, err := svix.NewWebhook(rxSecret)
	if err != nil {
		t.Fatal(err)
	}
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		got <- seen{req.Header.Clone(), b, wh.Verify(b, req.Header)}
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "again")
	}))
	t.Cleanup(handler.Close)
	r := rxStart(t, Options{Secrets: []string{rxOtherSecret, rxSecret}, ForwardTo: handler.URL + "/hook"})
	body := []byte(rxBody + "\n")
	a := rxPost(t, r, "/x", rxSigned(t, rxSecret, "msg_r1", time.Now(), body), body)
	first := <-got
	if a.status != 202 || first.verify != nil || a.d.MatchedSecret != 1 {
		t.Fatalf("the first delivery: %d, handler's verify %v, secret %d", a.status, first.verify, a.d.MatchedSecret)
	}

	// As if it had arrived an hour ago: its own signature would be refused now.
	old := a.d
	old.Headers = rxSigned(t, rxSecret, "msg_r1", time.Now().Add(-time.Hour), body)
	res, err := r.Resend(context.Background(), old)
	if err != nil {
		t.Fatal(err)
	}
	again := <-got
	if again.verify != nil {
		t.Errorf("the handler refused the resend: %v", again.verify)
	}
	if res.Status != 202 || res.Body != "again" || res.Latency <= 0 || res.URL != handler.URL+"/hook" {
		t.Errorf("result %+v", res)
	}
	ts, _ := strconv.ParseInt(again.h.Get("svix-timestamp"), 10, 64)
	if again.h.Get("svix-id") != "msg_r1" || !bytes.Equal(again.body, body) || time.Since(time.Unix(ts, 0)) > time.Minute || again.h.Get(ForwardedHeader) != "1" {
		t.Errorf("the handler got %q with %v", again.body, again.h)
	}

	refused := rxPost(t, r, "/x", rxSigned(t, "whsec_"+strings.Repeat("A", 32), "msg_r2", time.Now(), body), body)
	if _, err := r.Resend(context.Background(), refused.d); err == nil || !strings.Contains(err.Error(), "only verified deliveries") {
		t.Errorf("a refused delivery was resent: %v", err)
	}
	if len(got) != 0 {
		t.Error("the handler got a refused delivery")
	}
}

func TestResendNeedsAForwardTarget(t *testing.T) {
	r := rxStart(t, Options{})
	body := []byte(rxBody)
	a := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_r3", time.Now(), body), body)
	if _, err := r.Resend(context.Background(), a.d); err == nil || !strings.Contains(err.Error(), "--forward-to") {
		t.Errorf("err %v", err)
	}
}

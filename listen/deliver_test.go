package listen

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A delivery from this machine verifies at a receiver that checks with
// the svix library, carries the message id as svix-id, and says where it
// came from.
func TestDeliverVerifiesAtAReceiver(t *testing.T) {
	r := rxStart(t, Options{})
	fr, err := Deliver(context.Background(), nil, Delivery{URL: r.URL() + "/hook", Secret: rxSecret, MessageID: "msg_local_1", Payload: []byte(rxBody)}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := rxNext(t, r)
	if fr.Status/100 != 2 || !got.Verified {
		t.Fatalf("status %d (%s), verified %v: %v", fr.Status, fr.Err, got.Verified, got.Reason)
	}
	if got.SvixID != "msg_local_1" || got.Headers.Get(RedeliveredHeader) != "1" || string(got.Body) != rxBody {
		t.Errorf("svix-id %q, marker %q, body %q", got.SvixID, got.Headers.Get(RedeliveredHeader), got.Body)
	}
	if fr.Latency <= 0 || !strings.HasPrefix(fr.URL, r.URL()) {
		t.Errorf("latency %s, url %q", fr.Latency, fr.URL)
	}
}

// Signed with another secret, the receiver refuses it; without a secret
// or a usable URL, nothing is sent and the error says why.
func TestDeliverRefusals(t *testing.T) {
	r := rxStart(t, Options{})
	fr, err := Deliver(context.Background(), nil, Delivery{URL: r.URL(), Secret: rxOtherSecret, MessageID: "msg_2", Payload: []byte(rxBody)}, time.Now())
	if err != nil || fr.Status != http.StatusBadRequest || rxNext(t, r).Verified {
		t.Errorf("another secret: %d, %v", fr.Status, err)
	}
	for _, d := range []Delivery{
		{URL: r.URL(), MessageID: "m", Payload: []byte("{}")},
		{URL: "ftp://x", Secret: rxSecret, MessageID: "m"},
		{URL: r.URL(), Secret: rxSecret},
		{URL: r.URL(), Secret: "not-a-secret", MessageID: "m"},
	} {
		if _, err := Deliver(context.Background(), nil, d, time.Now()); err == nil {
			t.Errorf("%+v was sent", d)
		}
	}
	if n := r.Stats(); n.Received != 1 {
		t.Errorf("the receiver got %d requests, want only the one signed", n.Received)
	}
}

// listen labels a re-delivery from a developer's machine wherever it
// shows a request: the JSON line, the plain line.
func TestListenLabelsARedelivery(t *testing.T) {
	r := rxStart(t, Options{})
	if _, err := Deliver(context.Background(), nil, Delivery{URL: r.URL(), Secret: rxSecret, MessageID: "msg_here", Payload: []byte(rxBody)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := rxNext(t, r)
	var js strings.Builder
	if err := WriteJSON(&js, got); err != nil {
		t.Fatal(err)
	}
	if !got.FromHere || !strings.Contains(js.String(), `"sent_by":"aspect-tui from a developer's machine"`) {
		t.Errorf("from here %v, JSON %s", got.FromHere, js.String())
	}
	if line := PlainLines(got); !strings.Contains(line, "re-delivered by aspect-tui") {
		t.Errorf("plain line: %s", line)
	}
	// A delivery from Svix says nothing of the kind.
	svixSent := rxPost(t, r, "/", rxSigned(t, rxSecret, "msg_svix", time.Now(), []byte(rxBody)), []byte(rxBody)).d
	js.Reset()
	if err := WriteJSON(&js, svixSent); err != nil {
		t.Fatal(err)
	}
	if svixSent.FromHere || strings.Contains(js.String(), "sent_by") || strings.Contains(PlainLines(svixSent), "re-delivered") {
		t.Errorf("a delivery from Svix is labelled as from a developer's machine: %s", js.String())
	}
}

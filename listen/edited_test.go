package listen

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"
)

// An edited body reaches the handler signed afresh, under the original's
// svix-id or a new one as asked; a body that is not JSON is sent all the
// same.
func TestSendEditedSignsTheEditUnderEitherID(t *testing.T) {
	type seen struct {
		id, body string
		verify   error
	}
	got := make(chan seen, 4)
	wh, _ := svix.NewWebhook(rxSecret)
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		got <- seen{req.Header.Get("svix-id"), string(b), wh.Verify(b, req.Header)}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(handler.Close)
	r := rxStart(t, Options{ForwardTo: handler.URL})
	body := []byte(rxBody)
	a := rxPost(t, r, "/x", rxSigned(t, rxSecret, "msg_e1", time.Now(), body), body)
	<-got

	edited := []byte(strings.Replace(rxBody, "completed", "failed", 1))
	res, id, err := r.SendEdited(context.Background(), a.d, edited, false)
	if err != nil || res.Status != 200 || id != "msg_e1" {
		t.Fatalf("same id: %+v %q %v", res, id, err)
	}
	if s := <-got; s.id != "msg_e1" || s.body != string(edited) || s.verify != nil {
		t.Errorf("the handler saw %+v", s)
	}
	notJSON := []byte(`{"event_type": oops`)
	_, id, err = r.SendEdited(context.Background(), a.d, notJSON, true)
	if err != nil || id == "msg_e1" || !strings.HasPrefix(id, "msg_") {
		t.Fatalf("new id: %q %v", id, err)
	}
	if s := <-got; s.id != id || s.body != string(notJSON) || s.verify != nil {
		t.Errorf("the handler saw %+v", s)
	}
	// A refused delivery is neither resent edited nor signed for export.
	bad := rxPost(t, r, "/x", rxSigned(t, rxOtherSecret, "msg_e2", time.Now(), body), body)
	if _, _, err := r.SendEdited(context.Background(), bad.d, edited, true); err == nil {
		t.Error("a refused delivery was sent edited")
	}
	if _, err := r.Sign(bad.d, "msg_e2", time.Now(), body); err == nil {
		t.Error("a refused delivery was signed")
	}
}

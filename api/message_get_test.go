package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// messagesAPI serves GET /webhooks/messages in pages of two, newest first,
// from total messages msg_<total> ... msg_1; GET /webhooks/messages/{id}
// answers getStatus with getBody. It counts the requests of each route.
type messagesAPI struct {
	total     int
	getStatus int
	getBody   string
	mu        sync.Mutex
	gets      int
	pages     []string // the query of each list request
}

func (m *messagesAPI) serve(t *testing.T) string {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /webhooks/messages/{message_id}", func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.gets++
		m.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(m.getStatus)
		fmt.Fprint(w, m.getBody)
	})
	mux.HandleFunc("GET /webhooks/messages", func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.pages = append(m.pages, r.URL.RawQuery)
		m.mu.Unlock()
		from := m.total
		if it := r.URL.Query().Get("iterator"); it != "" {
			fmt.Sscan(it, &from)
		}
		var items []string
		n := from
		for ; n > 0 && len(items) < 2; n-- {
			payload := `{"data":{"task":{"id":"t` + fmt.Sprint(n) + `"}}}`
			if r.URL.Query().Get("with_content") != "true" {
				payload = `{}`
			}
			items = append(items, fmt.Sprintf(`{"id":"msg_%d","eventType":"task.completed","payload":%s,"timestamp":"2025-01-02T03:04:05Z"}`, n, payload))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[%s],"iterator":"%d","done":%v}`, strings.Join(items, ","), n, n == 0)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func (m *messagesAPI) counts() (gets, pages int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gets, len(m.pages)
}

func TestMessageFromItsOwnRoute(t *testing.T) {
	m := &messagesAPI{total: 20, getStatus: 200, getBody: `{"id":"msg_7","eventType":"task.failed","payload":{"data":{"task":{"id":"t7"}}},"timestamp":"2025-01-02T03:04:05Z"}`}
	got, err := newClient(t, m.serve(t)).Message(ctxFor(t, 5*time.Second), "msg_7")
	if err != nil || got.TaskID() != "t7" || !got.HasPayload() {
		t.Fatalf("Message = %+v, %v", got, err)
	}
	if gets, pages := m.counts(); gets != 1 || pages != 0 {
		t.Errorf("%d gets, %d list pages; want the one get", gets, pages)
	}
}

// Where the API has no GET /webhooks/messages/{id} (404 Not Found, or 405
// from a FastAPI that serves the path for other methods), the message is
// looked for in the list, with its content asked for; once the route is
// known to be missing it is not asked again.
func TestMessageFallsBackToTheList(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
	}{
		{404, `{"detail":"Not Found"}`},
		{405, `{"detail":"Method Not Allowed"}`},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			m := &messagesAPI{total: 20, getStatus: tc.status, getBody: tc.body}
			c := newClient(t, m.serve(t))
			got, err := c.Message(ctxFor(t, 5*time.Second), "msg_17")
			if err != nil || got.ID != "msg_17" || got.TaskID() != "t17" {
				t.Fatalf("Message = %+v, %v; want msg_17 with its payload", got, err)
			}
			gets, pages := m.counts()
			if gets != 1 || pages != 2 {
				t.Errorf("%d gets, %d list pages; want 1 get, then pages until msg_17 (2)", gets, pages)
			}
			for _, q := range m.pages {
				if !strings.Contains(q, "with_content=true") {
					t.Errorf("list request %q does not ask for content", q)
				}
			}
			if _, err := c.Message(ctxFor(t, 5*time.Second), "msg_20"); err != nil {
				t.Fatal(err)
			}
			if gets2, _ := m.counts(); gets2 != 1 {
				t.Errorf("the missing route was asked again (%d gets)", gets2)
			}
		})
	}
}

// The search is bounded: a message older than the pages it reads is
// reported as not found, in words that say why.
func TestMessageSearchIsBounded(t *testing.T) {
	m := &messagesAPI{total: 100, getStatus: 404, getBody: `{"detail":"Not Found"}`}
	_, err := newClient(t, m.serve(t)).Message(ctxFor(t, 5*time.Second), "msg_1")
	apiError(t, err, "msg_1 is not among the newest", "GET /webhooks/messages/{message_id}")
	if api.IsNotOffered(err) {
		t.Error("a message not found reads as a route not offered")
	}
	if _, pages := m.counts(); pages != api.MessageSearchPages {
		t.Errorf("read %d pages; want at most %d", pages, api.MessageSearchPages)
	}
}

// A 404 that names the message (the route exists) still searches the list,
// and other errors come back as they are.
func TestMessageErrors(t *testing.T) {
	m := &messagesAPI{total: 4, getStatus: 404, getBody: `{"code":"not_found","detail":"Message not found"}`}
	c := newClient(t, m.serve(t))
	if got, err := c.Message(ctxFor(t, 5*time.Second), "msg_3"); err != nil || got.ID != "msg_3" {
		t.Errorf("Message = %+v, %v", got, err)
	}
	if _, err := c.Message(ctxFor(t, 5*time.Second), "msg_4"); err != nil {
		t.Fatal(err)
	}
	if gets, _ := m.counts(); gets != 2 {
		t.Errorf("%d gets; a 404 naming the message must not mark the route missing", gets)
	}

	m = &messagesAPI{total: 4, getStatus: 401, getBody: `{"detail":"Invalid API key"}`}
	_, err := newClient(t, m.serve(t)).Message(ctxFor(t, 5*time.Second), "msg_3")
	if !api.IsUnauthorized(err) {
		t.Errorf("401: %v", err)
	}
	if _, pages := m.counts(); pages != 0 {
		t.Errorf("a refused key still searched %d pages", pages)
	}
}

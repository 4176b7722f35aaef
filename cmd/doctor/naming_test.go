package doctor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
)

// doctor checks the key as the dashboard does: GET /users/me first, and
// asks the routes that name tasks (the indexes, an active task's asset).
func TestDoctorChecksTheKeyWithUsersMe(t *testing.T) {
	s := startSim(t, sim.Options{Backlog: 5})
	r, err := Run(context.Background(), Options{BaseURL: s.URL(), APIKey: s.APIKey()})
	if err != nil {
		t.Fatal(err)
	}
	if !r.KeyAccepted || !strings.Contains(r.KeyNote, "GET /users/me") {
		t.Errorf("key note %q; want accepted by GET /users/me", r.KeyNote)
	}
	if me := route(t, r, api.RouteUserMe); !strings.Contains(me.Note, "tokens remaining") {
		t.Errorf("users.me note %q; want the tokens remaining", me.Note)
	}
	for _, name := range []string{api.RouteAssetGet, api.RouteIndexList, api.RouteIndexGet} {
		if rt := route(t, r, name); rt.Offered != Yes || rt.Shape != recognized {
			t.Errorf("%s: offered %s, shape %q (%s)", name, rt.Offered, rt.Shape, rt.Note)
		}
	}
}

// An API without GET /users/me: the key is judged by GET /tasks/active, as
// before, and the dashboard can run.
func TestDoctorWithoutUsersMe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/tasks/active" {
			_, _ = w.Write([]byte(`[{"id":"t1","asset_id":"a1","features":{"proxy":{"state":"queued"}},"user_id":"u","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"}]`))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"detail":"Not Found"}`))
	}))
	defer srv.Close()
	r, err := Run(context.Background(), Options{BaseURL: srv.URL, APIKey: "sk_test_0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.KeyAccepted || !strings.Contains(r.KeyNote, "GET /tasks/active") || !r.CanRun {
		t.Errorf("key %v (%q), can run %v; want accepted by GET /tasks/active", r.KeyAccepted, r.KeyNote, r.CanRun)
	}
	if me := route(t, r, api.RouteUserMe); me.Offered != No {
		t.Errorf("users.me offered %s; want no", me.Offered)
	}
}

package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// The routes Aspect's SDK documents for naming tasks, in the SDK's shapes
// (snake_case, as its FromJSON functions read them).
func init() {
	dur := 734.5
	routeCases[api.RouteAssetGet] = routeCase{
		call: func(ctx context.Context, c *api.Client) (any, error) { return c.Asset(ctx, "as/1") },
		answer: answer{status: 200, body: `{"id":"as/1","type":"video","name":"interview-final.mp4","size_bytes":482344960,
			"mime_type":"video/mp4","save_original":true,"duration":734.5,"user_id":"u1","index_id":"ix1",
			"features":{"proxy":{"state":"completed"}},"proxy":null,"preview":null,"index_units":null,
			"created":"2025-01-02T03:04:05Z","updated":"2025-01-02T04:04:05Z"}`},
		want: api.Asset{ID: "as/1", Type: "video", Name: "interview-final.mp4", SizeBytes: 482344960, MimeType: "video/mp4",
			SaveOriginal: true, Duration: &dur, UserID: "u1", IndexID: "ix1",
			Features: map[string]api.Feature{"proxy": {State: api.StateCompleted}},
			Created:  api.Time{Time: t0}, Updated: api.Time{Time: t1}},
		params: map[string]string{"asset_id": "as/1"},
	}
	routeCases[api.RouteIndexList] = routeCase{
		call: func(ctx context.Context, c *api.Client) (any, error) { return c.Indexes(ctx) },
		answer: answer{status: 200, body: `[{"id":"ix1","name":"Interviews","description":null,"num_assets":12,"size_bytes":900,
			"total_tokens_used":4400,"duration":3600.5,"user_id":"u1","default_features":["proxy","visual"],"is_sample":false,
			"is_sample_ready":false,"sample_prompts":[],"created":"2025-01-02T03:04:05Z","updated":"2025-01-02T04:04:05Z"}]`},
		want: []api.Index{{ID: "ix1", Name: "Interviews", NumAssets: 12, SizeBytes: 900, TotalTokensUsed: 4400, Duration: 3600.5,
			DefaultFeatures: []string{"proxy", "visual"}, Created: api.Time{Time: t0}, Updated: api.Time{Time: t1}}},
	}
	routeCases[api.RouteIndexGet] = routeCase{
		call:   func(ctx context.Context, c *api.Client) (any, error) { return c.Index(ctx, "ix1") },
		answer: answer{status: 200, body: `{"id":"ix1","name":"Interviews","description":"raw footage","num_assets":2,"size_bytes":5,"total_tokens_used":7,"duration":1,"is_sample":true}`},
		want:   api.Index{ID: "ix1", Name: "Interviews", Description: "raw footage", NumAssets: 2, SizeBytes: 5, TotalTokensUsed: 7, Duration: 1, IsSample: true},
		params: map[string]string{"index_id": "ix1"},
	}
	routeCases[api.RouteUserMe] = routeCase{
		call: func(ctx context.Context, c *api.Client) (any, error) { return c.Me(ctx) },
		answer: answer{status: 200, body: `{"id":"u1","external_id":"ext","first_name":"Jo","last_name":"Lee","email":"jo@example.com",
			"avatar_url":null,"created":"2025-01-02T03:04:05Z","updated":"2025-01-02T04:04:05Z","tokens_remaining":8123,"is_aspect_admin":null}`},
		want: api.User{ID: "u1", ExternalID: "ext", FirstName: "Jo", LastName: "Lee", Email: "jo@example.com",
			Created: api.Time{Time: t0}, Updated: api.Time{Time: t1}, TokensRemaining: 8123},
	}
}

// A call made under NoRetry is sent once: a 429 comes straight back with
// its Retry-After, for the caller to honour, where the client alone would
// wait it out and ask again.
func TestNoRetrySendsOnce(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := newClient(t, srv.URL)
	ctx := ctxFor(t, 10*time.Second)
	_, err := c.Asset(api.NoRetry(ctx), "a1")
	if got := n.Load(); got != 1 {
		t.Fatalf("%d requests under NoRetry; want 1", got)
	}
	if api.StatusOf(err) != http.StatusTooManyRequests || api.RetryAfterOf(err) != time.Second {
		t.Fatalf("err = %v; want the 429 with its Retry-After of 1s", err)
	}
	n.Store(0)
	_, _ = c.Asset(ctx, "a1")
	if got := n.Load(); got < 2 {
		t.Fatalf("%d requests without NoRetry; the client retries a 429 on its own", got)
	}
}

// A 404 that names no object is a route the API lacks; one that names
// the asset is about that asset only.
func TestIsNoRoute(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   bool
	}{
		{404, `{"detail":"Not Found"}`, true},
		{405, `{"detail":"Method Not Allowed"}`, true},
		{404, `{"detail":"Asset not found"}`, false},
		{401, `{"detail":"Not authenticated"}`, false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		_, err := newClient(t, srv.URL).Me(ctxFor(t, 5*time.Second))
		srv.Close()
		if got := api.IsNoRoute(err); got != tc.want {
			t.Errorf("%d %s: IsNoRoute = %v; want %v", tc.status, tc.body, got, tc.want)
		}
		if api.IsNoRoute(errors.New("x")) {
			t.Error("a plain error is no route")
		}
	}
}

package keycheck

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		status   int
		body     string
		wantUser bool
		wantErr  bool
	}{
		{200, `{"id":"u1","first_name":"Jo","email":"jo@example.com","tokens_remaining":5}`, true, false},
		{401, `{"detail":"Invalid API key"}`, false, true},
		{404, `{"detail":"Not Found"}`, false, false},
		{405, `{"detail":"Method Not Allowed"}`, false, false},
		{200, `{"id":"u1","first_na`, false, false}, // cut short: says nothing about the key
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/users/me" {
				t.Errorf("asked %s", r.URL.Path)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		c, err := api.NewClient(srv.URL, "sk_test_key", api.WithRetries(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		u, err := Check(ctx, c)
		cancel()
		srv.Close()
		if (u != nil) != tc.wantUser || (err != nil) != tc.wantErr {
			t.Errorf("%d: user %v, err %v; want user %v, error %v", tc.status, u, err, tc.wantUser, tc.wantErr)
		}
		if tc.wantErr && !api.IsUnauthorized(err) {
			t.Errorf("%d: %v is not the refusal", tc.status, err)
		}
		if u != nil && (u.FirstName != "Jo" || u.TokensRemaining != 5) {
			t.Errorf("user %+v", u)
		}
	}
}

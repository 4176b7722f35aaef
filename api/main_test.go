package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aspect-hq/aspect-tui/api"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"

// newClient is a client for base with millisecond backoff, whose idle
// connections are closed when the test ends (goleak checks for them).
func newClient(t *testing.T, base string, opts ...api.Option) *api.Client {
	t.Helper()
	tr := api.NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	all := append([]api.Option{
		api.WithHTTPClient(&http.Client{Transport: tr}),
		api.WithUserAgent("aspect-tui/test"),
		api.WithBackoff(time.Millisecond, 4*time.Millisecond),
	}, opts...)
	c, err := api.NewClient(base, testKey, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recorded is one request a test server saw.
type recorded struct {
	Method, Path string
	RawPath      string // the path as sent, escapes kept
	Query        map[string][]string
	Header       http.Header
	Body         string
	At           time.Time
}

// server answers each request with the next of answers (the last one
// repeats) and records what it saw.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

type answer struct {
	status int
	header map[string]string
	body   string
}

func newServer(t *testing.T, answers ...answer) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := s.record(r)
		a := answers[min(i, len(answers)-1)]
		if _, ok := a.header["Content-Type"]; !ok {
			w.Header().Set("Content-Type", "application/json")
		}
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(s.Close)
	return s
}

// record stores r and returns how many requests came before it.
func (s *server) record(r *http.Request) int {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, recorded{
		Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), Query: r.URL.Query(),
		Header: r.Header.Clone(), Body: string(body), At: time.Now(),
	})
	return len(s.reqs) - 1
}

func (s *server) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// apiError asserts err is an *api.Error whose message holds every one of
// wants and never the API key, and returns it.
func apiError(t *testing.T, err error, wants ...string) *api.Error {
	t.Helper()
	if err == nil {
		t.Fatal("call succeeded; want an error")
	}
	var e *api.Error
	if !errors.As(err, &e) {
		t.Fatalf("error is %T (%v); want *api.Error", err, err)
	}
	msg := err.Error()
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
	if strings.Contains(msg, testKey) {
		t.Errorf("error %q holds the API key", msg)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

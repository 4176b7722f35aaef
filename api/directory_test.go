package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/sim/simtest"
)

// unlisted serves the simulator without GET /webhooks/endpoints, as an
// API that documents only what Aspect's page does.
func unlisted(t *testing.T) (*sim.Server, string) {
	t.Helper()
	s := simtest.Start(t, sim.Options{APIKey: testKey, Seed: 3, Echo: true, TimeScale: 600})
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.TrimSuffix(r.URL.Path, "/") == "/webhooks/endpoints" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"detail":"Not Found"}`))
			return
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(h.Close)
	return s, h.URL
}

// Without a list route, endpoints are discovered from the attempts of
// recent messages, joined with those made here and those configured, and
// each says where it came from.
func TestDirectoryDiscoversWithoutAListRoute(t *testing.T) {
	s, base := unlisted(t)
	c := newClient(t, base)
	ctx := context.Background()
	var remembered []api.KnownEndpoint
	d := &api.Directory{
		Client: c,
		Known: func() []api.KnownEndpoint {
			return append([]api.KnownEndpoint{{ID: "ep_configured", Source: api.SourceConfigured}}, remembered...)
		},
		Remember: func(k api.KnownEndpoint) { remembered = append(remembered, k) },
	}
	if _, err := d.ListEndpoints(ctx); err != nil {
		t.Fatal(err)
	}
	made, err := d.CreateEndpoint(ctx, api.EndpointIn{URL: "http://127.0.0.1:9/made-here", EventTypes: []string{"task.*"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(remembered) != 1 || remembered[0].ID != made.Endpoint.ID {
		t.Fatalf("remembered %+v", remembered)
	}
	// The echo endpoint is found only through deliveries to it.
	var eps []api.Endpoint
	deadline := time.Now().Add(20 * time.Second)
	for {
		s.CreateTasks(1)
		eps, err = d.ListEndpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if sourceOf(eps, api.SourceDelivered) != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !d.Unlisted() {
		t.Error("the directory did not notice the list route is missing")
	}
	if u := sourceOf(eps, api.SourceDelivered); !strings.Contains(u, "/_sim/echo") {
		t.Errorf("the echo endpoint was not discovered: %+v", eps)
	}
	if u := sourceOf(eps, api.SourceMadeHere); u != "http://127.0.0.1:9/made-here" {
		t.Errorf("the endpoint made here: %q in %+v", u, eps)
	}
	found := false
	for _, e := range eps {
		found = found || (e.ID == "ep_configured" && e.Source == api.SourceConfigured)
	}
	if !found {
		t.Errorf("the configured endpoint is missing: %+v", eps)
	}
}

// With a list route, it is what the API lists.
func TestDirectoryListsWhenItCan(t *testing.T) {
	s := simtest.Start(t, sim.Options{APIKey: testKey, Seed: 3, Echo: true})
	d := &api.Directory{Client: newClient(t, s.URL()), Known: func() []api.KnownEndpoint {
		return []api.KnownEndpoint{{ID: "ep_configured", Source: api.SourceConfigured}}
	}}
	eps, err := d.ListEndpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 1 || eps[0].Source != api.SourceListed || d.Unlisted() {
		t.Errorf("listed %+v, unlisted %v", eps, d.Unlisted())
	}
	// The API lists what is made, so nothing is written to this machine.
	d.Remember = func(k api.KnownEndpoint) { t.Errorf("remembered %+v though the API lists endpoints", k) }
	if _, err := d.CreateEndpoint(context.Background(), api.EndpointIn{URL: "http://127.0.0.1:9/x", EventTypes: []string{"task.*"}}); err != nil {
		t.Fatal(err)
	}
}

func sourceOf(eps []api.Endpoint, source string) string {
	for _, e := range eps {
		if e.Source == source && e.URL != "" {
			return e.URL
		}
	}
	return ""
}

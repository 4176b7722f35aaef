package cmd

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/sim"
)

// TestDemoReceiverIsTheEndpoint checks the demo's wiring: the endpoint the
// demo creates points at the listen receiver, which holds its secret (so
// every delivery verifies: none is refused 400) and fails a share on
// purpose (so the deliveries pane has failures to work with).
func TestDemoReceiverIsTheEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 1, TimeScale: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	client, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	stop, secret, err := startDemoReceiver(ctx, client, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the demo receiver's secret %q is not a whsec_ secret", api.Mask(secret))
	}
	defer stop()
	eps, err := client.ListEndpoints(ctx)
	if err != nil || len(eps) != 1 {
		t.Fatalf("endpoints %+v, %v", eps, err)
	}
	s.CreateTasks(20)
	codes := map[int]int{}
	clitest.Wait(t, "deliveries verified (204) and failed on purpose (500)", func() bool {
		as, err := client.ListAttempts(ctx, api.AttemptQuery{EndpointID: eps[0].ID, Limit: 250})
		if err != nil {
			t.Fatal(err)
		}
		clear(codes)
		for _, a := range as {
			if a.Status == api.AttemptPending || a.Status == api.AttemptSending {
				continue // in flight: no answer yet, by design
			}
			codes[a.ResponseStatusCode]++
		}
		return codes[204] > 0 && codes[500] > 0
	}, nil, func() string { return fmt.Sprint(codes) })
	if codes[204] == 0 || codes[500] == 0 {
		t.Fatalf("want deliveries verified (204) and failed on purpose (500), got %v", codes)
	}
	for code, n := range codes {
		if code != 204 && code != 500 {
			t.Errorf("%d attempts answered %d: the receiver does not hold the endpoint's secret?", n, code)
		}
	}
}

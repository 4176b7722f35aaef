package cmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
)

// tail (plain) ends a line with the asset's name once it is known: the
// first line about an asset goes out at once without it (a line never
// waits for a name), later ones have it. Each asset is asked for once.
func TestTailPlainNamesAssets(t *testing.T) {
	s := startTailSim(t, sim.Options{Seed: 4, TimeScale: 600, FailRate: -1, CancelRate: -1, NARate: -1})
	cli := startCLI(t, map[string]string{envAPIURL: s.URL(), envAPIKey: s.APIKey(), "XDG_CONFIG_HOME": t.TempDir()}, []string{"tail"})
	cli.waitErr(t, "streaming events")
	ids := s.CreateTasks(3)
	direct, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{} // task id → its asset's name
	for _, id := range ids {
		task, err := direct.Task(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		a, err := direct.Asset(context.Background(), task.AssetID)
		if err != nil {
			t.Fatal(err)
		}
		names[id] = a.Name
	}
	named := func() bool {
		for _, l := range outLines(cli.out.String()) {
			for id, name := range names {
				if strings.Contains(l, id) && strings.HasSuffix(l, "  asset "+name) {
					return true
				}
			}
		}
		return false
	}
	// Each step makes more events about the same tasks; by one of them
	// the names have come.
	for step := 0; step < 40 && !named(); step++ {
		before := len(outLines(cli.out.String()))
		s.Advance(2 * time.Second)
		cli.waitFor(t, "a line more", func() bool {
			return len(outLines(cli.out.String())) > before || named() || s.Counts().Events == uint64(before)
		})
	}
	if code := cli.interrupt(t); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, cli.err.String())
	}
	if !named() {
		t.Fatalf("no line ends with its asset's name %v:\n%s", names, cli.out.String())
	}
	for _, l := range outLines(cli.out.String()) {
		for id, name := range names {
			if strings.Contains(l, id) && strings.Contains(l, "asset ") && !strings.HasSuffix(l, "  asset "+name) {
				t.Errorf("line %q names the wrong asset; want %q", l, name)
			}
		}
	}
	if strings.Contains(cli.err.String(), "asset names:") {
		t.Errorf("asset fetches failed:\n%s", cli.err.String())
	}
}

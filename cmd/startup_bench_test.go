package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/sim"
)

// BenchmarkStartup is the wait a user sees: from runDashboard's start
// (the check made before the terminal is taken, the feed, the program) to
// the first frame written that shows task rows, with the simulator
// in-process holding about 100 and about 20,000 active tasks. The floor,
// measured in the same run, is fetching GET /tasks/active alone (no
// decoding); the budget is at most twice that, and at most 300 ms at 100
// tasks and 600 ms at 20,000.
func BenchmarkStartup(b *testing.B) {
	for _, active := range []int{100, 20_000} {
		b.Run(fmt.Sprintf("active=%d", active), func(b *testing.B) {
			s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 1, Backlog: active * 21 / 10, MaxTasks: 3 * active})
			if err != nil {
				b.Fatal(err)
			}
			s.Pause() // nothing changes while measured
			if err := s.Start(); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			testScreen.w, testScreen.h = 160, 45
			b.Cleanup(func() { testScreen.w, testScreen.h = 0, 0 })
			var first, fetch []time.Duration
			tasks := 0
			for b.Loop() {
				d, n := fetchOnly(b, s.URL(), s.APIKey())
				fetch, tasks = append(fetch, d), n
				first = append(first, firstRows(b, s.URL(), s.APIKey()))
			}
			f, raw := median(first), median(fetch)
			b.ReportMetric(float64(f.Microseconds())/1000, "ms-first-frame")
			b.ReportMetric(float64(raw.Microseconds())/1000, "ms-fetch")
			b.ReportMetric(f.Seconds()/raw.Seconds(), "x-fetch")
			b.ReportMetric(float64(tasks), "tasks")
		})
	}
}

// fetchOnly times GET /tasks/active read whole and not decoded, and counts
// the tasks in it.
func fetchOnly(tb testing.TB, base, key string) (time.Duration, int) {
	req, err := http.NewRequest(http.MethodGet, base+"/tasks/active", nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	tr := api.NewTransport()
	defer tr.CloseIdleConnections()
	start := time.Now()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET /tasks/active: %d %v", resp.StatusCode, err)
	}
	return d, len(regexp.MustCompile(`"asset_id"`).FindAllIndex(body, -1))
}

// A task row: the task's id, then its asset (the id's prefix, or already
// the file's name when it came before the frame was drawn).
var taskRow = regexp.MustCompile(`┃  [0-9a-f]{8} \S`)

// firstRows runs the dashboard until its output, drawn on a 160×45
// screen, shows a task row, and returns how long that took from the start.
func firstRows(tb testing.TB, base, key string) time.Duration {
	client, err := api.NewClient(base, key)
	if err != nil {
		tb.Fatal(err)
	}
	screen := clitest.NewScreen(tb, 160, 45, clitest.NotATTY)
	out := &rowWatch{screen: screen, shown: make(chan time.Time, 1)}
	keys, typing := io.Pipe()
	defer typing.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- runDashboard(ctx, &stdio{in: keys, out: out, err: io.Discard, getenv: func(string) string { return "" }},
			dashboardRun{client: client, cfg: config{}, noState: true})
	}()
	select {
	case at := <-out.shown:
		cancel()
		if err := <-done; err != nil {
			tb.Fatal(err)
		}
		return at.Sub(start)
	case err := <-done:
		tb.Fatalf("the dashboard ended before showing a task: %v\n%s", err, screen.Text())
	case <-time.After(time.Minute):
		tb.Fatalf("no task row within a minute:\n%s", screen.Text())
	}
	return 0
}

// rowWatch draws what the program writes and notes when a write (a frame)
// first leaves a task row on screen; the time is taken as the write
// begins, so drawing it here is not counted.
type rowWatch struct {
	mu     sync.Mutex
	screen *clitest.Screen
	seen   bool
	shown  chan time.Time
}

func (w *rowWatch) Write(p []byte) (int, error) {
	at := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.screen.Write(p)
	if !w.seen && taskRow.MatchString(w.screen.Text()) {
		w.seen = true
		w.shown <- at
	}
	return n, err
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

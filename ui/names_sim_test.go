package ui

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/assets"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/sim/simtest"
)

// assetGate stands in front of a simulator and counts the asset requests
// that reach it; it can answer them 429 (a storm) or 404 (one asset gone)
// instead.
type assetGate struct {
	srv   *httptest.Server
	storm atomic.Bool
	mu    sync.Mutex
	hits  map[string]int // asset id → requests that reached the simulator
	total int            // asset requests, answered by the gate or not
	gone  map[string]bool
}

func newAssetGate(t *testing.T, s *sim.Server) *assetGate {
	t.Helper()
	target, _ := url.Parse(s.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.FlushInterval = -1 // the event stream, as it comes
	g := &assetGate{hits: map[string]int{}, gone: map[string]bool{}}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := strings.CutPrefix(r.URL.Path, "/assets/"); ok {
			g.mu.Lock()
			g.total++
			gone := g.gone[id]
			if !gone && !g.storm.Load() {
				g.hits[id]++
			}
			g.mu.Unlock()
			switch {
			case g.storm.Load():
				w.Header().Set("Retry-After", "1")
				http.Error(w, `{"detail":"Too Many Requests"}`, http.StatusTooManyRequests)
				return
			case gone:
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"detail":"Asset not found"}`))
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { g.srv.CloseClientConnections(); g.srv.Close() })
	return g
}

// counts is the asset requests so far, and the most any one asset got.
func (g *assetGate) counts() (total, most int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.hits {
		most = max(most, n)
	}
	return g.total, most
}

// namingSim is a paused simulator holding n tasks, a gate in front of it
// (prepared before the dashboard starts), and the dashboard on the gate.
// listed is how many of the tasks GET /tasks/active lists.
func namingSim(t *testing.T, n int, prepare func(*sim.Server, *assetGate)) (g *assetGate, r *realAPI, listed int) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a simulator")
	}
	s := simtest.Paused(t, sim.Options{Seed: 19, MaxTasks: n + 10})
	s.CreateTasks(n)
	for _, task := range s.Tasks() {
		if task.Overall() == api.OverallActive || task.HasFailed() {
			listed++
		}
	}
	g = newAssetGate(t, s)
	if prepare != nil {
		prepare(s, g)
	}
	r = dashboardOn(t, g.srv.URL, s.APIKey(), dashOpts{})
	// No clock ticks: nothing here waits on time passing on screen, and
	// each tick's frame, drawn into the terminal emulator, is what costs
	// most under -race.
	r.Tick = nil
	return g, r, listed
}

// settled: every row the screen needs has its name, and no request is out.
func (r *realAPI) namesSettled() bool {
	return len(r.m.grid.Wanted(nil)) == 0 && r.m.names.book.PausedUntil().Before(time.Now())
}

// Opening the dashboard on 20,000 tasks asks for the assets on screen and
// a page below, no more; paging down ten times adds at most one request
// per newly visible asset, and no asset is asked for twice.
func TestNamesAreFetchedForTheScreenOnly(t *testing.T) {
	g, r, listed := namingSim(t, 20_000, nil)
	// 20,000 tasks decoded under -race on a loaded machine: be patient.
	r.Timeout = 3 * time.Minute
	r.Until(func(string) bool { return r.m.grid.Len() == listed && r.namesSettled() }, "20,000 rows, the visible ones named")
	page := r.m.grid.PageRows()
	total, most := g.counts()
	if total == 0 || total > 2*page {
		t.Fatalf("opening asked for %d assets; want the %d on screen and a page of %d below at most", total, page, page)
	}
	if most != 1 {
		t.Fatalf("an asset was asked for %d times", most)
	}
	first := total
	for range 10 {
		r.Send(tea.KeyPressMsg{Code: tea.KeyPgDown})
		r.Until(func(string) bool { return r.namesSettled() }, "the new rows named")
	}
	total, most = g.counts()
	if total-first > 10*page || most != 1 {
		t.Fatalf("ten pages down asked for %d more assets (the most for one asset: %d); want at most %d, one per newly visible asset",
			total-first, most, 10*page)
	}
	t.Logf("opening: %d asset requests (a page is %d rows); ten pages down: %d more", first, page, total-first)
	if !strings.Contains(r.Text(), ".") {
		t.Errorf("no file name on screen after paging:\n%s", r.Text())
	}
}

// A 429 storm on /assets: requests slow to what Retry-After allows, the
// ids stay on screen, the log counts it; once it passes, the names come.
func TestNamesBackOffIn429Storm(t *testing.T) {
	g, r, listed := namingSim(t, 60, func(_ *sim.Server, g *assetGate) { g.storm.Store(true) })
	r.Timeout = time.Minute // rounds of 4 requests, a second apart at least
	r.Until(func(string) bool { return r.m.grid.Len() == listed && r.m.names.book.Stats().Throttled > 0 }, "the rows, and a 429")
	start := time.Now()
	before, _ := g.counts()
	r.Settle(2500 * time.Millisecond)
	during, _ := g.counts()
	elapsed := time.Since(start)
	// Retry-After: 1 lets at most Limit requests out per second, plus the
	// wave already out when the window opened.
	if bound := assets.Limit * (int(elapsed/time.Second) + 2); during-before > bound {
		t.Fatalf("%d asset requests in %s of a 429 storm with Retry-After: 1; want at most %d", during-before, elapsed.Round(time.Millisecond), bound)
	}
	if strings.Contains(r.Text(), ".mp4") || strings.Contains(r.Text(), ".wav") {
		t.Fatalf("names on screen during the storm:\n%s", r.Text())
	}
	r.Send(tea.KeyPressMsg{Code: 'L', Text: "L"})
	r.WaitFor("429")
	r.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	g.storm.Store(false)
	r.Until(func(string) bool { return r.namesSettled() && r.m.names.book.Stats().Requests > 0 }, "names after the storm")
	if _, most := g.counts(); most != 1 {
		t.Errorf("after the storm an asset reached the simulator %d times", most)
	}
}

// A 404 for one asset marks that row and no other.
func TestOneMissingAssetMarksOneRow(t *testing.T) {
	var goneAsset string
	_, r, listed := namingSim(t, 6, func(s *sim.Server, g *assetGate) {
		goneAsset = s.Tasks()[2].AssetID
		g.gone[goneAsset] = true
	})
	r.Until(func(string) bool { return r.m.grid.Len() == listed && r.namesSettled() }, "the rows settled")
	lines := 0
	for _, l := range r.Lines() {
		if strings.Contains(l, "not found") {
			lines++
			if !strings.Contains(l, goneAsset[:8]) {
				t.Errorf("the row marked not found is %q; want the one of asset %s", l, goneAsset[:8])
			}
		}
	}
	if lines != 1 {
		t.Fatalf("%d rows marked not found; want 1:\n%s", lines, r.Text())
	}
	if st := r.m.names.book.Stats(); st.NotFound != 1 || st.Failures != 0 {
		t.Errorf("book stats %+v; want one 404 and nothing else failed", st)
	}
}

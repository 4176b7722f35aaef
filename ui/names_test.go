package ui

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/feed/assets"
)

// testIndexes are the account's indexes in the screens' tests.
var testIndexes = []api.Index{
	{ID: "ix_interviews", Name: "Interviews", NumAssets: 12, SizeBytes: 9_800_000_000, TotalTokensUsed: 48_210, Duration: 14_400},
	{ID: "ix_marketing", Name: "Marketing", NumAssets: 7, SizeBytes: 2_100_000_000, TotalTokensUsed: 9_040, Duration: 3_100},
}

// testNames are the file names the screens' tests give assets, in turn:
// short, long (cut in the middle), wide characters, spaces.
var testNames = []string{
	"interview-final.mp4", "board-meeting-2026-11-03-raw-for-review-with-legal.mov", "podcast-ep-41.wav",
	"会議の録画ファイル最終版.mp4", "Q3 All Hands – Final Cut (1080p).mp4", "drone-flyover.mkv", "b-roll.webm", "keynote-v2.mp4",
}

// testAsset is the asset of task n (as task() names it) in the tests.
func testAsset(n int) api.Asset {
	dur := float64(60 + n*37)
	return api.Asset{ID: fmt.Sprintf("a%07d-asset", n), Type: "video", Name: testNames[(n-1)%len(testNames)], SizeBytes: int64(n) * 48_000_000,
		MimeType: "video/mp4", Duration: &dur, IndexID: testIndexes[n%2].ID, Created: api.Time{Time: t0.Add(-48 * time.Hour)}}
}

// nameAssets answers, as GET /indexes and GET /assets/{id} would, for the
// assets of tasks 1 to n except skip (never answered: its id stays) and
// gone (answered 404).
func nameAssets(h *harness, n, skip, gone int) {
	h.send(indexesMsg{list: testIndexes})
	for i := 1; i <= n; i++ {
		a := testAsset(i)
		switch i {
		case skip:
		case gone:
			h.send(assetMsg{id: a.ID, err: &api.Error{Route: api.RouteByName(api.RouteAssetGet), Status: http.StatusNotFound, Detail: "Asset not found"}})
		default:
			h.send(assetMsg{id: a.ID, asset: a})
		}
	}
}

// The grid shows each task's asset by name, cut in the middle with its
// extension kept, and its index; the id where no name is known, marked
// where the API has no such asset.
func TestGridShowsAssetNames(t *testing.T) {
	for _, size := range [][2]int{{160, 45}, {80, 24}, {200, 45}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := newHarness(t, size[0], size[1])
			h.send(batchMsg{b: feed.Batch{Resync: fleet(8)}})
			nameAssets(h, 8, 3, 5)
			// At 80 columns the task id gives way to the name: rows are
			// found by what they show.
			row := func(n int) string {
				for _, l := range h.lines() {
					if strings.Contains(l, fmt.Sprintf("t%07d", n)) || strings.Contains(l, fmt.Sprintf("a%07d", n)) ||
						strings.Contains(l, assets.Shorten(testNames[n-1], 14)[:6]) {
						return l
					}
				}
				return ""
			}
			if r := row(1); !strings.Contains(r, "interv") || !strings.Contains(r, "al.mp4") || size[0] >= 160 && !strings.Contains(r, "interview-final.mp4") {
				t.Errorf("task 1's row %q lacks its asset's name (whole from 160 columns)", r)
			}
			if r := row(2); !strings.Contains(r, "board-") || !strings.Contains(r, "…") || !strings.Contains(r, "al.mov") {
				t.Errorf("task 2's row %q: want the long name cut in the middle, .mov kept", r)
			}
			if r := row(3); !strings.Contains(r, "a0000003") {
				t.Errorf("task 3's row %q: want the asset id while its name is not known", r)
			}
			if r := row(5); !strings.Contains(r, "a0000005") || size[0] >= 160 && !strings.Contains(r, "not found") {
				t.Errorf("task 5's row %q: want the id, marked not found", r)
			}
			// The index column takes the room the webhook panes leave.
			if r := row(1); size[0] >= 200 && !strings.Contains(r, "Marketing") {
				t.Errorf("task 1's row %q lacks its index", r)
			}
			h.press("N")
			if r := row(1); strings.Contains(r, "interview") || !strings.Contains(r, "a0000001") {
				t.Errorf("after N, task 1's row %q: want the asset id instead of the name", r)
			}
		})
	}
}

// / finds a task by part of its asset's name; s sorts by name; i keeps
// one index's tasks.
func TestFilterSortAndIndexByName(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.send(batchMsg{b: feed.Batch{Resync: fleet(8)}})
	nameAssets(h, 8, 0, 0)
	h.press("/")
	h.typeText("podcast")
	h.press("enter")
	if got := h.gridIDs(); len(got) != 1 || got[0] != "t0000003" {
		t.Fatalf("/podcast shows %v; want the task of podcast-ep-41.wav", got)
	}
	h.press("esc")
	for range 4 {
		h.press("s")
	}
	h.must("· name ↓")
	got := h.gridIDs()
	want := []string{"t0000007", "t0000002", "t0000006", "t0000001", "t0000008", "t0000003", "t0000005", "t0000004"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("sorted by name: %v; want %v (b-roll, board-meeting, drone-flyover, interview-final, keynote, podcast, Q3, 会議)", got, want)
	}
	h.press("i")
	h.must("index Interviews")
	for _, id := range h.gridIDs() {
		var n int
		fmt.Sscanf(id, "t%07d", &n)
		if n%2 != 0 {
			t.Errorf("index Interviews shows %s, whose asset is in Marketing", id)
		}
	}
	h.press("i", "i")
	if h.m.grid.Len() != 8 {
		t.Errorf("i past the last index shows %d tasks; want all 8", h.m.grid.Len())
	}
}

// The task view shows the asset's name, type, duration, size, index and
// upload time, and the index's totals.
func TestTaskViewShowsTheAsset(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.send(batchMsg{b: feed.Batch{Resync: fleet(8)}})
	nameAssets(h, 8, 0, 0)
	h.press("G", "enter") // the oldest update: task 1
	h.must("interview-final.mp4", "video · video/mp4 · 1:37 · 48 MB", "uploaded", "Marketing", "7 assets · 51:40 · 2.1 GB · 9,040 tokens used")
}

// A name with control sequences, a right-to-left override or 10,000
// characters is sanitized and cut; an empty one leaves the id.
func TestHostileAssetNames(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.send(batchMsg{b: feed.Batch{Resync: fleet(4)}})
	evil := []string{
		"\x1b]52;c;cHduZWQ=\x07clip\x1b[31mboard\x1b[0m.mp4",
		"invoice\u202egpj.exe",
		strings.Repeat("x", 10_000) + ".mov",
	}
	for i, name := range evil {
		a := testAsset(i + 1)
		a.Name = name
		h.send(assetMsg{id: a.ID, asset: a})
	}
	h.must("clipboard.mp4", "invoicegpj.exe", "x…", "x.mov")
	h.mustNot("\u202e", "52;c")
	// A name of nothing but control sequences leaves the id.
	empty := testAsset(4)
	empty.Name = "\x1b[2J"
	h.send(assetMsg{id: empty.ID, asset: empty})
	if r := h.row("t0000004"); !strings.Contains(r, "a0000004") {
		t.Errorf("a name that cleans to nothing: row %q; want the asset id", r)
	}
}

// nameShown gives every asset the screen wants its test name, as if
// GET /assets/{id} had answered for each: for the benchmarks, whose
// frames must cost what they cost with names shown.
func nameShown(tb testing.TB, m *Model) {
	tb.Helper()
	m.names.book.SetIndexes(testIndexes)
	m.grid.SetIndexes(testIndexes)
	for _, id := range m.grid.Wanted(nil) {
		var n int
		if _, err := fmt.Sscanf(id, "a%07d-asset", &n); err != nil {
			tb.Fatal(err)
		}
		a := testAsset(n)
		if runewidth.StringWidth(a.Name) != len([]rune(a.Name)) {
			// Bubble Tea's renderer rewrites rows holding wide characters
			// on every frame, names or not (a task id of CJK letters costs
			// a full repaint per frame before names existed): the budget
			// is measured on names one cell per character.
			a.Name = "kaigi-no-rokuga-saishuban.mp4"
		}
		m.names.book.Start(t0, []string{id})
		m.names.book.Finish(t0, id, &a, nil)
	}
	m.askNames()
	if len(m.grid.Wanted(nil)) != 0 {
		tb.Fatal("rows on screen still without a name")
	}
}

// The header shows whose key it is and the tokens left: a name, else a
// masked email; under the threshold in words, and 0 said plainly.
func TestHeaderShowsTheAccount(t *testing.T) {
	h := newHarness(t, 160, 45)
	h.m.opts.TokensWarn = 5_000
	h.send(accountMsg{user: api.User{FirstName: "Maya", LastName: "Moreau", Email: "maya@example.com", TokensRemaining: 84_210}})
	if top := h.lines()[0]; !strings.Contains(top, "Maya Moreau · 84,210 tokens") || strings.Contains(top, "low") {
		t.Errorf("header %q", top)
	}
	h.send(accountMsg{user: api.User{Email: "jordan@example.com", TokensRemaining: 4_999}})
	if top := h.lines()[0]; !strings.Contains(top, "j•••@example.com") || !strings.Contains(top, "4,999 tokens left: running low") || strings.Contains(top, "jordan") {
		t.Errorf("header %q: want the masked email and the low balance in words", top)
	}
	h.send(accountMsg{user: api.User{Email: "jordan@example.com", TokensRemaining: 0}})
	if top := h.lines()[0]; !strings.Contains(top, "0 tokens left: new tasks will fail") {
		t.Errorf("header %q: want 0 said plainly", top)
	}
}

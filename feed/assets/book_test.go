package assets

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/aspect-hq/aspect-tui/api"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func apiErr(status int, detail string, retryAfter time.Duration) error {
	return &api.Error{Route: api.RouteByName(api.RouteAssetGet), Status: status, Detail: detail, RetryAfter: retryAfter}
}

func TestShortenKeepsTheExtension(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    int
		want string
	}{
		{"interview-final.mp4", 19, "interview-final.mp4"},
		{"interview-final.mp4", 18, "interview-f…al.mp4"},
		{"interview-final.mp4", 12, "inter…al.mp4"},
		{"board-meeting-2026-11-03-raw.mov", 20, "board-meeting…aw.mov"},
		{"no extension at all in this name", 12, "no exten…ame"},
	} {
		got := Shorten(tc.name, tc.w)
		if got != tc.want {
			t.Errorf("Shorten(%q, %d) = %q; want %q", tc.name, tc.w, got, tc.want)
		}
		if w := runewidth.StringWidth(got); w > tc.w {
			t.Errorf("Shorten(%q, %d) is %d cells wide", tc.name, tc.w, w)
		}
	}
	// Wide characters count two cells each.
	got := Shorten("会議の録画ファイル最終版.mp4", 14)
	if w := runewidth.StringWidth(got); w > 14 || !strings.HasSuffix(got, ".mp4") || !strings.Contains(got, "…") {
		t.Errorf("a name of wide characters became %q (%d cells); want at most 14 cells ending in .mp4", got, w)
	}
}

func TestDisplayNameSanitizesAndCuts(t *testing.T) {
	evil := "\x1b]0;pwned\x07inter\u202eview\x1b[31m-final\x1b[0m.mp4\r"
	if got := DisplayName(evil); got != "interview-final.mp4" {
		t.Errorf("DisplayName(%q) = %q; want the name without its control sequences and override", evil, got)
	}
	long := strings.Repeat("a", 10_000) + ".mov"
	got := DisplayName(long)
	if n := len([]rune(got)); n > MaxName || !strings.HasSuffix(got, ".mov") || !strings.Contains(got, "…") {
		t.Errorf("a 10,004-character name became %d runes (%q…); want at most %d, cut in the middle, .mov kept", n, got[:20], MaxName)
	}
	if DisplayName("\x1b[2J\x1b[H") != "" {
		t.Error("a name of nothing but control sequences should be empty, so the id shows")
	}
}

func TestStartIsBounded(t *testing.T) {
	b := NewBook(0, 4)
	want := []string{"a", "b", "c", "d", "e", "f"}
	got := b.Start(t0, want)
	if len(got) != 4 {
		t.Fatalf("Start = %v; want the first 4", got)
	}
	if again := b.Start(t0, want); len(again) != 0 {
		t.Fatalf("with 4 out, Start = %v; want none", again)
	}
	b.Finish(t0, "a", &api.Asset{ID: "a", Name: "a.mp4"}, nil)
	if next := b.Start(t0, want); len(next) != 1 || next[0] != "e" {
		t.Fatalf("after one answer, Start = %v; want [e] (a is known, b-d are out)", next)
	}
	if b.Stats().Requests != 5 {
		t.Errorf("%d requests counted; want 5", b.Stats().Requests)
	}
}

func TestThrottleHonoursRetryAfter(t *testing.T) {
	b := NewBook(0, 4)
	b.Start(t0, []string{"a", "b"})
	out := b.Finish(t0, "a", nil, apiErr(http.StatusTooManyRequests, "", 3*time.Second))
	if out.State != Unknown || !out.RetryAt.Equal(t0.Add(3*time.Second)) || out.Log == "" {
		t.Fatalf("a 429 gave %+v; want the asset unknown again, a retry in 3s, a log line", out)
	}
	if got := b.Start(t0.Add(2*time.Second), []string{"a", "c"}); got != nil {
		t.Fatalf("during Retry-After, Start = %v; want nothing", got)
	}
	if got := b.Start(t0.Add(3*time.Second), []string{"a", "c"}); len(got) != 2 {
		t.Fatalf("after Retry-After, Start = %v; want a asked again, and c", got)
	}
	// Without Retry-After the pause doubles.
	b2 := NewBook(0, 1)
	var pauses []time.Duration
	now := t0
	for range 4 {
		b2.Start(now, []string{"x"})
		out := b2.Finish(now, "x", nil, apiErr(http.StatusTooManyRequests, "", 0))
		pauses = append(pauses, out.RetryAt.Sub(now))
		now = out.RetryAt
	}
	if pauses[0] != time.Second || pauses[3] != 8*time.Second {
		t.Errorf("pauses %v; want 1s doubling", pauses)
	}
}

func TestNotFoundMarksOneAssetAndFailuresAreNotRetried(t *testing.T) {
	b := NewBook(0, 4)
	b.Start(t0, []string{"gone", "ok", "bad"})
	if out := b.Finish(t0, "gone", nil, apiErr(404, "Asset not found", 0)); out.State != Missing {
		t.Fatalf("404 gave %+v", out)
	}
	b.Finish(t0, "ok", &api.Asset{ID: "ok"}, nil)
	if out := b.Finish(t0, "bad", nil, errors.New("connection refused")); out.State != Failed || out.Log == "" {
		t.Fatalf("a failure gave %+v", out)
	}
	if got := b.Start(t0.Add(time.Hour), []string{"gone", "ok", "bad"}); got != nil {
		t.Fatalf("Start = %v; want nothing asked again", got)
	}
	if b.Off() != "" {
		t.Error("a 404 that names the asset turned assets off")
	}
	b.Forget("bad")
	if got := b.Start(t0, []string{"bad"}); len(got) != 1 {
		t.Errorf("after Forget (the user opened the task), Start = %v; want it asked", got)
	}
	// A bare 404 is the route missing: no more asset requests at all.
	b.Start(t0, []string{"z"})
	b.Finish(t0, "z", nil, apiErr(404, "Not Found", 0))
	if b.Off() == "" || b.Start(t0, []string{"y"}) != nil {
		t.Error("after the route answered a bare 404, assets are still asked for")
	}
}

func TestCapacityIsTheBound(t *testing.T) {
	b := NewBook(3, 10)
	for _, id := range []string{"a", "b", "c", "d"} {
		b.Start(t0, []string{id})
		b.Finish(t0, id, &api.Asset{ID: id}, nil)
	}
	if _, st := b.Lookup("a"); st != Unknown {
		t.Errorf("the oldest of 4 assets in a book of 3 is %v; want evicted", st)
	}
	if _, st := b.Lookup("d"); st != Known {
		t.Errorf("the newest is %v", st)
	}
}

// After a screenful at once, requests start at Rate a second: what is not
// started is left to a later Start, which PausedUntil says when to make.
func TestStartKeepsToTheRate(t *testing.T) {
	b := NewBook(0, 1000)
	ids := func(from, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("a%d", from+i)
		}
		return out
	}
	if got := b.Start(t0, ids(0, Burst+10)); len(got) != Burst {
		t.Fatalf("a first Start began %d requests; want the burst, %d", len(got), Burst)
	}
	if until := b.PausedUntil(); !until.After(t0) {
		t.Fatalf("PausedUntil = %v after the rate ran out; want a time after %v", until, t0)
	}
	for _, id := range ids(0, Burst) {
		b.Finish(t0, id, &api.Asset{ID: id}, nil)
	}
	if got := b.Start(t0.Add(time.Second), ids(Burst, 100)); len(got) != Rate {
		t.Fatalf("a second later Start began %d requests; want %d", len(got), Rate)
	}
}

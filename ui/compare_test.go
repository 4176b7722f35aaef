package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// pagedAttempts makes the fake API hand out attempts a page at a time
// (limit per page, an iterator to the next), as Svix does.
func pagedAttempts(f *fakeAPI) {
	f.fault(api.RouteAttemptList, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f.mu.Lock()
		var all []api.Attempt
		for _, a := range f.attempts {
			if (q.Get("endpoint_id") == "" || q.Get("endpoint_id") == a.EndpointID) &&
				(q.Get("message_id") == "" || q.Get("message_id") == a.MsgID) &&
				(q.Get("status") == "" || q.Get("status") == strconv.Itoa(int(a.Status))) {
				all = append(all, a)
			}
		}
		f.mu.Unlock()
		from, _ := strconv.Atoi(q.Get("iterator"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit <= 0 {
			limit = 50
		}
		to := min(from+limit, len(all))
		page := map[string]any{"data": all[from:to], "done": to == len(all), "iterator": strconv.Itoa(to)}
		writeJSON(w, 200, page)
	})
}

// payloadOf is an envelope whose visual feature is in state.
func payloadOf(task, state string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"event_type":"task.progress","data":{"task":{"id":%q,"features":{"visual":{"state":%q},"proxy":{"state":"completed"}}}}}`, task, state))
}

// failures puts n failed attempts (newest first) with their messages in f;
// the visual feature failed in the messages of the numbers in visualFailed.
func failures(f *fakeAPI, n int, visualFailed ...int) {
	bad := map[int]bool{}
	for _, i := range visualFailed {
		bad[i] = true
	}
	now := time.Now()
	f.endpoints = []api.Endpoint{{ID: "ep_a", URL: "https://hooks.example/a"}}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%04d", i)
		at := api.Time{Time: now.Add(-time.Duration(i) * time.Second)}
		f.attempts = append(f.attempts, api.Attempt{ID: "atmpt_" + id, MsgID: "msg_" + id, EndpointID: "ep_a", URL: "https://hooks.example/a",
			Status: api.AttemptFailed, ResponseStatusCode: 500, Response: `{"error":"boom ` + id + `"}`, ResponseDurationMs: int64(100 + i), Timestamp: at})
		state := "completed"
		if bad[i] {
			state = "failed"
		}
		f.messages = append(f.messages, api.Message{ID: "msg_" + id, EventType: "task.progress", Payload: payloadOf("t_"+id, state), Timestamp: at})
	}
}

func TestSearchByPathFindsTheRightRowsAcrossPages(t *testing.T) {
	f := newFakeAPI(t)
	failures(f, 450, 250, 420) // pages of 200: the matches are on the second and third
	pagedAttempts(f)
	d, _ := webhookDriver(t, f, nil, t.TempDir())
	d.press("tab", "tab", "z")
	d.waitFor("Failed deliveries 200")
	d.press("/")
	d.Type("data.task.features.visual.state=failed")
	d.waitFor("Search: data.task.features.visual.state=failed")
	d.press("enter")
	d.waitFor("2 matched of 450 attempts", "msg_0250", "msg_0420")
	d.MustNot("msg_0000", "msg_0249", "msg_0251")
	// A plain substring searches response bodies too.
	d.press("/")
	d.press("ctrl+u")
	d.Type("boom 0333")
	d.press("enter")
	d.waitFor("1 matched of 450 attempts", "msg_0333")
	// esc while typing clears the search: the pane's rows come back.
	d.press("/", "esc")
	d.waitFor("Failed deliveries 200")
}

func TestCompareTwoAttemptsSideBySide(t *testing.T) {
	f := newFakeAPI(t)
	failures(f, 3, 1)
	f.attempts[1].ResponseStatusCode, f.attempts[1].Response = 502, `{"error":"bad gateway","retry":true}`
	d := newDriver(t, f, driverOpts{noFeed: true})
	d.press("tab", "tab")
	d.waitFor("Failed deliveries 3")
	d.press("=")
	d.waitFor("no attempt is marked")
	d.press("m")
	d.waitFor("marked attempt atmpt_0000")
	d.press("j", "=")
	d.waitFor("Compare atmpt_0000 with atmpt_0001", "LEFT  atmpt_0000 (marked)", "RIGHT atmpt_0001")
	screen := d.waitFor("data.task.features.visual.state")
	for _, want := range []string{
		`≠ status`,
		`≠ data.task.features.visual.state`,
		`+ retry`,
		`≠ error`,
	} {
		if d.Line(want) == "" {
			t.Errorf("no line %q:\n%s", want, screen)
		}
	}
	line := d.Line("data.task.features.visual.state")
	if !strings.Contains(line, `"completed"`) || !strings.Contains(line, `"failed"`) {
		t.Errorf("the changed key does not show both values: %q", line)
	}
	if l := d.Line("proxy.state"); !strings.HasPrefix(strings.TrimLeft(strings.TrimLeft(l, "┃│ "), " "), "data") {
		t.Errorf("a key the same on both sides is marked: %q", l)
	}
	d.press("esc")
	d.waitFor("Failed deliveries 3")
}

// webhookDriver is newDriver with the export options set, the clipboard
// caught, a refresh of a second (each reads hundreds of attempts here) and
// a generous wait: a search reads a thousand attempts over HTTP, slow
// under the race detector on a loaded machine.
func webhookDriver(t *testing.T, f *fakeAPI, secrets map[string]string, dir string) (*driver, *[]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dark := true
	m, err := New(Options{Context: ctx, Client: f.client(t), APIURL: f.srv.URL, Dark: &dark, Refresh: time.Second,
		EndpointSecrets: secrets, ExportDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	d := &driver{Async: uitest.NewAsync(t, m, 160, 45), m: m}
	d.Timeout = time.Minute
	var clip []string
	d.Handle = func(msg tea.Msg) bool {
		if fmt.Sprintf("%T", msg) != "tea.setClipboardMsg" {
			return false
		}
		clip = append(clip, fmt.Sprint(msg))
		return true
	}
	d.update(tea.WindowSizeMsg{Width: 160, Height: 45})
	d.Run(m.Init())
	return d, &clip
}

func TestExportWithoutASecretSaysWhatToSet(t *testing.T) {
	f := newFakeAPI(t)
	failures(f, 2)
	dir := t.TempDir()
	d, clip := webhookDriver(t, f, nil, dir)
	d.press("tab", "tab", "z")
	d.waitFor("Failed deliveries 2", "msg_0000")
	d.press("enter")
	d.waitFor("Attempt atmpt_0000", `"visual"`)
	d.press("E")
	d.waitFor("no curl command: no signing secret for ep_a", "[endpoint_secrets]")
	if len(*clip) != 0 {
		t.Errorf("copied %q without a secret", *clip)
	}
	// The script that signs at run time needs no secret now: it is written.
	files, _ := filepath.Glob(filepath.Join(dir, "redeliver-*.sh"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
}

func TestExportedCurlIsAnswered204ByListen(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed here, so the exported command cannot be run")
	}
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	rx, err := listen.New(listen.Options{Addr: "127.0.0.1:0", Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	if err := rx.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rx.Close() })
	got := make(chan listen.Request, 4)
	go func() {
		for {
			ds, ok := rx.Take(context.Background(), 4)
			if !ok {
				return
			}
			for _, r := range ds {
				got <- r
				r.Done()
			}
		}
	}()
	f := newFakeAPI(t)
	failures(f, 1)
	f.endpoints[0].URL = rx.URL() + "/hooks/aspect"
	f.attempts[0].URL = f.endpoints[0].URL
	dir := t.TempDir()
	d, clip := webhookDriver(t, f, map[string]string{"ep_a": secret}, dir)
	d.press("tab", "tab", "z")
	d.waitFor("Failed deliveries 1", "msg_0000")
	d.press("enter")
	d.waitFor("Attempt atmpt_0000", `"visual"`)
	d.press("E")
	d.waitFor("copied a signed curl command (OSC 52; good until")
	if len(*clip) != 1 {
		t.Fatalf("clipboard %q", *clip)
	}
	out, err := exec.Command("sh", "-c", (*clip)[0]).CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "204") {
		t.Fatalf("curl: %v %s", err, out)
	}
	r := <-got
	if !r.Verified || r.Path != "/hooks/aspect" || string(r.Body) != string(f.messages[0].Payload) {
		t.Fatalf("listen saw verified=%v path=%s body=%s", r.Verified, r.Path, r.Body)
	}
	if st, err := os.Stat(filepath.Join(dir, "redeliver-msg_0000.sh")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("script: %v %v", st, err)
	}
	// F writes a fixture, whatever the endpoint's secret.
	d.press("F")
	d.waitFor("wrote a test fixture to")
	b, err := os.ReadFile(filepath.Join(dir, "fixture-msg_0000", "body.json"))
	if err != nil || string(b) != string(f.messages[0].Payload) {
		t.Fatalf("fixture body %q %v", b, err)
	}
	h, _ := os.ReadFile(filepath.Join(dir, "fixture-msg_0000", "headers.json"))
	if strings.Contains(string(h)+string(b), secret[6:]) {
		t.Fatal("the fixture holds the endpoint's secret")
	}
}

func TestSearchIsBoundedAndSaysSo(t *testing.T) {
	f := newFakeAPI(t)
	failures(f, 1200, 10, 1100)
	pagedAttempts(f)
	d, _ := webhookDriver(t, f, nil, t.TempDir())
	d.press("tab", "tab", "z")
	d.waitFor("Failed deliveries 200")
	d.press("/")
	d.Type("data.task.features.visual.state=failed")
	d.press("enter")
	// The 1,101st newest attempt is past the bound: one match of 1,000.
	d.waitFor("1 matched of 1,000 attempts", "the newest 1,000 attempts of each endpoint searched", "msg_0010")
	d.MustNot("msg_1100")
}

// A row whose message was listed without its payload: the export reads
// the message whole first.
func TestExportFromARowFetchesThePayload(t *testing.T) {
	f := newFakeAPI(t)
	failures(f, 1)
	full := f.messages[0]
	f.fault(api.RouteMessageList, func(w http.ResponseWriter, r *http.Request) {
		bare := full
		bare.Payload = nil
		writeJSON(w, 200, map[string]any{"data": []api.Message{bare}, "done": true})
	})
	f.fault(api.RouteMessageGet, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, full) })
	dir := t.TempDir()
	d, _ := webhookDriver(t, f, nil, dir)
	d.press("tab", "tab")
	d.waitFor("Failed deliveries 1")
	d.press("F")
	d.waitFor("wrote a test fixture to")
	b, err := os.ReadFile(filepath.Join(dir, "fixture-msg_0000", "body.json"))
	if err != nil || string(b) != string(full.Payload) {
		t.Fatalf("fixture body %q %v", b, err)
	}
}

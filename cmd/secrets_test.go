package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/sim"
)

// secretsSeen records the signing secret of every endpoint created
// through it, from the API's answers.
type secretsSeen struct {
	next http.RoundTripper
	mu   sync.Mutex
	all  []string
}

func (s *secretsSeen) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost || req.URL.Path != "/webhooks/endpoints" {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var out struct {
		Secret string `json:"secret"`
	}
	if json.Unmarshal(body, &out) == nil && out.Secret != "" {
		s.mu.Lock()
		s.all = append(s.all, out.Secret)
		s.mu.Unlock()
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (s *secretsSeen) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.all...)
}

// A full demo run: the simulator (its log kept), the demo's listen
// receiver as its endpoint, the dashboard drawing into a 160×45 terminal
// and driven through the webhook keys (an endpoint created there shows its
// secret once), `listen --json` on an endpoint of its own and `tail
// --json`. The API key and every whsec_ secret appear in full nowhere in
// what any of them wrote, except the new endpoint's secret in the dialog
// that shows it, and never after that dialog closed. The screen is read
// through a terminal emulator, after every write, so a secret is caught
// however the renderer drew it; the raw bytes are checked too, for a
// secret written whole but drawn over.
func TestDemoRunNeverShowsASecret(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	const apiKey = "sk_sim_Zq8rT2vLw9XkP4mN7bC1dF6h"
	simLog := &clitest.Buffer{}
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", APIKey: apiKey, Seed: 1, Rate: 5, TimeScale: 20, Backlog: 10,
		Logf: func(format string, args ...any) { fmt.Fprintf(simLog, format+"\n", args...) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := &secretsSeen{next: api.NewTransport()}
	client, err := api.NewClient(s.URL(), apiKey, api.WithHTTPClient(&http.Client{Transport: seen}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopDemo, demoSecret, err := startDemoReceiver(ctx, client, 0.3, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer stopDemo()

	state := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "XDG_STATE_HOME": state, "ASPECT_API_URL": s.URL(), "ASPECT_API_KEY": apiKey}
	getenv := func(k string) string { return env[k] }

	// listen --json on an endpoint of its own: created first for its
	// secret, pointed at the receiver once it listens.
	own, err := client.CreateEndpoint(ctx, api.EndpointIn{URL: "http://127.0.0.1:9/placeholder", EventTypes: []string{"task.*"}, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	listen := startListen(t, env, []string{"--secret", own.Secret, "--json"})
	if _, err := client.UpdateEndpoint(ctx, own.Endpoint.ID, api.EndpointIn{URL: listen.url + "/hook", EventTypes: []string{"task.*"}, Version: 1}); err != nil {
		t.Fatal(err)
	}
	tail := startCLI(t, env, []string{"tail", "--json"})

	// The secrets, and what each may show in full: nothing but the new
	// endpoint's secret, and that only until its dialog closes.
	var (
		mu          sync.Mutex
		dialogShut  bool
		shownWhole  []string
		onScreenNow = func(text string) {
			created := seen.list()
			all := append([]string{apiKey, demoSecret}, created...)
			mu.Lock()
			defer mu.Unlock()
			for i, sec := range all {
				if !strings.Contains(text, secretBody(sec)) {
					continue
				}
				if i == 4 && !dialogShut { // created[2], the dialog's own
					continue
				}
				shownWhole = append(shownWhole, api.Mask(sec))
			}
		}
	)

	// The dashboard, as the demo runs it, drawing 160×45 into a terminal.
	testScreen.w, testScreen.h = 160, 45
	defer func() { testScreen.w, testScreen.h = 0, 0 }()
	screen := clitest.NewScreen(t, 160, 45, clitest.NotATTY)
	screen.Watch(onScreenNow)
	term, dashErr := &clitest.Buffer{}, &clitest.Buffer{}
	keys, typing := io.Pipe()
	defer typing.Close()
	dashDone := make(chan error, 1)
	dashExited := make(chan struct{})
	go func() {
		defer close(dashExited)
		dashDone <- runDashboard(ctx, &stdio{in: keys, out: io.MultiWriter(term, screen), err: dashErr, getenv: getenv},
			dashboardRun{client: client, cfg: config{Refresh: 300 * time.Millisecond, StallWindow: 45 * time.Second}, label: "demo", extra: []string{apiKey, demoSecret}, noState: true})
	}()
	press := func(s string) {
		t.Helper()
		if _, err := io.WriteString(typing, s); err != nil {
			t.Fatal(err)
		}
	}
	// shows and gone wait for the screen; a key whose effect the next one
	// depends on (a lone ESC above all: ESC and the next byte together
	// read as alt+key) is followed by one of them.
	shows := func(sub string) { t.Helper(); screen.WaitFor(t, sub, dashExited) }
	gone := func(sub string) {
		t.Helper()
		screen.WaitUntil(t, "the screen to stop showing "+sub, func(text string) bool { return !strings.Contains(text, sub) }, dashExited)
	}
	shows("/webhooks/aspect") // the demo's endpoint is listed
	shows("✗ 500")            // and its failures
	listen.waitOut(t, `"verified":true`)
	tail.waitOut(t, `"event_type"`)

	// Create an endpoint: the secret is shown in its dialog, once.
	press("\t")
	press("n")
	shows("New endpoint")
	// One field at a time, each seen on the screen before the next key: a
	// burst of keys read in one go on a busy machine is not what a person
	// types.
	press("http://127.0.0.1:9/created")
	shows("http://127.0.0.1:9/created")
	press("\t")
	press("made in the test")
	shows("made in the test")
	press("\r")
	shows("shown this once")
	created := seen.list()
	if len(created) != 3 {
		t.Fatalf("%d endpoints created; want the demo's, listen's and the dialog's", len(created))
	}
	secret := created[2]
	shows(secret)
	press("\x1b")
	gone("shown this once")
	mu.Lock()
	dialogShut = true
	mu.Unlock()
	closed := term.Len()
	// Zoomed, the pane has room for the whole second line: beside the
	// pane, a failing endpoint's disabling forecast takes the room first.
	press("z")
	shows("unzooms")
	shows("made in the test")
	shows("secret " + api.Mask(secret))
	press("z")
	gone("unzooms")

	// Around the webhook panes once more: deliveries zoomed, an attempt
	// open, the help, the log; then quit.
	press("\t")
	press("z")
	shows("unzooms")
	press("\r")
	shows("Attempts of this message to this endpoint")
	press("\x1b")
	gone("Attempts of this message to this endpoint")
	press("z")
	gone("unzooms")
	press("?")
	shows("Help")
	press("\x1b")
	gone("Help")
	press("L")
	shows("Event log")
	press("\x1b")
	gone("Event log")
	press("q")
	select {
	case err := <-dashDone:
		if err != nil {
			t.Fatalf("dashboard: %v (stderr %q)", err, dashErr.String())
		}
	case <-time.After(clitest.Patience):
		t.Fatalf("q did not quit the dashboard:\n%s", screen.Text())
	}
	cancel()
	for name, r := range map[string]*runningCLI{"listen --json": listen.runningCLI, "tail --json": tail} {
		if code := r.interrupt(t); code != 0 {
			t.Errorf("%s exited %d: %s", name, code, r.err.String())
		}
	}

	mu.Lock()
	if len(shownWhole) > 0 {
		t.Errorf("the screen showed these secrets in full: %v", slices.Compact(shownWhole))
	}
	mu.Unlock()
	secrets := append([]string{apiKey, demoSecret}, created...)
	outputs := map[string]string{
		"the terminal's bytes after the dialog closed": term.String()[closed:],
		"the dashboard's stderr":                       dashErr.String(),
		"the simulator's log":                          simLog.String(),
		"listen --json stdout":                         listen.out.String(),
		"listen --json stderr":                         listen.err.String(),
		"tail --json stdout":                           tail.out.String(),
		"tail --json stderr":                           tail.err.String(),
	}
	for name, out := range outputs {
		if out == "" && !strings.Contains(name, "stderr") {
			t.Errorf("%s is empty: the run did not exercise it", name)
		}
		for _, sec := range secrets {
			body := secretBody(sec)
			if strings.Contains(out, body) {
				i := strings.Index(out, body)
				t.Errorf("%s holds the secret %s in full: …%q…", name, api.Mask(sec), out[max(0, i-80):min(len(out), i+80)])
			}
		}
	}
	// Before the dialog closed, the only full secret written is the new one.
	for _, sec := range secrets[:4] {
		if strings.Contains(term.String()[:closed], secretBody(sec)) {
			t.Errorf("the terminal was sent %s in full", api.Mask(sec))
		}
	}
	if files, _ := filepath.Glob(filepath.Join(state, "*", "*")); len(files) > 0 {
		t.Errorf("files were written without being asked for: %v", files)
	}
	if _, err := os.Stat(filepath.Join(state, "aspect-tui")); err == nil {
		t.Error("the state directory was made without a crash")
	}
}

// secretBody is a secret without its prefix: what must not show whole.
func secretBody(sec string) string {
	return strings.TrimPrefix(strings.TrimPrefix(sec, "whsec_"), "sk_sim_")
}

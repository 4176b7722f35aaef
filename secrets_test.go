package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
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

// waitIn waits until b holds want.
func waitIn(t *testing.T, b *lockedBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 15s for %q in %q", want, lastOf(b.String(), 2000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A full demo run: the simulator (its log kept), the demo's listen
// receiver as its endpoint, the dashboard drawing into a buffer and driven
// through the webhook keys (an endpoint created there shows its secret
// once), `listen --json` on an endpoint of its own and `tail --json`. The
// API key and every whsec_ secret appear in full nowhere in what any of
// them wrote, except the new endpoint's secret in the dialog that shows it,
// and never after that dialog closed.
func TestDemoRunNeverShowsASecret(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	const apiKey = "sk_sim_Zq8rT2vLw9XkP4mN7bC1dF6h"
	simLog := &lockedBuffer{}
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
	type cmdRun struct {
		name     string
		out, err *lockedBuffer
		done     chan int
	}
	var runs []*cmdRun
	startCmd := func(name string, args ...string) *cmdRun {
		r := &cmdRun{name: name, out: &lockedBuffer{}, err: &lockedBuffer{}, done: make(chan int, 1)}
		go func() {
			r.done <- run(ctx, args, &stdio{in: strings.NewReader(""), out: r.out, err: r.err, getenv: getenv})
		}()
		runs = append(runs, r)
		return r
	}

	// listen --json on an endpoint of its own: created first for its
	// secret, pointed at the receiver once it listens.
	own, err := client.CreateEndpoint(ctx, api.EndpointIn{URL: "http://127.0.0.1:9/placeholder", EventTypes: []string{"task.*"}, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	listen := startCmd("listen --json", "listen", "--addr", "127.0.0.1:0", "--secret", own.Secret, "--json")
	waitIn(t, listen.err, "listening on ")
	addr := regexp.MustCompile(`listening on (http://[0-9.:]+)`).FindStringSubmatch(listen.err.String())
	if addr == nil {
		t.Fatalf("no address in %q", listen.err.String())
	}
	if _, err := client.UpdateEndpoint(ctx, own.Endpoint.ID, api.EndpointIn{URL: addr[1] + "/hook", EventTypes: []string{"task.*"}, Version: 1}); err != nil {
		t.Fatal(err)
	}
	tail := startCmd("tail --json", "tail", "--json")

	// The dashboard, as the demo runs it, drawing 160×45 into a buffer.
	extraProgramOptions = []tea.ProgramOption{tea.WithWindowSize(160, 45)}
	defer func() { extraProgramOptions = nil }()
	term, dashErr := &lockedBuffer{}, &lockedBuffer{}
	keys, typing := io.Pipe()
	defer typing.Close()
	dashDone := make(chan error, 1)
	go func() {
		dashDone <- runDashboard(ctx, &stdio{in: keys, out: term, err: dashErr, getenv: getenv},
			dashboardRun{client: client, cfg: config{Refresh: 300 * time.Millisecond, StallWindow: 45 * time.Second}, label: "demo", extra: []string{apiKey, demoSecret}})
	}()
	press := func(s string) {
		t.Helper()
		if _, err := io.WriteString(typing, s); err != nil {
			t.Fatal(err)
		}
		if s == "\x1b" {
			// A lone ESC is a key only once no more bytes follow it.
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitIn(t, term, "/webhooks/aspect") // the demo's endpoint is listed
	waitIn(t, term, "✗ 500")            // and its failures
	waitIn(t, listen.out, `"verified":true`)
	waitIn(t, tail.out, `"event_type"`)

	// Create an endpoint: the secret is shown in its dialog, once.
	press("\t")
	press("n")
	waitIn(t, term, "New endpoint")
	press("http://127.0.0.1:9/created\tmade in the test\r")
	waitIn(t, term, "shown this once")
	created := seen.list()
	if len(created) != 3 {
		t.Fatalf("%d endpoints created; want the demo's, listen's and the dialog's", len(created))
	}
	secret := created[2]
	waitIn(t, term, secret)
	press("\x1b")
	waitIn(t, term, "made in the test")
	closed := len(term.String())
	waitIn(t, term, "secret "+api.Mask(secret))

	// Around the webhook panes once more: deliveries zoomed, an attempt
	// open, the help, the log; then quit.
	press("\t")
	press("z")
	time.Sleep(300 * time.Millisecond)
	press("\r")
	time.Sleep(500 * time.Millisecond)
	press("\x1b")
	press("z")
	press("?")
	waitIn(t, term, "Help")
	press("\x1b")
	press("L")
	time.Sleep(500 * time.Millisecond)
	press("\x1b")
	press("q")
	select {
	case err := <-dashDone:
		if err != nil {
			t.Fatalf("dashboard: %v (stderr %q)", err, dashErr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("q did not quit the dashboard: %q", lastOf(term.String(), 3000))
	}
	cancel()
	for _, r := range runs {
		select {
		case code := <-r.done:
			if code != 0 {
				t.Errorf("%s exited %d: %s", r.name, code, r.err.String())
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("%s did not stop", r.name)
		}
	}

	secrets := append([]string{apiKey, demoSecret}, created...)
	outputs := map[string]string{
		"the terminal after the dialog closed": term.String()[closed:],
		"the dashboard's stderr":               dashErr.String(),
		"the simulator's log":                  simLog.String(),
	}
	for _, r := range runs {
		outputs[r.name+" stdout"] = r.out.String()
		outputs[r.name+" stderr"] = r.err.String()
	}
	for name, out := range outputs {
		if out == "" && !strings.Contains(name, "stderr") {
			t.Errorf("%s is empty: the run did not exercise it", name)
		}
		for _, sec := range secrets {
			body := strings.TrimPrefix(strings.TrimPrefix(sec, "whsec_"), "sk_sim_")
			if strings.Contains(out, body) {
				i := strings.Index(out, body)
				t.Errorf("%s holds the secret %s in full: …%q…", name, api.Mask(sec), out[max(0, i-80):min(len(out), i+80)])
			}
		}
	}
	// Before the dialog closed, the only full secret drawn is the new one.
	for _, sec := range secrets[:4] {
		if strings.Contains(term.String()[:closed], strings.TrimPrefix(strings.TrimPrefix(sec, "whsec_"), "sk_sim_")) {
			t.Errorf("the terminal showed %s in full", api.Mask(sec))
		}
	}
	if files, _ := filepath.Glob(filepath.Join(state, "*", "*")); len(files) > 0 {
		t.Errorf("files were written without being asked for: %v", files)
	}
	if _, err := os.Stat(filepath.Join(state, "aspect-tui")); err == nil {
		t.Error("the state directory was made without a crash")
	}
}

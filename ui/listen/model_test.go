package listen

import (
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// A verified request and a wrong-secret one, as a user sees them: the list
// says which secret verified the first and why the second was refused; the
// second's detail puts the received signature above each secret's, in the
// same column, and says what to check.
func TestWrongSecretShowsBothSignaturesAndTheHint(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45})
	if s := h.post("/webhooks/aspect", signed(t, secret2, "msg_ok", time.Now(), body), body); s != 204 {
		t.Fatalf("verified: %d", s)
	}
	if s := h.post("/webhooks/aspect", signed(t, wrong, "msg_bad", h.stamp(), body), body); s != 400 {
		t.Fatalf("wrong secret: %d", s)
	}
	h.pump(2)
	h.must("received 2 · ✓ 1 verified · ✗ 1 refused")
	if l := h.line("msg_ok"); !strings.Contains(l, "#1 POST /webhooks/aspect") || !strings.Contains(l, "task.completed") || !strings.Contains(l, "✓ secret 2") || !strings.Contains(l, " 204 ") {
		t.Errorf("verified row: %q", l)
	}
	if l := h.selected(); !strings.Contains(l, "#2 ") || !strings.Contains(l, "✗ signature mismatch") || !strings.Contains(l, " 400 ") {
		t.Errorf("the newest row is selected and says why it was refused: %q", l)
	}

	h.press("enter")
	h.must("✗ refused, answered 400: no signature matched", "signed content", "msg_bad.", "if you have several endpoints, check this is the secret of the endpoint that sent it")
	received, s1, s2 := h.line("received  "), h.line("secret 1 whsec_••••LaSw  v1,"), h.line("secret 2 whsec_••••IQ==  v1,")
	if received == "" || s1 == "" || s2 == "" {
		t.Fatalf("the received signature and both secrets' should show:\n%s", h.screen())
	}
	col := func(l string) int { return ansi.StringWidth(l[:strings.Index(l, "v1,")]) }
	if col(received) != col(s1) || col(s1) != col(s2) {
		t.Errorf("the signatures should share a column:\n%s\n%s\n%s", received, s1, s2)
	}
	sig := func(l string) string { return strings.Fields(l[strings.Index(l, "v1,"):])[0] }
	if sig(received) == sig(s1) || !strings.Contains(s1, "≠ differs") {
		t.Errorf("secret 1's signature should differ from the received one:\n%s\n%s", received, s1)
	}
	h.press("esc")
	h.must("TIME", "VERDICT")
}

// A stale timestamp: the list gives the skew, the detail compares it with
// the tolerance and says the signature itself was fine.
func TestStaleTimestamp(t *testing.T) {
	h := newHarness(t, setup{w: 120, h: 40})
	h.post("/old", signed(t, secret1, "msg_old", h.stamp().Add(-10*time.Minute), body), body)
	h.pump(1)
	if l := h.selected(); !strings.Contains(l, "✗ stale by 10m00s") {
		t.Errorf("row: %q", l)
	}
	h.press("enter")
	h.must("timestamp is 10m0s behind this machine's clock",
		"10m0s behind this machine's clock (outside the ±5m tolerance)",
		"sync this machine's clock (NTP)",
		"the signature itself is valid with secret 1: only the clock is wrong")
	if l := h.line("secret 1 whsec_••••LaSw  v1,"); !strings.Contains(l, "= received") {
		t.Errorf("secret 1 computes what was received: %q", l)
	}
}

// A request without the signature header: the row names the missing
// header, the detail says what strips headers.
func TestMissingHeader(t *testing.T) {
	h := newHarness(t, setup{w: 120, h: 40})
	hdr := signed(t, secret1, "msg_nosig", h.stamp(), body)
	hdr.Del("svix-signature")
	h.post("/hook", hdr, body)
	h.pump(1)
	if l := h.selected(); !strings.Contains(l, "✗ no svix-signature") {
		t.Errorf("row: %q", l)
	}
	h.press("enter")
	h.must("missing header svix-signature", "a proxy, load balancer or framework may strip custom headers")
	if l := h.line("missing "); !strings.Contains(l, "svix-signature") {
		t.Errorf("the signature section names what is missing: %q", l)
	}
}

// Escape sequences in a request never reach the terminal: not in the body,
// not in an event type decoded from JSON.
func TestEscapesInTheRequestAreStripped(t *testing.T) {
	h := newHarness(t, setup{w: 120, h: 40, noColor: true})
	text := "hello \x1b[31mred\x1b[0m \x1b]0;pwned\x07world \x1b[2J"
	h.post("/raw", signed(t, secret1, "msg_esc", time.Now(), text), text)
	j := `{"event_type":"\u001b[2Jtask.failed\u001b]8;;http://x\u0007","note":"\u001b[31m"}`
	h.post("/json", signed(t, secret1, "msg_esc2", time.Now(), j), j)
	h.pump(2)
	if l := h.line("/json"); !strings.Contains(l, " task.failed ") {
		t.Errorf("the event type should show without its escapes: %q", l)
	}
	h.press("j", "enter")
	h.must("hello red world")
	h.press("esc", "k", "enter")
	h.must(`"note": "\u001b[31m"`)
	for _, f := range h.frames {
		// With NO_COLOR the only sequences drawn are attributes (bold,
		// reverse); nothing from the request may move, clear or title.
		for _, bad := range []string{"\x1b[31m", "\x1b[2J", "\x1b]", "\x07"} {
			if strings.Contains(f, bad) {
				t.Fatalf("a frame holds %q from the request", bad)
			}
		}
	}
}

// A retry (the same svix-id again) is marked with the request it repeats.
func TestRepeatIsMarked(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45})
	h.post("/a", signed(t, secret1, "msg_same", time.Now(), body), body)
	h.post("/a", signed(t, secret1, "msg_same", time.Now(), body), body)
	h.pump(2)
	h.must("↻ 1 repeat ")
	if l := h.selected(); !strings.Contains(l, "#2 ") || !strings.Contains(l, "↻ #1") {
		t.Errorf("row: %q", l)
	}
	if l := h.line("#1 POST"); strings.Contains(l, "↻") {
		t.Errorf("the first is not a repeat: %q", l)
	}
	h.press("enter")
	h.must("↻ repeat of #1: the same svix-id arrived before")
}

// The selection follows new requests while it is on the newest, like
// `tail -f`; moved away, it stays on its request and the title counts what
// arrived above; g goes back to following.
func TestFollowsTheNewestUntilMovedAway(t *testing.T) {
	h := newHarness(t, setup{w: 120, h: 20}) // 14 rows show
	send := func(n int) {
		for i := 0; i < n; i++ {
			h.post("/f", signed(t, secret1, "msg_f"+string(rune('a'+h.sent)), time.Now(), body), body)
		}
		h.pump(n)
	}
	send(15)
	h.must("following")
	send(1)
	if l := h.selected(); !strings.Contains(l, "#16 ") {
		t.Fatalf("following: %q", l)
	}
	h.press("j")
	before := h.seqs()
	send(2)
	if l := h.selected(); !strings.Contains(l, "#15 ") {
		t.Errorf("moved away, the selection stays on #15: %q", l)
	}
	h.mustNot("following")
	if got := h.seqs(); !reflect.DeepEqual(got, before) {
		t.Errorf("the rows on screen do not move under the reader: %v, were %v", got, before)
	}
	h.must("↑ 2 new (g/home)")
	h.press("g")
	if l := h.selected(); !strings.Contains(l, "#18 ") {
		t.Errorf("g selects the newest: %q", l)
	}
	h.must("following")
	h.mustNot("new (g")

	// Reading a detail holds the selection whatever arrives.
	h.press("enter")
	send(1)
	// #19 arrived, and the detail (not the list, whose rows name requests
	// too) still shows #18.
	h.must("received 19", "┏━ #18 POST /f · ", "esc back")
	h.mustNot("#19")
	h.press("esc")
	if l := h.selected(); !strings.Contains(l, "#18 ") {
		t.Errorf("after the detail: %q", l)
	}

	h.press("o")
	h.must("oldest first")
	if got := h.seqs(); len(got) != 14 || got[0] != "#5" || got[13] != "#18" {
		t.Errorf("oldest first keeps the selection on screen: %v", got)
	}
	if l := h.selected(); !strings.Contains(l, "#18 ") {
		t.Errorf("oldest first keeps the selection: %q", l)
	}
	h.press("G")
	if got := h.seqs(); got[13] != "#19" {
		t.Errorf("G goes to the newest, now last: %v", got)
	}
	send(1)
	if l := h.selected(); !strings.Contains(l, "#20 ") {
		t.Errorf("on the last row oldest first, the selection follows too: %q", l)
	}
}

func TestFilterRefusedOnlyAndClear(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45})
	h.post("/webhooks/aspect", signed(t, secret1, "msg_a1", time.Now(), body), body)
	h.post("/webhooks/other", signed(t, wrong, "msg_b2", h.stamp(), body), body)
	h.post("/webhooks/aspect", signed(t, wrong, "msg_c3", h.stamp(), body), body)
	h.pump(3)

	h.press("/")
	h.typeText("other")
	if got := h.seqs(); len(got) != 1 || got[0] != "#2" {
		t.Errorf("/other: %v", got)
	}
	h.press("enter")
	h.must("Requests 1 of 3", "/other")
	h.press("/", "ctrl+u")
	h.typeText("!msg_c")
	h.press("enter")
	if got := h.seqs(); len(got) != 2 || got[0] != "#2" || got[1] != "#1" {
		t.Errorf("/!msg_c inverts: %v", got)
	}
	h.press("esc")
	if got := h.seqs(); len(got) != 3 {
		t.Errorf("esc clears the filter: %v", got)
	}

	h.press("v")
	h.must("refused only")
	if got := h.seqs(); len(got) != 2 || got[0] != "#3" || got[1] != "#2" {
		t.Errorf("v keeps the refused: %v", got)
	}
	h.press("/")
	h.typeText("nothing-like-this")
	h.must("No request matches /nothing-like-this + refused only. Esc clears the filter.")
	h.press("esc", "v")

	h.press("c")
	h.must("Cleared. New requests show here as they arrive.", "received 3 · ✓ 1 verified · ✗ 2 refused")
	if got := h.seqs(); len(got) != 0 {
		t.Errorf("c clears the list: %v", got)
	}
	h.post("/after", signed(t, secret1, "msg_d4", time.Now(), body), body)
	h.pump(1)
	if l := h.selected(); !strings.Contains(l, "#4 POST /after") {
		t.Errorf("after clearing: %q", l)
	}
}

// y puts the body on the clipboard exactly as received (OSC 52), and says so.
func TestCopyBody(t *testing.T) {
	h := newHarness(t, setup{w: 120, h: 30})
	raw := "{\"a\":  1}\n"
	h.post("/c", signed(t, secret1, "msg_copy", time.Now(), raw), raw)
	h.pump(1)
	cmd := h.send(uitest.Key("y"))
	if cmd == nil {
		t.Fatal("y did nothing")
	}
	want := tea.SetClipboard(raw)()
	if find(cmd, func(m tea.Msg) bool { return reflect.DeepEqual(m, want) }) == nil {
		t.Error("y should set the clipboard to the raw body")
	}
	h.must("copied #1's body (10 B, as received) with OSC 52")
}

// r sends a verified request to the handler again, signed afresh; the
// detail lists the replay under the handler's first answer.
func TestReplayToTheHandler(t *testing.T) {
	calls := make(chan string, 4)
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls <- r.Header.Get("svix-id")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"queued":true}`)
	}))
	defer handler.Close()
	h := newHarness(t, setup{w: 160, h: 45, forward: handler.URL + "/hook", realClock: true})
	h.post("/r", signed(t, secret1, "msg_replay", time.Now(), body), body)
	h.pump(1)
	<-calls
	h.must("handler → 1 ok, 0 failed", "forwarding to "+handler.URL+"/hook")
	if l := h.selected(); !strings.Contains(l, "→ 202 ") {
		t.Errorf("the handler's answer in the row: %q", l)
	}
	h.press("enter", "G")
	h.must("Your handler", "→ 202 from "+handler.URL+"/hook in ", `"queued": true`)

	cmd := h.send(uitest.Key("r"))
	h.must("replaying #1 to " + handler.URL + "/hook…")
	done, _ := find(cmd, func(m tea.Msg) bool { _, ok := m.(replayedMsg); return ok }).(replayedMsg)
	if done.seq != 1 || done.err != nil {
		t.Fatalf("replay: %+v", done)
	}
	if id := <-calls; id != "msg_replay" {
		t.Errorf("the handler got svix-id %q", id)
	}
	h.send(done)
	h.press("G")
	h.must("replayed #1: → 202 in ", "signed afresh: → 202 from")
}

// find runs a Cmd (each of a batch at once) and returns the first message
// that is the one wanted, without waiting for the others (a notice's
// timer); nil if none comes within 10 seconds.
func find(cmd tea.Cmd, want func(tea.Msg) bool) tea.Msg {
	first := cmd()
	b, ok := first.(tea.BatchMsg)
	if !ok {
		if want(first) {
			return first
		}
		return nil
	}
	cmds := []tea.Cmd(b)
	got := make(chan tea.Msg, len(cmds))
	for _, c := range cmds {
		if c != nil {
			go func() { got <- c() }()
		}
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m := <-got:
			if want(m) {
				return m
			}
		case <-deadline:
			return nil
		}
	}
}

// A refused request is not replayed, and replay is off without a handler.
func TestReplayRefusals(t *testing.T) {
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer handler.Close()
	h := newHarness(t, setup{w: 120, h: 30, forward: handler.URL})
	h.post("/x", signed(t, wrong, "msg_no", h.stamp(), body), body)
	h.pump(1)
	h.press("r")
	h.must("#1 was refused: only verified requests are replayed")

	h2 := newHarness(t, setup{w: 160, h: 45})
	h2.press("?")
	h2.must("replay to --forward-to, signed afresh (off: no --forward-to)")
}

// The list keeps a bounded number of requests and of body bytes, and says
// what it let go.
func TestBounds(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45, limit: 5, budget: int64(3 * len(body))})
	for i := 0; i < 8; i++ {
		h.post("/b", signed(t, secret1, "msg_b"+string(rune('a'+i)), time.Now(), body), body)
	}
	h.pump(8)
	h.must("Requests 5 · newest first · following · 3 oldest let go (5 kept)", "received 8")
	if got := h.seqs(); len(got) != 5 || got[0] != "#8" || got[4] != "#4" {
		t.Errorf("the newest five: %v", got)
	}
	h.press("G", "enter")
	h.must("#4 POST /b", "no longer kept: the list keeps bodies up to a memory budget")
	h.press("esc", "g", "enter")
	h.must(`"event_type": "task.completed"`)
}

func TestHelpTinyWindowAndResize(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45})
	h.post("/x", signed(t, wrong, "msg_t", h.stamp(), body), body)
	h.pump(1)
	h.press("?")
	h.must("Help", "filter by path, event type, svix-id, body or handler's answer", "only refused requests", "a repeat: the same svix-id as request #N")
	h.press("?")
	h.mustNot("Help ·")

	h.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	h.must("needs a window of at least 80×20", "This one is 60×15", "Still receiving: 1 so far, 1 refused.")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 20})
	h.must("#1 POST /x", "✗ signature mismatch")
	for _, l := range h.drawn() {
		if w := ansi.StringWidth(l); w != 80 {
			t.Fatalf("a line of %d cells at 80 wide: %q", w, l)
		}
	}
	if n := len(h.drawn()); n != 20 {
		t.Errorf("%d lines at 20 high", n)
	}
	if h.send(uitest.Key("q")) == nil || !h.m.Quitting() {
		t.Error("q should quit")
	}
}

// Wide, the detail stands beside the list and follows the selection; tab
// gives it the keys.
func TestWideShowsTheDetailBeside(t *testing.T) {
	h := newHarness(t, setup{w: 200, h: 50})
	h.post("/one", signed(t, secret1, "msg_w1", time.Now(), body), body)
	h.post("/two", signed(t, wrong, "msg_w2", h.stamp(), body), body)
	h.pump(2)
	h.must("╭─ #2 POST /two · ", "enter or tab to scroll", "no signature matched")
	h.press("j")
	h.must("╭─ #1 POST /one · ", "✓ verified with secret 1 (whsec_••••LaSw), answered 204")
	h.press("tab")
	h.must("┏━ #1 POST /one", "esc back")
	h.press("j")
	if l := h.selected(); !strings.Contains(l, "#1 ") {
		t.Errorf("j scrolls the detail, not the list: %q", l)
	}
	h.press("esc", "k")
	if l := h.selected(); !strings.Contains(l, "#2 ") {
		t.Errorf("esc gives the keys back to the list: %q", l)
	}
}

// NO_COLOR draws no colour; the selected row is reversed so it still shows.
// The terminal's background picks the light or dark palette.
func TestNoColorAndBackground(t *testing.T) {
	h := newHarness(t, setup{w: 120, h: 30, noColor: true})
	h.post("/n", signed(t, wrong, "msg_n", h.stamp(), body), body)
	h.pump(1)
	v := h.m.View().Content
	if strings.Contains(v, "38;2;") || strings.Contains(v, "48;2;") {
		t.Error("NO_COLOR should draw without colours")
	}
	if !strings.Contains(v, "\x1b[7m") {
		t.Error("the selection should be reversed without colour")
	}

	c := newHarness(t, setup{w: 120, h: 30})
	dark := c.m.View().Content
	c.send(tea.BackgroundColorMsg{Color: lightGrey{}})
	if c.m.ctx.Theme.Dark || c.m.View().Content == dark {
		t.Error("a light background should switch to the light palette")
	}
}

type lightGrey struct{}

func (lightGrey) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

// No frame, whatever is open, shows a secret: the header and the detail
// show them masked.
func TestNoFrameShowsASecret(t *testing.T) {
	h := newHarness(t, setup{w: 200, h: 50})
	h.post("/s", signed(t, secret1, "msg_s1", time.Now(), body), body)
	h.post("/s", signed(t, wrong, "msg_s2", h.stamp(), body), body)
	h.post("/s", signed(t, secret2, "msg_s3", h.stamp().Add(-time.Hour), body), body)
	// A sender that puts a secret in a header of its own.
	hdr := signed(t, secret1, "msg_s4", time.Now(), body)
	hdr.Set("X-Webhook-Secret", secret1)
	hdr.Set("Authorization", "Bearer "+secret2)
	h.post("/s", hdr, body)
	h.pump(4)
	for _, keys := range [][]string{{}, {"enter"}, {"j"}, {"j"}, {"j"}, {"esc", "?"}} {
		h.press(keys...)
		h.press("G", "pgdown")
	}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.press("?", "?", "g", "enter", "G", "esc", "j", "enter", "esc", "g", "enter")
	detail := ansi.Strip(strings.Join(h.m.det.Lines, "\n"))
	if !strings.Contains(detail, "X-Webhook-Secret: whsec_••••LaSw") || !strings.Contains(detail, "Authorization: Bearer whsec_••••IQ==") {
		t.Errorf("a secret in a header shows masked:\n%s", detail)
	}
	for _, s := range []string{secret1, secret2} {
		raw := strings.TrimPrefix(s, "whsec_")
		for i, f := range h.frames {
			if strings.Contains(f, raw) || strings.Contains(f, raw[:len(raw)-4]) {
				t.Fatalf("frame %d shows a secret:\n%s", i, ansi.Strip(f))
			}
		}
	}
	if !strings.Contains(ansi.Strip(h.frames[0]), "secret 1 whsec_••••LaSw") {
		t.Error("the header shows the secrets masked")
	}
}

// A click selects the row under it; the wheel scrolls the list, or the
// detail when the pointer is over it.
func TestMouse(t *testing.T) {
	h := newHarness(t, setup{w: 200, h: 30})
	for i := 0; i < 30; i++ {
		h.post("/m", signed(t, secret1, "msg_m"+string(rune('a'+i)), time.Now(), body), body)
	}
	h.pump(30)
	// Two header lines, the box's top border and the column header: the
	// third row is on line 6.
	h.send(tea.MouseClickMsg{X: 10, Y: 6, Button: tea.MouseLeft})
	if l := h.selected(); !strings.Contains(l, "#28 ") {
		t.Fatalf("a click on the third row selected %q", l)
	}
	h.send(tea.MouseWheelMsg{X: 10, Y: 6, Button: tea.MouseWheelDown})
	if got := h.seqs(); len(got) == 0 || got[0] != "#27" {
		t.Errorf("the wheel scrolls the list by three: %v", got)
	}
	if l := h.selected(); !strings.Contains(l, "#27 ") {
		t.Errorf("the selection is dragged along when it would leave the screen: %q", l)
	}
	h.send(tea.MouseWheelMsg{X: 150, Y: 10, Button: tea.MouseWheelDown})
	if h.m.det.Offset != 3 {
		t.Errorf("the wheel over the detail scrolls it: offset %d", h.m.det.Offset)
	}
	h.send(tea.MouseClickMsg{X: 150, Y: 10, Button: tea.MouseLeft})
	h.must("┏━ #27 POST /m")
}

// The receiver's warnings stay on screen under the header, not only in the
// scrollback the program covers.
func TestWarningsStayOnScreen(t *testing.T) {
	h := newHarness(t, setup{w: 120, h: 30, secrets: []string{secret1, strings.TrimPrefix(secret2, "whsec_")}})
	h.must("⚠ secret 2 has no whsec_ prefix; using it as base64")
	if n := len(h.drawn()); n != 30 {
		t.Errorf("%d lines at 30 high", n)
	}
	h.post("/w", signed(t, secret2, "msg_w1", time.Now(), body), body)
	h.post("/w", signed(t, secret1, "msg_w2", time.Now(), body), body)
	h.pump(2)
	// The rows start a line lower: the second is on line 6.
	h.send(tea.MouseClickMsg{X: 10, Y: 6, Button: tea.MouseLeft})
	if l := h.selected(); !strings.Contains(l, "#1 ") || !strings.Contains(l, "✓ secret 2") {
		t.Errorf("a click on the second row selected %q", l)
	}
}

package listen

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

func TestMain(m *testing.M) {
	// Times on screen are local; pin the zone so screens are the same on
	// every machine.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// The svix project's test secret, and another endpoint's.
const (
	secret1 = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	secret2 = "whsec_c2Vjb25kIGVuZHBvaW50J3Mga2V5IQ=="
	wrong   = "whsec_bm90IHRoaXMgcmVjZWl2ZXIncyBzZWNyZXQ="
	body    = `{"timestamp":"2025-03-01T12:00:00Z","user_id":"usr_1","event_id":"evt_1","event_type":"task.completed","data":{"task":{"id":"t_1","features":{"proxy":{"state":"completed"}}}}}`
)

// t0 is the receiver's clock at the first request; it ticks one second
// per request, so each row has its own time and every screen is the same
// on every run.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// harness drives the listen screen the way a user does, fed by a real receiver on
// loopback that real signed requests reach.
type harness struct {
	*uitest.Driver
	t     testing.TB
	m     *Model
	rx    *listen.Receiver
	taken chan listen.Request // what the harness's consumer took
	ticks atomic.Int64
	sent  int
	// frames is every screen drawn, for the test that no frame shows a
	// secret.
	frames []string
}

type setup struct {
	w, h      int
	forward   string
	limit     int
	budget    int64
	noColor   bool
	realClock bool     // stamp with the machine's clock instead of t0
	secrets   []string // instead of secret1 and secret2
	manual    bool     // the test takes from the receiver itself
}

func newHarness(t testing.TB, s setup) *harness {
	t.Helper()
	h := &harness{t: t}
	now := func() time.Time { return t0.Add(time.Duration(h.ticks.Add(1)-1) * time.Second) }
	if s.realClock {
		now = time.Now
	}
	if s.secrets == nil {
		s.secrets = []string{secret1, secret2}
	}
	rx, err := listen.New(listen.Options{Addr: "127.0.0.1:0", Secrets: s.secrets, ForwardTo: s.forward, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := rx.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rx.Close() })
	h.rx = rx
	h.taken = make(chan listen.Request, 1<<16)
	if !s.manual {
		// Stores each request at once, as the program's Cmd does, for pump.
		go func() {
			for {
				ds, ok := rx.Take(context.Background(), 64)
				if !ok {
					return
				}
				for _, d := range ds {
					h.taken <- d
					d.Done()
				}
			}
		}()
	}
	dark := true
	m, err := New(Options{Receiver: rx, Dark: &dark, NoColor: s.noColor, Clock: func() time.Time { return t0 }, Limit: s.limit, BodyBudget: s.budget})
	if err != nil {
		t.Fatal(err)
	}
	h.m = m
	// The test plays the runtime's part: pump hands the model what the
	// receiver's Cmd would, and a test runs a Cmd it wants (find).
	h.Driver = uitest.NewDriver(t, m, s.w, s.h)
	h.Manual = true
	h.OnFrame = func(v tea.View) { h.frames = append(h.frames, v.Content) }
	h.send(tea.WindowSizeMsg{Width: s.w, Height: s.h})
	return h
}

// send runs one message through Update and draws; it returns the Cmd.
func (h *harness) send(msg tea.Msg) tea.Cmd {
	h.t.Helper()
	return h.Send(msg)
}

func (h *harness) press(names ...string) {
	h.t.Helper()
	h.Press(names...)
}

func (h *harness) typeText(s string) {
	h.t.Helper()
	h.Type(s)
}

// post sends one request to the receiver and waits for its answer.
func (h *harness) post(path string, hdr http.Header, b string) int {
	h.t.Helper()
	h.sent++
	return postTo(h.t, h.rx.URL()+path, hdr, b)
}

// postTo sends one request and returns the status; it is safe to call from
// several goroutines.
func postTo(t testing.TB, url string, hdr http.Header, b string) int {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(b))
	if err != nil {
		t.Error(err)
		return 0
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// stamp is the receiver's clock for the next request.
func (h *harness) stamp() time.Time { return t0.Add(time.Duration(h.ticks.Load()) * time.Second) }

// signed returns svix-* headers signing b with secret at ts, as Svix sends
// them.
func signed(t testing.TB, secret, id string, ts time.Time, b string) http.Header {
	t.Helper()
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wh.Sign(id, ts, []byte(b))
	if err != nil {
		t.Fatal(err)
	}
	hdr := http.Header{}
	hdr.Set("svix-id", id)
	hdr.Set("svix-timestamp", strconv.FormatInt(ts.Unix(), 10))
	hdr.Set("svix-signature", sig)
	return hdr
}

// pump hands the model what the receiver published, the way the program's
// Cmd does, until it has n more requests.
func (h *harness) pump(n int) {
	h.t.Helper()
	var ds []listen.Request
	deadline := time.After(5 * time.Second)
	for len(ds) < n {
		select {
		case d := <-h.taken:
			ds = append(ds, d)
		case <-deadline:
			h.t.Fatalf("the receiver published %d of %d requests", len(ds), n)
		}
	}
	h.send(deliveriesMsg{ds: ds})
}

// screen is what the user sees, without colours or attributes.
func (h *harness) screen() string { return h.Text() }

func (h *harness) lines() []string { return h.Lines() }

func (h *harness) must(want ...string) {
	h.t.Helper()
	h.Must(want...)
}

func (h *harness) mustNot(bad ...string) {
	h.t.Helper()
	h.MustNot(bad...)
}

// line is the first screen line holding sub, or "".
func (h *harness) line(sub string) string { return h.Line(sub) }

// drawn are the lines of the View's Content without colours: what the
// model drew, unclipped and unpadded, for checks of its size.
func (h *harness) drawn() []string { return strings.Split(ansi.Strip(h.Content()), "\n") }

// selected is the selected row of the list ("" when none).
func (h *harness) selected() string { return strings.TrimSpace(h.line("▸ ")) }

// seqs are the request numbers of the rows on screen, top to bottom.
func (h *harness) seqs() []string {
	var out []string
	for _, l := range h.lines() {
		for _, f := range strings.Fields(strings.TrimLeft(l, "│┃ ▸")) {
			if len(f) > 1 && f[0] == '#' && f[1] >= '0' && f[1] <= '9' && strings.Contains(l, ":") {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

var port = regexp.MustCompile(`127\.0\.0\.1:(\d+)`)

// stable hides the ports of the receiver and of the test's client, which
// differ on every run, keeping the screen's widths: the ephemeral ranges of
// Linux (32768–60999), macOS and Windows (49152–65535) are all five digits.
func stable(s string) []byte {
	return port.ReplaceAllFunc([]byte(s), func(b []byte) []byte {
		i := bytes.IndexByte(b, ':')
		return append(append([]byte{}, b[:i+1]...), bytes.Repeat([]byte("#"), len(b)-i-1)...)
	})
}

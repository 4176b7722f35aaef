package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/listen"
)

// stallRun is `listen --json` printing into a pipe whose reader the test
// controls, and the answer each sender got, by svix-id.
func stallRun(t *testing.T, hold time.Duration, n int, stall time.Duration) (answers map[string]int, lines map[string]float64) {
	t.Helper()
	r, err := listen.New(listen.Options{Addr: "127.0.0.1:0", Secrets: []string{listenSecret}, Hold: hold})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	printed := make(chan error, 1)
	go func() { printed <- printDeliveries(ctx, r, &stdio{out: pw, err: &clitest.Buffer{}}, true) }()

	read := make(chan []string, 1)
	start := time.Now()
	go func() {
		// The reader reads nothing during the stall, then everything.
		for time.Since(start) < stall {
			time.Sleep(10 * time.Millisecond)
		}
		var ls []string
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			ls = append(ls, sc.Text())
		}
		read <- ls
	}()

	wh, _ := svix.NewWebhook(listenSecret)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var mu sync.Mutex
	answers = map[string]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("msg_%d", i)
			// One clock reading for the signature and its header: two
			// straddle a second now and then, and the receiver rightly
			// refuses that.
			now := time.Now()
			sig, _ := wh.Sign(id, now, []byte(listenBody))
			req, _ := http.NewRequest(http.MethodPost, r.URL(), strings.NewReader(listenBody))
			req.Header.Set("svix-id", id)
			req.Header.Set("svix-timestamp", fmt.Sprint(now.Unix()))
			req.Header.Set("svix-signature", sig)
			resp, err := client.Do(req)
			status := 0
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
				if status == 503 && resp.Header.Get("Retry-After") == "" {
					t.Errorf("%s: 503 without Retry-After", id)
				}
			}
			mu.Lock()
			answers[id] = status
			mu.Unlock()
		})
	}
	wg.Wait()
	cancel()
	if err := <-printed; err != nil {
		t.Fatal(err)
	}
	pw.Close()
	lines = map[string]float64{}
	for _, l := range <-read {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		id := m["svix_id"].(string)
		if _, dup := lines[id]; dup {
			t.Errorf("%s has two lines", id)
		}
		lines[id] = m["status"].(float64)
	}
	return answers, lines
}

// The reader stalls longer than the hold: every request answered 2xx has
// its line; every other was answered 503, without a line, and its sender
// retries.
func TestListenJSONStalledReaderLosesNothing(t *testing.T) {
	const n = 400
	answers, lines := stallRun(t, time.Second, n, 2*time.Second)
	ok, busy := 0, 0
	for id, status := range answers {
		switch {
		case status == 204:
			ok++
			if lines[id] != 204 {
				t.Errorf("%s answered 204 without its line", id)
			}
		case status == 503:
			busy++
			if _, has := lines[id]; has {
				t.Errorf("%s answered 503 but has a line", id)
			}
		default:
			t.Errorf("%s answered %d", id, status)
		}
	}
	if len(lines) != ok || ok+busy != n {
		t.Errorf("%d lines for %d answered 204, %d answered 503, of %d", len(lines), ok, busy, n)
	}
	t.Logf("%d sent: %d answered 204 with %d lines, %d answered 503 with Retry-After", n, ok, len(lines), busy)
}

// A prompt reader gets every line of a burst.
func TestListenJSONPromptReaderGetsEveryLine(t *testing.T) {
	const n = 1000
	answers, lines := stallRun(t, 10*time.Second, n, 0)
	ok := 0
	var odd []string
	for id, status := range answers {
		if status == 204 && lines[id] == 204 {
			ok++
		} else if len(odd) < 5 {
			odd = append(odd, fmt.Sprintf("%s answered %d, line %v", id, status, lines[id]))
		}
	}
	if ok != n || len(lines) != n {
		t.Errorf("%d of %d answered 204 with their line; %d lines; %s", ok, n, len(lines), strings.Join(odd, "; "))
	}
}

// gatedWriter blocks every Write until the test opens it, and says when a
// Write is waiting.
type gatedWriter struct {
	waiting chan struct{} // closed at the first Write
	open    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	buf     strings.Builder
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.once.Do(func() { close(g.waiting) })
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.Write(p)
}

// A sender hears 2xx only once its line is out: while the line's write is
// stuck, the sender waits; when it goes through, the sender gets 204.
func TestListenAnswersOnlyAfterTheLineIsWritten(t *testing.T) {
	r, err := listen.New(listen.Options{Addr: "127.0.0.1:0", Secrets: []string{listenSecret}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	g := &gatedWriter{waiting: make(chan struct{}), open: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	printed := make(chan error, 1)
	go func() { printed <- printDeliveries(ctx, r, &stdio{out: g, err: &clitest.Buffer{}}, true) }()

	wh, _ := svix.NewWebhook(listenSecret)
	now := time.Now()
	sig, _ := wh.Sign("msg_gate", now, []byte(listenBody))
	req, _ := http.NewRequest(http.MethodPost, r.URL(), strings.NewReader(listenBody))
	req.Header.Set("svix-id", "msg_gate")
	req.Header.Set("svix-timestamp", fmt.Sprint(now.Unix()))
	req.Header.Set("svix-signature", sig)
	answered := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	select {
	case <-g.waiting:
	case <-time.After(clitest.Patience):
		t.Fatal("the line was never written")
	}
	// Not a wait for something to happen: a window in which the sender
	// must not hear back, its line being stuck.
	select {
	case code := <-answered:
		t.Fatalf("the sender heard %d while its line was still being written", code)
	case <-time.After(500 * time.Millisecond):
	}
	close(g.open)
	select {
	case code := <-answered:
		if code != 204 {
			t.Errorf("answered %d, want 204 once the line was out", code)
		}
	case <-time.After(clitest.Patience):
		t.Fatal("no answer after the line was written")
	}
	cancel()
	if err := <-printed; err != nil {
		t.Fatal(err)
	}
	r.Close()
	g.mu.Lock()
	defer g.mu.Unlock()
	if !strings.Contains(g.buf.String(), `"svix_id":"msg_gate"`) {
		t.Errorf("the line is missing: %q", g.buf.String())
	}
}

package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aspect-hq/aspect-tui/api"
)

// lockedBuffer is written by the simulator's goroutines and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestSimCommandServesWhatItPrintsAndStopsCleanly(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sim", "--addr", "127.0.0.1:0", "--echo", "--time-scale", "100", "--rate", "20"},
			&stdio{in: strings.NewReader(""), out: &out, err: &errOut, getenv: func(string) string { return "" }})
	}()

	export := regexp.MustCompile(`export ASPECT_API_URL=(http://127\.0\.0\.1:\d+) ASPECT_API_KEY=(\S+)`)
	var m []string
	deadline := time.Now().Add(10 * time.Second)
	for m = export.FindStringSubmatch(out.String()); m == nil; m = export.FindStringSubmatch(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no export line in:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	url, key := m[1], m[2]
	if key != "sk_sim_local" || !strings.Contains(out.String(), "curl -sS -X POST "+url+"/webhooks/endpoints") {
		t.Errorf("start banner:\n%s", out.String())
	}

	tr := api.NewTransport()
	defer tr.CloseIdleConnections()
	c, err := api.NewClient(url, key, api.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ActiveTasks(ctx); err != nil {
		t.Fatalf("the printed URL does not answer: %v", err)
	}
	// The echo endpoint gets the tasks --rate creates: attempt lines follow.
	attempt := regexp.MustCompile(`\d\d:\d\d:\d\d\.\d{3} msg_\w+ → ` + regexp.QuoteMeta(url) + `/_sim/echo 200 [0-9.]+ms attempt 1 scheduled`)
	for !attempt.MatchString(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no delivery attempt line in:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after Ctrl+C; want 0\n%s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sim did not stop after its context was cancelled")
	}
	tr.CloseIdleConnections()
}

func TestSimCommandRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"sim", "--addr", "nonsense"},
		{"sim", "--time-scale", "0"},
		{"sim", "--fail-rate", "2"},
	} {
		code, _, errOut := runCLI(t, nil, args...)
		if code == 0 || !strings.Contains(errOut, "aspect-tui sim: ") {
			t.Errorf("%v: exit %d, %q; want a plain error", args, code, errOut)
		}
	}
}

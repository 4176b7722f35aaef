package cmd

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	svix "github.com/svix/svix-webhooks/go"
)

const (
	listenSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	listenBody   = `{"event_type":"task.completed","data":{"task":{"id":"t_1"}}}`
)

var listenOther = "whsec_" + base64.StdEncoding.EncodeToString([]byte("another endpoint's secret"))

var listenURL = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// listenRun is `aspect-tui listen` on a free loopback port, and its URL.
type listenRun struct {
	*runningCLI
	url string
}

// startListen runs `aspect-tui listen` on a free loopback port and waits for
// its opening line (on stdout, or on stderr with --json).
func startListen(t *testing.T, env map[string]string, args []string, opts ...cliOption) *listenRun {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	if env["XDG_CONFIG_HOME"] == "" {
		env["XDG_CONFIG_HOME"] = t.TempDir()
	}
	cli := startCLI(t, env, append([]string{"listen", "--addr", "127.0.0.1:0"}, args...), opts...)
	opening := func() []string { return listenURL.FindStringSubmatch(cli.out.String() + cli.err.String()) }
	cli.waitFor(t, "the opening line", func() bool { return opening() != nil })
	return &listenRun{runningCLI: cli, url: opening()[1]}
}

// stop is Ctrl+C.
func (lr *listenRun) stop(t *testing.T) int {
	t.Helper()
	return lr.interrupt(t)
}

// waitLines waits until buf holds n times sub, and returns it.
func waitLines(t *testing.T, lr *listenRun, buf *clitest.Buffer, sub string, n int) string {
	t.Helper()
	lr.waitFor(t, fmt.Sprintf("%d× %q", n, sub), func() bool { return strings.Count(buf.String(), sub) >= n })
	return buf.String()
}

func sendSigned(t *testing.T, url, secret, id string, ts time.Time, body string) int {
	t.Helper()
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := wh.Sign(id, ts, []byte(body))
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("svix-id", id)
	req.Header.Set("svix-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("svix-signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestListenRefusesToStartWithoutASecret(t *testing.T) {
	code, out, errOut := runCLI(t, map[string]string{"XDG_CONFIG_HOME": t.TempDir()}, "listen", "--addr", "127.0.0.1:0")
	if code != 1 || out != "" || !strings.Contains(errOut, "no signing secret") || !strings.Contains(errOut, "ASPECT_WEBHOOK_SECRET") || strings.Contains(errOut, "\x1b") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, map[string]string{"XDG_CONFIG_HOME": t.TempDir()}, "listen", "--addr", "127.0.0.1:0", "--secret", "whsec_not!base64?at_all")
	if code != 1 || !strings.Contains(errOut, "secret 1 (whsec_••••_all): the part after whsec_ is not base64") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, nil, "listen", "--secret", listenSecret, "--max-body", "lots")
	if code != 2 || !strings.Contains(errOut, `"lots" is not a size like 1MiB`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestListenPlainLines(t *testing.T) {
	lr := startListen(t, map[string]string{"ASPECT_WEBHOOK_SECRET": listenSecret}, nil)
	opening := lr.out.String()
	if !strings.Contains(opening, "verifying with whsec_••••LaSw") || strings.Contains(opening+lr.err.String(), "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
		t.Errorf("the opening line should show the secret masked: %q", opening)
	}
	if lr.err.String() != "" {
		t.Errorf("a loopback address should not warn: %q", lr.err.String())
	}

	now := time.Now()
	if s := sendSigned(t, lr.url+"/webhooks/aspect", listenSecret, "msg_1", now, listenBody); s != 204 {
		t.Errorf("valid: %d", s)
	}
	if s := sendSigned(t, lr.url+"/webhooks/aspect", listenOther, "msg_2", now, listenBody); s != 400 {
		t.Errorf("wrong secret: %d", s)
	}
	if s := sendSigned(t, lr.url+"/old", listenSecret, "msg_1", now.Add(-10*time.Minute), listenBody); s != 400 {
		t.Errorf("old: %d", s)
	}
	out := waitLines(t, lr, lr.out, "  → ", 3)
	lines := strings.Split(out, "\n")
	var main []string
	for _, l := range lines[1:] {
		if l != "" && !strings.HasPrefix(l, "    ") {
			main = append(main, l)
		}
	}
	if len(main) != 3 {
		t.Fatalf("want one line per request:\n%s", out)
	}
	for i, want := range []string{
		`#1  POST /webhooks/aspect  task.completed  msg_1  ✓ verified \(secret 1\)  → 204`,
		`#2  POST /webhooks/aspect  task.completed  msg_2  ✗ no signature matched  → 400`,
		`#3  POST /old  task.completed  msg_1  ✗ timestamp is 10m[01]s behind this machine's clock, outside the ±5m tolerance  → 400  \(repeat of #1: a retry or a resend\)`,
	} {
		if !regexp.MustCompile(want).MatchString(main[i]) {
			t.Errorf("line %d:\n got %s\nwant …%s", i+1, main[i], want)
		}
	}
	for _, want := range []string{"    signed content: msg_2.", "    secret 1 (whsec_••••LaSw) computes: v1,", "    received:  v1,", "    hint: if you have several endpoints"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if code := lr.stop(t); code != 0 {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(lr.err.String(), "received 3: 1 verified, 2 refused") {
		t.Errorf("summary: %q", lr.err.String())
	}
}

func TestListenJSONLines(t *testing.T) {
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "queued")
	}))
	defer handler.Close()
	lr := startListen(t, nil, []string{"--json", "--secret", listenOther, "--secret", listenSecret, "--forward-to", handler.URL + "/hook", "--max-body", "1KiB"})
	if lr.out.String() != "" || !strings.Contains(lr.err.String(), "forwarding to "+handler.URL+"/hook") {
		t.Fatalf("with --json the opening line goes to stderr: out %q err %q", lr.out.String(), lr.err.String())
	}
	now := time.Now()
	if s := sendSigned(t, lr.url+"/a", listenSecret, "msg_j1", now, listenBody); s != 202 {
		t.Errorf("forwarded: %d", s)
	}
	if s := sendSigned(t, lr.url+"/b", "whsec_"+base64.StdEncoding.EncodeToString([]byte("nope")), "msg_j2", now, listenBody); s != 400 {
		t.Errorf("refused: %d", s)
	}
	big := `{"pad":"` + strings.Repeat("x", 1100) + `"}`
	if s := sendSigned(t, lr.url+"/c", listenSecret, "msg_j3", now, big); s != 413 {
		t.Errorf("too large at --max-body 1KiB: %d", s)
	}
	out := waitLines(t, lr, lr.out, "\n", 3)
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		got = append(got, m)
	}
	if len(got) != 3 {
		t.Fatalf("%d lines", len(got))
	}
	ok, bad, large := got[0], got[1], got[2]
	if ok["verified"] != true || ok["matched_secret"] != 2.0 || ok["status"] != 202.0 || ok["forward_status"] != 202.0 || ok["path"] != "/a" ||
		ok["svix_id"] != "msg_j1" || ok["event_type"] != "task.completed" || ok["method"] != "POST" || ok["forward_ms"] == nil || ok["signatures"] != nil {
		t.Errorf("verified line: %v", ok)
	}
	if _, err := time.Parse(time.RFC3339Nano, ok["time"].(string)); err != nil {
		t.Errorf("time: %v", err)
	}
	if bad["verified"] != false || bad["matched_secret"] != nil || bad["status"] != 400.0 || bad["problem"] != "no_signature_matched" ||
		bad["forward_status"] != nil || bad["reason"] != "no signature matched" || len(bad["hints"].([]any)) == 0 {
		t.Errorf("refused line: %v", bad)
	}
	sigs := bad["signatures"].(map[string]any)
	if sigs["signed_prefix"] != "msg_j2."+strconv.FormatInt(now.Unix(), 10)+"." || len(sigs["expected"].([]any)) != 2 {
		t.Errorf("signatures: %v", sigs)
	}
	if large["status"] != 413.0 || large["problem"] != "body_too_large" {
		t.Errorf("large: %v", large)
	}
	lr.stop(t)
	all := lr.out.String() + lr.err.String()
	for _, s := range []string{listenSecret, listenOther, strings.TrimPrefix(listenSecret, "whsec_")} {
		if strings.Contains(all, s) {
			t.Errorf("output holds a secret")
		}
	}
}

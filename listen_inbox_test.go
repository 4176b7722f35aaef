package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// inboxRun is `aspect-tui listen` run as on a terminal: the inbox reads
// keys from a pipe and draws into a buffer.
type inboxRun struct {
	url      string
	keys     *io.PipeWriter
	out, err *syncBuffer
	code     chan int
	cancel   context.CancelFunc
}

func startInbox(t *testing.T, env map[string]string) *inboxRun {
	t.Helper()
	was := stdoutIsTerminal
	stdoutIsTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { stdoutIsTerminal = was })
	if env["XDG_CONFIG_HOME"] == "" {
		env["XDG_CONFIG_HOME"] = t.TempDir()
	}
	in, keys := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	r := &inboxRun{keys: keys, out: &syncBuffer{}, err: &syncBuffer{}, code: make(chan int, 1), cancel: cancel}
	go func() {
		r.code <- run(ctx, []string{"listen", "--addr", "127.0.0.1:0"}, &stdio{in: in, out: r.out, err: r.err, getenv: func(k string) string { return env[k] }})
	}()
	t.Cleanup(func() {
		cancel()
		keys.Close()
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listenURL.FindStringSubmatch(r.out.String()); m != nil {
			r.url = m[1]
			return r
		}
		select {
		case c := <-r.code:
			t.Fatalf("listen exited %d: %s%s", c, r.out.String(), r.err.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("no opening line: %q %q", r.out.String(), r.err.String())
	return nil
}

func (r *inboxRun) exit(t *testing.T) int {
	t.Helper()
	select {
	case c := <-r.code:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("listen did not stop")
	}
	return -1
}

// On a terminal, listen prints its opening line, then takes the screen
// for the inbox (not plain lines); q gives it back and the summary follows.
func TestListenInboxOnATerminal(t *testing.T) {
	r := startInbox(t, map[string]string{"ASPECT_WEBHOOK_SECRET": listenSecret})
	if s := sendSigned(t, r.url+"/webhooks/aspect", listenSecret, "msg_i1", time.Now(), listenBody); s != 204 {
		t.Errorf("verified: %d", s)
	}
	if s := sendSigned(t, r.url+"/webhooks/aspect", listenOther, "msg_i2", time.Now(), listenBody); s != 400 {
		t.Errorf("wrong secret: %d", s)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(r.out.String(), "\x1b[?1049h") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := r.keys.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if c := r.exit(t); c != 0 {
		t.Fatalf("exit %d: %s", c, r.err.String())
	}
	out := r.out.String()
	banner, alt := strings.Index(out, "listening on "), strings.Index(out, "\x1b[?1049h")
	if banner < 0 || alt < 0 || banner > alt {
		t.Errorf("the opening line should come before the program takes the screen (at %d, alt screen at %d)", banner, alt)
	}
	if strings.Contains(out, "✓ verified (secret 1)") || strings.Contains(out, "  → 204") {
		t.Errorf("plain lines were printed on a terminal:\n%q", out)
	}
	if !strings.Contains(r.err.String(), "received 2: 1 verified, 1 refused") {
		t.Errorf("summary: %q", r.err.String())
	}
}

// A signal (the context ending) stops the inbox as q does.
func TestListenInboxStopsOnSignal(t *testing.T) {
	r := startInbox(t, map[string]string{"ASPECT_WEBHOOK_SECRET": listenSecret})
	r.cancel()
	if c := r.exit(t); c != 0 {
		t.Fatalf("exit %d: %s", c, r.err.String())
	}
	if !strings.Contains(r.err.String(), "received 0: 0 verified, 0 refused") {
		t.Errorf("summary: %q", r.err.String())
	}
}

// A bad [keys] table is a plain error before anything listens or the
// screen is taken.
func TestListenInboxRefusesBadKeysFirst(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "aspect-tui"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "aspect-tui", "config.toml"), []byte("[keys]\nrefused_only = \"j\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	was := stdoutIsTerminal
	stdoutIsTerminal = func(io.Writer) bool { return true }
	defer func() { stdoutIsTerminal = was }()
	code, out, errOut := runCLI(t, map[string]string{"XDG_CONFIG_HOME": dir, "ASPECT_WEBHOOK_SECRET": listenSecret}, "listen", "--addr", "127.0.0.1:0")
	if code != 1 || out != "" || !strings.Contains(errOut, `"j" is bound to both down and refused_only`) || strings.Contains(errOut, "\x1b") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

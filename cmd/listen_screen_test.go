package cmd

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startScreen runs `aspect-tui listen` as on a terminal: the screen reads
// keys from a pipe and draws into a buffer.
func startScreen(t *testing.T, env map[string]string) *listenRun {
	t.Helper()
	was := stdoutIsTerminal
	stdoutIsTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { stdoutIsTerminal = was })
	return startListen(t, env, nil, cliKeys)
}

// On a terminal, listen prints its opening line, then takes the screen
// for the listen screen (not plain lines); q gives it back and the summary follows.
func TestListenScreenOnATerminal(t *testing.T) {
	r := startScreen(t, map[string]string{"ASPECT_WEBHOOK_SECRET": listenSecret})
	if s := sendSigned(t, r.url+"/webhooks/aspect", listenSecret, "msg_i1", time.Now(), listenBody); s != 204 {
		t.Errorf("verified: %d", s)
	}
	if s := sendSigned(t, r.url+"/webhooks/aspect", listenOther, "msg_i2", time.Now(), listenBody); s != 400 {
		t.Errorf("wrong secret: %d", s)
	}
	// Taking the screen is a mode, not text: the bytes say it.
	r.waitOut(t, "\x1b[?1049h")
	r.press(t, "q")
	if c := r.wait(t); c != 0 {
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

// A signal (the context ending) stops the listen screen as q does.
func TestListenScreenStopsOnSignal(t *testing.T) {
	r := startScreen(t, map[string]string{"ASPECT_WEBHOOK_SECRET": listenSecret})
	if c := r.interrupt(t); c != 0 {
		t.Fatalf("exit %d: %s", c, r.err.String())
	}
	if !strings.Contains(r.err.String(), "received 0: 0 verified, 0 refused") {
		t.Errorf("summary: %q", r.err.String())
	}
}

// A bad [keys] table is a plain error before anything listens or the
// screen is taken.
func TestListenScreenRefusesBadKeysFirst(t *testing.T) {
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

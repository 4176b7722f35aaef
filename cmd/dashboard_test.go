package cmd

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// The dashboard refuses what it can before it takes the terminal, so a
// mistake is a plain line on stderr, not escape codes.

func TestDashboardRefusedKeyIsAPlainError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"detail":"Invalid API key"}`))
	}))
	defer srv.Close()
	env := map[string]string{"ASPECT_API_KEY": "sk_test_wrong", "ASPECT_API_URL": srv.URL, "XDG_CONFIG_HOME": t.TempDir()}
	code, out, errOut := runCLI(t, env)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "cannot reach the API") || !strings.Contains(errOut, "API key was refused") {
		t.Errorf("stderr does not say the key was refused: %q", errOut)
	}
	if strings.Contains(errOut, "\x1b") || strings.Contains(errOut, "sk_test_wrong") {
		t.Errorf("stderr holds escape codes or the key: %q", errOut)
	}
}

func TestDashboardBadConfigIsAPlainError(t *testing.T) {
	var hit atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit.Store(true) }))
	defer srv.Close()
	for body, want := range map[string]string{
		"[theme]\nfailed = \"reddish\"\n": `failed = "reddish" is not a colour`,
		"[keys]\nsort = \"j\"\n":          `"j" is bound to both down and sort`,
		"[keys]\nfrobnicate = \"x\"\n":    `unknown binding "frobnicate"`,
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "aspect-tui", "config.toml")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"ASPECT_API_KEY": "sk_test_x", "ASPECT_API_URL": srv.URL, "XDG_CONFIG_HOME": dir}
		code, _, errOut := runCLI(t, env)
		if code != 1 || !strings.Contains(errOut, want) || !strings.Contains(errOut, path) {
			t.Errorf("%q: exit %d, stderr %q; want %q and the file's path", body, code, errOut, want)
		}
	}
	if hit.Load() {
		t.Error("the API was called although the config was refused")
	}
}

func TestDemoRejectsBadFlags(t *testing.T) {
	code, _, errOut := runCLI(t, map[string]string{"XDG_CONFIG_HOME": t.TempDir()}, "demo", "--time-scale", "0")
	if code != 1 || !strings.Contains(errOut, "--time-scale") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = run(context.Background(), args, &stdio{in: strings.NewReader(""), out: &out, err: &errb, getenv: getenv})
	return code, out.String(), errb.String()
}

func TestHelpListsFlagsAndEnvironment(t *testing.T) {
	for _, c := range commands() {
		args := []string{c.name, "--help"}
		if c.name == "dashboard" {
			args = []string{"--help"}
		}
		code, out, errOut := runCLI(t, nil, args...)
		if code != 0 || errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		for _, env := range c.env {
			if !strings.Contains(out, env) {
				t.Errorf("%v: help does not mention %s:\n%s", args, env, out)
			}
		}
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		c.setup(fs)
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(out, "--"+f.Name) {
				t.Errorf("%v: help does not list --%s:\n%s", args, f.Name, out)
			}
		})
	}
}

func TestUnknownCommandAndFlag(t *testing.T) {
	if code, _, errOut := runCLI(t, nil, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, nil, "listen", "--nope"); code != 2 || !strings.Contains(errOut, "-nope") {
		t.Errorf("unknown flag: exit %d, %q", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "aspect-tui ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestMissingKeyIsAPlainError(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, map[string]string{"XDG_CONFIG_HOME": dir}, "tail")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "ASPECT_API_KEY") || strings.Contains(errOut, "\x1b") {
		t.Errorf("error should name ASPECT_API_KEY and hold no escape codes: %q", errOut)
	}
}

func TestBadURLIsRefusedBeforeAnything(t *testing.T) {
	code, _, errOut := runCLI(t, map[string]string{"ASPECT_API_KEY": "sk_test_x", "XDG_CONFIG_HOME": t.TempDir()}, "tail", "--api-url", "api.aspect.inc")
	if code != 1 || !strings.Contains(errOut, "absolute http") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func writeConfig(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "aspect-tui", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConfigPrecedence(t *testing.T) {
	dir := writeConfig(t, `api_url = "https://file.example"
api_key = "sk_file_key_123456"
webhook_secret = ["whsec_file"]
refresh = "9s"
`, 0o600)
	env := map[string]string{"XDG_CONFIG_HOME": dir}
	getenv := func(k string) string { return env[k] }

	c, err := loadConfig(overrides{}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.APIURL != "https://file.example" || c.APIKey != "sk_file_key_123456" || c.Refresh.String() != "9s" || c.WebhookSecrets[0] != "whsec_file" {
		t.Errorf("file values not used: %+v", c)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("a 0600 file should not warn: %v", c.Warnings)
	}

	env[envAPIURL], env[envAPIKey], env[envWebhookSecret] = "https://env.example", "sk_env", "whsec_env"
	c, _ = loadConfig(overrides{}, getenv)
	if c.APIURL != "https://env.example" || c.APIKey != "sk_env" || c.WebhookSecrets[0] != "whsec_env" {
		t.Errorf("environment should beat the file: %+v", c)
	}

	c, _ = loadConfig(overrides{APIURL: "https://flag.example", WebhookSecrets: []string{"whsec_a", "whsec_b"}}, getenv)
	if c.APIURL != "https://flag.example" || len(c.WebhookSecrets) != 2 {
		t.Errorf("flags should beat the environment: %+v", c)
	}

	// A command's own default (demo's 2s refresh) gives way to the file,
	// and applies without one.
	if c, _ = loadConfig(overrides{DefaultRefresh: 2 * time.Second}, getenv); c.Refresh != 9*time.Second {
		t.Errorf("refresh %v: the file's 9s should beat the command's default", c.Refresh)
	}
	noFile := func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return t.TempDir()
		}
		return ""
	}
	if c, _ = loadConfig(overrides{DefaultRefresh: 2 * time.Second}, noFile); c.Refresh != 2*time.Second {
		t.Errorf("refresh %v without a file, want the command's 2s", c.Refresh)
	}
}

func TestConfigReadableByOthersWarns(t *testing.T) {
	dir := writeConfig(t, `api_key = "sk_live_abcdefghijklmnop"`, 0o644)
	c, err := loadConfig(overrides{}, func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "chmod 600") {
		t.Fatalf("want one chmod warning, got %v", c.Warnings)
	}
	if strings.Contains(c.Warnings[0], "abcdefghijklmnop") {
		t.Errorf("warning leaks the key: %q", c.Warnings[0])
	}
}

func TestConfigFileErrorsAreClear(t *testing.T) {
	dir := writeConfig(t, "api_url = [", 0o600)
	_, err := loadConfig(overrides{}, func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] })
	if err == nil || !strings.Contains(err.Error(), "config.toml") {
		t.Errorf("want an error naming the file, got %v", err)
	}
	_, err = loadConfig(overrides{ConfigPath: filepath.Join(dir, "nope.toml")}, func(string) string { return "" })
	if err == nil {
		t.Error("an explicitly named missing config file should be an error")
	}
}

// webhook_secret may be one string or a list; anything else is refused
// with a message that says what it must be.
func TestConfigWebhookSecretOneOrMany(t *testing.T) {
	for body, want := range map[string][]string{
		`webhook_secret = "whsec_one"`:                {"whsec_one"},
		`webhook_secret = ["whsec_new", "whsec_old"]`: {"whsec_new", "whsec_old"},
	} {
		dir := writeConfig(t, body, 0o600)
		c, err := loadConfig(overrides{}, func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] })
		if err != nil || strings.Join(c.WebhookSecrets, " ") != strings.Join(want, " ") {
			t.Errorf("%s: got %q, %v", body, c.WebhookSecrets, err)
		}
	}
	dir := writeConfig(t, `webhook_secret = 5`, 0o600)
	if _, err := loadConfig(overrides{}, func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] }); err == nil || !strings.Contains(err.Error(), "a string or a list of strings") {
		t.Errorf("a number: %v", err)
	}
}

// A key pasted into the config file on a line of its own reads as an
// unknown key: the warning that names it masks it.
func TestConfigUnknownKeyWarningMasksKeys(t *testing.T) {
	dir := writeConfig(t, "sk_live_4eC39HqLyjWDarjtT1zdp7dc = 1\n", 0o600)
	c, err := loadConfig(overrides{}, func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "unknown keys ignored: sk_live_••••p7dc") {
		t.Fatalf("want one warning naming the key masked, got %q", c.Warnings)
	}
	if strings.Contains(c.Warnings[0], "4eC39HqLyjWDarjtT1zdp7dc") {
		t.Errorf("the warning shows the key: %q", c.Warnings[0])
	}
}

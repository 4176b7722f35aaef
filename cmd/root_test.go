package cmd

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Every command's help lists each of its flags, the environment variables
// it reads and the config file keys it reads.
func TestHelpListsFlagsEnvironmentAndKeys(t *testing.T) {
	root := newRoot(&stdio{getenv: func(string) string { return "" }})
	cmds := append([]*cobra.Command{root}, root.Commands()...)
	if len(cmds) < 8 {
		t.Fatalf("only %d commands", len(cmds))
	}
	for _, c := range cmds {
		args := []string{c.Name(), "--help"}
		if c == root {
			args = []string{"--help"}
		}
		code, out, errOut := runCLI(t, nil, args...)
		if code != 0 || errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		if strings.Contains(out, "\x1b") {
			t.Errorf("%v: help on a pipe holds escape codes", args)
		}
		for _, name := range strings.Fields(c.Annotations[annEnv]) {
			if !strings.Contains(out, name+" ") || envHelp[name] == "" {
				t.Errorf("%v: help does not explain %s:\n%s", args, name, out)
			}
		}
		for _, key := range strings.Fields(c.Annotations[annKeys]) {
			if !strings.Contains(out, "  "+key+" ") || keyHelp[key] == "" {
				t.Errorf("%v: help does not explain the config key %s:\n%s", args, key, out)
			}
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !strings.Contains(out, "--"+f.Name) {
				t.Errorf("%v: help does not list --%s:\n%s", args, f.Name, out)
			}
		})
	}
}

// The keys the help names are the config file's, and every key of the
// file is named by some command's help.
func TestHelpNamesTheConfigFileKeys(t *testing.T) {
	file := map[string]bool{}
	ft := reflect.TypeFor[fileConfig]()
	for i := range ft.NumField() {
		file[ft.Field(i).Tag.Get("toml")] = false
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, key := range strings.Fields(c.Annotations[annKeys]) {
			if _, ok := file[key]; !ok {
				t.Errorf("%s: help names %q, which the config file does not have", c.CommandPath(), key)
			}
			file[key] = true
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot(&stdio{getenv: func(string) string { return "" }}))
	for key, named := range file {
		if !named {
			t.Errorf("no command's help names the config key %q", key)
		}
	}
}

// A mistake on the command line is exit 2 and one plain line naming it.
func TestUsageErrorsExit2(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `aspect-tui: unknown command "frobnicate" (see aspect-tui --help)`},
		{[]string{"dmeo"}, `did you mean demo?`},
		{[]string{"listen", "--nope"}, "aspect-tui listen: unknown flag: --nope (see aspect-tui listen --help)"},
		{[]string{"tail", "extra"}, `aspect-tui tail: unexpected argument "extra"`},
		{[]string{"demo", "--rate", "fast"}, `aspect-tui demo: invalid argument "fast" for "--rate"`},
		{[]string{"listen", "--max-body", "lots"}, `"lots" is not a size`},
		{[]string{"sim", "--addr"}, "flag needs an argument: --addr"},
		{[]string{"completion", "bash", "extra"}, `"extra"`},
		{[]string{"version", "now"}, `unexpected argument "now"`},
		{[]string{"help", "frobnicate"}, `aspect-tui: unknown command "frobnicate"`},
	} {
		code, out, errOut := runCLI(t, nil, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "\x1b") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one plain line holding %q", c.args, code, out, errOut, c.want)
		}
	}
}

// Before cobra, Go's flag package read -json as well as --json: scripts
// written then still work, and a value that looks like a flag stays one.
func TestOneDashFlagsStillWork(t *testing.T) {
	code, out, _ := runCLI(t, nil, "listen", "-help")
	if code != 0 || !strings.Contains(out, "--max-body") {
		t.Fatalf("-help: exit %d\n%s", code, out)
	}
	root := newRoot(&stdio{getenv: func(string) string { return "" }})
	got := gnuArgs(root, []string{"listen", "-json", "-addr=127.0.0.1:0", "--secret", "-json", "-x", "--", "-json"})
	want := []string{"listen", "--json", "--addr=127.0.0.1:0", "--secret", "-json", "-x", "--", "-json"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		code, out, _ := runCLI(t, nil, args...)
		if code != 0 || out != "aspect-tui "+versionLine()+"\n" {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
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

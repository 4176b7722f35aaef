package cmd

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// These run the built binary, as a user or a packager would.

// `source <(aspect-tui completion bash)` registers the completion, and
// zsh and fish get scripts of their own.
func TestCompletionScripts(t *testing.T) {
	bin := binary(t)
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	c := exec.Command("bash", "-c", "source <(aspect-tui completion bash); complete -p aspect-tui")
	c.Env = env
	out, err := c.CombinedOutput()
	if err != nil || !regexp.MustCompile(`^complete .*-F __start_aspect-tui aspect-tui\n$`).Match(out) {
		t.Fatalf("bash did not load the completion: %v\n%s", err, out)
	}
	for shell, want := range map[string]string{"zsh": "#compdef aspect-tui", "fish": "complete -c aspect-tui"} {
		out, err := exec.Command(bin, "completion", shell).Output()
		if err != nil || !bytes.Contains(out, []byte(want)) {
			t.Errorf("%s: %v, no %q in:\n%s", shell, err, want, lastOf(string(out), 400))
		}
	}
}

// `aspect-tui man` writes a roff page; man renders it with every command.
func TestManPage(t *testing.T) {
	page, err := exec.Command(binary(t), "man").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(page, []byte(".TH ASPECT-TUI 1 ")) {
		t.Fatalf("the page does not start with a .TH header: %q", lastOf(string(page[:min(len(page), 200)]), 200))
	}
	if _, err := exec.LookPath("man"); err != nil {
		t.Skip("man is not installed: the page is not rendered")
	}
	c := exec.Command("man", "-l", "-")
	c.Stdin = bytes.NewReader(page)
	c.Env = append(os.Environ(), "MANWIDTH=100", "MANPAGER=cat", "PAGER=cat")
	out, err := c.Output()
	if err != nil {
		t.Fatalf("man -l -: %v", err)
	}
	text := string(out)
	flat := strings.Join(strings.Fields(text), " ") // man wraps lines where it likes
	for _, want := range []string{"ASPECT-TUI(1)", "NAME", "ENVIRONMENT", "ASPECT_WEBHOOK_SECRET", "FILES"} {
		if !strings.Contains(text, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`ASPECT_WEBHOOK_SECRET: [^:]*?\(read by [^)]*listen`).MatchString(flat) {
		t.Errorf("the rendered page does not say listen reads ASPECT_WEBHOOK_SECRET:\n%s", text)
	}
	for _, cmd := range []string{"demo", "sim", "tail", "listen", "version", "completion", "man"} {
		if !regexp.MustCompile(`(?m)^\s+` + cmd + `\b`).MatchString(text) {
			t.Errorf("the rendered page does not list the command %s:\n%s", cmd, text)
		}
	}
}

// --version prints the version and the commit: set at link time through
// main (as a release would), or else read from the build info Go stamps
// into a binary built in a git checkout, modified tree included.
func TestVersionPrintsVersionAndCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary three times")
	}
	dir := t.TempDir()
	const commit = "0123456789abcdef0123456789abcdef01234567"
	bin := filepath.Join(dir, "released")
	if err := goBuild(bin, "-X main.version=v9.8.7 -X main.commit="+commit); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		if out, err := exec.Command(bin, args...).Output(); err != nil || string(out) != "aspect-tui v9.8.7 (commit 0123456789ab)\n" {
			t.Errorf("%v: %v, %q", args, err, out)
		}
	}

	// Go stamps vcs.revision only in a checkout whose .git is a directory
	// (not in a git worktree): build a copy of this tree in a fresh repo.
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := filepath.Join(dir, "repo")
	copyTree(t, "..", repo)
	git := func(args ...string) string {
		t.Helper()
		c := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		c.Dir = repo
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "the tree under test")
	head := git("rev-parse", "HEAD")
	build := func(name string) string {
		t.Helper()
		bin := filepath.Join(dir, name)
		c := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
		c.Dir = repo
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin, "--version").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	if out := build("clean"); !regexp.MustCompile(`^aspect-tui \S+ \(commit ` + head[:12] + `\)\n$`).MatchString(out) {
		t.Errorf("built at %s: --version says %q", head[:12], out)
	}
	if err := os.WriteFile(filepath.Join(repo, "README.md"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := build("modified"); !strings.HasSuffix(out, "(commit "+head[:12]+", modified)\n") {
		t.Errorf("built from a changed tree: --version says %q", out)
	}
}

// copyTree copies the files git would see (tracked or not, ignored ones
// left out) from src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	c := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	c.Dir = src
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(src, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// An error is one plain line on a pipe; on a terminal it is fang's styled
// block, without colour under NO_COLOR. Either way the exit code is the
// same.
func TestErrorsPlainOnAPipeStyledOnATerminal(t *testing.T) {
	bin := binary(t)
	home := t.TempDir()
	base := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}

	c := exec.Command(bin, "listen", "--nope")
	c.Env = base
	var stderr bytes.Buffer
	c.Stderr = &stderr
	err := c.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || stderr.String() != "aspect-tui listen: unknown flag: --nope (see aspect-tui listen --help)\n" {
		t.Errorf("on a pipe: %v, stderr %q", err, stderr.String())
	}

	onTTY := func(env []string) (string, int) {
		t.Helper()
		c := exec.Command(bin, "listen", "--nope")
		c.Env = env
		tty, err := pty.StartWithSize(c, &pty.Winsize{Rows: 24, Cols: 100})
		if err != nil {
			t.Fatal(err)
		}
		defer tty.Close()
		var out bytes.Buffer
		io.Copy(&out, tty) // ends with EIO once the process has exited
		err = c.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return out.String(), code
	}
	styled, code := onTTY(base)
	if code != 2 || !strings.Contains(styled, "ERROR") || !strings.Contains(styled, "unknown flag: --nope") || !strings.Contains(styled, "\x1b[") {
		t.Errorf("on a terminal: exit %d, %q; want exit 2 and a styled block", code, styled)
	}
	colour := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]`)
	if !colour.MatchString(styled) {
		t.Errorf("on a terminal without NO_COLOR the error has no colour: %q", styled)
	}
	plain, code := onTTY(append(base, "NO_COLOR=1"))
	if code != 2 || !strings.Contains(plain, "unknown flag: --nope") || colour.MatchString(plain) {
		t.Errorf("NO_COLOR: exit %d, %q; want no colour", code, plain)
	}
}

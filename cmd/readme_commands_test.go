package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/sim"
)

// readmeShellLines returns the commands of the README's ```sh blocks, one
// per logical line (backslash continuations joined, comments dropped), and
// for each the block it sits in.
func readmeShellLines(t *testing.T) [][]string {
	t.Helper()
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	var blocks [][]string
	var cur []string
	in, pending := false, ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case !in && line == "```sh":
			in, cur = true, nil
			continue
		case in && line == "```":
			in = false
			blocks = append(blocks, cur)
			continue
		case !in:
			continue
		}
		if strings.HasSuffix(line, "\\") {
			pending += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line = pending + line
		pending = ""
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			cur = append(cur, line)
		}
	}
	return blocks
}

// TestReadmeCommands runs every shell line of the README that can run
// headless, as written but for placeholders (a secret, the simulator's
// address): --help and version, `sim` for a moment, `tail` (plain, --json,
// --record) against a simulator, `listen`, the curl that creates an
// endpoint, a short fuzz run. Interactive lines (the dashboard, the demo)
// and the test commands themselves are named and skipped. A README line
// this test has no rule for fails it, so a new command cannot go untried.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the README's commands")
	}
	dir := t.TempDir()
	if err := os.Symlink(binary(t), filepath.Join(dir, "aspect-tui")); err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Rate: 20, TimeScale: 60, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	simHost := strings.TrimPrefix(s.URL(), "http://")
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	placeholders := strings.NewReplacer(
		"127.0.0.1:8080", simHost,
		"sk_live_...", s.APIKey(),
		"whsec_...", secret,
		"whsec_NEW", secret,
		"whsec_OLD", "whsec_dGhlIG9sZCBzZWNyZXQgb2YgdGhlIGVuZHBvaW50",
	)

	// One shell read top to bottom, as a reader would: exports persist, and
	// "your account" is the simulator.
	ran := 0
	env := append(os.Environ(),
		"PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"XDG_CONFIG_HOME="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir(),
		"ASPECT_API_URL="+s.URL(), "ASPECT_API_KEY="+s.APIKey(), "ASPECT_WEBHOOK_SECRET=", "NO_COLOR=1")
	for _, block := range readmeShellLines(t) {
		for _, line := range block {
			cmd := placeholders.Replace(line)
			switch {
			case strings.HasPrefix(cmd, "export "):
				for _, kv := range strings.Fields(strings.TrimPrefix(cmd, "export ")) {
					env = append(env, kv)
				}
				continue
			case cmd == "go run . demo", cmd == "aspect-tui":
				t.Logf("skipped (interactive): %s", line)
				continue
			case strings.HasPrefix(cmd, "aspect-tui --record "), strings.HasPrefix(cmd, "aspect-tui replay "):
				t.Logf("skipped (interactive; TestRecordRoundTrip and the replay tests run them): %s", line)
				continue
			case strings.HasPrefix(cmd, "go test -race"), strings.HasPrefix(cmd, ".ci/run"),
				strings.HasPrefix(cmd, "go test -run Test"):
				t.Logf("skipped (the tests themselves): %s", line)
				continue
			case strings.HasPrefix(cmd, "SECS="):
				t.Logf("skipped (minutes long, in tmux against the simulator): %s", line)
				continue
			case strings.HasPrefix(cmd, "ASPECT_SOAK="):
				t.Logf("skipped (an hour long; the soak's code is built with the tests): %s", line)
				continue
			}
			ran++
			lineEnv := env
			t.Run(line, func(t *testing.T) { runReadmeLine(t, cmd, lineEnv, dir) })
		}
	}
	if ran < 8 {
		t.Fatalf("only %d README lines ran; the parser is probably broken", ran)
	}
}

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// runReadmeLine runs one README command and checks what it must show.
func runReadmeLine(t *testing.T, line string, env []string, workdir string) {
	switch {
	case strings.HasPrefix(line, "aspect-tui ") && strings.HasSuffix(line, "--help"):
		if out := runOnce(t, line, env, workdir); !strings.Contains(out, "USAGE") || !strings.Contains(out, "--") {
			t.Errorf("help without usage or flags:\n%s", out)
		}
	case line == "aspect-tui version", line == "aspect-tui --version":
		if out := runOnce(t, line, env, workdir); !strings.HasPrefix(out, "aspect-tui ") {
			t.Errorf("version printed %q", out)
		}
	case strings.HasPrefix(line, "source <(aspect-tui completion "):
		// bash is the shell the line runs in; the others are checked by
		// TestCompletionScripts.
		if out := runOnce(t, line+"; complete -p aspect-tui", env, workdir); !strings.Contains(out, "aspect-tui") {
			t.Errorf("the completion did not load: %q", out)
		}
	case strings.HasPrefix(line, "aspect-tui completion "):
		if out := runOnce(t, line, env, workdir); !strings.Contains(out, "aspect-tui") {
			t.Errorf("no completion script: %q", lastOf(out, 400))
		}
	case strings.HasPrefix(line, "aspect-tui man"):
		if _, err := exec.LookPath("man"); err != nil && strings.Contains(line, "man -l") {
			t.Skip("man is not installed")
		}
		if out := runOnce(t, line, env, workdir); !strings.Contains(out, "aspect-tui") {
			t.Errorf("no man page: %q", lastOf(out, 400))
		}
	case strings.HasPrefix(line, "aspect-tui sim"):
		if !strings.Contains(line, "--addr") {
			line += " --addr 127.0.0.1:0" // the default port may be taken here
		}
		out, _ := runFor(t, line, env, workdir, func(all, _ string) bool { return urlRE.MatchString(all) && strings.Contains(all, "curl") })
		if !urlRE.MatchString(out) || !strings.Contains(out, "curl") {
			t.Errorf("sim printed no URL or curl:\n%s", out)
		}
	case strings.HasPrefix(line, "aspect-tui listen"):
		if !strings.Contains(line, "--addr") {
			line += " --addr 127.0.0.1:0"
		}
		out, _ := runFor(t, line, env, workdir, func(all, _ string) bool { return urlRE.MatchString(all) })
		if !urlRE.MatchString(out) {
			t.Errorf("listen printed no URL:\n%s", out)
		}
	case strings.HasPrefix(line, "aspect-tui tail"):
		jsonOut := strings.Contains(line, "--json")
		line = strings.TrimSpace(strings.SplitN(line, "|", 2)[0]) // jq may be missing; the JSON is checked here
		_, stdout := runFor(t, line, env, workdir, func(_, stdout string) bool { return len(nonEmpty(stdout)) >= 3 })
		lines := nonEmpty(stdout)
		if len(lines) == 0 {
			t.Fatalf("tail printed nothing")
		}
		if jsonOut {
			for _, l := range lines {
				if !json.Valid([]byte(l)) {
					t.Errorf("not a JSON line: %q", l)
				}
			}
		}
		if i := strings.Index(line, "--record "); i >= 0 {
			f := strings.Fields(line[i:])[1]
			if data, err := os.ReadFile(filepath.Join(workdir, f)); err != nil || !bytes.Contains(data, []byte("data:")) {
				t.Errorf("--record %s wrote no events: %v", f, err)
			}
		}
	case strings.HasPrefix(line, "curl "):
		if _, err := exec.LookPath("curl"); err != nil {
			t.Skip("curl is not installed")
		}
		out := runOnce(t, line, env, workdir)
		if !strings.Contains(out, `"secret":"whsec_`) && !strings.Contains(out, `"secret": "whsec_`) {
			t.Errorf("creating an endpoint gave no secret:\n%s", out)
		}
	case strings.HasPrefix(line, "go test -run '^$' -bench"):
		// Every benchmark named runs once: the names and flags are right.
		line = regexp.MustCompile(`-count \d+`).ReplaceAllString(line, "-count 1")
		line = strings.Replace(line, " -bench ", " -benchtime 1x -bench ", 1)
		if out := runOnce(t, line, env, ".."); !strings.Contains(out, "Benchmark") {
			t.Errorf("no benchmark ran:\n%s", out)
		}
	case strings.HasPrefix(line, "go test -run '^$' -fuzz"):
		runOnce(t, regexp.MustCompile(`-fuzztime \S+`).ReplaceAllString(line, "-fuzztime 2s"), env, "..")
	default:
		t.Fatalf("no rule to try this README line headless; add one to TestReadmeCommands: %s", line)
	}
}

// runOnce runs a command to its end and returns its output; it must exit 0.
func runOnce(t *testing.T, line string, env []string, dir string) string {
	t.Helper()
	c := exec.Command("bash", "-c", line)
	c.Env, c.Dir = env, dir
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	return string(out)
}

// runFor starts a long-running command, waits until ready holds for its
// output (all of it, and stdout alone), interrupts it as Ctrl+C would, and
// checks it exits 0. It returns all the output and stdout alone.
func runFor(t *testing.T, line string, env []string, dir string, ready func(all, stdout string) bool) (all, stdout string) {
	t.Helper()
	c := exec.Command("bash", "-c", "exec "+line)
	c.Env, c.Dir = env, dir
	var mu sync.Mutex
	var buf, outBuf bytes.Buffer
	c.Stdout = writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		outBuf.Write(p)
		return buf.Write(p)
	})
	c.Stderr = writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	})
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	output := func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
	exited := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- c.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = c.Process.Kill()
			<-exited
		}
	})
	clitest.Wait(t, "the output "+line+" should print", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return ready(buf.String(), outBuf.String())
	}, exited, output)
	_ = c.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s: after Ctrl+C: %v\n%s", line, err, output())
		}
	case <-time.After(clitest.Patience):
		_ = c.Process.Kill()
		t.Fatalf("%s did not stop on Ctrl+C\n%s", line, output())
	}
	mu.Lock()
	defer mu.Unlock()
	return buf.String(), outBuf.String()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func nonEmpty(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

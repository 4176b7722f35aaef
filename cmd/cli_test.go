package cmd

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
)

// The command tests' runners: runCLI runs a command to its end, startCLI
// in the background as under a shell, and binary builds aspect-tui for
// the tests that run it as a process (signals_test.go, build_test.go).

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds aspect-tui once for the tests that run it as a process.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "aspect-tui-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "aspect-tui")
		binErr = goBuild(binPath, "")
	})
	if binErr != nil {
		t.Fatalf("go build: %v", binErr)
	}
	return binPath
}

// goBuild builds the module's main package (the directory above this one)
// to out, with ldflags if any.
func goBuild(out, ldflags string, extra ...string) error {
	args := append([]string{"build", "-o", out}, extra...)
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	c := exec.Command("go", append(args, ".")...)
	c.Dir = ".."
	if b, err := c.CombinedOutput(); err != nil {
		return errors.New(string(b))
	}
	return nil
}

func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb clitest.Buffer
	getenv := func(k string) string { return env[k] }
	code = run(context.Background(), args, &stdio{in: strings.NewReader(""), out: &out, err: &errb, getenv: getenv})
	return code, out.String(), errb.String()
}

// runningCLI is a command running in the background, as under a shell.
type runningCLI struct {
	out, err *clitest.Buffer
	keys     *io.PipeWriter // what the user types, with cliKeys
	cancel   context.CancelFunc
	exited   chan struct{} // closed once it returned
	code     int           // its exit code, once exited
}

type cliOption func(*cliOptions)

type cliOptions struct {
	combined bool // stderr into stdout, in order, as a terminal shows both
	keys     bool // stdin is a pipe the test types into
}

func cliCombined(o *cliOptions) { o.combined = true }
func cliKeys(o *cliOptions)     { o.keys = true }

// startCLI runs the command of args in the background; the test's end
// stops it, as Ctrl+C would, if it is still running.
func startCLI(t *testing.T, env map[string]string, args []string, opts ...cliOption) *runningCLI {
	t.Helper()
	var o cliOptions
	for _, opt := range opts {
		opt(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &runningCLI{out: &clitest.Buffer{}, err: &clitest.Buffer{}, cancel: cancel, exited: make(chan struct{})}
	var in io.Reader = strings.NewReader("")
	if o.keys {
		pr, pw := io.Pipe()
		in, r.keys = pr, pw
		t.Cleanup(func() { pw.Close() })
	}
	var stderr io.Writer = r.err
	if o.combined {
		stderr = r.out
	}
	getenv := func(k string) string { return env[k] }
	go func() {
		defer close(r.exited)
		r.code = run(ctx, args, &stdio{in: in, out: r.out, err: stderr, getenv: getenv})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.exited:
		case <-time.After(clitest.Patience):
			t.Errorf("%v did not stop", args)
		}
	})
	return r
}

// interrupt is Ctrl+C (the context Main gets from signal.NotifyContext)
// and returns the exit code.
func (r *runningCLI) interrupt(t *testing.T) int {
	t.Helper()
	r.cancel()
	return r.wait(t)
}

// wait waits for the command to end and returns its exit code.
func (r *runningCLI) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-r.exited:
		return r.code
	case <-time.After(clitest.Patience):
		t.Fatalf("the command did not stop; stderr:\n%s", r.err.String())
	}
	return -1
}

// waitFor waits until cond holds, failing if the command exits first.
func (r *runningCLI) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	clitest.Wait(t, what, cond, r.exited, func() string {
		return "stdout:\n" + lastOf(r.out.String(), 2000) + "\nstderr:\n" + r.err.String()
	})
}

// waitOut and waitErr wait until stdout or stderr holds want.
func (r *runningCLI) waitOut(t *testing.T, want string) {
	t.Helper()
	r.waitFor(t, "stdout to hold "+want, func() bool { return strings.Contains(r.out.String(), want) })
}

func (r *runningCLI) waitErr(t *testing.T, want string) {
	t.Helper()
	r.waitFor(t, "stderr to hold "+want, func() bool { return strings.Contains(r.err.String(), want) })
}

// press types s.
func (r *runningCLI) press(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(r.keys, s); err != nil {
		t.Fatal(err)
	}
}

func outLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func lastOf(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/sim"
)

// proc is the binary running, its output read as it comes.
type proc struct {
	cmd      *exec.Cmd
	out, err *clitest.Buffer
	screen   *clitest.Screen // what the terminal shows, with a tty
	exited   chan struct{}
	code     int
}

// start runs the binary with args and env. On a terminal (tty), its
// stdin, stdout and stderr are a pseudo-terminal of 160×45, so the
// full-screen commands run as a user would see them; otherwise stdout and
// stderr are pipes.
func start(t *testing.T, env []string, tty bool, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = env
	p := &proc{cmd: cmd, out: &clitest.Buffer{}, err: &clitest.Buffer{}, exited: make(chan struct{})}
	var copied sync.WaitGroup
	if tty {
		ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 45, Cols: 160})
		if err != nil {
			t.Fatal(err)
		}
		p.screen = clitest.NewScreen(t, 160, 45)
		copied.Go(func() { io.Copy(io.MultiWriter(p.out, p.screen), ptmx) })
		t.Cleanup(func() { ptmx.Close() })
	} else {
		cmd.Stdout, cmd.Stderr = p.out, p.err
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		err := cmd.Wait()
		// What the process wrote last is still in the terminal's buffer.
		copied.Wait()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			p.code = ee.ExitCode()
		case err != nil:
			p.code = -1
		}
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// waitOutput waits until stdout holds want or, with a tty, the screen
// shows it.
func (p *proc) waitOutput(t *testing.T, want string) {
	t.Helper()
	if p.screen != nil {
		p.screen.WaitFor(t, want, p.exited)
		return
	}
	p.waitIn(t, "stdout", p.out, want)
}

func (p *proc) waitIn(t *testing.T, name string, b *clitest.Buffer, want string) {
	t.Helper()
	clitest.Wait(t, name+" to hold "+want, func() bool { return strings.Contains(b.String(), want) }, p.exited, func() string {
		return fmt.Sprintf("exit %d; stdout %q, stderr %q", p.code, lastOf(p.out.String(), 2000), p.err.String())
	})
}

func (p *proc) signal(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(clitest.Patience):
		t.Fatalf("still running %v after %v; stdout %q, stderr %q", clitest.Patience, sig, p.out.String(), p.err.String())
	}
	return p.code
}

// Every command stops on SIGTERM and on SIGHUP with exit code 0: the
// full-screen ones leave the alt screen and show the cursor again, and the
// others write nothing to stdout but their own lines.
func TestSignalsStopEveryCommandCleanly(t *testing.T) {
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 5, Rate: 20, TimeScale: 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH"),
		"ASPECT_API_URL=" + s.URL(), "ASPECT_API_KEY=" + s.APIKey()}
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	for _, c := range []struct {
		name  string
		args  []string
		tty   bool
		ready string // on stdout (or the terminal) once it runs
	}{
		{"dashboard", nil, true, "Tasks"},
		{"demo", []string{"demo"}, true, "demo"},
		{"listen screen", []string{"listen", "--addr", "127.0.0.1:0", "--secret", secret}, true, "Waiting for requests"},
		{"listen", []string{"listen", "--addr", "127.0.0.1:0", "--secret", secret}, false, "listening on"},
		{"listen --json", []string{"listen", "--addr", "127.0.0.1:0", "--secret", secret, "--json"}, false, ""},
		{"tail", []string{"tail"}, false, "task."},
		{"tail --json", []string{"tail", "--json"}, false, `"event_type"`},
		{"sim", []string{"sim", "--addr", "127.0.0.1:0"}, false, "Delivery attempts"},
	} {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
			t.Run(c.name+"/"+sig.String(), func(t *testing.T) {
				p := start(t, env, c.tty, c.args...)
				if c.ready != "" {
					p.waitOutput(t, c.ready)
				} else {
					p.waitIn(t, "stderr", p.err, "listening on")
				}
				if code := p.signal(t, sig); code != 0 {
					t.Fatalf("exit code %d after %v; stdout %q, stderr %q", code, sig, p.out.String(), p.err.String())
				}
				out := p.out.String()
				if c.tty {
					entered := strings.LastIndex(out, "\x1b[?1049h")
					if entered < 0 {
						t.Fatalf("never took the screen: %q", out)
					}
					for _, reset := range []string{"\x1b[?1049l", "\x1b[?25h", "\x1b[?1002l", "\x1b[?2004l"} {
						if !strings.Contains(out[entered:], reset) {
							t.Errorf("after %v, %q was not written: the terminal is left as the program set it: %q", sig, reset, lastOf(out, 400))
						}
					}
					return
				}
				if strings.ContainsRune(out, 0x1b) {
					t.Errorf("stdout holds escape codes: %q", lastOf(out, 400))
				}
				if strings.Contains(p.err.String(), "goroutine ") {
					t.Errorf("stderr holds a stack: %q", p.err.String())
				}
			})
		}
	}
}

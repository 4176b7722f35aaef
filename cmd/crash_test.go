package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/cmd/internal/clitest"
	"github.com/aspect-hq/aspect-tui/feed"
)

// panicky draws a full-screen view with the mouse on and panics where it
// is told: in Update on the key "p", in View once armed, or in a Cmd.
type panicky struct {
	where string
	armed bool
}

func (m *panicky) Init() tea.Cmd { return nil }

func (m *panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || k.String() != "p" {
		return m, nil
	}
	switch m.where {
	case "update":
		panic("boom in Update, key sk_live_4eC39HqLyjWDarjtT1zdp7dc")
	case "view":
		m.armed = true
	case "cmd":
		// A Cmd inside a batch, as panes return them.
		return m, tea.Batch(func() tea.Msg { return nil }, func() tea.Msg { panic("boom in a Cmd") })
	}
	return m, nil
}

func (m *panicky) View() tea.View {
	if m.armed {
		panic("boom in View")
	}
	v := tea.NewView("a screen the crash must clear\npress p")
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "panicky"
	return v
}

// A panic in Update, in View or in a Cmd ends the program with the
// terminal given back (alt screen left, cursor shown, mouse and bracketed
// paste off, title cleared, in that order after the last frame), one line
// on stderr naming the crash file, the stack in that file (0600, secrets
// masked) and exit code 70.
func TestCrashRestoresTheTerminal(t *testing.T) {
	for _, where := range []string{"update", "view", "cmd"} {
		t.Run(where, func(t *testing.T) {
			state := t.TempDir()
			getenv := func(k string) string {
				if k == "XDG_STATE_HOME" {
					return state
				}
				return ""
			}
			out := &clitest.Buffer{}
			var errOut bytes.Buffer
			pr, pw := io.Pipe()
			defer pw.Close()
			std := &stdio{in: pr, out: out, err: &errOut, getenv: getenv}
			done := make(chan error, 1)
			go func() {
				done <- runProgram(context.Background(), std, &panicky{where: where}, "dashboard", []string{"sk_live_4eC39HqLyjWDarjtT1zdp7dc"})
			}()
			// The first frame: with no window size the program draws no
			// text, but it enters the alt screen and turns the mouse on.
			clitest.Wait(t, "the first frame", func() bool { return strings.Contains(out.String(), "\x1b[?1006h") }, nil, out.String)
			io.WriteString(pw, "p")
			var err error
			select {
			case err = <-done:
			case <-time.After(clitest.Patience):
				t.Fatal("the program did not end after the panic")
			}
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != exitCrashed {
				t.Fatalf("want exit code %d, got %v", exitCrashed, err)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr got %q while the program ran; the stack belongs in the file", errOut.String())
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "crashed; the details are in "+filepath.Join(state, "aspect-tui")+"/crash-") || strings.Count(msg, "\n") > 0 {
				t.Errorf("want one short line naming the crash file, got %q", msg)
			}

			// The terminal: after the last time the alt screen was entered,
			// every mode the frames turned on is turned off again.
			term := out.String()
			tail := term[strings.LastIndex(term, "\x1b[?1049h"):]
			for _, reset := range []struct{ what, seq string }{
				{"alt screen left", "\x1b[?1049l"},
				{"cursor shown", "\x1b[?25h"},
				{"mouse button tracking off", "\x1b[?1002l"},
				{"mouse SGR reports off", "\x1b[?1006l"},
				{"bracketed paste off", "\x1b[?2004l"},
				{"title cleared", "\x1b]2;\x07"},
			} {
				if !strings.Contains(tail, reset.seq) {
					t.Errorf("%s: %q is not in what the program wrote last: %q", reset.what, reset.seq, tail)
				}
			}
			if strings.Contains(term, "goroutine ") || strings.Contains(term, "boom") {
				t.Errorf("the stack or the panic reached the terminal: %q", term)
			}

			files, _ := filepath.Glob(filepath.Join(state, "aspect-tui", "crash-*.txt"))
			if len(files) != 1 {
				t.Fatalf("want one crash file, got %v", files)
			}
			info, err := os.Stat(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("crash file mode %04o; want 0600", info.Mode().Perm())
			}
			report, _ := os.ReadFile(files[0])
			for _, want := range []string{"panic: boom in", "goroutine ", "crash_test.go", "command: dashboard"} {
				if !bytes.Contains(report, []byte(want)) {
					t.Errorf("the crash file lacks %q:\n%s", want, report)
				}
			}
			if bytes.Contains(report, []byte("sk_live_4eC39HqLyjWDarjtT1zdp7dc")) {
				t.Errorf("the crash file holds the API key:\n%s", report)
			}
		})
	}
}

// Without a place for the crash file, the report goes to stderr, after
// the program has given the terminal back.
func TestCrashWithoutAStateDirectory(t *testing.T) {
	state := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(state, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "XDG_STATE_HOME" {
			return state // a file, so the directory cannot be made
		}
		return ""
	}
	var errOut bytes.Buffer
	pr, pw := io.Pipe()
	defer pw.Close()
	done := make(chan error, 1)
	go func() {
		done <- runProgram(context.Background(), &stdio{in: pr, out: &clitest.Buffer{}, err: &errOut, getenv: getenv}, &panicky{where: "update"}, "listen", nil)
	}()
	io.WriteString(pw, "p")
	err := <-done
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitCrashed || !strings.Contains(err.Error(), "could not be written") {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(errOut.String(), "panic: boom in Update") || !strings.Contains(errOut.String(), "goroutine ") {
		t.Errorf("the report should be on stderr: %q", errOut.String())
	}
	if strings.Contains(errOut.String(), "sk_live_4eC39HqLyjWDarjtT1zdp7dc") {
		t.Errorf("stderr holds a key: a value shaped like one is masked even when the command did not name it")
	}
}

// A panic the live feed caught stopped only the feed; when the command
// ends it gets the same crash file and exit code as any other crash.
func TestFeedPanicBecomesACrashReport(t *testing.T) {
	state := t.TempDir()
	getenv := func(k string) string {
		if k == "XDG_STATE_HOME" {
			return state
		}
		return ""
	}
	var errOut bytes.Buffer
	pe := &feed.PanicError{Value: "index out of range, key sk_test_abcdefghijklmnop", Stack: []byte("goroutine 7 [running]:\nfeed.(*Feed).supervise\n")}
	err := feedCrash(fmt.Errorf("wrapped: %w", pe), "tail", []string{"sk_test_abcdefghijklmnop"}, &stdio{err: &errOut, getenv: getenv})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitCrashed || !strings.Contains(err.Error(), filepath.Join(state, "aspect-tui")) {
		t.Fatalf("got %v, want exit 70 naming the crash file", err)
	}
	files, _ := filepath.Glob(filepath.Join(state, "aspect-tui", "crash-*.txt"))
	if len(files) != 1 {
		t.Fatalf("crash files: %v", files)
	}
	report, _ := os.ReadFile(files[0])
	if !strings.Contains(string(report), "panic: index out of range") || !strings.Contains(string(report), "supervise") || !strings.Contains(string(report), "command: tail") {
		t.Errorf("report:\n%s", report)
	}
	if strings.Contains(string(report), "sk_test_abcdefghijklmnop") {
		t.Error("the report holds the key")
	}
	other := errors.New("the feed stopped")
	if feedCrash(other, "tail", nil, &stdio{err: &errOut, getenv: getenv}) != other || feedCrash(nil, "tail", nil, &stdio{err: &errOut, getenv: getenv}) != nil {
		t.Error("an ordinary error (or none) must pass through unchanged")
	}
}

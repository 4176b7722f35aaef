package render

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// script is a model that runs one command at start and quits when told.
type script struct {
	start tea.Cmd
	text  string
}

type doneMsg struct{ err error }

func (s *script) Init() tea.Cmd { return s.start }

func (s *script) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if d, ok := msg.(doneMsg); ok {
		if d.err != nil {
			s.text = "failed: " + d.err.Error()
		}
		return s, tea.Quit
	}
	return s, nil
}

func (s *script) View() tea.View {
	v := tea.NewView(s.text)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	return v
}

func run(t *testing.T, m tea.Model) string {
	t.Helper()
	out := &uitest.Buffer{}
	tc := colorprofile.TrueColor
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := Run(ctx, m, RunOptions{In: NoInput, Out: out, Env: []string{"TERM=xterm-256color"}, Profile: &tc,
		Width: 40, Height: 5}); err != nil {
		t.Fatal(err)
	}
	return string(out.Bytes())
}

// An editor run from the program gets the terminal as the shell had it:
// the alt screen left and the mouse off before it starts, and the screen
// taken back and drawn again after it exits.
func TestExecHandsTheTerminalOver(t *testing.T) {
	m := &script{text: "the program's screen"}
	m.start = ExecProcess(exec.Command("sh", "-c", "printf 'EDITOR RAN'"), func(err error) tea.Msg { return doneMsg{err} })
	got := run(t, m)
	ran := strings.Index(got, "EDITOR RAN")
	if ran < 0 {
		t.Fatalf("the command's output is not in what was written: %q", got)
	}
	before, after := got[:ran], got[ran:]
	if !strings.Contains(before, ansi.ResetModeAltScreenSaveCursor) || !strings.Contains(before, ansi.ResetModeMouseButtonEvent) {
		t.Errorf("before the command ran, the alt screen and the mouse were not given back: %q", before)
	}
	if !strings.Contains(after, ansi.SetModeAltScreenSaveCursor) || !strings.Contains(after, "the program's screen") {
		t.Errorf("after the command, the screen was not taken back and drawn again: %q", after)
	}
	if end := after[strings.LastIndex(after, "the program's screen"):]; !strings.Contains(end, ansi.ResetModeAltScreenSaveCursor) {
		t.Errorf("the program did not leave the alt screen when it ended: %q", end)
	}
}

// What a program writes outside a frame (the clipboard, a notification,
// the background colour query) goes out at once, through the renderer, and
// is kept from Bubble Tea, which would write it again on its next tick.
func TestClipboardAndRawGoOutOnceAndAtOnce(t *testing.T) {
	out := &uitest.Buffer{}
	r := New(out, Options{Width: 40, Height: 5, Input: true})
	defer r.Close()
	s := &shell{model: &script{}, r: r}
	filter := s.filter(nil)
	for _, c := range []struct {
		msg  tea.Msg
		want string
	}{
		{tea.SetClipboard("copied!")(), ansi.SetSystemClipboard("copied!")},
		{tea.Raw("RAW-MARK")(), "RAW-MARK"},
		{tea.RequestBackgroundColor(), ansi.RequestBackgroundColor},
	} {
		if left := filter(s, c.msg); left != nil {
			t.Errorf("%T is left for Bubble Tea to write as well", c.msg)
		}
		if n := strings.Count(string(out.Bytes()), c.want); n != 1 {
			t.Errorf("%q went out %d times, want once: %q", c.want, n, string(out.Bytes()))
		}
	}
	if got := filter(s, tea.KeyPressMsg{Code: 'j'}); got == nil {
		t.Error("a key was kept from the program")
	}
}

// sized is a model that lays its view out for the window it was told of,
// and quits after its first view.
type sized struct {
	w, h  int
	first string // what the first view said
}

func (s *sized) Init() tea.Cmd { return nil }

func (s *sized) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(tea.WindowSizeMsg); ok {
		s.w, s.h = m.Width, m.Height
	}
	return s, nil
}

func (s *sized) View() tea.View {
	text := "no size yet"
	if s.w > 0 {
		text = strings.Repeat(".", s.w-1)
	}
	if s.first == "" {
		s.first = text
	}
	v := tea.NewView(text)
	v.AltScreen = true
	return v
}

// The first view is drawn already knowing the window's size, so the first
// frame is the laid-out screen and not a placeholder drawn before the size
// came.
func TestFirstViewKnowsTheSize(t *testing.T) {
	m := &sized{}
	out := &uitest.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Run(ctx, m, RunOptions{In: NoInput, Out: out, Width: 40, Height: 5, OnFrame: func(time.Time, int) { cancel() }})
	if err != nil && ctx.Err() == nil {
		t.Fatal(err)
	}
	if want := strings.Repeat(".", 39); m.first != want {
		t.Fatalf("the first view was drawn as %q, not laid out for 40 columns", m.first)
	}
}

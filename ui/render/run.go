package render

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// RunOptions say where a program runs.
type RunOptions struct {
	// In is where keys come from: nil for the terminal (stdin, or the
	// controlling terminal when stdin is not one), NoInput for none.
	In      io.Reader
	NoInput bool
	// Out is where frames go: nil for stdout.
	Out io.Writer
	// Env is the program's environment; nil for the process's.
	Env []string
	// Profile is the colour profile; nil to detect it from Out and Env.
	Profile *colorprofile.Profile
	// Every is the least time between two frames (default 1/30 s).
	Every time.Duration
	// Filter sees each message before the program does (tea.WithFilter).
	Filter func(tea.Model, tea.Msg) tea.Msg
	// Width and Height are the screen's size when Out is not a terminal
	// (tests); a terminal's own size wins.
	Width, Height int
	// OnStart is given the program before it runs (for its Quit).
	OnStart func(*tea.Program)
	// OnFrame is called after each frame is written, with the time its
	// write began and its size.
	OnFrame func(start time.Time, n int)
}

// NoInput reads no keys.
var NoInput io.Reader = noInput{}

type noInput struct{}

func (noInput) Read([]byte) (int, error) { return 0, io.EOF }

// bubbleTeaFPS is how often Bubble Tea's own ticker runs, now that it
// draws nothing: it writes only what a program asks to write outside a
// frame, and Run's filter takes those (tea.Raw, clipboard, the background
// colour query) and writes them at once. The slowest Bubble Tea allows.
const bubbleTeaFPS = 1

// Run runs model in a Bubble Tea program whose frames this package draws,
// until it quits or ctx ends, and returns its final model.
func Run(ctx context.Context, model tea.Model, o RunOptions) (tea.Model, error) {
	out := o.Out
	if out == nil {
		out = os.Stdout
	}
	env := o.Env
	if env == nil {
		env = os.Environ()
	}
	t := &terminal{}
	in := o.In
	switch {
	case o.NoInput || in == NoInput:
		in = nil
	case in == nil:
		in = os.Stdin
		if !isTerminal(os.Stdin) {
			tty, _, err := tea.OpenTTY()
			if err != nil {
				return model, fmt.Errorf("bubbletea: error opening TTY: %w", err)
			}
			defer tty.Close()
			in = tty
		}
	}
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithoutRenderer(), tea.WithFPS(bubbleTeaFPS),
		tea.WithOutput(out), tea.WithEnvironment(env)}
	if in == nil {
		popts = append(popts, tea.WithInput(nil))
	} else {
		popts = append(popts, tea.WithInput(in))
		if f, ok := in.(term.File); ok && term.IsTerminal(f.Fd()) {
			state, err := term.MakeRaw(f.Fd())
			if err != nil {
				return model, fmt.Errorf("error entering raw mode: %w", err)
			}
			t.in, t.raw = f, state
			defer t.cooked()
		}
	}
	width, height := o.Width, o.Height
	if f, ok := out.(term.File); ok && term.IsTerminal(f.Fd()) {
		w, h, err := term.GetSize(f.Fd())
		if err != nil {
			return model, fmt.Errorf("bubbletea: error getting terminal size: %w", err)
		}
		width, height = fallbackSize(w, h, uv.Environ(env))
		t.out = f
	}
	if width > 0 && height > 0 {
		popts = append(popts, tea.WithWindowSize(width, height))
	}
	var profile colorprofile.Profile
	switch {
	case o.Profile != nil:
		profile = *o.Profile
	case out == os.Stdout && o.Env == nil:
		// Lipgloss detected the same at its start (its Writer): in tmux
		// that ran `tmux info`, which the first frame need not wait for
		// again.
		profile = lipgloss.Writer.Profile
	default:
		profile = colorprofile.Detect(out, env)
	}
	popts = append(popts, tea.WithColorProfile(profile))

	r := New(out, Options{Width: width, Height: height, Every: o.Every, Profile: profile, Input: in != nil})
	r.OnFrame = o.OnFrame
	t.r = r
	s := &shell{model: model, r: r}
	popts = append(popts, tea.WithFilter(s.filter(o.Filter)))
	p := tea.NewProgram(s, popts...)

	if in != nil && shouldQuerySynchronizedOutput(uv.Environ(env)) {
		// The answers come back as ModeReportMsgs, which shell takes.
		r.Raw(ansi.RequestModeSynchronizedOutput + ansi.RequestModeUnicodeCore)
	}
	stopResize := t.watchResize(p)
	if o.OnStart != nil {
		o.OnStart(p)
	}
	setActive(t)
	defer setActive(nil)
	final, err := p.Run()
	stopResize()
	if cerr := r.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("bubbletea: error writing to the terminal: %w", cerr)
	}
	if sh, ok := final.(*shell); ok {
		final = sh.model
	}
	return final, err
}

// shell is the program's model: the caller's, with each view handed to
// the renderer instead of Bubble Tea's, and the terminal's answers about
// itself (size, colours, modes) taken on the way.
type shell struct {
	model tea.Model
	r     *Renderer
}

// Init starts the caller's model and, when the screen's size is known
// already, gives it that size before its first view, so that the first
// frame is laid out: Bubble Tea sends its own WindowSizeMsg only after
// that frame.
func (s *shell) Init() tea.Cmd {
	cmd := s.model.Init()
	if w, h := s.r.size(); w > 0 && h > 0 {
		next, sized := s.model.Update(tea.WindowSizeMsg{Width: w, Height: h})
		s.model = next
		cmd = tea.Batch(cmd, sized)
	}
	return cmd
}

func (s *shell) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		s.r.Resize(msg.Width, msg.Height)
	case tea.ColorProfileMsg:
		s.r.SetColorProfile(msg.Profile)
	case tea.ModeReportMsg:
		switch msg.Mode {
		case ansi.ModeSynchronizedOutput:
			if msg.Value == ansi.ModeReset {
				s.r.SetSynchronized(true)
			}
		case ansi.ModeUnicodeCore:
			if msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet || msg.Value == ansi.ModePermanentlySet {
				s.r.SetGraphemeWidth()
			}
		}
	}
	next, cmd := s.model.Update(msg)
	s.model = next
	return s, cmd
}

func (s *shell) View() tea.View {
	s.r.Show(s.model.View())
	return tea.View{}
}

// Messages Bubble Tea would write to the terminal on its next tick; the
// filter writes them at once, in order with the frames.
var (
	rawMsg         = reflect.TypeOf(tea.RawMsg{})
	clipboardMsg   = reflect.TypeOf(tea.SetClipboard("")())
	bgQueryMsg     = reflect.TypeOf(tea.RequestBackgroundColor())
	primaryClipMsg = reflect.TypeOf(tea.SetPrimaryClipboard("")())
)

func (s *shell) filter(next func(tea.Model, tea.Msg) tea.Msg) func(tea.Model, tea.Msg) tea.Msg {
	return func(m tea.Model, msg tea.Msg) tea.Msg {
		if next != nil {
			if sh, ok := m.(*shell); ok {
				m = sh.model
			}
			if msg = next(m, msg); msg == nil {
				return nil
			}
		}
		switch reflect.TypeOf(msg) {
		case rawMsg:
			s.r.Raw(fmt.Sprint(msg.(tea.RawMsg).Msg))
			return nil
		case clipboardMsg:
			s.r.Raw(ansi.SetSystemClipboard(reflect.ValueOf(msg).String()))
			return nil
		case primaryClipMsg:
			s.r.Raw(ansi.SetPrimaryClipboard(reflect.ValueOf(msg).String()))
			return nil
		case bgQueryMsg:
			if s.r.input {
				s.r.Raw(ansi.RequestBackgroundColor)
			}
			return nil
		}
		return msg
	}
}

// terminal is what Run changed about the terminal, for giving it to
// another program (an editor) and back.
type terminal struct {
	r   *Renderer
	in  term.File
	raw *term.State
	out term.File
}

func (t *terminal) cooked() {
	if t.raw != nil {
		_ = term.Restore(t.in.Fd(), t.raw)
	}
}

func (t *terminal) release() {
	t.r.Release()
	t.cooked()
}

func (t *terminal) resume() {
	if t.raw != nil {
		if state, err := term.MakeRaw(t.in.Fd()); err == nil {
			t.raw = state
		}
	}
	if t.out != nil {
		if w, h, err := term.GetSize(t.out.Fd()); err == nil {
			t.r.Resize(w, h)
		}
	}
	t.r.Resume()
}

var active struct {
	sync.Mutex
	t *terminal
}

func setActive(t *terminal) {
	active.Lock()
	active.t = t
	active.Unlock()
}

// ExecProcess is tea.ExecProcess for a program that Run runs: the
// terminal is handed to c with its modes put back (main screen, cursor,
// cooked input), and taken back and repainted when c exits.
func ExecProcess(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
	return tea.Exec(&handOver{c: c}, fn)
}

type handOver struct{ c *exec.Cmd }

func (h *handOver) Run() error {
	active.Lock()
	t := active.t
	active.Unlock()
	if t != nil {
		t.release()
		defer t.resume()
	}
	return h.c.Run()
}

func (h *handOver) SetStdin(r io.Reader) {
	if h.c.Stdin == nil {
		h.c.Stdin = r
	}
}

func (h *handOver) SetStdout(w io.Writer) {
	if h.c.Stdout == nil {
		h.c.Stdout = w
	}
}

func (h *handOver) SetStderr(w io.Writer) {
	if h.c.Stderr == nil {
		h.c.Stderr = w
	}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }

// fallbackSize is Bubble Tea's answer to a terminal that reports no size
// (a fresh pseudo-terminal): $COLUMNS and $LINES, else 80×24.
func fallbackSize(w, h int, env uv.Environ) (int, int) {
	if w <= 0 {
		w = 80
		if c, err := strconv.Atoi(env.Getenv("COLUMNS")); err == nil && c > 0 {
			w = c
		}
	}
	if h <= 0 {
		h = 24
		if l, err := strconv.Atoi(env.Getenv("LINES")); err == nil && l > 0 {
			h = l
		}
	}
	return w, h
}

// shouldQuerySynchronizedOutput is Bubble Tea's rule for asking a
// terminal about synchronized output: terminals known to answer, and not
// over SSH, where the answer may never come.
func shouldQuerySynchronizedOutput(env uv.Environ) bool {
	termType := env.Getenv("TERM")
	termProg, okTermProg := env.LookupEnv("TERM_PROGRAM")
	_, okSSHTTY := env.LookupEnv("SSH_TTY")
	_, okWTSession := env.LookupEnv("WT_SESSION")
	return (!okTermProg && !okSSHTTY) ||
		okWTSession ||
		(okTermProg && !strings.Contains(termProg, "Apple") && !okSSHTTY) ||
		strings.Contains(termType, "ghostty") ||
		strings.Contains(termType, "wezterm") ||
		strings.Contains(termType, "alacritty") ||
		strings.Contains(termType, "kitty") ||
		strings.Contains(termType, "rio")
}

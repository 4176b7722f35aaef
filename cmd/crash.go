package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui"
	"github.com/aspect-hq/aspect-tui/ui/render"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// exitCrashed is the exit code after a crash (EX_SOFTWARE).
const exitCrashed = 70

// crashGuard wraps a program's model so that a panic in Init, Update, View
// or a Cmd ends the program the ordinary way: Bubble Tea leaves the alt
// screen, shows the cursor and turns the mouse off, and only then does the
// command print one short line. The stack goes to a crash file instead of
// over the user's shell, as Bubble Tea's own recovery would print it.
//
// Cmds run in Bubble Tea's goroutines; a wrapped Cmd turns its panic into a
// crashMsg that Update sees. Init, Update and View run on the program's
// event loop, so the guard needs no lock.
type crashGuard struct {
	model   tea.Model
	command string
	secrets []string // redacted from the crash file
	getenv  func(string) string
	quit    func() // the program's Quit, set before Run

	crashed bool
	file    string // the crash file, once written
	fileErr error  // why it could not be written
	report  string // the report, kept for stderr when there is no file
	last    tea.View
}

// crashMsg carries a Cmd's panic to Update.
type crashMsg struct {
	value any
	stack []byte
}

func newCrashGuard(m tea.Model, command string, secrets []string, getenv func(string) string) *crashGuard {
	return &crashGuard{model: m, command: command, secrets: secrets, getenv: getenv}
}

func (g *crashGuard) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.record(r, debug.Stack())
			cmd = tea.Quit
		}
	}()
	return g.wrap(g.model.Init())
}

func (g *crashGuard) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	if c, ok := msg.(crashMsg); ok {
		g.record(c.value, c.stack)
		return g, tea.Quit
	}
	if g.crashed {
		// The model may be half-updated: nothing reaches it again.
		return g, tea.Quit
	}
	defer func() {
		if r := recover(); r != nil {
			g.record(r, debug.Stack())
			m, cmd = g, tea.Quit
		}
	}()
	next, cmd := g.model.Update(msg)
	g.model = next
	return g, g.wrap(cmd)
}

func (g *crashGuard) View() (v tea.View) {
	if g.crashed {
		return g.blank()
	}
	defer func() {
		if r := recover(); r != nil {
			g.record(r, debug.Stack())
			v = g.blank()
			// View cannot return a Cmd, and Quit sends to the loop that is
			// calling View: ask from elsewhere.
			if g.quit != nil {
				go g.quit()
			}
		}
	}()
	v = g.model.View()
	g.last = v
	return v
}

// blank is an empty screen in the modes of the last good frame, so the
// renderer, on its way out, resets exactly what that frame turned on.
func (g *crashGuard) blank() tea.View {
	v := g.last
	v.Content = ""
	v.Cursor = nil
	return v
}

// wrap makes cmd report a panic as a crashMsg, and wraps the Cmds of a
// batch it returns, which Bubble Tea runs in goroutines of their own.
func (g *crashGuard) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = crashMsg{value: r, stack: debug.Stack()}
			}
		}()
		msg = cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for i := range b {
				b[i] = g.wrap(b[i])
			}
		}
		return msg
	}
}

// record keeps the first panic and writes it to the crash file.
func (g *crashGuard) record(value any, stack []byte) {
	if g.crashed {
		return
	}
	g.crashed = true
	var b strings.Builder
	fmt.Fprintf(&b, "aspect-tui %s crashed at %s\n", versionLine(), time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "command: %s; %s/%s; %s\n\n", g.command, runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&b, "panic: %s\n\n%s", api.CleanBlock(fmt.Sprint(value)), stack)
	g.report = redact(b.String(), g.secrets)
	g.file, g.fileErr = writeCrashFile(g.getenv, g.report)
}

// feedCrash turns a panic the live feed caught (it stopped; the program
// went on) into the same crash file and exit code as any other crash, once
// the program has ended. Any other error is returned as it is.
func feedCrash(err error, command string, secrets []string, io *stdio) error {
	var pe *feed.PanicError
	if !errors.As(err, &pe) {
		return err
	}
	return crashReport(pe.Value, pe.Stack, command, secrets, io)
}

// crashReport writes the crash file for a panic caught outside the
// program's model and returns the command's crash error.
func crashReport(value any, stack []byte, command string, secrets []string, io *stdio) error {
	g := newCrashGuard(nil, command, secrets, io.getenv)
	g.record(value, stack)
	return g.err(io.err)
}

// err is what the command returns after a crash: one line naming the file.
// Without a file, the report goes to stderr first.
func (g *crashGuard) err(stderr interface{ Write([]byte) (int, error) }) error {
	if g.fileErr != nil {
		fmt.Fprintf(stderr, "%s\n", g.report)
		return &exitError{code: exitCrashed, err: fmt.Errorf("crashed, and the crash file could not be written (%v); the details are above; please report them", g.fileErr)}
	}
	return &exitError{code: exitCrashed, err: fmt.Errorf("crashed; the details are in %s; please report them", g.file)}
}

// redact replaces each secret, and anything shaped like one, with its
// masked form.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 8 {
			s = strings.ReplaceAll(s, sec, api.Mask(sec))
		}
	}
	return api.MaskSecrets(s)
}

// stateDir is where aspect-tui keeps files of its own making (crash
// reports): $XDG_STATE_HOME/aspect-tui, else ~/.local/state/aspect-tui.
func stateDir(getenv func(string) string) (string, error) {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("neither XDG_STATE_HOME nor HOME is set")
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "aspect-tui"), nil
}

// writeCrashFile writes report to a new file, readable by the user only:
// a panic's value may hold ids from the account.
func writeCrashFile(getenv func(string) string, report string) (string, error) {
	dir, err := stateDir(getenv)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := filepath.Join(dir, fmt.Sprintf("crash-%s-%d.txt", time.Now().UTC().Format("20060102T150405Z"), os.Getpid()))
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, werr := f.WriteString(report)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return "", werr
	}
	return name, nil
}

// testScreen is the window size tests that draw into a buffer give every
// program (render.RunOptions.Width and Height); zero for a terminal.
var testScreen struct{ w, h int }

// runProgram runs a full-screen model until the user quits or ctx ends
// (a signal), with the crash guard around it. It returns nil for a quit
// or a signal, the crash as an exit error, or what else stopped it.
func runProgram(ctx context.Context, io *stdio, m tea.Model, command string, secrets []string) error {
	settle()
	g := newCrashGuard(m, command, secrets, io.getenv)
	o := render.RunOptions{Every: ui.FrameInterval, Width: testScreen.w, Height: testScreen.h,
		OnStart: func(p *tea.Program) { g.quit = p.Quit }}
	if io.in != os.Stdin {
		o.In = io.in
	}
	if io.out != os.Stdout {
		o.Out = io.out
	}
	_, err := render.Run(ctx, g, o)
	switch {
	case g.crashed:
		return g.err(io.err)
	case err == nil, errors.Is(err, tea.ErrInterrupted):
		return nil
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		// A signal ended the context: a clean stop.
		return nil
	}
	return err
}

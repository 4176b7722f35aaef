package uitest

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// term is what every driver offers a test: keys in, the screen out.
type term struct {
	t      testing.TB
	screen *Screen
	send   func(tea.Msg)
	// content is the latest View's Content, drawn on the screen when the
	// test reads it (drawing every frame would slow typing tests).
	content string
	drawn   bool
}

// Press sends keys by name (see Key), one Update each.
func (x *term) Press(names ...string) {
	x.t.Helper()
	for _, n := range names {
		x.send(Key(n))
	}
}

// Type sends each rune of s as a key press.
func (x *term) Type(s string) {
	x.t.Helper()
	for _, k := range Runes(s) {
		x.send(k)
	}
}

func (x *term) frame(v tea.View) {
	x.content, x.drawn = v.Content, false
}

// Screen is the terminal the model's latest View is drawn on.
func (x *term) Screen() *Screen {
	if !x.drawn {
		x.screen.Draw(x.content)
		x.drawn = true
	}
	return x.screen
}

// Content is the latest View's Content as the model returned it.
func (x *term) Content() string { return x.content }

// Lines are the screen's rows as text.
func (x *term) Lines() []string { return x.Screen().Lines() }

// Text is the screen's rows joined by newlines.
func (x *term) Text() string { return x.Screen().Text() }

// Line is the first row holding sub, or "".
func (x *term) Line(sub string) string {
	for _, l := range x.Lines() {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// Must fails the test unless the screen shows every want.
func (x *term) Must(want ...string) {
	x.t.Helper()
	s := x.Text()
	for _, w := range want {
		if !strings.Contains(s, w) {
			x.t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

// MustNot fails the test if the screen shows any of bad.
func (x *term) MustNot(bad ...string) {
	x.t.Helper()
	s := x.Text()
	for _, b := range bad {
		if strings.Contains(s, b) {
			x.t.Fatalf("screen shows %q:\n%s", b, s)
		}
	}
}

// Driver steps a model by hand: Send runs a message through Update, draws
// the View, and (unless Manual) runs the Cmds it returned to their end,
// feeding their messages back, as the runtime would; only Cmds that wait
// for time or for the test are set aside (see Cmds). After Send returns,
// the screen shows all a message caused.
type Driver struct {
	term
	Model tea.Model
	// Cmds runs what Update returns; its Waits and Timeout may be set.
	Cmds *Cmds
	// Manual hands each Cmd back from Send unrun, for a test that plays
	// the runtime's part itself.
	Manual bool
	// Handle, if set, sees each message a Cmd returned before Update
	// does; true means it was handled (a clipboard write, say).
	Handle func(tea.Msg) bool
	// OnFrame, if set, sees every View.
	OnFrame func(tea.View)
	// MaxRounds bounds how many rounds of Cmds one Send may cause (a Cmd
	// whose message returns a Cmd is a round); more fails the test, as
	// a loop that never settles.
	MaxRounds int
}

// NewDriver drives m on a w×h screen. It sends no message: the test sends
// the window size when it wants.
func NewDriver(tb testing.TB, m tea.Model, w, h int) *Driver {
	d := &Driver{Model: m, Cmds: &Cmds{T: tb}, MaxRounds: 100}
	d.term = term{t: tb, screen: NewScreen(tb, w, h)}
	d.send = func(msg tea.Msg) { d.Send(msg) }
	return d
}

// Send runs msg through Update and draws; it returns the Cmd in Manual
// mode, else runs it and returns nil.
func (d *Driver) Send(msg tea.Msg) tea.Cmd {
	d.t.Helper()
	cmd := d.update(msg)
	if d.Manual {
		return cmd
	}
	d.Run(cmd)
	return nil
}

func (d *Driver) update(msg tea.Msg) tea.Cmd {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		d.screen.Resize(ws.Width, ws.Height)
	}
	_, cmd := d.Model.Update(msg)
	v := d.Model.View()
	d.frame(v)
	if d.OnFrame != nil {
		d.OnFrame(v)
	}
	return cmd
}

// Run runs cmd and what its messages cause, round after round, until no
// Cmd is left but those that wait.
func (d *Driver) Run(cmd tea.Cmd) {
	d.t.Helper()
	queue := []tea.Cmd{cmd}
	for round := 0; len(queue) > 0; round++ {
		if round > d.MaxRounds {
			d.t.Fatalf("Cmds still coming after %d rounds: the model never settles", d.MaxRounds)
		}
		var next []tea.Cmd
		for _, c := range queue {
			for _, msg := range d.Cmds.Run(c) {
				if _, quit := msg.(tea.QuitMsg); quit {
					continue
				}
				if d.Handle != nil && d.Handle(msg) {
					continue
				}
				if c := d.update(msg); c != nil {
					next = append(next, c)
				}
			}
		}
		queue = next
	}
}

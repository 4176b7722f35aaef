package common

import (
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/keys"
)

// Scroll is a view of prebuilt lines scrolled by the movement keys and the
// wheel: the attempt, the task detail and the listen screen's detail.
// (bubbles' viewport would restyle and re-measure every line on each
// frame and bring a key map of its own beside ours; these lines are
// already fitted to the width.)
type Scroll struct {
	Lines  []string
	Offset int
	W, H   int
}

// SetLines replaces the content, keeping the position where it can.
func (s *Scroll) SetLines(ls []string) {
	s.Lines = ls
	s.Clamp()
}

// SetSize sets the view's size.
func (s *Scroll) SetSize(w, h int) {
	s.W, s.H = w, h
	s.Clamp()
}

// Key scrolls for a movement key; it reports whether the key was one.
func (s *Scroll) Key(mv *keys.Moves, msg tea.KeyPressMsg) bool {
	v, ok := mv.Move(msg, s.H)
	if !ok {
		return false
	}
	s.Offset = v.From(s.Offset, len(s.Lines))
	s.Clamp()
	return true
}

// Input is a scrolled pane's keys and wheel: a key runs the pane's action
// for it (Press) or else scrolls, as the wheel does; any other message is
// left alone.
func (s *Scroll) Input(msg tea.Msg, mv *keys.Moves, actions keys.Actions) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if cmd, ok := Press(actions, msg); ok {
			return cmd
		}
		s.Key(mv, msg)
	case tea.MouseWheelMsg:
		s.Wheel(msg)
	}
	return nil
}

// Wheel scrolls three lines a notch.
func (s *Scroll) Wheel(msg tea.MouseWheelMsg) {
	switch msg.Button {
	case tea.MouseWheelUp:
		s.Offset -= 3
	case tea.MouseWheelDown:
		s.Offset += 3
	}
	s.Clamp()
}

// Clamp keeps the view within the content.
func (s *Scroll) Clamp() {
	s.Offset = min(max(s.Offset, 0), max(0, len(s.Lines)-s.H))
}

// View is the lines on screen, joined, padded to the height.
func (s *Scroll) View() string { return Window(s.Lines, s.Offset, s.W, s.H) }

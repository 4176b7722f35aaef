package clitest

import (
	"testing"
)

// The screen holds what the cells show, not the bytes: text overwritten
// in place reads as it ends up, and a phrase drawn in two writes reads
// whole.
func TestScreenReadsCells(t *testing.T) {
	s := NewScreen(t, 20, 3)
	s.Write([]byte("hello world\x1b[1;7HWOR"))
	s.Write([]byte("LD\x1b[2;1Hsecond"))
	if got := s.Text(); got != "hello WORLD\nsecond" {
		t.Fatalf("screen %q", got)
	}
	var seen []string
	s.Watch(func(text string) { seen = append(seen, text) })
	s.Write([]byte("\x1b[2J\x1b[H"))
	if len(seen) != 1 || seen[0] != "" || s.Contains("WORLD") {
		t.Errorf("after clearing: watched %q, screen %q", seen, s.Text())
	}
	// A query is answered into the input pipe, which the screen drains:
	// the write must not block.
	s.Write([]byte("\x1b[c\x1b[6n"))
}

// Without a pty, a bare \n ends a line as a cooked tty would make it.
func TestScreenNotATTY(t *testing.T) {
	s := NewScreen(t, 10, 3, NotATTY)
	s.Write([]byte("abc\ndef"))
	if got := s.Text(); got != "abc\ndef" {
		t.Errorf("screen %q", got)
	}
}

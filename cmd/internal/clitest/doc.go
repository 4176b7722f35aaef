// Package clitest is the command tests' kit: a Buffer that a command's
// goroutines write while the test reads, a Screen that reads a full-screen
// program's output through a terminal emulator (github.com/charmbracelet/x/vt)
// the way a user sees it, and Wait, the one bounded wait on a condition.
//
// A cell-diffing renderer never writes a phrase whole once part of it is
// on the screen, so a test that looks for text a TUI shows reads the
// Screen, never the bytes; the bytes are for what a terminal is told
// (modes, resets) and for what must never be written at all.
package clitest

package common

import (
	tea "charm.land/bubbletea/v2"
)

// Level is how a note in the status line reads: done, worth a look, or
// failed.
type Level int

// Levels.
const (
	Info Level = iota
	Warn
	Error
)

// NoteMsg puts a one-line note in the status line for a few seconds: what
// an action did, or why it did nothing.
type NoteMsg struct {
	Text  string
	Level Level
}

// Note is a Cmd that shows a note.
func Note(level Level, text string) tea.Cmd {
	return func() tea.Msg { return NoteMsg{Text: text, Level: level} }
}

// NotOfferedMsg says the API answered 404 on an assumed route: the feature
// that needs it is hidden for the rest of the session, and the status line
// says so once and keeps a short mark.
type NotOfferedMsg struct {
	Feature string // "resend", "endpoint stats"
	Route   string // "POST /webhooks/messages/{message_id}/endpoints/{endpoint_id}/resend"
}

// NotOffered is a Cmd that reports a feature the API does not offer.
func NotOffered(feature, route string) tea.Cmd {
	return func() tea.Msg { return NotOfferedMsg{Feature: feature, Route: route} }
}

// Refresh asks every webhook pane to fetch again at once, after an action
// changed what they show.
type RefreshMsg struct{}

// Refresh is a Cmd that asks the webhook panes to refresh.
func Refresh() tea.Msg { return RefreshMsg{} }

// BackMsg asks the root to close the view in the main area and go back to
// where it was opened from.
type BackMsg struct{}

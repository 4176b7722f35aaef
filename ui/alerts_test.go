package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestNotifyPicksWhatTheTerminalShows(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Notify
	}{
		{map[string]string{"TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"}, NotifyOSC9},
		{map[string]string{"TERM_PROGRAM": "WezTerm"}, NotifyOSC9},
		{map[string]string{"TERM_PROGRAM": "ghostty", "TERM": "xterm-ghostty"}, NotifyOSC9},
		{map[string]string{"TERM": "rxvt-unicode-256color"}, NotifyOSC777},
		{map[string]string{"TERM": "foot"}, NotifyOSC777},
		{map[string]string{"TERM": "xterm-256color", "VTE_VERSION": "7600"}, NotifyOSC777},
		{map[string]string{"TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/tmux-1000/default,1,0"}, NotifyBell},
		{map[string]string{"TERM": "xterm-256color"}, NotifyBell},
		{map[string]string{}, NotifyBell},
	} {
		if got := DetectNotify(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %s; want %s", tc.env, got, tc.want)
		}
	}
}

// TestNotificationTextCannotEscapeItsSequence: an endpoint URL is the
// API's text; a BEL or ESC in it must not end the OSC early, nor a ';'
// add a field to OSC 777.
func TestNotificationTextCannotEscapeItsSequence(t *testing.T) {
	text := "aspect-tui: http://x/\a\x1b]0;pwned\a;y failed"
	for how, want := range map[Notify]string{
		NotifyOSC9:   "\x1b]9;aspect-tui: http://x/;y failed\a",
		NotifyOSC777: "\x1b]777;notify;aspect-tui;http://x/,y failed\a",
		NotifyBell:   "\a",
	} {
		got := notify(how, text)().(tea.RawMsg).Msg.(string)
		if got != want {
			t.Errorf("%s: %q; want %q", how, got, want)
		}
	}
	if notify(NotifyOff, text) != nil {
		t.Error("alerts = false still notifies")
	}
}

package ui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/deliveries"
	"github.com/aspect-hq/aspect-tui/ui/health"
)

// Notify is how the terminal is told of a new alert.
type Notify int

// The ways: Bell is the default, since every terminal has one; OSC 9
// (iTerm2's) and OSC 777 (rxvt's notify, also VTE's and foot's) pop up a
// desktop notification where the terminal supports them.
const (
	NotifyBell Notify = iota
	NotifyOSC9
	NotifyOSC777
	NotifyOff
)

func (n Notify) String() string {
	switch n {
	case NotifyOSC9:
		return "OSC 9"
	case NotifyOSC777:
		return "OSC 777"
	case NotifyOff:
		return "off"
	}
	return "the bell"
}

// DetectNotify picks the notification the terminal is known to show, from
// its environment: TERM_PROGRAM for iTerm2, WezTerm and Ghostty (OSC 9),
// TERM and VTE_VERSION for urxvt, foot and VTE terminals such as GNOME
// Terminal (OSC 777). Inside tmux or screen, whose passthrough is off by
// default, and anywhere unknown, the bell.
func DetectNotify(getenv func(string) string) Notify {
	term := getenv("TERM")
	if getenv("TMUX") != "" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") {
		return NotifyBell
	}
	switch getenv("TERM_PROGRAM") {
	case "iTerm.app", "WezTerm", "ghostty":
		return NotifyOSC9
	}
	if strings.HasPrefix(term, "rxvt-unicode") || strings.HasPrefix(term, "foot") || getenv("VTE_VERSION") != "" {
		return NotifyOSC777
	}
	return NotifyBell
}

// observeHealth takes what a deliveries refresh read: the alerts it raises
// flag the status line and, once each, notify the terminal.
func (m *Model) observeHealth(l deliveries.ListedMsg) tea.Cmd {
	if l.Endpoints == nil {
		return nil // the fetch failed: nothing new is known
	}
	seen := l.Recent
	if l.All {
		seen = l.Attempts
	}
	byEp := make(map[string][]api.Attempt, len(l.Endpoints))
	for _, a := range seen {
		byEp[a.EndpointID] = append(byEp[a.EndpointID], a)
	}
	whole := make(map[string]bool, len(l.Endpoints))
	for _, ep := range l.Endpoints {
		whole[ep.ID] = len(byEp[ep.ID]) < deliveries.PerEndpoint
	}
	raised, _ := m.health.Observe(m.ctx.Now, l.Endpoints, byEp, whole)
	m.status.SetAlerts(m.health.Active())
	if len(raised) == 0 {
		return nil
	}
	text := raised[0].Text
	if len(raised) > 1 {
		text += " (and " + strconv.Itoa(len(raised)-1) + " more)"
	}
	return notify(m.opts.Notify, "aspect-tui: "+text)
}

// notify writes the notification through the program, which puts it
// between frames.
func notify(how Notify, text string) tea.Cmd {
	// Text from the network: no control character may end the sequence
	// early, and OSC 777 separates its fields with ';'.
	text = api.Clip(api.Clean(text), 200)
	switch how {
	case NotifyOff:
		return nil
	case NotifyOSC9:
		return tea.Raw(ansi.Notify(text))
	case NotifyOSC777:
		return tea.Raw(ansi.URxvtExt("notify", "aspect-tui", strings.ReplaceAll(strings.TrimPrefix(text, "aspect-tui: "), ";", ",")))
	}
	return tea.Raw("\a")
}

// newHealth is the endpoints' health, with the alert settings of o.
func newHealth(o Options) *health.Model {
	return health.New(health.Config{FailShare: o.AlertFailShare, Window: o.AlertWindow, Schedule: api.Schedule{Scale: o.TimeScale}})
}

package listen

import (
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/listen/export"
)

// exportedMsg is a finished export: what to say.
type exportedMsg struct{ text string }

// delivery is the selected request as an export, or why it cannot be one.
func (m *Model) delivery() (*entry, export.Delivery, string) {
	e := m.list.sel
	switch {
	case e == nil:
		return nil, export.Delivery{}, "nothing selected to export"
	case e.bodyGone:
		return e, export.Delivery{}, "#" + strconv.Itoa(e.d.Seq) + "'s body is no longer kept (the oldest bodies go first)"
	case e.d.SvixID == "":
		return e, export.Delivery{}, "#" + strconv.Itoa(e.d.Seq) + " has no svix-id to sign"
	}
	// By default it goes where this request went: the handler when
	// forwarding, else this receiver at the same path.
	url := m.opts.Receiver.ForwardURL()
	if url == "" {
		url = m.opts.Receiver.URL() + e.d.Path
	}
	return e, export.Delivery{ID: e.d.SvixID, EventType: e.d.EventType, Body: e.d.Body, URL: url}, ""
}

// exportCurl copies a curl command that sends the selected request again,
// signed now with the secret that verified it, and writes a script that
// signs when it runs.
func (m *Model) exportCurl() tea.Cmd {
	e, d, why := m.delivery()
	if why != "" {
		return m.say(why)
	}
	dir := m.exportDir()
	if !e.d.Verified {
		return func() tea.Msg {
			path, err := export.WriteScript(dir, d)
			if err != nil {
				return exportedMsg{"no curl command: #" + strconv.Itoa(e.d.Seq) + " was refused, so no secret of this receiver signed it; and " + err.Error()}
			}
			return exportedMsg{"no curl command: #" + strconv.Itoa(e.d.Seq) + " was refused, so no secret of this receiver signed it (" + export.SecretEnv + " names the one to use) · " + export.ScriptNote(path)}
		}
	}
	rx, req := m.rx, e.d
	now := time.Now() // the receiver checks against the real clock, whatever the screen's

	cmd, err := export.Curl(d, func(id string, at time.Time, body []byte) (string, error) { return rx.Sign(req, id, at, body) }, now)
	if err != nil {
		return m.say("cannot export: " + err.Error())
	}
	return tea.Batch(tea.SetClipboard(cmd), func() tea.Msg {
		said := export.CopiedNote(now)
		path, err := export.WriteScript(dir, d)
		if err != nil {
			return exportedMsg{said + "; the script was not written: " + err.Error()}
		}
		return exportedMsg{said + " · " + export.ScriptNote(path)}
	})
}

// exportFixture writes the selected request as a test fixture, signed with
// the fixture's test secret.
func (m *Model) exportFixture() tea.Cmd {
	_, d, why := m.delivery()
	if why != "" {
		return m.say(why)
	}
	dir, now := m.exportDir(), m.ctx.Clock()
	return func() tea.Msg {
		path, err := export.WriteFixture(dir, d, now)
		if err != nil {
			return exportedMsg{"no fixture: " + err.Error()}
		}
		return exportedMsg{export.FixtureNote(path)}
	}
}

func (m *Model) exportDir() string {
	if m.opts.ExportDir == "" {
		return "."
	}
	return m.opts.ExportDir
}

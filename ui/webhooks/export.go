package webhooks

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/listen/export"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// Exporter turns an attempt's message into a curl command signed now
// (copied through OSC 52) and a script that signs when it runs, or a test
// fixture, both written to Dir.
type Exporter struct {
	secrets *Secrets
	dir     string
	base    context.Context
	client  Client // fetches a payload the asking pane did not hold; may be nil
}

// NewExporter signs with the endpoints' secrets in s, writes into dir
// ("" is the current directory) and fetches payloads through client.
func NewExporter(s *Secrets, dir string, base context.Context, client Client) *Exporter {
	if dir == "" {
		dir = "."
	}
	return &Exporter{secrets: s, dir: dir, base: base, client: client}
}

// fetch reads a's message whole and asks for the export again with it,
// when the pane that asked held the message without its payload, or not
// at all.
func (x *Exporter) fetch(act Act, a api.Attempt) tea.Cmd {
	c, base := x.client, x.base
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, CallTimeout)
		defer cancel()
		msg, err := c.Message(ctx, a.MsgID)
		switch {
		case err != nil:
			return common.NoteMsg{Level: common.Error, Text: "cannot export: the message " + api.Clip(api.Clean(a.MsgID), 40) + " could not be read: " + api.Clean(api.Brief(err))}
		case !msg.HasPayload():
			return common.NoteMsg{Level: common.Warn, Text: "cannot export: the API gives the message " + api.Clip(api.Clean(a.MsgID), 40) + " without its payload"}
		}
		return ActMsg{Do: act, Attempt: a, Message: &msg}
	}
}

// delivery is what an attempt exports, or why it cannot be.
func delivery(a api.Attempt, msg *api.Message) (export.Delivery, string) {
	if msg == nil || !msg.HasPayload() {
		return export.Delivery{}, "the payload of " + api.Clip(api.Clean(a.MsgID), 40) + " is not known: there is no API to read it from"
	}
	return export.Delivery{ID: msg.ID, EventType: msg.EventType, Body: msg.Payload, URL: a.URL}, ""
}

// Curl copies a curl command that delivers a's message to its endpoint's
// URL, signed now with the endpoint's secret, and writes a script that
// signs when it runs. Without the secret it still writes the script (it
// reads the secret from the environment) and says what to set.
func (x *Exporter) Curl(a api.Attempt, msg *api.Message, now time.Time) tea.Cmd {
	d, why := delivery(a, msg)
	if why != "" && x.client != nil {
		return x.fetch(ActCurl, a)
	}
	if why != "" {
		return common.Note(common.Warn, why)
	}
	dir := x.dir
	write := func() (string, error) { return export.WriteScript(dir, d) }
	secret, _, ok := x.secrets.For(a.EndpointID)
	if !ok {
		missing := x.secrets.Missing(api.Clean(a.EndpointID))
		return func() tea.Msg {
			path, err := write()
			if err != nil {
				return common.NoteMsg{Level: common.Error, Text: "no curl command: " + missing + "; and " + err.Error()}
			}
			return common.NoteMsg{Level: common.Warn, Text: "no curl command: " + missing + " · " + export.ScriptNote(path)}
		}
	}
	sign, err := export.SignWith(secret)
	if err != nil {
		return common.Note(common.Error, "cannot export: "+err.Error())
	}
	cmd, err := export.Curl(d, sign, now)
	if err != nil {
		return common.Note(common.Error, "cannot export: "+err.Error())
	}
	return tea.Batch(tea.SetClipboard(cmd), func() tea.Msg {
		said := export.CopiedNote(now)
		path, err := write()
		if err != nil {
			return common.NoteMsg{Level: common.Error, Text: said + "; the script was not written: " + err.Error()}
		}
		return common.NoteMsg{Level: common.Info, Text: said + " · " + export.ScriptNote(path)}
	})
}

// Fixture writes a's message as a test fixture signed with export's test
// secret: no endpoint's secret is needed or used.
func (x *Exporter) Fixture(a api.Attempt, msg *api.Message, now time.Time) tea.Cmd {
	d, why := delivery(a, msg)
	if why != "" && x.client != nil {
		return x.fetch(ActFixture, a)
	}
	if why != "" {
		return common.Note(common.Warn, why)
	}
	dir := x.dir
	return func() tea.Msg {
		path, err := export.WriteFixture(dir, d, now)
		if err != nil {
			return common.NoteMsg{Level: common.Error, Text: "no fixture: " + err.Error()}
		}
		return common.NoteMsg{Level: common.Info, Text: export.FixtureNote(path)}
	}
}

// Act is what a key on an attempt asks of the root: export it, mark it,
// compare it with the marked one.
type Act int

// Acts.
const (
	ActCurl Act = iota
	ActFixture
	ActMark
	ActCompare
)

// ActMsg asks the root to act on an attempt; Message is its message when
// the asking pane holds it.
type ActMsg struct {
	Do      Act
	Attempt api.Attempt
	Message *api.Message
}

// Do is a Cmd that asks the root to act on a.
func Do(act Act, a api.Attempt, msg *api.Message) tea.Cmd {
	return func() tea.Msg { return ActMsg{Do: act, Attempt: a, Message: msg} }
}

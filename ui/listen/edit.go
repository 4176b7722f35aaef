package listen

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/compare"
	"github.com/aspect-hq/aspect-tui/ui/render"
)

// editing a request's body to resend it: in $EDITOR (a temporary file,
// 0600, removed after) or, when $EDITOR is unset, in an inline editor;
// then the choice of svix-id; then the send.
type editState struct {
	seq    int
	offer  []byte          // what the editor opened with
	inline *textarea.Model // the inline editor while it is open
	body   []byte          // the edited body, waiting for the choice of id
}

// edit is one edited resend of a request, and the handler's answer.
type edit struct {
	at    time.Time
	body  []byte
	newID bool
	id    string
	res   listen.ForwardResult
	err   string
}

// Messages of the edit.
type (
	// editorDoneMsg: $EDITOR exited.
	editorDoneMsg struct {
		seq   int
		path  string
		offer []byte
		err   error
	}
	editSentMsg struct {
		seq int
		e   edit
	}
)

// execProcess hands the terminal to the editor (tests run it directly).
var execProcess = render.ExecProcess

// startEdit opens the selected request's body for editing.
func (m *Model) startEdit() tea.Cmd {
	e := m.list.sel
	switch {
	case e == nil:
		return m.say("nothing selected to edit")
	case !e.d.Verified:
		return m.say("#" + strconv.Itoa(e.d.Seq) + " was refused: only verified requests are edited and resent, since signing it afresh would vouch for what nobody signed")
	case e.bodyGone:
		return m.say("#" + strconv.Itoa(e.d.Seq) + "'s body is no longer kept, so it cannot be edited")
	}
	seq, offer := e.d.Seq, offered(e.d.Body)
	if m.opts.Editor == "" {
		ta := textarea.New()
		ta.ShowLineNumbers = false
		ta.Prompt = ""
		ta.CharLimit = 0
		ta.MaxHeight = 0
		ta.SetValue(string(offer))
		ta.MoveToBegin()
		m.edit = &editState{seq: seq, offer: offer, inline: &ta}
		m.setDetail(true)
		m.sizeEditor()
		return ta.Focus()
	}
	f, err := os.CreateTemp("", "aspect-tui-edit-*.json")
	if err != nil {
		return m.say("cannot make a file to edit: " + err.Error())
	}
	path := f.Name()
	_, err = f.Write(offer)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(path, 0o600)
	}
	if err != nil {
		os.Remove(path)
		return m.say("cannot write the file to edit: " + err.Error())
	}
	args := strings.Fields(m.opts.Editor) // "code --wait" is an editor too
	c := exec.Command(args[0], append(args[1:], path)...)
	return execProcess(c, func(err error) tea.Msg { return editorDoneMsg{seq: seq, path: path, offer: offer, err: err} })
}

// sizeEditor fits the inline editor to the detail's box.
func (m *Model) sizeEditor() {
	if m.edit == nil || m.edit.inline == nil {
		return
	}
	m.edit.inline.SetWidth(max(10, m.detailW()-4))
	m.edit.inline.SetHeight(max(3, m.detailH()))
}

// editorDone reads what $EDITOR left. A failed editor or an unchanged
// body sends nothing.
func (m *Model) editorDone(msg editorDoneMsg) tea.Cmd {
	defer os.Remove(msg.path)
	if msg.err != nil {
		var ee *exec.ExitError
		why := msg.err.Error()
		if errors.As(msg.err, &ee) {
			why = "exited with status " + strconv.Itoa(ee.ExitCode())
		}
		return m.say("the editor (" + api.Clip(m.opts.Editor, 40) + ") " + why + ": nothing sent")
	}
	b, err := os.ReadFile(msg.path)
	if err != nil {
		return m.say("cannot read the edited file: " + err.Error() + ": nothing sent")
	}
	return m.edited(msg.seq, msg.offer, b)
}

// offered is what the editor opens: a JSON body pretty-printed, to be
// edited line by line; anything else as received.
func offered(body []byte) []byte {
	var buf bytes.Buffer
	if json.Indent(&buf, body, "", "  ") != nil {
		return body
	}
	return append(buf.Bytes(), '\n')
}

// edited takes an edited body: as offered (or as received), nothing is
// sent; otherwise the user chooses the svix-id it goes under.
func (m *Model) edited(seq int, offer, b []byte) tea.Cmd {
	e := m.list.bySeq(seq)
	switch {
	case e == nil || e.bodyGone:
		m.edit = nil
		return m.say("#" + strconv.Itoa(seq) + " is no longer kept: nothing sent")
	case bytes.Equal(b, offer) || bytes.Equal(b, e.d.Body):
		m.edit = nil
		return m.say("#" + strconv.Itoa(seq) + "'s body is unchanged: nothing sent")
	}
	m.edit = &editState{seq: seq, body: b}
	m.setDetail(false)
	return nil
}

// editorKey takes every key while an edit is open: the inline editor's, or
// the choice of svix-id.
func (m *Model) editorKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	ed := m.edit
	if ed.inline != nil {
		switch {
		case k.SaveEdit.Matches(msg):
			b := []byte(ed.inline.Value())
			m.setDetail(false)
			return m.edited(ed.seq, ed.offer, b)
		case k.CancelEdit.Matches(msg):
			m.edit = nil
			m.setDetail(false)
			return m.say("edit cancelled: nothing sent")
		}
		ta, cmd := ed.inline.Update(msg)
		ed.inline = &ta
		return cmd
	}
	switch {
	case k.SameID.Matches(msg):
		return m.sendEdit(false)
	case k.NewID.Matches(msg):
		return m.sendEdit(true)
	case k.CancelEdit.Matches(msg):
		m.edit = nil
		return m.say("nothing sent")
	}
	return nil
}

// editPrompt is the footer while the svix-id is chosen.
func (m *Model) editPrompt() string {
	k := m.keys
	note := ""
	if !compare.IsJSON(m.edit.body) {
		note = " (the edit is not JSON; it is sent as it is)"
	}
	return "send the edited #" + strconv.Itoa(m.edit.seq) + note + ": " + k.SameID.Label() + " same svix-id (tests your handler's idempotency) · " +
		k.NewID.Label() + " new svix-id · " + k.CancelEdit.Label() + " send nothing"
}

func (m *Model) sendEdit(newID bool) tea.Cmd {
	ed := m.edit
	m.edit = nil
	e := m.list.bySeq(ed.seq)
	if e == nil {
		return m.say("#" + strconv.Itoa(ed.seq) + " is no longer kept: nothing sent")
	}
	rx, ctx, d, body, seq := m.rx, m.opts.Context, e.d, ed.body, ed.seq
	return tea.Batch(
		m.say("sending the edited #"+strconv.Itoa(seq)+" to "+m.forward+"…"),
		func() tea.Msg {
			res, id, err := rx.SendEdited(ctx, d, body, newID)
			out := edit{at: time.Now(), body: body, newID: newID, id: id, res: res}
			if err != nil {
				out.err = api.Clean(err.Error())
			}
			return editSentMsg{seq: seq, e: out}
		},
	)
}

// editSent shows the handler's answer to the edit beside its answer to
// the original.
func (m *Model) editSent(msg editSentMsg) tea.Cmd {
	e := m.list.bySeq(msg.seq)
	if e == nil {
		return m.say("the edited #" + strconv.Itoa(msg.seq) + " was sent, but the request is no longer kept")
	}
	e.edits = append(e.edits, msg.e)
	ed := msg.e
	if ed.err != "" {
		return m.say("the edited #" + strconv.Itoa(msg.seq) + " was not sent: " + ed.err)
	}
	which := "the same svix-id"
	if ed.newID {
		which = "a new svix-id, " + api.Clean(ed.id)
	}
	m.list.sel = e
	m.openComparison(&comparison{
		title: "#" + strconv.Itoa(e.d.Seq) + " and its edit",
		left:  "#" + strconv.Itoa(e.d.Seq) + " as received",
		right: "#" + strconv.Itoa(e.d.Seq) + " edited, sent " + ed.at.Local().Format("15:04:05") + " under " + which,
		sections: func() []compare.Section {
			orig := []compare.Field{{Name: "svix-id", Value: e.d.SvixID}}
			if e.d.Forward != nil {
				orig = append(orig, answerFields(e.d.Forward)...)
			}
			again := append([]compare.Field{{Name: "svix-id", Value: ed.id}}, answerFields(&ed.res)...)
			return []compare.Section{
				compare.FieldsSection("Your handler's answer", orig, again),
				compare.BodySection("Its body", answerBody(e.d.Forward), []byte(ed.res.Body)),
				compare.BodySection("The body sent", e.d.Body, ed.body),
			}
		},
	})
	return m.say("the edited #" + strconv.Itoa(msg.seq) + " → " + handlerWord(&ed.res))
}

func handlerWord(f *listen.ForwardResult) string {
	if f.Status == 0 {
		return "no answer: " + f.Err
	}
	return strconv.Itoa(f.Status) + " in " + latency(f.Latency)
}

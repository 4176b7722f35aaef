package endpoints

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/form"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// dialog is a form or a question over the dashboard, owned by the pane.
// Answers to its requests come back through result; one that arrives
// after the dialog closed goes to lateResult.
type dialog interface {
	setSeq(int)
	key(m *Model, msg tea.KeyPressMsg) tea.Cmd
	paste(s string)
	result(m *Model, msg tea.Msg) tea.Cmd
	overlay(m *Model) *common.Overlay
	hints(k *keys.Map) []*keys.Binding
}

type seqd struct{ seq int }

func (d *seqd) setSeq(n int)    { d.seq = n }
func (d *seqd) paste(string)    {}
func (d *seqd) mine(n int) bool { return d.seq == n }

// overlayWidth is the inner width of a dialog in a window w wide.
func overlayWidth(w int) int { return max(40, min(76, w-8)) }

// call runs f with the pane's timeout in a Cmd tagged for the pane.
func (m *Model) call(f func(ctx context.Context, c webhooks.Client) tea.Msg) tea.Cmd {
	c, base := m.client, m.base
	return common.Tag(common.Endpoints, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, webhooks.CallTimeout)
		defer cancel()
		return f(ctx, c)
	})
}

// Answers to the dialogs' requests.
type (
	createdMsg struct {
		seq int
		out api.EndpointCreated
		err error
	}
	savedMsg struct {
		seq int
		ep  api.Endpoint
		err error
	}
	deletedMsg struct {
		seq int
		ep  api.Endpoint
		err error
	}
	testedMsg struct {
		seq       int
		ep        api.Endpoint
		eventType string
		msgID     string
		err       error
	}
)

// lateResult handles an answer whose dialog was closed: the action was
// made all the same, so the panes refresh and a note says how it went.
func lateResult(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case savedMsg, deletedMsg, testedMsg, recoverStartedMsg:
		return common.Refresh
	}
	return nil
}

// editDialog creates an endpoint (ep nil) or edits one.
type editDialog struct {
	seqd
	ep *api.Endpoint
	f  form.Form
}

func newEditDialog(ep *api.Endpoint) *editDialog {
	u, desc, types, rate := "", "", "task.*", ""
	if ep != nil {
		u, desc = api.Clean(ep.URL), api.Clean(ep.Description)
		types = typesText(ep.EventTypes)
		if ep.RateLimit > 0 {
			rate = strconv.Itoa(ep.RateLimit)
		}
	}
	d := &editDialog{ep: ep}
	d.f.Fields = []*form.Field{
		{Name: "url", Label: "URL", Input: form.NewInput(u), Hint: "where deliveries go: an absolute http:// or https:// URL"},
		{Name: "description", Label: "Description", Input: form.NewInput(desc), Hint: "optional; shown under the URL"},
		{Name: "event_types", Label: "Event types", Input: form.NewInput(types), Hint: "comma-separated: task.progress, task.completed, task.failed; task.* for all"},
		{Name: "rate_limit", Label: "Rate limit", Input: form.NewInput(rate), Hint: "deliveries per second at most; empty for no limit"},
	}
	return d
}

// typesText is event types as the form shows them: task.* when they are
// every documented task event.
func typesText(ts []string) string {
	if len(ts) == 0 {
		return "task.*"
	}
	all := len(ts) == len(api.EventTypes)
	for _, t := range api.EventTypes {
		found := false
		for _, x := range ts {
			found = found || x == t
		}
		all = all && found
	}
	if all {
		return "task.*"
	}
	return api.Clean(strings.Join(ts, ", "))
}

var eventTypeSyntax = regexp.MustCompile(`^[a-z0-9_.*-]{1,64}$`)

// CheckURL is the check an endpoint URL gets before it is sent: absolute,
// http or https, with a host and without credentials.
func CheckURL(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return errors.New("a URL is needed")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URL: %v", api.Clip(err.Error(), 80))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return errors.New("must be an absolute http:// or https:// URL with a host, like https://example.com/webhooks/aspect")
	}
	if u.User != nil {
		return errors.New("must not hold a user name or password")
	}
	return nil
}

// in reads the form, setting an error on each field that is wrong.
func (d *editDialog) in() (api.EndpointIn, bool) {
	f := &d.f
	in := api.EndpointIn{Version: 1}
	if d.ep != nil {
		in = inOf(*d.ep)
	}
	ok := true
	urlF := f.Field("url")
	in.URL = strings.TrimSpace(urlF.Input.Value())
	if err := CheckURL(in.URL); err != nil {
		urlF.Err, ok = err.Error(), false
	}
	in.Description = strings.TrimSpace(f.Field("description").Input.Value())
	typesF := f.Field("event_types")
	in.EventTypes = nil
	for _, t := range strings.FieldsFunc(typesF.Input.Value(), func(r rune) bool { return r == ',' || r == ' ' }) {
		if !eventTypeSyntax.MatchString(t) {
			typesF.Err, ok = fmt.Sprintf("%q is not an event type (lower-case letters, digits, '.', '_', '-', '*')", api.Clip(t, 30)), false
			break
		}
		in.EventTypes = append(in.EventTypes, t)
	}
	if len(in.EventTypes) == 0 && typesF.Err == "" {
		typesF.Err, ok = "at least one event type; task.* for all", false
	}
	rateF := f.Field("rate_limit")
	in.RateLimit = nil
	if s := strings.TrimSpace(rateF.Input.Value()); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			rateF.Err, ok = "a whole number of deliveries per second, or empty", false
		} else if n > 0 {
			in.RateLimit = &n
		}
	}
	return in, ok
}

func (d *editDialog) paste(s string) { d.f.Paste(s) }

func (d *editDialog) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	if d.f.Busy != "" {
		// A create in flight cannot be cancelled: its answer holds the
		// secret, which is never given again.
		if d.ep != nil && m.ctx.Keys.Cancel.Matches(msg) {
			m.close()
		}
		return nil
	}
	switch d.f.Key(m.ctx.Keys, msg) {
	case form.Cancelled:
		m.close()
	case form.Submitted:
		d.f.Err = ""
		in, ok := d.in()
		if !ok {
			d.f.FocusFirstError()
			return nil
		}
		seq := d.seq
		if d.ep == nil {
			d.f.Busy = "Creating the endpoint…"
			return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
				out, err := c.CreateEndpoint(ctx, in)
				return createdMsg{seq: seq, out: out, err: err}
			})
		}
		d.f.Busy = "Saving…"
		id := d.ep.ID
		return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
			ep, err := c.UpdateEndpoint(ctx, id, in)
			return savedMsg{seq: seq, ep: ep, err: err}
		})
	}
	return nil
}

// fail shows an API error on the form: a 422's fields under their inputs,
// anything else under the form.
func (d *editDialog) fail(err error) {
	d.f.Busy = ""
	var ae *api.Error
	placed := false
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		for _, fe := range ae.Fields {
			if len(fe.Loc) == 0 {
				continue
			}
			name := api.Clean(fmt.Sprint(fe.Loc[len(fe.Loc)-1]))
			if len(fe.Loc) >= 2 {
				if _, isIndex := fe.Loc[len(fe.Loc)-1].(float64); isIndex {
					name = api.Clean(fmt.Sprint(fe.Loc[len(fe.Loc)-2]))
				}
			}
			if f := d.f.Field(name); f != nil {
				f.Err = api.Clip(fe.Msg, 200)
				placed = true
			}
		}
	}
	if placed {
		d.f.FocusFirstError()
		d.f.Err = "the API refused these values"
		return
	}
	d.f.Err = api.Clean(err.Error())
}

func (d *editDialog) result(m *Model, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		if !d.mine(msg.seq) {
			return lateResult(msg)
		}
		if msg.err != nil {
			d.fail(msg.err)
			return nil
		}
		m.close()
		return tea.Batch(common.Note(common.Info, "saved "+webhooks.Label(msg.ep.URL)), common.Refresh)
	}
	return lateResult(msg)
}

// created shows the new endpoint's secret, once. Only its masked form is
// kept beyond the dialog.
func (m *Model) created(msg createdMsg) tea.Cmd {
	ep := msg.out.Endpoint
	if ep.ID != "" && msg.out.Secret != "" {
		m.masked[ep.ID] = api.Mask(msg.out.Secret)
		m.secrets.Made(ep.ID, msg.out.Secret)
	}
	m.open(&secretDialog{ep: ep, secret: msg.out.Secret})
	return common.Refresh
}

func (d *editDialog) overlay(m *Model) *common.Overlay {
	w := overlayWidth(m.ctx.Width)
	title := "New endpoint"
	if d.ep != nil {
		title = "Edit " + api.Clip(webhooks.Label(d.ep.URL), 40)
	}
	lines := append([]string{""}, d.f.Lines(m.ctx.Theme, w)...)
	return &common.Overlay{Title: title, Lines: lines, Width: w}
}

func (d *editDialog) hints(k *keys.Map) []*keys.Binding {
	return []*keys.Binding{k.NextField, k.Submit, k.Cancel}
}

// secretDialog shows a new endpoint's signing secret, the one time the
// API gives it. The secret lives in this struct only: closing the dialog
// drops it.
type secretDialog struct {
	seqd
	ep     api.Endpoint
	secret string
	copied bool
}

func (d *secretDialog) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	switch {
	case k.Copy.Matches(msg):
		if d.secret == "" {
			return nil
		}
		d.copied = true
		return tea.SetClipboard(d.secret)
	case k.Submit.Matches(msg), k.Cancel.Matches(msg):
		d.secret = ""
		m.close()
	}
	return nil
}

func (d *secretDialog) result(m *Model, msg tea.Msg) tea.Cmd { return lateResult(msg) }

func (d *secretDialog) overlay(m *Model) *common.Overlay {
	th := m.ctx.Theme
	w := overlayWidth(m.ctx.Width)
	k := m.ctx.Keys
	lines := []string{
		"",
		th.OKStyle.Render("✓ ") + "Created " + th.Bold.Render(api.Clip(webhooks.Label(d.ep.URL), w-12)),
		th.MutedStyle.Render("  " + api.Clip(d.ep.ID, w-2)),
		"",
	}
	if d.secret == "" {
		lines = append(lines, form.Wrap(th.WarnStyle.Render("The API answered without a signing secret."), w)...)
	} else {
		lines = append(lines, "Its signing secret, shown this once:", "", "  "+th.Bold.Render(api.Clean(d.secret)), "")
		lines = append(lines, form.Wrap(th.MutedStyle.Render("Your handler verifies deliveries with it (Svix's libraries, or aspect-tui listen --secret). It is not shown again: from here on only its masked form is."), w)...)
	}
	lines = append(lines, "")
	if d.copied {
		lines = append(lines, form.Wrap(th.OKStyle.Render("✓ ")+"Sent to the clipboard (OSC 52; some terminals ask to allow it, or do not support it).", w)...)
	} else if d.secret != "" {
		lines = append(lines, th.HelpKey.Render(k.Copy.Label())+th.MutedStyle.Render(" copy to the clipboard  ")+th.HelpKey.Render(k.Submit.Label()+"/"+k.Cancel.Label())+th.MutedStyle.Render(" close"))
	}
	return &common.Overlay{Title: "Endpoint created · signing secret", Lines: lines, Width: w}
}

func (d *secretDialog) hints(k *keys.Map) []*keys.Binding {
	return []*keys.Binding{k.Copy, k.Submit}
}

// deleteDialog asks before deleting, naming the endpoint.
type deleteDialog struct {
	seqd
	ep   api.Endpoint
	busy bool
	err  string
}

func (d *deleteDialog) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	switch {
	case d.busy:
	case k.Confirm.Matches(msg):
		d.busy, d.err = true, ""
		seq, ep := d.seq, d.ep
		return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
			return deletedMsg{seq: seq, ep: ep, err: c.DeleteEndpoint(ctx, ep.ID)}
		})
	case k.Cancel.Matches(msg), msg.String() == "n":
		m.close()
	}
	return nil
}

func (d *deleteDialog) result(m *Model, msg tea.Msg) tea.Cmd {
	dm, ok := msg.(deletedMsg)
	if !ok || !d.mine(dm.seq) {
		return lateResult(msg)
	}
	d.busy = false
	if dm.err != nil {
		d.err = api.Clean(dm.err.Error())
		return nil
	}
	m.close()
	delete(m.masked, dm.ep.ID)
	return tea.Batch(common.Note(common.Info, "deleted "+webhooks.Label(dm.ep.URL)), common.Refresh)
}

func (d *deleteDialog) overlay(m *Model) *common.Overlay {
	th := m.ctx.Theme
	w := overlayWidth(m.ctx.Width)
	k := m.ctx.Keys
	lines := []string{"", "Delete the endpoint " + th.Bold.Render(api.Clip(webhooks.Label(d.ep.URL), w-22)) + "?"}
	meta := api.Clean(d.ep.ID)
	if desc := api.Clean(d.ep.Description); desc != "" {
		meta += " · " + desc
	}
	lines = append(lines, th.MutedStyle.Render("  "+common.Clip(meta, w-2)), "")
	lines = append(lines, form.Wrap("Deliveries to it stop at once, its secret stops working and its attempts are no longer listed. This cannot be undone.", w)...)
	lines = append(lines, "")
	switch {
	case d.busy:
		lines = append(lines, th.MutedStyle.Render("Deleting…"))
	default:
		if d.err != "" {
			lines = append(lines, form.Wrap(th.ErrorStyle.Render("✗ ")+d.err, w)...)
			lines = append(lines, "")
		}
		lines = append(lines, th.HelpKey.Render(k.Confirm.Label())+th.MutedStyle.Render(" delete  ")+th.HelpKey.Render("n/"+k.Cancel.Label())+th.MutedStyle.Render(" keep it"))
	}
	return &common.Overlay{Title: "Delete endpoint", Lines: lines, Width: w}
}

func (d *deleteDialog) hints(k *keys.Map) []*keys.Binding {
	return []*keys.Binding{k.Confirm, k.Cancel}
}

// testDialog picks the event type of a test event, then sends it.
type testDialog struct {
	seqd
	ep     api.Endpoint
	choice form.Choice
	busy   bool
	err    string
}

func newTestDialog(ep api.Endpoint) *testDialog {
	d := &testDialog{ep: ep, choice: form.Choice{Options: append([]string{}, api.EventTypes...)}}
	d.choice.Sel = 1 // task.completed: the event most handlers act on
	return d
}

func (d *testDialog) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	if d.busy {
		return nil
	}
	switch d.choice.Key(m.ctx.Keys, msg) {
	case form.Cancelled:
		m.close()
	case form.Submitted:
		d.busy, d.err = true, ""
		seq, ep, typ := d.seq, d.ep, d.choice.Options[d.choice.Sel]
		return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
			id, err := c.SendTest(ctx, ep.ID, typ)
			return testedMsg{seq: seq, ep: ep, eventType: typ, msgID: id, err: err}
		})
	}
	return nil
}

func (d *testDialog) result(m *Model, msg tea.Msg) tea.Cmd {
	tm, ok := msg.(testedMsg)
	if !ok || !d.mine(tm.seq) {
		return lateResult(msg)
	}
	d.busy = false
	if tm.err != nil {
		if api.IsNotOffered(tm.err) {
			m.close()
			m.ctx.Keys.TestEndpoint.Disabled = "this API does not offer test events (404 on an assumed route)"
			rt := api.RouteByName(api.RouteTest)
			return common.NotOffered("test events", rt.Method+" "+rt.Path)
		}
		d.err = api.Clean(tm.err.Error())
		return nil
	}
	m.close()
	note := common.Note(common.Info, "test "+tm.eventType+" sent to "+webhooks.Label(tm.ep.URL)+" as "+api.Clip(tm.msgID, 32)+"; its attempts show in the deliveries pane")
	if tm.msgID == "" {
		return tea.Batch(note, common.Refresh)
	}
	pair := webhooks.Pair{Msg: tm.msgID, Endpoint: tm.ep.ID}
	return tea.Batch(note, func() tea.Msg { return webhooks.WatchMsg{Pair: pair} })
}

func (d *testDialog) overlay(m *Model) *common.Overlay {
	th := m.ctx.Theme
	w := overlayWidth(m.ctx.Width)
	lines := []string{"", "Send a test event to " + th.Bold.Render(api.Clip(webhooks.Label(d.ep.URL), w-22)) + ":", ""}
	lines = append(lines, d.choice.Lines(th, w)...)
	lines = append(lines, "")
	lines = append(lines, form.Wrap(th.MutedStyle.Render("It carries a made-up task and is delivered, signed and retried like any other event."), w)...)
	if d.busy {
		lines = append(lines, "", th.MutedStyle.Render("Sending…"))
	}
	if d.err != "" {
		lines = append(lines, "")
		lines = append(lines, form.Wrap(th.ErrorStyle.Render("✗ ")+d.err, w)...)
	}
	return &common.Overlay{Title: "Test event", Lines: lines, Width: w}
}

func (d *testDialog) hints(k *keys.Map) []*keys.Binding {
	return []*keys.Binding{k.NextField, k.Submit, k.Cancel}
}

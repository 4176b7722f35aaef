package endpoints

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/form"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// How a recover is followed once the API accepted it.
const (
	recoverPoll = 500 * time.Millisecond
	// recoverQuiet ends the follow when no new attempt came for this long:
	// the count may include messages the API does not resend (still
	// retrying on their own, or delivered since).
	recoverQuiet = 15 * time.Second
	// maxFailedRead bounds the failed attempts read to count messages
	// when the stats route is not offered.
	maxFailedRead = 5000
)

type recoverStage int

const (
	rcChoose recoverStage = iota
	rcTyping
	rcCounting
	rcConfirm
	rcSending
	rcProgress
	rcDone
)

// recoverDialog asks for a start time, says how many failed messages that
// covers, asks to confirm, then follows the resends until they are made.
type recoverDialog struct {
	seqd
	ep     api.Endpoint
	stage  recoverStage
	choice form.Choice
	input  form.Input
	err    string

	since    time.Time
	count    int
	countHow string

	baseline map[string]bool // the endpoint's attempt ids before the recover
	floor    time.Time       // the oldest of them: older attempts are not new
	seen     map[string]api.Attempt
	started  time.Time
	changed  time.Time

	// local: the API has no recover route, so the failed messages are
	// re-delivered from this machine, one by one, signed with the
	// endpoint's secret (the same as r does without a resend route).
	local  bool
	secret string
	msgs   []string // the failed messages since, oldest first
	next   int      // the index of the next one to send
	// payloads are the failed messages as one listing read them; one not
	// among them is fetched on its own when its turn comes.
	payloads map[string]api.Message
}

var recoverPresets = []struct {
	label string
	ago   time.Duration
}{
	{"the last hour", time.Hour},
	{"the last 24 hours", 24 * time.Hour},
	{"the last 7 days", 7 * 24 * time.Hour},
}

func newRecoverDialog(ep api.Endpoint) *recoverDialog {
	d := &recoverDialog{ep: ep}
	for _, p := range recoverPresets {
		d.choice.Options = append(d.choice.Options, p.label)
	}
	d.choice.Options = append(d.choice.Options, "since a time I type…")
	return d
}

// Answers and ticks of the recover.
type (
	recoverCountMsg struct {
		seq int
		n   int
		how string
		err error
	}
	recoverStartedMsg struct {
		seq      int
		baseline map[string]bool
		floor    time.Time
		err      error
	}
	recoverTickMsg struct{ seq int }
	// recoverLocalMsg: the failed messages to re-deliver from here.
	recoverLocalMsg struct {
		seq      int
		msgs     []string
		payloads map[string]api.Message
		err      error
	}
	// recoverSentMsg: one re-delivery from here, made or not.
	recoverSentMsg struct {
		seq     int
		attempt api.Attempt
		err     error
	}
	recoverProgressMsg struct {
		seq      int
		attempts []api.Attempt
		err      error
	}
)

// ParseSince reads a start time as a user types it: a duration ago
// ("90m", "2h", "3d"), a time of day today ("14:30"), a date and time
// ("2025-03-01 09:00") or RFC 3339. It must not be in the future.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("type a time, like 14:30, 2025-03-01 09:00, 90m or 2d")
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && strings.HasSuffix(s, "d") && n > 0 {
		return now.Add(-time.Duration(n) * 24 * time.Hour), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, errors.New("a duration ago must be more than zero")
		}
		return now.Add(-d), nil
	}
	loc := now.Location()
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			y, mo, d := now.Date()
			t = time.Date(y, mo, d, t.Hour(), t.Minute(), t.Second(), 0, loc)
			if t.After(now) {
				t = t.Add(-24 * time.Hour)
			}
			return t, nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			continue
		}
		if t.After(now) {
			return time.Time{}, errors.New("that is in the future")
		}
		return t, nil
	}
	return time.Time{}, errors.New("not a time I can read: try 14:30, 2025-03-01 09:00, 90m or 2d")
}

func (d *recoverDialog) paste(s string) {
	if d.stage == rcTyping {
		d.input.Insert(s)
	}
}

func (d *recoverDialog) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.Keys
	switch d.stage {
	case rcChoose:
		switch d.choice.Key(k, msg) {
		case form.Cancelled:
			m.close()
		case form.Submitted:
			if d.choice.Sel == len(recoverPresets) {
				d.stage = rcTyping
				return nil
			}
			return d.countSince(m, m.ctx.Now.Add(-recoverPresets[d.choice.Sel].ago))
		}
	case rcTyping:
		switch {
		case k.Cancel.Matches(msg):
			d.stage, d.err = rcChoose, ""
		case k.Submit.Matches(msg):
			t, err := ParseSince(d.input.Value(), m.ctx.Now)
			if err != nil {
				d.err = err.Error()
				return nil
			}
			return d.countSince(m, t)
		default:
			if d.input.Key(msg) {
				d.err = ""
			}
		}
	case rcConfirm:
		switch {
		case k.Cancel.Matches(msg), msg.String() == "n":
			m.close()
		case d.count == 0 && k.Submit.Matches(msg):
			m.close()
		case d.count > 0 && k.Confirm.Matches(msg) && d.local:
			if d.secret == "" {
				return nil // the dialog says what is missing
			}
			d.stage, d.started = rcProgress, m.ctx.Now
			d.seen = map[string]api.Attempt{}
			return d.sendNext(m)
		case d.count > 0 && k.Confirm.Matches(msg):
			return d.start(m)
		}
	case rcCounting, rcSending:
		if k.Cancel.Matches(msg) {
			m.close()
		}
	case rcProgress, rcDone:
		if k.Cancel.Matches(msg) || k.Submit.Matches(msg) {
			m.close()
			if d.stage == rcProgress && d.local {
				return tea.Batch(common.Note(common.Warn, "recover from this machine stopped after "+common.Count(len(d.seen))+" of "+common.Count(len(d.msgs))+" messages"), common.Refresh)
			}
			if d.stage == rcProgress {
				return tea.Batch(common.Note(common.Info, "recover goes on at the API; the deliveries pane shows its attempts"), common.Refresh)
			}
			return common.Refresh
		}
	}
	return nil
}

// countSince counts the messages that failed to reach the endpoint since
// t: the stats route's count when it is offered (what a recover resends),
// else the distinct messages among the failed attempts since t.
func (d *recoverDialog) countSince(m *Model, t time.Time) tea.Cmd {
	d.since, d.stage, d.err = t, rcCounting, ""
	seq, ep, withStats := d.seq, d.ep, m.statsOffered
	return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
		if withStats {
			st, err := c.EndpointStats(ctx, ep.ID, t)
			if err == nil {
				return recoverCountMsg{seq: seq, n: st.Fail, how: "the endpoint's stats: messages whose delivery failed for good"}
			}
			if !api.IsNotOffered(err) {
				return recoverCountMsg{seq: seq, err: err}
			}
		}
		failed := api.AttemptFailed
		as, err := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.ID, Status: &failed, Limit: 250, Max: maxFailedRead})
		if err != nil {
			return recoverCountMsg{seq: seq, err: err}
		}
		msgs := map[string]bool{}
		for _, a := range as {
			if !a.Timestamp.Before(t) {
				msgs[a.MsgID] = true
			}
		}
		how := "the distinct messages among the failed attempts (some may be retrying on their own, or delivered since)"
		if len(as) == maxFailedRead {
			how += "; only the latest " + common.Count(maxFailedRead) + " failed attempts were read"
		}
		return recoverCountMsg{seq: seq, n: len(msgs), how: how}
	})
}

// start asks the API to recover, after noting which attempts exist, so
// the ones it makes can be told apart whatever the clocks say.
func (d *recoverDialog) start(m *Model) tea.Cmd {
	d.stage, d.err = rcSending, ""
	seq, ep, since := d.seq, d.ep, d.since
	return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
		before, err := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.ID, Limit: 250, Max: 250})
		if err != nil {
			return recoverStartedMsg{seq: seq, err: err}
		}
		out := recoverStartedMsg{seq: seq, baseline: make(map[string]bool, len(before))}
		for _, a := range before {
			out.baseline[a.ID] = true
			if out.floor.IsZero() || a.Timestamp.Before(out.floor) {
				out.floor = a.Timestamp.Time
			}
		}
		_, out.err = c.Recover(ctx, ep.ID, since, nil)
		return out
	})
}

func (d *recoverDialog) tick(m *Model) tea.Cmd {
	seq := d.seq
	return common.Tag(common.Endpoints, tea.Tick(recoverPoll, func(time.Time) tea.Msg { return recoverTickMsg{seq: seq} }))
}

func (d *recoverDialog) result(m *Model, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case recoverCountMsg:
		if !d.mine(msg.seq) || d.stage != rcCounting {
			return nil
		}
		if msg.err != nil {
			d.stage, d.err = rcChoose, "could not count: "+api.Brief(msg.err)
			return nil
		}
		d.count, d.countHow, d.stage = msg.n, msg.how, rcConfirm
	case recoverStartedMsg:
		if !d.mine(msg.seq) {
			return lateResult(msg)
		}
		if msg.err != nil {
			if api.IsNotOffered(msg.err) {
				return d.goLocal(m)
			}
			d.stage, d.err = rcConfirm, "the API refused: "+api.Brief(msg.err)
			return nil
		}
		d.stage, d.baseline, d.floor = rcProgress, msg.baseline, msg.floor
		d.seen, d.started, d.changed = map[string]api.Attempt{}, m.ctx.Now, m.ctx.Now
		return tea.Batch(d.tick(m), common.Refresh)
	case recoverTickMsg:
		if !d.mine(msg.seq) || d.stage != rcProgress {
			return nil
		}
		seq, ep := d.seq, d.ep
		return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
			as, err := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.ID, Limit: 250, Max: 1000})
			return recoverProgressMsg{seq: seq, attempts: as, err: err}
		})
	case recoverProgressMsg:
		if !d.mine(msg.seq) || d.stage != rcProgress {
			return nil
		}
		return d.progress(m, msg)
	case recoverLocalMsg:
		if !d.mine(msg.seq) || d.stage != rcCounting {
			return nil
		}
		if msg.err != nil {
			d.stage, d.err = rcConfirm, "could not list the failed messages: "+api.Brief(msg.err)
			d.count = 0
			return nil
		}
		d.msgs, d.payloads, d.count, d.stage = msg.msgs, msg.payloads, len(msg.msgs), rcConfirm
		d.countHow = "the distinct messages among the failed attempts since then"
		if secret, _, ok := m.secrets.For(d.ep.ID); ok {
			d.secret = secret
		} else {
			d.err = "cannot re-deliver from this machine: " + m.secrets.Missing(api.Clean(d.ep.ID))
		}
	case recoverSentMsg:
		if !d.mine(msg.seq) || d.stage != rcProgress {
			return nil
		}
		return d.sent(m, msg)
	default:
		return lateResult(msg)
	}
	return nil
}

// goLocal turns the recover into re-deliveries from this machine: the API
// has no recover route. It lists the failed messages since the time
// chosen, then asks again, saying what will be sent and how.
func (d *recoverDialog) goLocal(m *Model) tea.Cmd {
	d.local, d.stage, d.err = true, rcCounting, ""
	seq, ep, since := d.seq, d.ep, d.since
	return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
		failed := api.AttemptFailed
		as, err := c.ListAttempts(ctx, api.AttemptQuery{EndpointID: ep.ID, Status: &failed, Limit: 250, Max: maxFailedRead})
		if err != nil {
			return recoverLocalMsg{seq: seq, err: err}
		}
		webhooks.NewestFirst(as)
		seen := map[string]bool{}
		var msgs []string
		for i := len(as) - 1; i >= 0; i-- { // oldest first, as Svix would
			if a := as[i]; !a.Timestamp.Before(since) && !seen[a.MsgID] {
				seen[a.MsgID] = true
				msgs = append(msgs, a.MsgID)
			}
		}
		// Their payloads, in one listing of the newest messages rather
		// than one search each (an API without GET /webhooks/messages/{id}
		// makes each a search of several pages).
		payloads := map[string]api.Message{}
		if ms, err := c.ListMessages(ctx, api.MessageQuery{Limit: 250, Max: maxFailedRead}); err == nil {
			for _, m := range ms {
				if seen[m.ID] && m.HasPayload() {
					payloads[m.ID] = m
				}
			}
		}
		return recoverLocalMsg{seq: seq, msgs: msgs, payloads: payloads}
	})
}

// sendNext re-delivers the next failed message from this machine.
func (d *recoverDialog) sendNext(m *Model) tea.Cmd {
	if d.next >= len(d.msgs) {
		d.stage = rcDone
		return common.Refresh
	}
	seq, p, url, secret := d.seq, webhooks.Pair{Msg: d.msgs[d.next], Endpoint: d.ep.ID}, d.ep.URL, d.secret
	known, ok := d.payloads[p.Msg]
	d.next++
	return m.call(func(ctx context.Context, c webhooks.Client) tea.Msg {
		var a api.Attempt
		var err error
		if ok {
			a, err = webhooks.RedeliverMessage(ctx, known, secret, p, url)
		} else {
			a, err = webhooks.RedeliverOne(ctx, c, secret, p, url)
		}
		if err == nil {
			a.MsgID = p.Msg
		}
		return recoverSentMsg{seq: seq, attempt: a, err: err}
	})
}

// sent counts one re-delivery from here, hands it to the deliveries pane
// (marked "from here"), and sends the next.
func (d *recoverDialog) sent(m *Model, msg recoverSentMsg) tea.Cmd {
	id := d.msgs[d.next-1]
	if msg.err != nil {
		// Not sent (its payload could not be had, say): counted as failed.
		d.err = "message " + common.Short(api.Clean(id), 16) + ": " + api.Brief(msg.err)
		d.seen[id] = api.Attempt{MsgID: id, Status: api.AttemptFailed}
		return d.sendNext(m)
	}
	d.seen[id] = msg.attempt
	a := msg.attempt
	record := func() tea.Msg { return webhooks.SentHereMsg{Attempt: a} }
	return tea.Batch(record, d.sendNext(m))
}

// progress counts the messages the recover sent again: those with a
// manual attempt the endpoint did not have before.
func (d *recoverDialog) progress(m *Model, msg recoverProgressMsg) tea.Cmd {
	if msg.err != nil {
		d.err = "following the recover: " + api.Brief(msg.err)
		return d.tick(m)
	}
	d.err = ""
	for _, a := range msg.attempts {
		if a.TriggerType != api.TriggerManual || d.baseline[a.ID] || a.Timestamp.Before(d.floor) {
			continue
		}
		prev, ok := d.seen[a.MsgID]
		if !ok || prev.Status != a.Status || prev.ID != a.ID && a.Timestamp.After(prev.Timestamp.Time) {
			d.changed = m.ctx.Now
		}
		if !ok || !a.Timestamp.Before(prev.Timestamp.Time) {
			d.seen[a.MsgID] = a
		}
	}
	sent, settled := d.tally()
	if (sent >= d.count && settled == sent) || m.ctx.Now.Sub(d.changed) > recoverQuiet {
		d.stage = rcDone
		return common.Refresh
	}
	return d.tick(m)
}

// tally is how many messages were sent again, and how many of those have
// an outcome.
func (d *recoverDialog) tally() (sent, settled int) {
	for _, a := range d.seen {
		sent++
		if a.Status != api.AttemptPending && a.Status != api.AttemptSending {
			settled++
		}
	}
	return sent, settled
}

func (d *recoverDialog) outcomes() (ok, failed int) {
	for _, a := range d.seen {
		switch a.Status {
		case api.AttemptSuccess:
			ok++
		case api.AttemptFailed, api.AttemptCanceled:
			failed++
		}
	}
	return ok, failed
}

func (d *recoverDialog) overlay(m *Model) *common.Overlay {
	th := m.ctx.Theme
	k := m.ctx.Keys
	w := overlayWidth(m.ctx.Width)
	name := th.Bold.Render(api.Clip(webhooks.Label(d.ep.URL), w-30))
	since := ""
	if !d.since.IsZero() {
		since = d.since.Local().Format("2006-01-02 15:04") + " (" + common.Age(m.ctx.Now.Sub(d.since)) + " ago)"
	}
	lines := []string{""}
	key := func(b *keys.Binding, what string) string {
		return th.HelpKey.Render(b.Label()) + th.MutedStyle.Render(" "+what)
	}
	switch d.stage {
	case rcChoose:
		lines = append(lines, form.Wrap("Send again, once each, the messages that failed to reach "+name+" since:", w)...)
		lines = append(lines, "")
		lines = append(lines, d.choice.Lines(th, w)...)
	case rcTyping:
		lines = append(lines, form.Wrap("Send again the messages that failed to reach "+name+" since:", w)...)
		lines = append(lines, "", th.AccentStyle.Render("▸ ")+d.input.View(th, w-2, true))
		if d.err != "" {
			lines = append(lines, form.Wrap(th.ErrorStyle.Render("✗ ")+d.err, w)...)
		} else {
			lines = append(lines, th.MutedStyle.Render("  14:30 · 2025-03-01 09:00 · 90m · 2d"))
		}
		lines = append(lines, "", key(k.Submit, "count")+"  "+key(k.Cancel, "back"))
		return &common.Overlay{Title: "Recover", Lines: lines, Width: w}
	case rcCounting:
		lines = append(lines, th.MutedStyle.Render("Counting the messages that failed since "+since+"…"))
	case rcConfirm:
		if d.count == 0 {
			lines = append(lines, form.Wrap("No message failed to reach "+name+" since "+since+": nothing to recover.", w)...)
			lines = append(lines, "", key(k.Submit, "close"))
			break
		}
		lines = append(lines, form.Wrap(th.Bold.Render(common.Count(d.count)+" "+plural(d.count, "message"))+" failed to reach "+name+" since "+since+".", w)...)
		lines = append(lines, form.Wrap(th.MutedStyle.Render("Counted by "+d.countHow+"."), w)...)
		if d.local {
			lines = append(lines, "")
			lines = append(lines, form.Wrap(th.WarnStyle.Render("This API has no recover route.")+" Re-deliver them from this machine instead, one by one: real POSTs to "+
				api.Clip(d.ep.URL, 60)+", signed with the endpoint's secret, each with its message id as svix-id. Aspect's own retries are not changed.", w)...)
			if d.secret == "" {
				lines = append(lines, "", key(k.Cancel, "close"))
				break
			}
			lines = append(lines, "", key(k.Confirm, "re-deliver from here")+"  "+key(k.Cancel, "cancel"))
			break
		}
		lines = append(lines, "", "Send them again now, once each?", "")
		lines = append(lines, key(k.Confirm, "recover")+"  "+key(k.Cancel, "cancel"))
	case rcSending:
		lines = append(lines, th.MutedStyle.Render("Asking the API to recover…"))
	case rcProgress, rcDone:
		sent, _ := d.tally()
		ok, failed := d.outcomes()
		total := max(d.count, sent)
		head := "Recovering: "
		if d.local {
			head = "Re-delivering from this machine: "
		}
		if d.stage == rcDone {
			head = th.OKStyle.Render("✓ ") + "Done: "
		}
		lines = append(lines, head+common.Count(sent)+" of "+common.Count(total)+" "+plural(total, "message")+" sent again")
		lines = append(lines, "", bar(th.AccentStyle.Render, sent, total, w-2), "")
		lines = append(lines, th.OKStyle.Render("✓ "+common.Count(ok)+" delivered")+"   "+th.ErrorStyle.Render("✗ "+common.Count(failed)+" failed")+
			"   "+th.MutedStyle.Render("◌ "+common.Count(sent-ok-failed)+" in flight"))
		if d.stage == rcDone && sent < d.count && !d.local {
			lines = append(lines, "")
			lines = append(lines, form.Wrap(th.MutedStyle.Render(common.Count(d.count-sent)+" of the counted messages got no new attempt within "+recoverQuiet.String()+": the API resends only messages whose delivery has failed for good (not those still retrying on their own, nor those delivered since)."), w)...)
		}
		lines = append(lines, "")
		switch {
		case d.stage == rcDone:
			lines = append(lines, key(k.Submit, "close"))
		case d.local:
			lines = append(lines, key(k.Cancel, "stop (what was sent stays sent)"))
		default:
			lines = append(lines, key(k.Cancel, "close (the recover goes on at the API)"))
		}
	}
	if d.err != "" {
		lines = append(lines, "")
		lines = append(lines, form.Wrap(th.ErrorStyle.Render("✗ ")+d.err, w)...)
	}
	return &common.Overlay{Title: "Recover · " + api.Clip(webhooks.Label(d.ep.URL), 40), Lines: lines, Width: w}
}

func (d *recoverDialog) hints(k *keys.Map) []*keys.Binding {
	switch d.stage {
	case rcChoose:
		return []*keys.Binding{k.NextField, k.Submit, k.Cancel}
	case rcConfirm:
		if d.count == 0 {
			return []*keys.Binding{k.Submit}
		}
		return []*keys.Binding{k.Confirm, k.Cancel}
	}
	return []*keys.Binding{k.Submit, k.Cancel}
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// bar is a progress bar of w cells.
func bar(paint func(...string) string, n, total, w int) string {
	if total <= 0 || w <= 0 {
		return ""
	}
	full := min(w, n*w/total)
	return paint(strings.Repeat("█", full)) + strings.Repeat("░", w-full)
}

package webhooks

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// ResendWait is how long a resend is followed: past it without a new
// attempt, the row stops saying "resending" and a note says so.
const ResendWait = time.Minute

// Cooldown is how long after a press the same message cannot be resent to
// the same endpoint again, even when its attempt came at once (loopback):
// a double press or a key repeat sends once.
const Cooldown = 2 * time.Second

// Resender sends resends and follows each until its attempt shows. It is
// shared by every pane that offers `r` and used from Update only. A
// message is resent to an endpoint at most once at a time: a second press,
// a key repeat, or the same row in another pane, while the first is in
// flight or its attempt has not shown yet, sends nothing.
type Resender struct {
	ctx    *common.Context
	base   context.Context
	client Client
	flight map[Pair]*resend

	// local is set once the API answered that it has no resend route:
	// from then on a resend is a re-delivery from this machine, signed
	// with the endpoint's secret, asked for once a session (a real POST
	// to a real URL) by a second press within ConfirmWithin.
	local     bool
	confirmed bool
	asked     Pair
	askedAt   time.Time
	secrets   *Secrets
	sent      []api.Attempt // the re-deliveries made from here, oldest first
	sentSeq   int
}

// ConfirmWithin is how soon the second press must come to confirm the
// first re-delivery from this machine.
const ConfirmWithin = 10 * time.Second

// maxSentHere bounds the re-deliveries from here kept for the panes.
const maxSentHere = 200

type resend struct {
	at       time.Time
	accepted bool
	done     bool            // its attempt came; kept for the cooldown
	baseline map[string]bool // the pair's attempt ids before the resend
}

// ResentMsg is a resend's answer.
type ResentMsg struct {
	Pair     Pair
	URL      string // the endpoint's, for a re-delivery from here if the API has no resend
	Baseline map[string]bool
	Err      error
}

// NewResender returns a tracker; client may be nil (nothing is sent).
func NewResender(ctx *common.Context, base context.Context, client Client) *Resender {
	return &Resender{ctx: ctx, base: base, client: client, flight: map[Pair]*resend{}}
}

// UseSecrets is where re-deliveries from this machine find the endpoints'
// signing secrets; without it they have none.
func (r *Resender) UseSecrets(s *Secrets) { r.secrets = s }

// Start resends a's message to its endpoint unless it is already being
// resent; the answer comes back tagged for pane.
func (r *Resender) Start(pane common.PaneID, a api.Attempt) tea.Cmd {
	p, label := PairOf(a), Label(a.URL)
	if r.client == nil || p.Msg == "" || p.Endpoint == "" {
		return common.Note(common.Warn, "nothing to resend here")
	}
	r.expire()
	if r.local {
		return r.redeliver(pane, a)
	}
	if f, busy := r.flight[p]; busy {
		if f.done {
			return common.Note(common.Info, "just resent "+common.Short(api.Clean(p.Msg), 16)+" to "+label+"; press again in a moment to send it once more")
		}
		return common.Note(common.Info, "already resending "+common.Short(api.Clean(p.Msg), 16)+" to "+label+"; its attempt shows when it is made")
	}
	r.flight[p] = &resend{at: r.ctx.Now}
	c, base := r.client, r.base
	return common.Tag(pane, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, CallTimeout)
		defer cancel()
		// The attempts before the resend tell its attempt from older
		// manual ones, whatever the clocks say.
		before, err := c.ListAttempts(ctx, api.AttemptQuery{MessageID: p.Msg, EndpointID: p.Endpoint, Limit: 250, Max: 1000})
		if err != nil {
			return ResentMsg{Pair: p, URL: a.URL, Err: err}
		}
		base := make(map[string]bool, len(before))
		for _, a := range before {
			base[a.ID] = true
		}
		return ResentMsg{Pair: p, URL: a.URL, Baseline: base, Err: c.Resend(ctx, p.Msg, p.Endpoint)}
	})
}

// Sent records a resend's answer: accepted, it is followed until its
// attempt shows; refused, it is forgotten and a note says why.
func (r *Resender) Sent(msg ResentMsg) tea.Cmd {
	f := r.flight[msg.Pair]
	if f == nil {
		return nil
	}
	if msg.Err != nil {
		delete(r.flight, msg.Pair)
		if api.IsNotOffered(msg.Err) {
			r.local = true
			return r.ask(msg.Pair, msg.URL)
		}
		return common.Note(common.Error, "resend failed: "+api.Brief(msg.Err))
	}
	f.accepted, f.baseline = true, msg.Baseline
	// The log keeps showing this pair's attempts, the resend's included,
	// whatever its filter.
	pair := msg.Pair
	watch := func() tea.Msg { return WatchMsg{Pair: pair} }
	return tea.Batch(common.Note(common.Info, "resend of "+common.Short(api.Clean(msg.Pair.Msg), 16)+" accepted; waiting for its attempt"), watch)
}

// expire forgets finished resends past their cooldown.
func (r *Resender) expire() {
	for p, f := range r.flight {
		if f.done && r.ctx.Now.Sub(f.at) >= Cooldown {
			delete(r.flight, p)
		}
	}
}

// Pending reports whether p is being resent (sent, or waiting for its
// attempt).
func (r *Resender) Pending(p Pair) bool {
	f, ok := r.flight[p]
	return ok && !f.done
}

// Active reports whether any resend waits for its attempt, so panes poll
// faster.
func (r *Resender) Active() bool {
	for _, f := range r.flight {
		if !f.done {
			return true
		}
	}
	return false
}

// Pairs is every pair whose resend waits for its attempt, for fetching
// their attempts.
func (r *Resender) Pairs() []Pair {
	out := make([]Pair, 0, len(r.flight))
	for p, f := range r.flight {
		if f.accepted && !f.done {
			out = append(out, p)
		}
	}
	return out
}

// Seen looks for the attempts resends made among as; each found with its
// outcome ends its resend, and a note tells the result. A resend followed
// too long is given up with a note.
func (r *Resender) Seen(as []api.Attempt) tea.Cmd {
	var cmds []tea.Cmd
	r.expire()
	for _, a := range as {
		p := PairOf(a)
		f := r.flight[p]
		if f == nil || !f.accepted || f.done || f.baseline[a.ID] || a.TriggerType != api.TriggerManual {
			continue
		}
		if a.Status == api.AttemptPending || a.Status == api.AttemptSending {
			continue
		}
		f.done = true
		st, _ := Status(r.ctx.Theme, a)
		level := common.Info
		if a.Status != api.AttemptSuccess {
			level = common.Warn
		}
		cmds = append(cmds, common.Note(level, "resent "+common.Short(api.Clean(a.MsgID), 16)+" to "+Label(a.URL)+": "+st+" in "+Took(a)))
	}
	for p, f := range r.flight {
		if f.accepted && !f.done && r.ctx.Now.Sub(f.at) > ResendWait {
			delete(r.flight, p)
			cmds = append(cmds, common.Note(common.Warn, "no attempt seen within "+ResendWait.String()+" of resending "+common.Short(api.Clean(p.Msg), 16)+"; it may still be made (rate limit, a busy endpoint)"))
		}
	}
	return tea.Batch(cmds...)
}

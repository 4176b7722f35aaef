package webhooks

import (
	"context"
	"net/http"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// RedeliveredMsg is a re-delivery from this machine: the attempt it made
// (FromHere set), or why nothing was sent.
type RedeliveredMsg struct {
	Pair    Pair
	Attempt api.Attempt
	Err     error
}

// redeliverClient sends re-deliveries; its transport is api's, so proxies
// and timeouts behave as the API client's do.
var redeliverClient = &http.Client{Transport: api.NewTransport()}

// LocalResend says, for help and notes, what `r` does once the API has no
// resend route.
const LocalResend = "re-deliver from this machine, signed with the endpoint's secret"

// Local reports whether resends are re-deliveries from this machine (the
// API has no resend route).
func (r *Resender) Local() bool { return r.local }

// SentHere is the re-deliveries made from this machine, oldest first, for
// the panes to show beside Aspect's attempts.
func (r *Resender) SentHere() []api.Attempt { return r.sent }

// ask explains the first re-delivery from this machine and waits for the
// second press that confirms it.
func (r *Resender) ask(p Pair, url string) tea.Cmd {
	r.asked, r.askedAt = p, r.ctx.Now
	r.ctx.Keys.Resend.Desc, r.ctx.Keys.Resend.Hint = LocalResend, "re-deliver"
	return common.Note(common.Warn, "press "+r.ctx.Keys.Resend.Label()+" again to re-deliver from this machine (the API has no resend route): a real POST of "+
		common.Short(api.Clean(p.Msg), 16)+" to "+api.Clip(url, 60)+", signed with the endpoint's secret; asked once a session")
}

// redeliver re-delivers a's message from this machine, once the user has
// confirmed the first of the session.
func (r *Resender) redeliver(pane common.PaneID, a api.Attempt) tea.Cmd {
	p := PairOf(a)
	if !r.confirmed {
		if r.asked != p || r.ctx.Now.Sub(r.askedAt) > ConfirmWithin {
			return r.ask(p, a.URL)
		}
		r.confirmed = true
	}
	secret, _, ok := r.secrets.For(p.Endpoint)
	if !ok {
		return common.Note(common.Error, "cannot re-deliver from this machine: "+r.secrets.Missing(api.Clean(p.Endpoint)))
	}
	if f, busy := r.flight[p]; busy && !f.done {
		return common.Note(common.Info, "already re-delivering "+common.Short(api.Clean(p.Msg), 16)+" to "+Label(a.URL))
	}
	r.flight[p] = &resend{at: r.ctx.Now, accepted: true}
	c, base, url := r.client, r.base, a.URL
	return common.Tag(pane, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, CallTimeout)
		defer cancel()
		at, err := RedeliverOne(ctx, c, secret, p, url)
		return RedeliveredMsg{Pair: p, Attempt: at, Err: err}
	})
}

// RedeliverOne re-delivers p's message to url from this machine, signed
// with secret, and returns the attempt it made (FromHere, its ID not yet
// set: Record numbers it), or why nothing was sent. It runs in a Cmd.
func RedeliverOne(ctx context.Context, c Client, secret string, p Pair, url string) (api.Attempt, error) {
	m, err := c.Message(ctx, p.Msg)
	if err != nil {
		return api.Attempt{}, err
	}
	return RedeliverMessage(ctx, m, secret, p, url)
}

// RedeliverMessage is RedeliverOne for a message already read (with its
// payload): a recover reads many in one listing.
func RedeliverMessage(ctx context.Context, m api.Message, secret string, p Pair, url string) (api.Attempt, error) {
	if !m.HasPayload() {
		return api.Attempt{}, errNoPayload
	}
	now := time.Now()
	fr, err := listen.Deliver(ctx, redeliverClient, listen.Delivery{URL: url, Secret: secret, MessageID: p.Msg, Payload: m.Payload}, now)
	if err != nil {
		return api.Attempt{}, err
	}
	at := api.Attempt{MsgID: p.Msg, EndpointID: p.Endpoint, URL: url, ResponseStatusCode: fr.Status,
		Response: fr.Body, ResponseDurationMs: fr.Latency.Milliseconds(), TriggerType: api.TriggerManual,
		Timestamp: api.Time{Time: now}, FromHere: true, Status: api.AttemptFailed}
	if fr.Status >= 200 && fr.Status < 300 {
		at.Status = api.AttemptSuccess
	}
	if fr.Err != "" {
		at.Response = fr.Err
	}
	return at, nil
}

// SentHereMsg carries a re-delivery made from this machine by another
// part of the dashboard (a recover without a recover route), for the
// Resender to keep beside the others.
type SentHereMsg struct{ Attempt api.Attempt }

// Record keeps a re-delivery made from this machine, numbering it, and
// returns it as kept.
func (r *Resender) Record(a api.Attempt) api.Attempt {
	r.sentSeq++
	a.ID = "here_" + strconv.Itoa(r.sentSeq)
	r.sent = append(r.sent, a)
	if len(r.sent) > maxSentHere {
		r.sent = r.sent[len(r.sent)-maxSentHere:]
	}
	return a
}

// SecretFor is the endpoint's signing secret for a re-delivery from this
// machine, or a note saying how to give one.
func (r *Resender) SecretFor(endpointID string) (string, string) {
	if s, _, ok := r.secrets.For(endpointID); ok {
		return s, ""
	}
	return "", r.secrets.Missing(api.Clean(endpointID))
}

type redeliverError string

func (e redeliverError) Error() string { return string(e) }

const errNoPayload = redeliverError("the API sent the message without its payload, so there is nothing to sign and send")

// Redelivered records a re-delivery's outcome and says it in a note.
func (r *Resender) Redelivered(msg RedeliveredMsg) tea.Cmd {
	delete(r.flight, msg.Pair)
	if msg.Err != nil {
		return common.Note(common.Error, "re-delivery from this machine failed: "+api.Brief(msg.Err))
	}
	a := r.Record(msg.Attempt)
	st, _ := Status(r.ctx.Theme, a)
	level := common.Info
	if a.Status != api.AttemptSuccess {
		level = common.Warn
	}
	return tea.Batch(common.Refresh, common.Note(level, "re-delivered "+common.Short(api.Clean(a.MsgID), 16)+" from this machine (not by Aspect) to "+Label(a.URL)+": "+st+" in "+Took(a)))
}

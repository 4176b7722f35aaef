package listen

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Resend sends a verified delivery to the forward target again, the way
// Svix sends another attempt: the same body and message id, signed afresh
// with the secret that verified it and the current time, so the handler's
// ±5 minute check passes however long ago the delivery first arrived. A
// refused delivery is not resent: signing it would vouch for content its
// sender could not sign. The error says why nothing was sent; a handler
// that does not answer is a ForwardResult with Status 0 and Err.
func (r *Receiver) Resend(ctx context.Context, d Request) (ForwardResult, error) {
	fr, _, err := r.resendAs(ctx, d, "", d.Body)
	return fr, err
}

// resendAs is Resend with another body and, when id is not empty, another
// message id; it returns the id sent.
func (r *Receiver) resendAs(ctx context.Context, d Request, id string, body []byte) (ForwardResult, string, error) {
	if r.forward == nil {
		return ForwardResult{}, "", errors.New("there is nowhere to resend to: start listen with --forward-to URL")
	}
	secret, set, err := r.signer(d)
	if err != nil {
		return ForwardResult{}, "", err
	}
	if id == "" {
		id = d.Headers.Get(set.id)
	}
	now := time.Now()
	sig, err := secret.wh.Sign(id, now, body)
	if err != nil {
		return ForwardResult{}, "", err
	}
	h := forwardHeaders(d.Headers)
	// Both header sets, when the sender sent both, carry the new signature:
	// a handler reading either must see the same verdict.
	for _, s := range headerSets {
		if h.Get(s.id) != "" {
			h.Set(s.id, id)
			h.Set(s.ts, strconv.FormatInt(now.Unix(), 10))
			h.Set(s.sig, sig)
		}
	}

	// Closing the receiver ends a resend in flight, as it ends forwards.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(r.ctx, cancel)
	defer stop()
	fr := ForwardResult{URL: api.Clean(r.forward.Redacted())}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.forward.String(), bytes.NewReader(body))
	if err != nil {
		return ForwardResult{}, "", err
	}
	req.Header = h
	r.roundTrip(req, &fr)
	return fr, id, nil
}

// signer is the secret that verified d and the header set it came with. A
// refused delivery has none: signing it would vouch for content its sender
// could not sign.
func (r *Receiver) signer(d Request) (SigningSecret, headerSet, error) {
	if !d.Verified || d.MatchedSecret < 0 || d.MatchedSecret >= len(r.secrets) {
		return SigningSecret{}, headerSet{}, errors.New("only verified deliveries are signed again: signing a refused one would vouch for content nobody signed")
	}
	set := headerSets[0]
	if d.Check != nil && d.Check.Headers == headerSets[1].name {
		set = headerSets[1]
	}
	if d.Headers.Get(set.id) == "" {
		return SigningSecret{}, headerSet{}, errors.New("the delivery has no " + set.id + " to sign")
	}
	return r.secrets[d.MatchedSecret], set, nil
}

// headerSet is one of headerSets: the names of the id, timestamp and
// signature headers.
type headerSet = struct{ name, id, ts, sig string }

package listen

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// RedeliveredHeader marks a delivery made from this machine rather than by
// Svix, so a handler's logs can tell the two apart. Its signature verifies
// all the same.
const RedeliveredHeader = "X-Aspect-Tui-Redelivery"

// Delivery is one message to deliver from this machine, as Svix would.
type Delivery struct {
	URL       string // the endpoint's URL
	Secret    string // the endpoint's signing secret, whsec_...
	MessageID string // sent as svix-id, as on Svix's own attempts, so an idempotent handler dedupes
	Payload   []byte // the message's payload, byte for byte
}

// Deliver sends d the way Svix sends an attempt: POST with svix-id,
// svix-timestamp and svix-signature (signed with the svix library at now),
// a JSON body, and Svix's 15 s limit. The result is the endpoint's answer
// (Status 0 and Err when there was none); the error says why nothing was
// sent (no secret, a bad URL).
func Deliver(ctx context.Context, client *http.Client, d Delivery, now time.Time) (ForwardResult, error) {
	if d.Secret == "" {
		return ForwardResult{}, errors.New("no signing secret for this endpoint")
	}
	u, err := url.Parse(d.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ForwardResult{}, errors.New("the endpoint's URL is not an http(s) URL: " + api.Clip(d.URL, 100))
	}
	if d.MessageID == "" {
		return ForwardResult{}, errors.New("the message has no id to sign")
	}
	secret, err := ParseSigningSecret(0, d.Secret)
	if err != nil {
		return ForwardResult{}, err
	}
	sig, err := secret.wh.Sign(d.MessageID, now, d.Payload)
	if err != nil {
		return ForwardResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultForwardTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(d.Payload))
	if err != nil {
		return ForwardResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "aspect-tui (re-delivered from this machine)")
	req.Header.Set(RedeliveredHeader, "1")
	req.Header.Set("svix-id", d.MessageID)
	req.Header.Set("svix-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("svix-signature", sig)
	if client == nil {
		client = http.DefaultClient
	}
	fr := ForwardResult{URL: api.Clean(u.Redacted())}
	send(client, req, &fr, DefaultForwardTimeout, func() bool { return false })
	return fr, nil
}

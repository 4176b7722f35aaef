// Package keycheck checks an API key the cheapest way Aspect's SDK
// documents: GET /users/me, which also says whose key it is and how many
// tokens it has left. The dashboard, tail and doctor share its rule.
package keycheck

import (
	"context"
	"net/http"

	"github.com/aspect-hq/aspect-tui/api"
)

// Verdict is what an answer of GET /users/me says about the key.
type Verdict int

// The verdicts.
const (
	// Accepted: the route answered; the key works.
	Accepted Verdict = iota
	// Refused: 401 or 403; nothing else will work either.
	Refused
	// Unknown: the API has no such route (404, 405) or the call failed
	// otherwise; check the key another way (GET /tasks/active), quietly.
	Unknown
)

// Judge reads the status of an answer of GET /users/me (0: no answer).
func Judge(status int) Verdict {
	switch {
	case status >= 200 && status < 300:
		return Accepted
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return Refused
	}
	return Unknown
}

// Check asks GET /users/me. It returns the account when the key is
// accepted, the API's error when it is refused, and nil, nil when the
// answer says nothing about the key: then the caller checks it its own way.
func Check(ctx context.Context, c *api.Client) (*api.User, error) {
	// Asked once: an answer that is not about the key (a 5xx, a 429) is
	// left to the caller's own check, which retries.
	u, err := c.Me(api.NoRetry(ctx))
	if err == nil {
		return &u, nil
	}
	// An answer that was cut short or unreadable says nothing, whatever
	// its status.
	if Judge(api.StatusOf(err)) == Refused {
		return nil, err
	}
	return nil, nil
}

package listen

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// SendEdited sends body, the user's edit of verified delivery d, to the
// forward target, signed afresh with the secret that verified d: under d's
// own svix-id when newID is false (a handler that dedupes by id should
// treat it as a repeat), or under a new one. It returns the handler's
// answer and the id sent; the error says why nothing was sent.
func (r *Receiver) SendEdited(ctx context.Context, d Request, body []byte, newID bool) (ForwardResult, string, error) {
	id := ""
	if newID {
		id = NewMessageID()
	}
	return r.resendAs(ctx, d, id, body)
}

// Sign signs body as message id at `at` with the secret that verified d,
// the way Svix signs ("v1,<base64>"), for an export of d.
func (r *Receiver) Sign(d Request, id string, at time.Time, body []byte) (string, error) {
	secret, _, err := r.signer(d)
	if err != nil {
		return "", err
	}
	return secret.wh.Sign(id, at, body)
}

// NewMessageID is a fresh id in Svix's form: "msg_" and 27 characters.
func NewMessageID() string {
	var b [17]byte
	rand.Read(b[:])
	return "msg_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))[:27]
}

package listen

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/api"
)

// SignatureTolerance is how far a delivery's timestamp may be from this
// machine's clock. The svix library fixes it at five minutes either way.
const SignatureTolerance = 5 * time.Minute

// Problem names why a request was not verified, as a stable code for JSON
// output and tests. The empty Problem means verified.
type Problem string

// What Diagnose can find.
const (
	ProblemNone               Problem = ""
	ProblemNoSecret           Problem = "no_secret"
	ProblemMissingHeader      Problem = "missing_header"
	ProblemBadTimestamp       Problem = "bad_timestamp"
	ProblemTooOld             Problem = "timestamp_too_old"
	ProblemTooNew             Problem = "timestamp_too_new"
	ProblemMalformedSignature Problem = "malformed_signature"
	ProblemUnsupportedVersion Problem = "unsupported_signature_version"
	ProblemNoMatch            Problem = "no_signature_matched"
)

// SigningSecret is one endpoint signing secret, parsed once.
type SigningSecret struct {
	Masked   string // for every output: api.Mask of the secret
	NoPrefix bool   // given without "whsec_"; accepted as base64, but worth a hint
	text     string // the part after whsec_, as given
	wh       *svix.Webhook
}

// ParseSigningSecret checks a whsec_ secret the way the svix library will
// use it, with an error that says what is wrong and never shows the secret.
// n is its 1-based position on the command line, for the message.
func ParseSigningSecret(n int, s string) (SigningSecret, error) {
	s = strings.TrimSpace(s)
	masked := api.Mask(s)
	what := fmt.Sprintf("secret %d", n)
	if s == "" {
		return SigningSecret{}, fmt.Errorf("%s is empty; pass the endpoint's signing secret (whsec_...)", what)
	}
	if strings.HasPrefix(s, "sk_") {
		return SigningSecret{}, fmt.Errorf("%s (%s) looks like an API key; listen needs the endpoint's signing secret (whsec_...), returned when the endpoint was created", what, masked)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return SigningSecret{}, fmt.Errorf("%s (%s) holds spaces or control characters; copy it again", what, masked)
	}
	text, prefixed := strings.CutPrefix(s, "whsec_")
	if _, err := base64.StdEncoding.DecodeString(text); err != nil {
		why := "the part after whsec_ is not base64"
		if !prefixed {
			why = "it has no whsec_ prefix and is not base64 either"
		}
		return SigningSecret{}, fmt.Errorf("%s (%s): %s; copy the endpoint's signing secret again", what, masked, why)
	}
	wh, err := svix.NewWebhook(s)
	if err != nil {
		return SigningSecret{}, fmt.Errorf("%s (%s): %v", what, masked, err)
	}
	return SigningSecret{Masked: masked, NoPrefix: !prefixed, text: text, wh: wh}, nil
}

// Verify is the svix library's verdict on one request with this secret,
// with its fixed five-minute tolerance against the machine's clock.
func (s SigningSecret) Verify(body []byte, h http.Header) error {
	if s.wh == nil {
		return errors.New("secret not parsed")
	}
	return s.wh.Verify(body, h)
}

// ReceivedSignature is one space-separated entry of the signature header.
type ReceivedSignature struct {
	Version string // "v1", "v1a", ...: sanitized
	Value   string // sanitized, cut for display
}

// ExpectedSignature is what one configured secret computes for the request.
type ExpectedSignature struct {
	Secret    int    // 0-based index into the secrets
	Masked    string // the secret, masked
	Signature string // "v1,<base64>"
}

// Diagnosis is why a request's signature does or does not verify. Every
// string in it is sanitized for a terminal and holds no secret.
type Diagnosis struct {
	Verified bool
	Problem  Problem
	Reason   string   // one line, safe to send back to the sender
	Hints    []string // what to check, most likely first; local output only
	Matched  int      // 0-based index of the secret that verified it, -1 none

	Headers      string   // "svix" or "webhook": which header names were read
	Missing      []string // header names absent, when Problem is missing_header
	ID           string   // svix-id
	Timestamp    time.Time
	Skew         time.Duration // now minus Timestamp: positive is in the past
	SignedPrefix string        // "id.timestamp.": what precedes the body in the signed content
	Received     []ReceivedSignature
	// Expected holds the signature each secret computes. It must never go
	// back to the sender: it would turn the receiver into a signing oracle.
	Expected []ExpectedSignature
	// BodyVariant names the re-encoding of the body that the signature
	// matches, when the body was re-serialized after signing.
	BodyVariant string
}

// Header sets the svix library reads, in its order of preference.
var headerSets = [2]struct{ name, id, ts, sig string }{
	{"svix", "svix-id", "svix-timestamp", "svix-signature"},
	{"webhook", "webhook-id", "webhook-timestamp", "webhook-signature"},
}

// signatureVersion is what a version tag looks like: v1, v1a, v2.
var signatureVersion = regexp.MustCompile(`^v[0-9]+[a-z]?$`)

const (
	maxShownSignatures = 8
	maxShownSigLen     = 100
)

// Diagnose explains whether the headers and body verify against the secrets
// at the time now. It is a pure function: it mirrors the svix library's
// Verify step by step (the same header fallback, timestamp parsing and
// tolerance, and signature comparison), computes each secret's signature with
// the library's Sign, and on failure looks for the likely cause.
func Diagnose(h http.Header, body []byte, secrets []SigningSecret, now time.Time) Diagnosis {
	d := Diagnosis{Matched: -1}
	if len(secrets) == 0 {
		d.Problem = ProblemNoSecret
		d.Reason = "no signing secret is configured"
		return d
	}

	set := headerSets[0]
	id, ts, sig := h.Get(set.id), h.Get(set.ts), h.Get(set.sig)
	if id == "" || ts == "" || sig == "" {
		alt := headerSets[1]
		aid, ats, asig := h.Get(alt.id), h.Get(alt.ts), h.Get(alt.sig)
		if aid == "" || ats == "" || asig == "" {
			diagnoseMissing(&d, h)
			return d
		}
		set, id, ts, sig = alt, aid, ats, asig
	}
	d.Headers = set.name
	d.ID = api.Clip(id, 120)
	d.Received = parseReceived(sig)

	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		d.Problem = ProblemBadTimestamp
		d.Reason = fmt.Sprintf("%s %q is not a Unix time in seconds", set.ts, api.Clip(ts, 40))
		if _, ferr := strconv.ParseFloat(ts, 64); ferr == nil {
			d.Hints = append(d.Hints, "send whole seconds, without a fraction")
		} else if _, terr := time.Parse(time.RFC3339, ts); terr == nil {
			d.Hints = append(d.Hints, "send Unix seconds, not an ISO 8601 date")
		}
		return d
	}
	d.Timestamp = time.Unix(secs, 0)
	d.Skew = now.Sub(d.Timestamp)
	d.SignedPrefix = api.Clip(fmt.Sprintf("%s.%d.", id, secs), 200)

	// The same comparisons, in the same order, as svix's verifyTimestamp.
	switch {
	case d.Skew > SignatureTolerance:
		d.Problem = ProblemTooOld
		d.Reason = fmt.Sprintf("timestamp is %s behind this machine's clock, outside the ±5m tolerance", fmtSkew(d.Skew))
		d.Hints = append(d.Hints,
			fmt.Sprintf("if it was just sent, one of the two clocks is off by about %s: sync this machine's clock (NTP) or the sender's", fmtSkew(d.Skew)),
			"a request replayed from a log or with curl keeps its old timestamp; Svix signs every attempt afresh")
	case d.Timestamp.Unix() > now.Add(SignatureTolerance).Unix():
		d.Problem = ProblemTooNew
		d.Reason = fmt.Sprintf("timestamp is %s ahead of this machine's clock, outside the ±5m tolerance", fmtSkew(-d.Skew))
		if secs > 1e11 {
			d.Hints = append(d.Hints, set.ts+" looks like milliseconds; it must be Unix seconds")
		} else {
			d.Hints = append(d.Hints, fmt.Sprintf("this machine's clock is behind the sender's by about %s: sync it (NTP)", fmtSkew(-d.Skew)))
		}
	}

	var v1 [][]byte
	var others []string
	malformed := 0
	for _, entry := range strings.Split(sig, " ") {
		parts := strings.Split(entry, ",")
		if len(parts) < 2 {
			malformed++
			continue
		}
		switch {
		case parts[0] == "v1":
			v1 = append(v1, []byte(parts[1]))
		case signatureVersion.MatchString(parts[0]):
			others = append(others, parts[0])
		default:
			malformed++
		}
	}

	for i, s := range secrets {
		want, _ := s.wh.Sign(id, d.Timestamp, body)
		d.Expected = append(d.Expected, ExpectedSignature{Secret: i, Masked: s.Masked, Signature: want})
		if d.Matched < 0 && matchesAny(v1, want) {
			d.Matched = i
		}
	}

	if d.Problem != ProblemNone {
		// The clock is the verdict, as in the library; say whether the
		// signature would otherwise pass, which narrows the fix to the clock.
		if d.Matched >= 0 {
			d.Hints = append(d.Hints, fmt.Sprintf("the signature itself is valid with secret %d: only the clock is wrong", d.Matched+1))
		} else {
			d.Hints = append(d.Hints, "the signature does not match any configured secret either")
		}
		d.Matched = -1
		return d
	}
	if d.Matched >= 0 {
		d.Verified = true
		return d
	}

	switch {
	case len(v1) == 0 && len(others) == 0:
		d.Problem = ProblemMalformedSignature
		d.Reason = fmt.Sprintf("%s holds no version,signature pair", set.sig)
		d.Hints = append(d.Hints, fmt.Sprintf("the format is \"v1,<base64>\", several separated by single spaces; got %q", api.Clip(sig, 60)))
		if strings.Contains(sig, "v1=") {
			d.Hints = append(d.Hints, "this looks like Stripe's \"t=…,v1=…\" format, not Svix's")
		}
	case len(v1) == 0:
		d.Problem = ProblemUnsupportedVersion
		versions := uniqueClipped(others)
		if len(versions) == 1 && versions[0] == "v1a" {
			d.Reason = "only v1a signatures, which are asymmetric (ed25519) and not supported here"
			d.Hints = append(d.Hints, "configure the endpoint for symmetric signing (a whsec_ secret), which sends v1 signatures")
		} else {
			d.Reason = "only unsupported signature versions: " + strings.Join(versions, ", ")
			d.Hints = append(d.Hints, "this receiver verifies v1 (HMAC-SHA256) signatures")
		}
	default:
		d.Problem = ProblemNoMatch
		d.Reason = "no signature matched"
		diagnoseMismatch(&d, id, d.Timestamp, body, secrets, v1, malformed)
	}
	return d
}

func matchesAny(received [][]byte, want string) bool {
	w := []byte(want[len("v1,"):])
	for _, r := range received {
		if hmac.Equal(r, w) {
			return true
		}
	}
	return false
}

func diagnoseMissing(d *Diagnosis, h http.Header) {
	d.Problem = ProblemMissingHeader
	// Name the missing headers of whichever set the sender started to use.
	set := headerSets[0]
	present := func(s struct{ name, id, ts, sig string }) int {
		n := 0
		for _, k := range []string{s.id, s.ts, s.sig} {
			if h.Get(k) != "" {
				n++
			}
		}
		return n
	}
	if present(headerSets[1]) > present(headerSets[0]) {
		set = headerSets[1]
	}
	d.Headers = set.name
	d.ID = api.Clip(h.Get(set.id), 120)
	for _, k := range []string{set.id, set.ts, set.sig} {
		if h.Get(k) == "" {
			d.Missing = append(d.Missing, k)
		}
	}
	if len(d.Missing) == 3 {
		d.Reason = "missing headers svix-id, svix-timestamp and svix-signature (nor webhook-*)"
		d.Hints = append(d.Hints, "this request was not signed by Svix, or something between stripped its headers")
	} else {
		d.Reason = "missing header " + strings.Join(d.Missing, " and ")
		d.Hints = append(d.Hints, "a proxy, load balancer or framework may strip custom headers: make it pass "+set.id+", "+set.ts+" and "+set.sig+" through unchanged")
	}
	// A renamed header is a common proxy habit; point at it when it is there.
	for k := range h {
		norm := strings.ToLower(strings.ReplaceAll(k, "_", "-"))
		for _, m := range d.Missing {
			if norm != strings.ToLower(k) && norm == m {
				d.Hints = append(d.Hints, fmt.Sprintf("found %q: header names take hyphens, not underscores (nginx drops underscored headers unless underscores_in_headers is on)", api.Clip(k, 60)))
			} else if norm != m && strings.HasSuffix(norm, "-"+m) {
				d.Hints = append(d.Hints, fmt.Sprintf("found %q: something renamed %s on the way", api.Clip(k, 60), m))
			}
		}
	}
}

func diagnoseMismatch(d *Diagnosis, id string, ts time.Time, body []byte, secrets []SigningSecret, v1 [][]byte, malformed int) {
	for _, r := range v1 {
		if len(r) != base64.StdEncoding.EncodedLen(sha256.Size) {
			d.Hints = append(d.Hints, fmt.Sprintf("a received v1 signature is %d characters long, not 44: it was cut or mangled on the way", len(r)))
			break
		}
	}

	if v, i := matchingBodyVariant(id, ts, body, secrets, v1); v != nil {
		d.BodyVariant = v.name
		d.Reason = "no signature matched: the body was changed after signing"
		if v.reserialized {
			d.Reason = "no signature matched: the body was re-serialized after signing"
		}
		d.Hints = append([]string{fmt.Sprintf("the signature matches this body %s, with secret %d: something between the signer and here changed the bytes, and the signature covers the exact bytes", v.name, i+1)}, d.Hints...)
		return
	}
	if name, i := matchingKeyVariant(id, ts, body, secrets, v1); name != "" {
		d.Reason = "no signature matched: the signer used the secret's text as the key"
		d.Hints = append([]string{fmt.Sprintf("the signature matches an HMAC keyed with %s of secret %d: the signer must base64-decode the part after whsec_ and use those bytes as the key", name, i+1)}, d.Hints...)
		return
	}

	if len(body) == 0 {
		d.Hints = append(d.Hints, "the body is empty: something consumed or dropped it before it arrived")
	} else {
		d.Hints = append(d.Hints, "if the secret is right, the body received differs from what was signed: a proxy or framework that parses and re-encodes JSON, trims it, or changes its charset breaks the signature")
	}
	for i, s := range secrets {
		if s.NoPrefix {
			d.Hints = append(d.Hints, fmt.Sprintf("secret %d has no whsec_ prefix; it was used as base64, but check it is the endpoint's signing secret", i+1))
		}
	}
	d.Hints = append(d.Hints, "if you have several endpoints, check this is the secret of the endpoint that sent it; after a rotation, pass both: --secret NEW --secret OLD")
	if malformed > 0 {
		d.Hints = append(d.Hints, fmt.Sprintf("%d entries of the signature header were not version,signature pairs and were skipped", malformed))
	}
}

// matchingBodyVariant tries the ways a body commonly changes after signing
// (re-encoded JSON, an added or lost newline, converted line endings) and
// returns the first whose signature was received, with the secret's index.
func matchingBodyVariant(id string, ts time.Time, body []byte, secrets []SigningSecret, v1 [][]byte) (*bodyVariant, int) {
	for _, v := range bodyVariants(body) {
		for i, s := range secrets {
			want, _ := s.wh.Sign(id, ts, v.body)
			if matchesAny(v1, want) {
				return &v, i
			}
		}
	}
	return nil, -1
}

func matchingKeyVariant(id string, ts time.Time, body []byte, secrets []SigningSecret, v1 [][]byte) (string, int) {
	for i, s := range secrets {
		keys := []struct{ name, key string }{{"the text", s.text}}
		if !s.NoPrefix {
			keys[0].name = "the text after whsec_"
			keys = append(keys, struct{ name, key string }{"the whole text, whsec_ included,", "whsec_" + s.text})
		}
		for _, k := range keys {
			wh, err := svix.NewWebhookRaw([]byte(k.key))
			if err != nil {
				continue
			}
			want, _ := wh.Sign(id, ts, body)
			if matchesAny(v1, want) {
				return k.name, i
			}
		}
	}
	return "", -1
}

// fmtSkew prints a clock difference the way a person reads it: "10m3s",
// "3h0m12s", "2d4h" for days.
func fmtSkew(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	if d >= 48*time.Hour {
		days := d / (24 * time.Hour)
		return fmt.Sprintf("%dd%dh", days, (d-days*24*time.Hour)/time.Hour)
	}
	return d.String()
}

func parseReceived(sig string) []ReceivedSignature {
	var out []ReceivedSignature
	for _, entry := range strings.Split(sig, " ") {
		if entry == "" {
			continue
		}
		if len(out) == maxShownSignatures {
			out = append(out, ReceivedSignature{Value: "…"})
			break
		}
		version, value, ok := strings.Cut(entry, ",")
		if !ok {
			version, value = "", entry
		} else if i := strings.IndexByte(value, ','); i >= 0 {
			value = value[:i]
		}
		out = append(out, ReceivedSignature{Version: api.Clip(version, 12), Value: api.Clip(value, maxShownSigLen)})
	}
	return out
}

func uniqueClipped(vs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vs {
		v = api.Clip(v, 12)
		if v == "" {
			v = `""`
		}
		if !seen[v] && len(out) < 5 {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

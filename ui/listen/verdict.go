package listen

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// verdict is the list's word on a request: "✓ secret 1" or "✗" and the
// refusal in a few words; the detail has the whole reason.
func verdict(d *listen.Request) string {
	if d.Verified {
		return "✓ secret " + strconv.Itoa(d.MatchedSecret+1)
	}
	return "✗ " + shortReason(d)
}

func shortReason(d *listen.Request) string {
	c := d.Check
	switch d.Problem {
	case listen.ProblemMissingHeader:
		if c != nil && len(c.Missing) == 1 {
			return "no " + c.Missing[0]
		}
		return "no svix headers"
	case listen.ProblemBadTimestamp:
		return "bad timestamp"
	case listen.ProblemTooOld:
		if c != nil && c.Skew > 0 {
			return "stale by " + common.Duration(c.Skew)
		}
		return "timestamp too old"
	case listen.ProblemTooNew:
		if c != nil && c.Skew < 0 {
			return "ahead by " + common.Duration(-c.Skew)
		}
		return "timestamp ahead"
	case listen.ProblemMalformedSignature:
		return "malformed signature"
	case listen.ProblemUnsupportedVersion:
		return "unsupported signature"
	case listen.ProblemNoMatch:
		switch {
		case c != nil && c.BodyVariant != "":
			return "body changed after signing"
		case strings.Contains(d.Reason, "secret's text"):
			return "signed with the wrong key form"
		}
		return "signature mismatch"
	case listen.ProblemMethod:
		return d.Method + " is not POST"
	case listen.ProblemTooLarge:
		return "body too large"
	case listen.ProblemUnreadable:
		return "unreadable body"
	case listen.ProblemLoop:
		return "forward loop"
	case listen.ProblemNoSecret:
		return "no secret configured"
	case listen.ProblemInternal:
		return "internal error (a bug)"
	}
	return api.Clip(d.Reason, 30)
}

// handlerCell is the forward's outcome in a few cells ("→ 200 12ms"), ""
// when the request was not forwarded, and whether it went well.
func handlerCell(d *listen.Request) (string, bool) {
	f := d.Forward
	switch {
	case d.Simulated:
		return "demo failure", false
	case f == nil:
		return "", true
	case f.Status == 0:
		switch d.Status {
		case http.StatusGatewayTimeout:
			return "→ timed out", false
		case http.StatusBadGateway:
			return "→ unreachable", false
		case http.StatusServiceUnavailable:
			return "→ stopped", false
		}
		return "→ no answer", false
	}
	return "→ " + strconv.Itoa(f.Status) + " " + latency(f.Latency), f.Status >= 200 && f.Status < 300
}

// latency reads "0.4ms", "12ms" or "1.3s": loopback handlers answer in
// well under a millisecond, and that is worth seeing.
func latency(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}

// okStatus is a status Svix counts as a success.
func okStatus(s int) bool { return s >= 200 && s < 300 }

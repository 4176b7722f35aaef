package listen

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// PlainLines is how `aspect-tui listen` prints a request on a pipe: one
// line, then, for a refusal or a handler's answer, indented lines with
// what to check.
func PlainLines(d Request) string {
	var b strings.Builder
	event := orDash(d.EventType)
	id := orDash(api.Clip(d.SvixID, 40))
	fmt.Fprintf(&b, "%s  #%d  %s %s  %s  %s  ", d.Time.Format("15:04:05.000"), d.Seq, d.Method, api.Clip(d.Path, 80), event, id)
	switch {
	case d.Verified:
		fmt.Fprintf(&b, "✓ verified (secret %d)", d.MatchedSecret+1)
	default:
		fmt.Fprintf(&b, "✗ %s", d.Reason)
	}
	fmt.Fprintf(&b, "  → %d", d.Status)
	switch f := d.Forward; {
	case d.Simulated:
		b.WriteString(" (demo failure)")
	case f != nil && f.Err != "" && f.Status == 0:
		fmt.Fprintf(&b, " (handler: %s)", f.Err)
	case f != nil:
		fmt.Fprintf(&b, " from handler in %s", roundLatency(f.Latency))
	}
	if d.DuplicateOf > 0 {
		fmt.Fprintf(&b, "  (repeat of #%d: a retry or a resend)", d.DuplicateOf)
	}
	if d.FromHere {
		b.WriteString("  (re-delivered by " + sentByHere + ", not by Svix)")
	}
	b.WriteByte('\n')

	if f := d.Forward; f != nil && f.Status != 0 && strings.TrimSpace(f.Body) != "" {
		fmt.Fprintf(&b, "    handler said: %s\n", api.Clip(f.Body, 200))
	}
	if c := d.Check; c != nil && !d.Verified && c.Problem == ProblemNoMatch {
		fmt.Fprintf(&b, "    signed content: %s<body, %d bytes>\n", c.SignedPrefix, len(d.Body))
		for _, s := range c.Received {
			fmt.Fprintf(&b, "    received:  %s,%s\n", s.Version, s.Value)
		}
		for _, e := range c.Expected {
			fmt.Fprintf(&b, "    secret %d (%s) computes: %s\n", e.Secret+1, e.Masked, e.Signature)
		}
	}
	for _, h := range d.Hints {
		fmt.Fprintf(&b, "    hint: %s\n", h)
	}
	return b.String()
}

// sentByHere names who sent a re-delivery from a developer's machine.
const sentByHere = "aspect-tui from a developer's machine"

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func roundLatency(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

// jsonLine is one line of `listen --json`. matched_secret counts from 1,
// as the --secret flags are numbered in messages; null means none matched.
type jsonLine struct {
	Seq           int             `json:"seq"`
	Time          string          `json:"time"`
	Method        string          `json:"method"`
	Path          string          `json:"path"`
	SvixID        string          `json:"svix_id"`
	EventType     string          `json:"event_type"`
	Size          int64           `json:"size"`
	Verified      bool            `json:"verified"`
	Problem       string          `json:"problem"`
	Reason        string          `json:"reason"`
	Hints         []string        `json:"hints"`
	MatchedSecret *int            `json:"matched_secret"`
	Status        int             `json:"status"`
	DuplicateOf   *int            `json:"duplicate_of"`
	Simulated     bool            `json:"simulated,omitempty"`
	SentBy        string          `json:"sent_by,omitempty"` // "aspect-tui from a developer's machine" for a re-delivery
	ForwardStatus *int            `json:"forward_status"`
	ForwardMS     *float64        `json:"forward_ms"`
	ForwardError  string          `json:"forward_error,omitempty"`
	ForwardBody   string          `json:"forward_body,omitempty"`
	DurationMS    float64         `json:"duration_ms"`
	Signatures    *signaturesJSON `json:"signatures,omitempty"`
}

type signaturesJSON struct {
	SignedPrefix string         `json:"signed_prefix"`
	Received     []string       `json:"received"`
	Expected     []expectedJSON `json:"expected"`
}

type expectedJSON struct {
	Secret    int    `json:"secret"`
	Masked    string `json:"masked"`
	Signature string `json:"signature"`
}

// WriteJSON writes a request as one line of `listen --json`, for jq and
// scripts.
func WriteJSON(w io.Writer, d Request) error {
	j := jsonLine{
		Seq:        d.Seq,
		Time:       d.Time.Format(time.RFC3339Nano),
		Method:     d.Method,
		Path:       d.Path,
		SvixID:     d.SvixID,
		EventType:  d.EventType,
		Size:       d.Size,
		Verified:   d.Verified,
		Problem:    string(d.Problem),
		Reason:     d.Reason,
		Hints:      append([]string{}, d.Hints...),
		Status:     d.Status,
		Simulated:  d.Simulated,
		DurationMS: ms(d.Duration),
	}
	if d.FromHere {
		j.SentBy = sentByHere
	}
	if d.MatchedSecret >= 0 {
		n := d.MatchedSecret + 1
		j.MatchedSecret = &n
	}
	if d.DuplicateOf > 0 {
		j.DuplicateOf = &d.DuplicateOf
	}
	if f := d.Forward; f != nil {
		if f.Status != 0 {
			j.ForwardStatus = &f.Status
		}
		v := ms(f.Latency)
		j.ForwardMS = &v
		j.ForwardError = f.Err
		j.ForwardBody = f.Body
	}
	if c := d.Check; c != nil && !d.Verified && c.SignedPrefix != "" {
		s := &signaturesJSON{SignedPrefix: c.SignedPrefix, Received: []string{}, Expected: []expectedJSON{}}
		for _, r := range c.Received {
			s.Received = append(s.Received, r.Version+","+r.Value)
		}
		for _, e := range c.Expected {
			s.Expected = append(s.Expected, expectedJSON{Secret: e.Secret + 1, Masked: e.Masked, Signature: e.Signature})
		}
		j.Signatures = s
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

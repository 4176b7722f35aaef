// Package webhooks is what the webhook panes share: the part of the API
// client they call, how an attempt reads on screen (status, latency,
// trigger, endpoint), finding the messages attempts belong to, and the
// resend tracker that makes a key pressed twice send once.
package webhooks

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// Client is the part of api.Client the webhook panes use.
type Client interface {
	ListEndpoints(ctx context.Context) ([]api.Endpoint, error)
	CreateEndpoint(ctx context.Context, in api.EndpointIn) (api.EndpointCreated, error)
	UpdateEndpoint(ctx context.Context, id string, in api.EndpointIn) (api.Endpoint, error)
	DeleteEndpoint(ctx context.Context, id string) error
	EndpointStats(ctx context.Context, endpointID string, since time.Time) (api.Stats, error)
	SendTest(ctx context.Context, endpointID, eventType string) (string, error)
	Recover(ctx context.Context, endpointID string, since time.Time, until *time.Time) (api.RecoverOut, error)
	ListAttempts(ctx context.Context, q api.AttemptQuery) ([]api.Attempt, error)
	ListMessages(ctx context.Context, q api.MessageQuery) ([]api.Message, error)
	Message(ctx context.Context, id string) (api.Message, error)
	Resend(ctx context.Context, messageID, endpointID string) error
}

// CallTimeout bounds one pane's fetch or action.
const CallTimeout = 20 * time.Second

// Pair is a message's delivery to one endpoint: what a resend resends and
// what a timeline shows.
type Pair struct{ Msg, Endpoint string }

// PairOf is the attempt's message and endpoint.
func PairOf(a api.Attempt) Pair { return Pair{a.MsgID, a.EndpointID} }

// Status is an attempt's outcome as a glyph and a word or code, and the
// paint it reads in: "✓ 204", "✗ 500", "✗ no answer", "◌ sending".
func Status(th *theme.Theme, a api.Attempt) (string, theme.Paint) {
	code := "no answer"
	if a.ResponseStatusCode > 0 {
		code = strconv.Itoa(a.ResponseStatusCode)
	}
	switch a.Status {
	case api.AttemptSuccess:
		return "✓ " + code, th.OKP
	case api.AttemptFailed:
		return "✗ " + code, th.ErrorP
	case api.AttemptPending:
		return "◌ pending", th.MutedP
	case api.AttemptSending:
		return "◌ sending", th.MutedP
	case api.AttemptCanceled:
		return "⊘ canceled", th.WarnP
	}
	return "? " + api.Clean(a.Status.String()), th.WarnP
}

// Latency is how long the endpoint took: "85ms", "1.2s", "15s".
func Latency(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case ms <= 0:
		return "–"
	case d < time.Second:
		return strconv.FormatInt(ms, 10) + "ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return common.Duration(d)
}

// Trigger is "scheduled" (a first try or a retry) or "manual" (a resend).
// A re-delivery aspect-tui made itself reads "from here": Aspect did
// not make it.
func Trigger(a api.Attempt) string {
	if a.FromHere {
		return "from here"
	}
	return api.Clean(a.TriggerType.String())
}

// Label is an endpoint's URL as a column shows it: without "https://".
func Label(url string) string { return strings.TrimPrefix(api.Clean(url), "https://") }

// Stamp is a time of day for a row, in local time.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Local().Format("15:04:05")
}

// Numbers counts, for each attempt, the attempts of the same message to
// the same endpoint no newer than it among as: its attempt number as far
// as as shows.
func Numbers(as []api.Attempt) map[string]int {
	byPair := map[Pair][]api.Attempt{}
	for _, a := range as {
		p := PairOf(a)
		byPair[p] = append(byPair[p], a)
	}
	out := make(map[string]int, len(as))
	for _, list := range byPair {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Timestamp.Before(list[j].Timestamp.Time) })
		for i, a := range list {
			out[a.ID] = i + 1
		}
	}
	return out
}

// NewestFirst sorts attempts newest first, ids breaking ties so the order
// is stable between refreshes.
func NewestFirst(as []api.Attempt) {
	sort.SliceStable(as, func(i, j int) bool {
		if !as[i].Timestamp.Equal(as[j].Timestamp.Time) {
			return as[i].Timestamp.After(as[j].Timestamp.Time)
		}
		return as[i].ID > as[j].ID
	})
}

// MaxMessagesRead bounds how many messages one lookup reads, and
// maxWindows how many time windows it reads them in.
const (
	MaxMessagesRead = 2000
	maxWindows      = 4
)

// FindMessages reads the messages that attempts belong to. There is no
// route for one message, so it lists messages in the windows of time the
// wanted ones fall in (want maps an id to its earliest attempt: a message
// is made just before its first try) and keeps those asked for. Those not
// found are left out.
func FindMessages(ctx context.Context, c Client, want map[string]time.Time) (map[string]api.Message, error) {
	out := map[string]api.Message{}
	if len(want) == 0 {
		return out, nil
	}
	times := make([]time.Time, 0, len(want))
	for _, t := range want {
		times = append(times, t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].After(times[j]) })
	// Windows of nearby times, newest first: one long window over hours
	// would spend the read budget on messages nobody asked for.
	type window struct{ lo, hi time.Time }
	var ws []window
	for _, t := range times {
		if n := len(ws); n > 0 && ws[n-1].lo.Sub(t) < 5*time.Minute {
			ws[n-1].lo = t
			continue
		}
		if len(ws) == maxWindows {
			ws[len(ws)-1].lo = times[len(times)-1]
			break
		}
		ws = append(ws, window{lo: t, hi: t})
	}
	var firstErr error
	for _, w := range ws {
		// The slack covers clocks that differ and a first try that waited
		// for its rate-limit slot.
		q := api.MessageQuery{After: w.lo.Add(-2 * time.Minute), Before: w.hi.Add(2 * time.Second), Limit: 250, Max: MaxMessagesRead / len(ws)}
		if w.lo.IsZero() {
			q.After, q.Before = time.Time{}, time.Time{}
		}
		ms, err := c.ListMessages(ctx, q)
		for _, m := range ms {
			if _, ok := want[m.ID]; ok {
				out[m.ID] = m
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if len(out) == len(want) {
			break
		}
	}
	return out, firstErr
}

// Earliest is, for each message id, the time of its earliest attempt
// among as: the latest its message can have been made.
func Earliest(as []api.Attempt, skip func(id string) bool) map[string]time.Time {
	out := map[string]time.Time{}
	for _, a := range as {
		if a.MsgID == "" || (skip != nil && skip(a.MsgID)) {
			continue
		}
		if t, ok := out[a.MsgID]; !ok || a.Timestamp.Before(t) {
			out[a.MsgID] = a.Timestamp.Time
		}
	}
	return out
}

// OpenAttemptMsg asks the root to open an attempt whole. Message is the
// attempt's message when the asking pane holds it.
type OpenAttemptMsg struct {
	Attempt api.Attempt
	Message *api.Message
}

// GoToTaskMsg asks the root to select a task in the grid.
type GoToTaskMsg struct{ TaskID string }

// WatchMsg asks the deliveries pane to show every attempt of a message to
// an endpoint, whatever its filter: what the user just did (a test event,
// a resend) and how it went.
type WatchMsg struct{ Pair Pair }

// Took is how long the endpoint took to answer; an answer in under a
// millisecond (loopback) reads "<1ms", no answer at all "–".
func Took(a api.Attempt) string {
	if a.ResponseDurationMs <= 0 && a.ResponseStatusCode > 0 {
		return "<1ms"
	}
	return Latency(a.ResponseDurationMs)
}

// FitURL is an endpoint URL in at most w cells: without "https://", and
// when still too long, its host, "…" and as much of the end of its path as
// fits, since the host and the last segment tell endpoints apart.
func FitURL(u string, w int) string {
	s := Label(u)
	if common.Width(s) <= w || w < 8 {
		return common.Clip(s, w)
	}
	rest := s
	scheme := ""
	if i := strings.Index(rest, "://"); i >= 0 {
		scheme, rest = rest[:i+3], rest[i+3:]
	}
	host, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	head := scheme + host
	if path == "" {
		return common.Clip(s, w)
	}
	if common.Width(head)+2 > w {
		// Too narrow for the host: the end of the URL differs most.
		r := []rune(s)
		return "…" + string(r[max(0, len(r)-(w-1)):])
	}
	tail := []rune(path)
	room := w - common.Width(head) - 1
	if len(tail) > room {
		tail = tail[len(tail)-room:]
	}
	return head + "…" + string(tail)
}

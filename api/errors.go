package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// FieldError is one entry of a FastAPI 422 detail list.
type FieldError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// Where joins the location ("body.url").
func (f FieldError) Where() string {
	parts := make([]string, 0, len(f.Loc))
	for _, p := range f.Loc {
		parts = append(parts, Clean(fmt.Sprint(p)))
	}
	return strings.Join(parts, ".")
}

// Error is what every failed call returns: it names the route and URL, and
// its message says what the user can do about it.
type Error struct {
	Route      Route
	URL        string        // the request URL, query included (it never holds a secret)
	Status     int           // HTTP status; 0 when no answer came
	Detail     string        // the API's detail text, sanitized
	Code       string        // Svix's error code ("not_found", ...), sanitized; "" from FastAPI
	Fields     []FieldError  // the 422 detail list
	RetryAfter time.Duration // what the server asked us to wait, if it did
	Attempts   int           // how many requests were sent
	Err        error         // the transport or decoding error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Status > 0 {
		fmt.Fprintf(&b, "%d from %s %s: ", e.Status, e.Route.Method, e.URL)
	} else {
		fmt.Fprintf(&b, "%s %s: ", e.Route.Method, e.URL)
	}
	b.WriteString(e.advice())
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *Error) advice() string {
	detail := ""
	switch {
	case e.Detail != "" && e.Code != "":
		detail = ": " + e.Detail + " (code " + e.Code + ")"
	case e.Detail != "":
		detail = ": " + e.Detail
	case e.Code != "":
		detail = ": code " + e.Code
	}
	switch {
	case e.Status == 0 && e.Err != nil:
		return transportAdvice(e.Err, e.Route.Method)
	case e.Status == http.StatusUnauthorized:
		return "the API key was refused; set ASPECT_API_KEY (or api_key in the config file) to a valid sk_ key" + detail
	case e.Status == http.StatusForbidden:
		return "the API key is not allowed to use this route" + detail
	case IsNotOffered(e):
		return "this API does not offer " + e.Route.Path + " (a route aspect-tui assumes but Aspect does not document)"
	case e.Status == http.StatusNotFound && e.Route.Documented && (e.Detail == "" || strings.EqualFold(e.Detail, "Not Found")):
		return "the server has no such route: check that the API URL (ASPECT_API_URL or --api-url) points at Aspect's API"
	case e.Status == http.StatusNotFound:
		return "not found" + detail
	case e.Status == http.StatusMethodNotAllowed:
		return "the server does not accept " + e.Route.Method + " on " + e.Route.Path + ": check that the API URL (ASPECT_API_URL or --api-url) points at Aspect's API"
	case e.Status == http.StatusUnprocessableEntity:
		if len(e.Fields) > 0 {
			parts := make([]string, 0, len(e.Fields))
			for _, f := range e.Fields {
				parts = append(parts, f.Where()+": "+Clean(f.Msg))
			}
			return "the API rejected the request: " + strings.Join(parts, "; ")
		}
		return "the API rejected the request" + detail
	case e.Status == http.StatusTooManyRequests:
		s := "rate limited by the API"
		if e.RetryAfter > 0 {
			s += "; it asks to wait " + e.RetryAfter.Round(time.Second).String()
		}
		return s + detail
	case e.Status >= 500:
		return "the API failed; try again later" + detail
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		return "the answer was cut short: the connection closed before it was complete; try again"
	case e.Err != nil:
		return "the answer is not what aspect-tui expects: " + Clip(e.Err.Error(), 200)
	}
	return "unexpected answer" + detail
}

// Brief is err for a narrow pane: what happened and what to do first,
// then the status and the route, without the host (the header shows it).
// Other errors come back cleaned.
func Brief(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return Clean(err.Error())
	}
	var b strings.Builder
	b.WriteString(e.advice())
	b.WriteString(" (")
	if e.Status > 0 {
		fmt.Fprintf(&b, "%d from ", e.Status)
	}
	path := e.Route.Path
	if u, perr := url.Parse(e.URL); perr == nil && u.Path != "" {
		path = u.EscapedPath()
	}
	b.WriteString(e.Route.Method + " " + path)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, ", %d attempts", e.Attempts)
	}
	b.WriteString(")")
	return Clean(b.String())
}

func transportAdvice(err error, method string) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time (the server accepted the request but did not reply); check the API URL and your network"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &dnsErr):
		return "cannot resolve host " + Clean(dnsErr.Name) + "; check the API URL (ASPECT_API_URL) and your DNS"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused; is the server running at that address? (check ASPECT_API_URL)"
	case errors.As(err, &opErr) && opErr.Timeout():
		return "timed out connecting; check the API URL and your network"
	}
	// The transport's own wait for an answer (its response header timeout)
	// ends in a timeout of its own kind.
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "no answer in time (the server accepted the request but did not reply); check the API URL and your network"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		if method == http.MethodPost {
			return "the connection closed before an answer came: the change may or may not have been made; check before trying again"
		}
		return "the connection closed before an answer came; try again (the server or a proxy cut it)"
	}
	return "request failed: " + Clip(err.Error(), 200)
}

func (e *Error) Unwrap() error { return e.Err }

// StatusOf is the HTTP status an error carries, or 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// IsUnauthorized reports a 401 or 403: retrying will not help until the user
// changes the key.
func IsUnauthorized(err error) bool {
	s := StatusOf(err)
	return s == http.StatusUnauthorized || s == http.StatusForbidden
}

// IsNotOffered reports a 404 or 405 on an assumed route: the API does not
// have the route, so the feature that needs it should be hidden, not
// retried. A 404 that names what was not found ("Endpoint not found") is
// about an id, not the route; FastAPI answers an unknown route with the
// bare "Not Found", and a path it serves for other methods only (GET
// /webhooks/endpoints beside POST) with 405.
func IsNotOffered(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Route.Documented {
		return false
	}
	switch e.Status {
	case http.StatusMethodNotAllowed:
		return true
	case http.StatusNotFound:
		return e.Detail == "" || strings.EqualFold(e.Detail, "Not Found")
	}
	return false
}

// RetryAfterOf is the wait a 429 or 503 asked for, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// ParseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// It returns 0 when absent or unreadable.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// readErrorBody fills e's Detail, Code and Fields from an error answer.
func (e *Error) readErrorBody(body []byte) {
	e.Detail, e.Code, e.Fields = errorBody(body)
}

// errorBody reads FastAPI's {"detail": "text"} or {"detail": [{loc, msg,
// type}]}, and Svix's {"code": "...", "detail": "text"}; any other body
// becomes the detail, cut short.
func errorBody(body []byte) (detail, code string, fields []FieldError) {
	var w struct {
		Detail json.RawMessage `json:"detail"`
		Code   json.RawMessage `json:"code"`
	}
	if json.Unmarshal(body, &w) == nil && (len(w.Detail) > 0 || len(w.Code) > 0) {
		var c string
		if json.Unmarshal(w.Code, &c) == nil {
			code = Clip(c, 60)
		}
		var s string
		switch {
		case len(w.Detail) == 0 || string(w.Detail) == "null":
		case json.Unmarshal(w.Detail, &s) == nil:
			detail = Clip(s, 300)
		case json.Unmarshal(w.Detail, &fields) == nil:
		default:
			detail = Clip(string(w.Detail), 300)
		}
		if detail != "" || code != "" || fields != nil || len(w.Detail) > 0 {
			return detail, code, fields
		}
	}
	text := strings.TrimSpace(string(body))
	if strings.HasPrefix(text, "<") {
		text = htmlText(text)
	}
	return Clip(text, 300), "", nil
}

// htmlText is the words of an HTML error page (a proxy's "502 Bad
// Gateway"), without its tags.
func htmlText(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

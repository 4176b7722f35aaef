package feed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// eventsSource opens the stream: at the client's own /events, or at
// Options.EventsURL.
type eventsSource struct {
	c      *api.Client
	target string // the stream's URL; "" when EventsURL could not be read
	label  string // how reasons name it: its path on the API's host, else the whole URL
	err    error  // why EventsURL could not be read
	key    string
	hc     *http.Client
	own    *http.Transport // made here when no HTTPClient was given; closed at the end
}

func newEventsSource(c *api.Client, o Options) eventsSource {
	s := eventsSource{c: c, key: o.APIKey, hc: o.HTTPClient}
	base := c.BaseURL()
	if o.EventsURL == "" {
		s.target = strings.TrimRight(base, "/") + api.RouteByName(api.RouteEvents).Path
	} else if s.target, s.err = ResolveEventsURL(base, o.EventsURL); s.err != nil {
		s.label = api.Clip(o.EventsURL, 80)
		return s
	}
	s.label = eventsLabel(base, s.target)
	if o.EventsURL != "" && s.hc == nil {
		s.own = api.NewTransport()
		s.hc = &http.Client{Transport: s.own}
	}
	return s
}

// ResolveEventsURL is where the stream lives given the API's base URL and
// the events_path setting: an absolute http(s) URL as it is, or a path
// joined to the base URL's own path ("/v2/events" on
// https://api.aspect.inc/api is https://api.aspect.inc/api/v2/events).
func ResolveEventsURL(base, events string) (string, error) {
	events = strings.TrimSpace(events)
	u, err := url.Parse(events)
	if err != nil || events == "" {
		return "", fmt.Errorf("events URL %q is neither a URL nor a path", api.Clip(events, 80))
	}
	if u.IsAbs() {
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return "", fmt.Errorf("events URL %q must be http:// or https://, or a path", api.Clip(events, 80))
		}
		if u.User != nil {
			return "", errors.New("events URL must not hold credentials; the API key is sent as a Bearer token")
		}
		return u.String(), nil
	}
	if u.Host != "" {
		return "", fmt.Errorf("events URL %q must be an absolute URL or a path", api.Clip(events, 80))
	}
	b, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return "", fmt.Errorf("API URL %q is not a URL: %v", api.Clip(base, 80), err)
	}
	b.Path = strings.TrimRight(b.Path, "/") + "/" + strings.TrimLeft(u.Path, "/")
	b.RawPath = ""
	b.RawQuery = u.RawQuery
	return b.String(), nil
}

// eventsLabel names the stream in a reason: its path when it is on the
// API's host, else the URL without its query.
func eventsLabel(base, target string) string {
	b, errB := url.Parse(base)
	t, errT := url.Parse(target)
	if errB != nil || errT != nil {
		return api.Clip(target, 80)
	}
	t.RawQuery = ""
	if t.Host == b.Host && t.Scheme == b.Scheme {
		return t.EscapedPath()
	}
	return api.Clip(t.String(), 80)
}

// open opens the stream, resuming after lastID when set: what
// api.Client.OpenEvents does, at EventsURL when one is set.
func (s *eventsSource) open(ctx context.Context, lastID string) (*http.Response, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.hc == nil {
		return s.c.OpenEvents(ctx, lastID)
	}
	rt := api.RouteByName(api.RouteEvents)
	fail := func(status int, err error) *api.Error {
		return &api.Error{Route: rt, URL: s.target, Status: status, Attempts: 1, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.target, nil)
	if err != nil {
		return nil, fail(0, err)
	}
	if s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	req.Header.Set("User-Agent", "aspect-tui")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return nil, fail(0, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		e := fail(resp.StatusCode, nil)
		e.Detail = errorDetail(data)
		e.RetryAfter = api.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return nil, e
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		resp.Body.Close()
		// The words api.Client.OpenEvents uses, so that one reading serves both.
		return nil, fail(resp.StatusCode, fmt.Errorf("expected Content-Type text/event-stream, got %q", api.Clip(ct, 60)))
	}
	return resp, nil
}

// close frees the connections of a transport made here.
func (s *eventsSource) close() {
	if s.own != nil {
		s.own.CloseIdleConnections()
	}
}

// errorDetail is FastAPI's {"detail": "text"}, or the body's text.
func errorDetail(body []byte) string {
	var w struct {
		Detail any `json:"detail"`
	}
	if json.Unmarshal(body, &w) == nil && w.Detail != nil {
		if s, ok := w.Detail.(string); ok {
			return api.Clip(api.Clean(s), 300)
		}
	}
	text := strings.TrimSpace(string(body))
	if strings.HasPrefix(text, "<") {
		return "" // an HTML page says nothing the status does not
	}
	return api.Clip(api.Clean(text), 300)
}

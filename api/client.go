package api

import (
	"bytes"
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
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// DefaultBaseURL is Aspect's API.
const DefaultBaseURL = "https://api.aspect.inc"

// maxBody bounds what one answer may hold; a list page is far smaller.
const maxBody = 32 << 20

// Client calls Aspect's API. It is safe for concurrent use.
//
// Timeouts sit on the transport (dial, TLS, response headers) and on each
// non-streaming call, never on the http.Client as a whole, so that the SSE
// stream from OpenEvents can live for hours.
type Client struct {
	base           *url.URL
	key            string
	hc             *http.Client
	userAgent      string
	maxAttempts    int
	maxRetryWait   time.Duration
	backoffInitial time.Duration
	backoffMax     time.Duration
	callTimeout    time.Duration
	maxPages       int
	onSkip         func(FieldSkip)
	// noMessageGet is set once GET /webhooks/messages/{id} proved missing,
	// so that later fetches go straight to searching the list.
	noMessageGet atomic.Bool
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient replaces the HTTP client (tests, proxies).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithUserAgent sets the User-Agent, normally "aspect-tui/<version>".
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithRetries bounds retries: at most attempts requests per call, and no
// single wait longer than maxWait (a longer Retry-After is returned to the
// caller as an error instead of blocking it).
func WithRetries(attempts int, maxWait time.Duration) Option {
	return func(c *Client) { c.maxAttempts, c.maxRetryWait = max(1, attempts), maxWait }
}

// WithBackoff sets the first and the largest wait between retries; each
// wait is jittered by ±50%.
func WithBackoff(initial, maximum time.Duration) Option {
	return func(c *Client) { c.backoffInitial, c.backoffMax = initial, maximum }
}

// WithCallTimeout bounds each non-streaming call whose context has no
// deadline of its own, retries included.
func WithCallTimeout(d time.Duration) Option { return func(c *Client) { c.callTimeout = d } }

// WithSkipReport receives each field the client could not read and left
// out (see FieldSkip), so that the screen can say what it is not showing.
// It is called from the goroutine that made the call, and from several at
// once when calls run concurrently.
func WithSkipReport(fn func(FieldSkip)) Option { return func(c *Client) { c.onSkip = fn } }

// NewTransport is the transport the client uses by default: bounded dial,
// TLS and header waits, no bound on reading a body (streams).
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   8,
		ForceAttemptHTTP2:     true,
		// An event stream at 1,000 events a second brings about 40 KB a
		// frame; the default 4 KB took ten reads to bring it in.
		ReadBufferSize: 64 << 10,
	}
}

// ValidateBaseURL checks that s is an absolute http or https URL.
func ValidateBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(s), "/"))
	if err != nil {
		return nil, fmt.Errorf("API URL %q is not a URL: %v", Clip(s, 80), err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("API URL %q must be an absolute http:// or https:// URL", Clip(s, 80))
	}
	if u.User != nil {
		return nil, fmt.Errorf("API URL must not hold credentials; set ASPECT_API_KEY instead")
	}
	return u, nil
}

// NewClient returns a client for the API at baseURL, authenticating with the
// Bearer key apiKey.
func NewClient(baseURL, apiKey string, opts ...Option) (*Client, error) {
	u, err := ValidateBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:           u,
		key:            apiKey,
		hc:             &http.Client{Transport: NewTransport()},
		userAgent:      "aspect-tui/dev",
		maxAttempts:    4,
		maxRetryWait:   30 * time.Second,
		backoffInitial: 250 * time.Millisecond,
		backoffMax:     5 * time.Second,
		callTimeout:    60 * time.Second,
		maxPages:       1000,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL is the API's base URL as configured.
func (c *Client) BaseURL() string { return c.base.String() }

// call is one route call: its parameters, query, body and what to decode.
// A loose call's answer (one object) is decoded field by field when it does
// not decode whole, each field left out reported (see FieldSkip).
type call struct {
	route  Route
	params []string
	query  url.Values
	body   any
	out    any
	loose  bool
	fast   func([]byte) bool // reads a 2xx answer first; false leaves it to out
}

func (c *Client) url(cl call) string {
	u := *c.base
	// Expand escapes each id; setting Path alone would escape it twice
	// ("a/b" would arrive as "a%252Fb").
	u.RawPath = strings.TrimRight(u.EscapedPath(), "/") + cl.route.Expand(cl.params...)
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	}
	u.RawQuery = cl.query.Encode()
	return u.String()
}

func (c *Client) newRequest(ctx context.Context, method, target string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, r)
	if err != nil {
		return nil, err
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// retryable says whether a failed attempt may be repeated. A 429 means the
// request was not processed, so any method may repeat it; a 5xx or a broken
// connection may have been processed, so only idempotent methods repeat
// (a resend sent twice is worse than an error the user can see).
func retryable(method string, status int, err error) bool {
	idempotent := method == http.MethodGet || method == http.MethodPut || method == http.MethodDelete
	var bad badAnswer
	switch {
	case errors.As(err, &bad):
		return false
	case err != nil:
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return false
		}
		return idempotent
	case status == http.StatusTooManyRequests:
		return true
	case status >= 500:
		return idempotent
	}
	return false
}

func (c *Client) do(ctx context.Context, cl call) error {
	for _, p := range cl.params {
		// An empty id would call a different route ("/tasks/") or none.
		if p == "" {
			return &Error{Route: cl.route, URL: c.base.String() + cl.route.Path, Err: fmt.Errorf("%s needs every id in %s; one is empty", cl.route.Name, cl.route.Path)}
		}
	}
	if _, ok := ctx.Deadline(); !ok && c.callTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.callTimeout)
		defer cancel()
	}
	var body []byte
	if cl.body != nil {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return fmt.Errorf("encoding %s request: %w", cl.route.Name, err)
		}
	}
	target := c.url(cl)
	bo := &backoff.ExponentialBackOff{
		InitialInterval:     c.backoffInitial,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         c.backoffMax,
	}
	bo.Reset()
	var answered *Error // the last attempt the server answered
	for attempt := 1; ; attempt++ {
		apiErr := c.once(ctx, cl, target, body)
		if apiErr == nil {
			return nil
		}
		apiErr.Attempts = attempt
		if ctx.Err() != nil && answered != nil {
			// The deadline cut a retry short: what the server said last
			// says more than "no answer in time".
			answered.Attempts = attempt
			return answered
		}
		if apiErr.Status != 0 {
			answered = apiErr
		}
		if ctx.Err() != nil || attempt >= c.maxAttempts || noRetry(ctx) || !retryable(cl.route.Method, apiErr.Status, apiErr.Err) {
			return apiErr
		}
		wait := bo.NextBackOff()
		if apiErr.RetryAfter > 0 {
			if apiErr.RetryAfter > c.maxRetryWait {
				return apiErr
			}
			wait = apiErr.RetryAfter
		}
		// Waiting past the deadline would only turn this answer into a
		// vaguer "no answer in time".
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return apiErr
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			apiErr.Err = ctx.Err()
			apiErr.Status = 0
			return apiErr
		case <-t.C:
		}
	}
}

// once sends one request and decodes its answer.
func (c *Client) once(ctx context.Context, cl call, target string, body []byte) *Error {
	fail := func(status int, err error) *Error {
		return &Error{Route: cl.route, URL: target, Status: status, Err: err}
	}
	req, err := c.newRequest(ctx, cl.route.Method, target, body)
	if err != nil {
		return fail(0, err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return fail(0, err)
	}
	defer resp.Body.Close()
	data, err := readBody(resp, maxBody+1)
	if err == nil && len(data) > maxBody {
		err = fmt.Errorf("answer larger than %d MiB", maxBody>>20)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := fail(resp.StatusCode, nil)
		e.readErrorBody(data)
		e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return e
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fail(0, ctxErr)
		}
		return fail(resp.StatusCode, fmt.Errorf("answer cut short: %w", err))
	}
	if cl.out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if cl.fast != nil && cl.fast(data) {
		return nil
	}
	if err := json.Unmarshal(data, cl.out); err != nil {
		if cl.loose {
			if skips, ok := decodeLoose(data, cl.out, 0); ok {
				c.reportSkips(cl.route, skips)
				return nil
			}
		}
		return fail(resp.StatusCode, decodeError(data, err))
	}
	return nil
}

func (c *Client) reportSkips(r Route, skips []FieldSkip) {
	if c.onSkip == nil {
		return
	}
	for _, s := range skips {
		s.Route = r.Name
		c.onSkip(s)
	}
}

// readBody reads at most limit bytes of an answer, into one buffer of the
// length it declares when it declares one. io.ReadAll's doubling allocated
// twice a large answer's size (7.5 MB of 20,000 tasks), and on a virtual
// machine putting fresh pages under a heap costs more than reading into
// them: at 20,000 tasks that was about a tenth of the start-up.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	n := resp.ContentLength
	if n <= 0 || n >= limit {
		return io.ReadAll(io.LimitReader(resp.Body, limit))
	}
	// Room for the read that finds the end, so the buffer never grows.
	buf := bytes.NewBuffer(make([]byte, 0, n+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, limit))
	return buf.Bytes(), err
}

// badAnswer is an answer that arrived whole but cannot be read: asking again
// would get the same answer, so it is not retried.
type badAnswer struct{ error }

func decodeError(data []byte, err error) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return badAnswer{fmt.Errorf("got HTML, not JSON (is the API URL right?): %s", Clip(string(trimmed), 80))}
	}
	return badAnswer{fmt.Errorf("%v in %s", err, Clip(string(trimmed), 120))}
}

// page is one page of a list: a bare array or {data, iterator, done}.
// Items with fields that cannot be read are kept without them, and the
// fields listed in skipped.
type page[T any] struct {
	items    []T
	iterator string
	done     bool
	skipped  []FieldSkip
}

func (p *page[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		p.done = true
		var err error
		p.skipped, err = decodeItems(b, &p.items)
		return err
	}
	var w struct {
		Data     json.RawMessage `json:"data"`
		Iterator *string         `json:"iterator"`
		Done     *bool           `json:"done"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if len(w.Data) == 0 {
		return errors.New("a list must be a JSON array or an object with data")
	}
	// "data": null is an empty page, as some serializers write an empty list.
	if !bytes.Equal(w.Data, []byte("null")) {
		var err error
		if p.skipped, err = decodeItems(w.Data, &p.items); err != nil {
			return err
		}
	}
	if w.Iterator != nil {
		p.iterator = *w.Iterator
	}
	// A page without "done" is the last one unless it names an iterator.
	p.done = p.iterator == ""
	if w.Done != nil {
		p.done = *w.Done || p.iterator == ""
	}
	return nil
}

// list follows iterators until done, a repeated iterator, or limit items
// (0: no limit).
func list[T any](ctx context.Context, c *Client, cl call, limit int) ([]T, error) {
	var all []T
	err := pages(ctx, c, cl, c.maxPages, func(items []T) bool {
		all = append(all, items...)
		return limit > 0 && len(all) >= limit
	})
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all, err
}

// pages reads at most maxPages pages, handing each page's items to visit
// until it returns true, the list is done, or an iterator repeats.
func pages[T any](ctx context.Context, c *Client, cl call, maxPages int, visit func([]T) bool) error {
	seen := map[string]bool{}
	query := cl.query
	if query == nil {
		query = url.Values{}
	}
	for pageNo := 0; pageNo < maxPages; pageNo++ {
		var p page[T]
		cl.query = query
		cl.out = &p
		if err := c.do(ctx, cl); err != nil {
			return err
		}
		c.reportSkips(cl.route, p.skipped)
		if visit(p.items) || p.done || seen[p.iterator] || len(p.items) == 0 {
			return nil
		}
		seen[p.iterator] = true
		query = cloneValues(query)
		query.Set("iterator", p.iterator)
	}
	return nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

func route(name string, params ...string) call {
	return call{route: RouteByName(name), params: params}
}

// ActiveTasks is the user's queued, processing and failed tasks.
func (c *Client) ActiveTasks(ctx context.Context) ([]Task, error) {
	return list[Task](ctx, c, route(RouteTasksActive), 0)
}

// Task fetches one task.
func (c *Client) Task(ctx context.Context, id string) (Task, error) {
	var t Task
	cl := route(RouteTaskGet, id)
	cl.out = &t
	cl.loose = true
	return t, c.do(ctx, cl)
}

// CreateTask starts processing features of an asset and returns the task id.
func (c *Client) CreateTask(ctx context.Context, assetID string, features []string) (string, error) {
	var out struct {
		TaskID      string `json:"task_id"`
		TaskIDCamel string `json:"taskId"`
	}
	cl := route(RouteTaskCreate)
	cl.body = map[string]any{"asset_id": assetID, "features": features}
	cl.out = &out
	err := c.do(ctx, cl)
	return first(out.TaskID, out.TaskIDCamel), err
}

// ListEndpoints lists the user's webhook endpoints.
func (c *Client) ListEndpoints(ctx context.Context) ([]Endpoint, error) {
	return list[Endpoint](ctx, c, route(RouteEndpointList), 0)
}

// CreateEndpoint creates an endpoint; the answer holds its secret, which is
// never returned again.
func (c *Client) CreateEndpoint(ctx context.Context, in EndpointIn) (EndpointCreated, error) {
	var out EndpointCreated
	cl := route(RouteEndpointCreate)
	cl.body = in
	cl.out = &out
	return out, c.do(ctx, cl)
}

// UpdateEndpoint replaces an endpoint's settings. A rate is sent only when
// in.RateLimit is set; build it from what was read with Endpoint.RateIn.
func (c *Client) UpdateEndpoint(ctx context.Context, id string, in EndpointIn) (Endpoint, error) {
	var out endpointAnswer
	cl := route(RouteEndpointUpdate, id)
	cl.body = in
	cl.out = &out
	if err := c.do(ctx, cl); err != nil {
		return Endpoint{}, err
	}
	if out.endpoint == nil {
		return Endpoint{ID: id}, nil
	}
	return *out.endpoint, nil
}

// endpointAnswer is an update's answer: {endpoint} as we assume Aspect
// wraps it, or Svix's bare endpoint.
type endpointAnswer struct{ endpoint *Endpoint }

func (a *endpointAnswer) UnmarshalJSON(b []byte) error {
	var w struct {
		Endpoint *Endpoint `json:"endpoint"`
		ID       string    `json:"id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	a.endpoint = w.Endpoint
	if a.endpoint == nil && w.ID != "" {
		a.endpoint = new(Endpoint)
		return json.Unmarshal(b, a.endpoint)
	}
	return nil
}

// DeleteEndpoint deletes an endpoint.
func (c *Client) DeleteEndpoint(ctx context.Context, id string) error {
	var out struct {
		Success *bool `json:"success"`
	}
	cl := route(RouteEndpointDelete, id)
	cl.out = &out
	if err := c.do(ctx, cl); err != nil {
		return err
	}
	if out.Success != nil && !*out.Success {
		return &Error{Route: cl.route, URL: c.url(cl), Status: http.StatusOK, Detail: "the API answered success: false"}
	}
	return nil
}

// MessageQuery filters ListMessages. Limit is the page size sent to the API;
// Max stops paging once that many messages are read (0: all).
type MessageQuery struct {
	EventType     string
	Before, After time.Time
	Limit, Max    int
}

// ListMessages lists recent webhook messages, newest first. It asks for
// their payloads (with_content=true); a message may still come without
// one (Message.HasPayload), and Client.Message fetches it.
func (c *Client) ListMessages(ctx context.Context, q MessageQuery) ([]Message, error) {
	return list[Message](ctx, c, messageList(q), q.Max)
}

func messageList(q MessageQuery) call {
	cl := route(RouteMessageList)
	cl.query = url.Values{}
	setIf(cl.query, "event_type", q.EventType)
	setTime(cl.query, "before", q.Before)
	setTime(cl.query, "after", q.After)
	setInt(cl.query, "limit", q.Limit)
	cl.query.Set("with_content", "true")
	return cl
}

// Searching the message list for one message reads at most this many pages
// of this many messages.
const (
	MessageSearchPages = 5
	messageSearchLimit = 100
)

// Message fetches one message with its payload: from GET
// /webhooks/messages/{message_id} (assumed, as Svix has it), or, where the
// API answers that with 404 or 405, by looking for the id in the newest
// MessageSearchPages pages of GET /webhooks/messages?with_content=true.
// A message found without a payload comes back as found (HasPayload is
// false): the API does not give it.
func (c *Client) Message(ctx context.Context, id string) (Message, error) {
	getRoute := RouteByName(RouteMessageGet)
	if !c.noMessageGet.Load() {
		var m Message
		cl := route(RouteMessageGet, id)
		cl.query = url.Values{"with_content": {"true"}}
		cl.out = &m
		cl.loose = true
		err := c.do(ctx, cl)
		status := StatusOf(err)
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return m, err
		}
		if IsNotOffered(err) {
			c.noMessageGet.Store(true)
		}
	}
	if id == "" {
		return Message{}, &Error{Route: getRoute, URL: c.base.String() + getRoute.Path, Err: errors.New("the message id is empty")}
	}
	var found *Message
	err := pages(ctx, c, messageList(MessageQuery{Limit: messageSearchLimit}), MessageSearchPages, func(ms []Message) bool {
		for i := range ms {
			if ms[i].ID == id {
				found = &ms[i]
				return true
			}
		}
		return false
	})
	switch {
	case found != nil:
		return *found, nil
	case err != nil:
		return Message{}, err
	}
	return Message{}, &Error{Route: getRoute, URL: c.url(route(RouteMessageGet, id)), Status: http.StatusNotFound,
		Detail: fmt.Sprintf("message %s is not among the newest %d messages, and the API has no GET %s to ask for it",
			Clip(id, 60), MessageSearchPages*messageSearchLimit, getRoute.Path)}
}

// AttemptQuery filters ListAttempts by message or endpoint (one is needed),
// and optionally by status.
type AttemptQuery struct {
	MessageID  string
	EndpointID string
	Status     *AttemptStatus
	Limit, Max int
}

// ListAttempts lists delivery attempts, newest first.
func (c *Client) ListAttempts(ctx context.Context, q AttemptQuery) ([]Attempt, error) {
	cl := route(RouteAttemptList)
	cl.query = url.Values{}
	setIf(cl.query, "message_id", q.MessageID)
	setIf(cl.query, "endpoint_id", q.EndpointID)
	if q.Status != nil {
		cl.query.Set("status", strconv.Itoa(int(*q.Status)))
	}
	setInt(cl.query, "limit", q.Limit)
	// Without it Svix reports a canceled attempt as 0, success.
	cl.query.Set("expanded_statuses", "true")
	return list[Attempt](ctx, c, cl, q.Max)
}

// EndpointDeliveries is the legacy per-endpoint attempts list.
func (c *Client) EndpointDeliveries(ctx context.Context, endpointID string, max int) ([]Attempt, error) {
	cl := route(RouteEndpointDeliveries, endpointID)
	cl.query = url.Values{"expanded_statuses": {"true"}}
	return list[Attempt](ctx, c, cl, max)
}

// Resend delivers a message to an endpoint again, once (a manual attempt is
// not retried).
func (c *Client) Resend(ctx context.Context, messageID, endpointID string) error {
	return c.do(ctx, route(RouteResend, messageID, endpointID))
}

// Recover resends every message that failed to reach the endpoint since the
// given time (and until, if set).
func (c *Client) Recover(ctx context.Context, endpointID string, since time.Time, until *time.Time) (RecoverOut, error) {
	var out RecoverOut
	cl := route(RouteRecover, endpointID)
	in := RecoverIn{Since: Time{since}}
	if until != nil {
		in.Until = &Time{*until}
	}
	cl.body = in
	cl.out = &out
	return out, c.do(ctx, cl)
}

// SendTest sends a test event of the given type to one endpoint and
// returns the id of the message it made. The request carries both our
// {event_type} and Svix's send-example {eventType, exampleIndex}; the
// answer is read as {message_id} or as the whole Message Svix answers.
func (c *Client) SendTest(ctx context.Context, endpointID, eventType string) (string, error) {
	var out TestOut
	cl := route(RouteTest, endpointID)
	cl.body = TestIn{EventType: eventType, SvixType: eventType}
	cl.out = &out
	return out.MessageID, c.do(ctx, cl)
}

// EndpointStats counts an endpoint's messages by delivery outcome since a
// time (zero: the API's default window).
func (c *Client) EndpointStats(ctx context.Context, endpointID string, since time.Time) (Stats, error) {
	var out Stats
	cl := route(RouteStats, endpointID)
	cl.query = url.Values{}
	setTime(cl.query, "since", since)
	cl.out = &out
	return out, c.do(ctx, cl)
}

// OpenEvents opens the SSE stream, resuming after lastEventID when set. On
// 200 with an event stream it returns the response for the caller to read
// and close; otherwise an *Error (with RetryAfter when the server sent one).
// It never retries: reconnecting is the feed's job.
func (c *Client) OpenEvents(ctx context.Context, lastEventID string) (*http.Response, error) {
	cl := route(RouteEvents)
	target := c.url(cl)
	req, err := c.newRequest(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, &Error{Route: cl.route, URL: target, Err: err}
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return nil, &Error{Route: cl.route, URL: target, Err: err, Attempts: 1}
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		e := &Error{Route: cl.route, URL: target, Status: resp.StatusCode, Attempts: 1}
		e.readErrorBody(data)
		e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return nil, e
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		resp.Body.Close()
		return nil, &Error{Route: cl.route, URL: target, Status: resp.StatusCode, Attempts: 1,
			Err: fmt.Errorf("expected Content-Type text/event-stream, got %q", Clip(ct, 60))}
	}
	return resp, nil
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func setInt(q url.Values, k string, v int) {
	if v > 0 {
		q.Set(k, strconv.Itoa(v))
	}
}

func setTime(q url.Values, k string, t time.Time) {
	if !t.IsZero() {
		q.Set(k, t.UTC().Format(time.RFC3339Nano))
	}
}

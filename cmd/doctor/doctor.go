// Package doctor is `aspect-tui doctor`: it asks an API every route in
// api.Routes, read-only, and says what it offers: whether each route
// answers, with what status and latency, whether the answer's shape is the
// one the app reads (naming unknown and missing fields), what the event
// stream sends and how soon, the clock skew, whether the key is accepted,
// and what the dashboard will therefore do (live or polling, endpoints
// listed or discovered, resend through the API or from this machine).
//
// It never creates, changes or sends anything: a route that writes is
// asked with GET, and a 405 (the path exists, for another method) is taken
// as offered. Every answer is read under a size limit and a deadline, and
// every string from the server is sanitized before it is shown.
package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Limits. The whole run ends within Budget however the server behaves: a
// route that answers a byte a second, or never, is cut at its own
// deadline, and the slowest wave of probes cannot push past the budget.
const (
	Budget       = 14 * time.Second
	probeTimeout = 4 * time.Second
	streamWait   = 5 * time.Second // for the stream's first event or keep-alive
	maxAnswer    = 4 << 20         // bytes read of any answer
	maxItems     = 1               // items of a list whose fields are checked
)

// Options configure a run.
type Options struct {
	BaseURL string
	APIKey  string
	// EventsURL is where the stream lives when not at the API's /events (an
	// absolute URL or a path), as the dashboard's --events-url.
	EventsURL string
	// HTTP is the client to ask with; nil uses a client with api's
	// transport. Its own timeouts are not relied on: every probe has a
	// deadline of its own.
	HTTP *http.Client
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// UserAgent is sent with every request.
	UserAgent string
}

// Offered says whether a route is served.
type Offered string

// The answers to "is it offered".
const (
	Yes     Offered = "yes"
	No      Offered = "no"
	Unknown Offered = "unknown"
)

// Route is what doctor found of one route.
type Route struct {
	Name       string  `json:"name"`
	Method     string  `json:"method"`
	Path       string  `json:"path"`
	Documented bool    `json:"documented"`
	Asked      string  `json:"asked"` // what was sent: "GET /tasks/active", or "" when not asked
	Offered    Offered `json:"offered"`
	Status     int     `json:"status,omitempty"`
	LatencyMS  int64   `json:"latency_ms,omitempty"`
	// Shape is "recognized", "not recognized" or "" when there was no
	// answer to read (a write route, an error).
	Shape   string   `json:"shape,omitempty"`
	Unknown []string `json:"unknown_fields,omitempty"`
	Missing []string `json:"missing_fields,omitempty"`
	// ContentType and FirstEventMS are the stream's.
	ContentType  string `json:"content_type,omitempty"`
	FirstEventMS int64  `json:"first_event_ms,omitempty"`
	Note         string `json:"note,omitempty"`
}

// Plan is what the dashboard will do with what this API offers.
type Plan struct {
	Feed      string `json:"feed"`      // "live" or "polling"
	Endpoints string `json:"endpoints"` // "listed" or "discovered"
	Resend    string `json:"resend"`    // "api" or "this machine"
	Why       []string
}

// Report is the whole finding.
type Report struct {
	API         string    `json:"api"`
	Key         string    `json:"key"` // masked
	KeyAccepted bool      `json:"key_accepted"`
	KeyNote     string    `json:"key_note"`
	SkewSeconds float64   `json:"clock_skew_seconds"` // server minus this machine; + is ahead
	SkewNote    string    `json:"clock_note"`
	Routes      []Route   `json:"routes"`
	Plan        Plan      `json:"plan"`
	CanRun      bool      `json:"dashboard_can_run"`
	Started     time.Time `json:"started"`
	ElapsedMS   int64     `json:"elapsed_ms"`
}

// Run asks the API everything and returns the report. It returns an error
// only for options it cannot use (a bad URL); whatever the server does is
// in the report.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	base, err := api.ValidateBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Transport: api.NewTransport()}
	}
	// A redirect is followed by net/http with the Authorization header
	// dropped for another host; doctor reports it instead of following.
	hc := *o.HTTP
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ctx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()
	d := &run{o: o, base: base, hc: &hc, started: o.Now(), byName: map[string]*Route{}}
	r := &Report{API: api.Clean(base.String()), Key: api.Mask(o.APIKey), Started: d.started}
	for _, rt := range api.Routes {
		r.Routes = append(r.Routes, Route{Name: rt.Name, Method: rt.Method, Path: rt.Path, Documented: rt.Documented, Offered: Unknown})
	}
	for i := range r.Routes {
		d.byName[r.Routes[i].Name] = &r.Routes[i]
	}
	d.report = r
	d.probe(ctx)
	d.plan()
	r.ElapsedMS = o.Now().Sub(d.started).Milliseconds()
	return r, nil
}

type run struct {
	o       Options
	base    *url.URL
	hc      *http.Client
	started time.Time
	report  *Report
	byName  map[string]*Route
	mu      sync.Mutex // guards the report while probes run in parallel
}

// ids found along the way, to ask the routes that take one.
type found struct {
	task, endpoint, message string
	asset, index            string // naming.go
}

// probe asks in three waves: the tasks (the key and the clock), then what
// needs no id, then what needs the ids the second wave found.
func (d *run) probe(ctx context.Context) {
	var ids found
	active := d.get(ctx, api.RouteTasksActive, nil, kindTaskList, func(first map[string]json.RawMessage) {
		ids.task = stringField(first, "id")
		ids.asset = stringField(first, "asset_id", "assetId")
	})
	d.keyAndClock(active)
	d.account(ctx, &ids) // naming.go: the key as GET /users/me sees it, and the naming routes

	var wg sync.WaitGroup
	async := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	async(func() { d.stream(ctx) })
	async(func() {
		d.get(ctx, api.RouteEndpointList, nil, kindEndpointList, func(first map[string]json.RawMessage) {
			d.mu.Lock()
			if ids.endpoint == "" {
				ids.endpoint = stringField(first, "id")
			}
			d.mu.Unlock()
		})
	})
	async(func() {
		q := url.Values{"limit": {"10"}, "with_content": {"true"}}
		d.get(ctx, api.RouteMessageList, q, kindMessageList, func(first map[string]json.RawMessage) {
			d.mu.Lock()
			ids.message = stringField(first, "id")
			d.mu.Unlock()
		})
	})
	if ids.task != "" {
		async(func() { d.get(ctx, api.RouteTaskGet, nil, kindTask, nil, ids.task) })
	}
	wg.Wait()

	if ids.message != "" {
		q := url.Values{"message_id": {ids.message}, "limit": {"10"}, "expanded_statuses": {"true"}}
		d.get(ctx, api.RouteAttemptList, q, kindAttemptList, func(first map[string]json.RawMessage) {
			if ids.endpoint == "" {
				ids.endpoint = stringField(first, "endpoint_id", "endpointId")
			}
		})
	} else {
		d.note(api.RouteAttemptList, "not asked: no message to ask about (GET /webhooks/messages listed none)")
	}
	if ids.message != "" {
		async(func() { d.get(ctx, api.RouteMessageGet, nil, kindMessage, nil, ids.message) })
	}
	if ids.endpoint != "" {
		async(func() {
			d.get(ctx, api.RouteEndpointDeliveries, url.Values{"limit": {"10"}}, kindAttemptList, nil, ids.endpoint)
		})
		async(func() {
			d.get(ctx, api.RouteStats, url.Values{"since": {d.started.Add(-24 * time.Hour).UTC().Format(time.RFC3339)}}, kindStats, nil, ids.endpoint)
		})
	}
	for _, rt := range api.Routes {
		if rt.Method == http.MethodGet {
			continue
		}
		params := d.placeholders(rt, ids)
		if params == nil {
			d.note(rt.Name, "not asked: no "+missingParam(rt, ids)+" to put in its path")
			continue
		}
		async(func() { d.writeRoute(ctx, rt, params) })
	}
	wg.Wait()
	for _, rt := range api.Routes {
		r := d.byName[rt.Name]
		if r.Asked == "" && r.Note == "" && rt.Method == http.MethodGet {
			r.Note = "not asked: no " + missingParam(rt, ids) + " to put in its path"
		}
	}
}

// placeholders fills a route's path parameters from what was found, or
// returns nil when one is missing.
func (d *run) placeholders(rt api.Route, ids found) []string {
	out := []string{}
	for _, p := range pathParams(rt.Path) {
		var v string
		switch p {
		case "task_id":
			v = ids.task
		case "endpoint_id":
			v = ids.endpoint
		case "message_id":
			v = ids.message
		case "asset_id":
			v = ids.asset
		case "index_id":
			v = ids.index
		}
		if v == "" {
			return nil
		}
		out = append(out, v)
	}
	return out
}

func missingParam(rt api.Route, ids found) string {
	for _, p := range pathParams(rt.Path) {
		switch {
		case p == "task_id" && ids.task == "":
			return "active task"
		case p == "endpoint_id" && ids.endpoint == "":
			return "endpoint"
		case p == "message_id" && ids.message == "":
			return "message"
		case p == "asset_id" && ids.asset == "":
			return "active task's asset"
		case p == "index_id" && ids.index == "":
			return "index"
		}
	}
	return "id"
}

func pathParams(path string) []string {
	var out []string
	for {
		i := strings.IndexByte(path, '{')
		j := strings.IndexByte(path, '}')
		if i < 0 || j < i {
			return out
		}
		out = append(out, path[i+1:j])
		path = path[j+1:]
	}
}

func (d *run) note(name, text string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.byName[name].Note = text
}

// answer is one HTTP exchange, read under the limits.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	cut     bool // the body was longer than maxAnswer
	latency time.Duration
	err     error
}

func (d *run) target(rt api.Route, q url.Values, params []string) string {
	u := *d.base
	u.Path = strings.TrimRight(u.Path, "/") + rt.Expand(params...)
	u.RawPath = ""
	u.RawQuery = q.Encode()
	return u.String()
}

func (d *run) do(ctx context.Context, method, target string, accept string) answer {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return answer{err: err}
	}
	d.auth(req, accept)
	start := time.Now()
	resp, err := d.hc.Do(req)
	if err != nil {
		return answer{err: err, latency: time.Since(start)}
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header, latency: time.Since(start)}
	a.body, a.err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if len(a.body) > maxAnswer {
		a.body, a.cut = a.body[:maxAnswer], true
	}
	return a
}

func (d *run) auth(req *http.Request, accept string) {
	if d.o.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+d.o.APIKey)
	}
	if d.o.UserAgent != "" {
		req.Header.Set("User-Agent", d.o.UserAgent)
	}
	req.Header.Set("Accept", accept)
}

// get asks a GET route and checks its answer's shape; each is called with
// the first item of a list (or the object) when the shape is recognized.
func (d *run) get(ctx context.Context, name string, q url.Values, k kind, each func(map[string]json.RawMessage), params ...string) answer {
	rt := api.RouteByName(name)
	a := d.do(ctx, http.MethodGet, d.target(rt, q, params), "application/json")
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.byName[name]
	r.Asked = "GET " + rt.Path
	d.fill(r, a)
	if a.err != nil || a.status != http.StatusOK {
		return a
	}
	if a.cut && k.list {
		// A long list is read up to the limit; its first item is enough.
		r.Note = joinNote(r.Note, fmt.Sprintf("answer longer than %d MiB; its first item was checked", maxAnswer>>20))
	}
	first, shape := readShape(a.body, a.cut, k)
	r.Shape = shape.verdict
	r.Unknown, r.Missing = shape.unknown, shape.missing
	r.Note = joinNote(r.Note, shape.note)
	if first != nil && each != nil && shape.verdict == recognized {
		d.mu.Unlock()
		each(first)
		d.mu.Lock()
	}
	return a
}

// fill records the status, latency and what the status means.
func (d *run) fill(r *Route, a answer) {
	r.LatencyMS = a.latency.Milliseconds()
	if a.err != nil {
		r.Offered = Unknown
		r.Note = joinNote(r.Note, transportNote(a.err))
		return
	}
	r.Status = a.status
	switch {
	case a.status >= 200 && a.status < 300:
		r.Offered = Yes
	case a.status == http.StatusNotFound || a.status == http.StatusNotImplemented:
		r.Offered = No
		r.Note = joinNote(r.Note, "not offered: "+statusText(a))
	case a.status == http.StatusMethodNotAllowed:
		r.Offered = No
		r.Note = joinNote(r.Note, "not offered for GET: "+statusText(a))
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		r.Offered = Unknown
		r.Note = joinNote(r.Note, "the key was refused: "+statusText(a))
	case a.status >= 300 && a.status < 400:
		r.Offered = Unknown
		r.Note = joinNote(r.Note, "redirected to "+api.Clip(a.header.Get("Location"), 80)+"; the app does not follow redirects with its key")
	default:
		r.Offered = Unknown
		r.Note = joinNote(r.Note, statusText(a))
	}
}

// writeRoute asks a route that writes with GET on its path: 405 means the
// path is served for other methods, so the route is offered; 404 means it
// is not. Nothing is created, changed or sent.
func (d *run) writeRoute(ctx context.Context, rt api.Route, params []string) {
	a := d.do(ctx, http.MethodGet, d.target(rt, nil, params), "application/json")
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.byName[rt.Name]
	r.Asked = "GET " + rt.Path
	r.LatencyMS = a.latency.Milliseconds()
	if a.err != nil {
		r.Note = joinNote(r.Note, transportNote(a.err))
		return
	}
	r.Status = a.status
	switch {
	case a.status == http.StatusMethodNotAllowed:
		r.Offered = Yes
		r.Note = "asked with GET (doctor never writes): 405, so the path is served for " + rt.Method
	case a.status >= 200 && a.status < 300:
		// The path answers GET too (Svix's get-endpoint beside its update).
		r.Offered = Yes
		r.Note = "asked with GET (doctor never writes): the path is served"
	case a.status == http.StatusNotFound || a.status == http.StatusNotImplemented:
		r.Offered = No
		r.Note = "not offered: asked with GET (doctor never writes), " + statusText(a)
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		r.Note = "the key was refused: " + statusText(a)
	default:
		r.Note = "asked with GET (doctor never writes): " + statusText(a)
	}
}

// stream opens the event stream and waits a bounded time for its first
// event or keep-alive comment.
func (d *run) stream(ctx context.Context) {
	rt := api.RouteByName(api.RouteEvents)
	target := d.target(rt, nil, nil)
	asked := "GET " + rt.Path
	if d.o.EventsURL != "" {
		if u, err := d.base.Parse(d.o.EventsURL); err == nil {
			target, asked = u.String(), "GET "+api.Clean(u.String())
		}
	}
	ctx, cancel := context.WithTimeout(ctx, streamWait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	r := d.byName[rt.Name]
	if err != nil {
		d.mu.Lock()
		r.Asked, r.Note = asked, "bad events URL: "+api.Clean(err.Error())
		d.mu.Unlock()
		return
	}
	d.auth(req, "text/event-stream")
	start := time.Now()
	resp, err := d.hc.Do(req)
	if err != nil {
		d.mu.Lock()
		r.Asked = asked
		d.fill(r, answer{err: err, latency: time.Since(start)})
		d.mu.Unlock()
		return
	}
	defer resp.Body.Close()
	ct := resp.Header.Get("Content-Type")
	a := answer{status: resp.StatusCode, header: resp.Header, latency: time.Since(start)}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		a.body, _ = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	}
	d.mu.Lock()
	r.Asked = asked
	r.ContentType = api.Clip(ct, 60)
	d.fill(r, a)
	d.mu.Unlock()
	if resp.StatusCode != http.StatusOK {
		return
	}
	if !strings.HasPrefix(ct, "text/event-stream") {
		d.mu.Lock()
		r.Offered, r.Shape = No, notRecognized
		r.Note = joinNote(r.Note, "answered "+describeType(ct)+", not an event stream")
		d.mu.Unlock()
		return
	}
	what, err := firstEvent(resp.Body)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		r.Note = joinNote(r.Note, fmt.Sprintf("no event or keep-alive within %s: %s", streamWait, transportNote(err)))
		return
	}
	r.Shape = recognized
	r.FirstEventMS = time.Since(start).Milliseconds()
	r.Note = joinNote(r.Note, "first "+what+" after "+fmtMS(r.FirstEventMS))
}

// firstEvent reads until a blank line ends an event, or a comment line (a
// keep-alive) arrives, and says which.
func firstEvent(body io.Reader) (string, error) {
	buf := make([]byte, 0, 4096)
	chunk := make([]byte, 1024)
	for len(buf) < 1<<20 {
		n, err := body.Read(chunk)
		buf = append(buf, chunk[:n]...)
		text := strings.ReplaceAll(string(buf), "\r\n", "\n")
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, ":") {
				return "keep-alive", nil
			}
		}
		if strings.Contains(text, "\n\n") || strings.Contains(text, "\r\r") {
			return "event", nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", errors.New("the stream ended")
			}
			return "", err
		}
	}
	return "", errors.New("1 MiB without a whole event")
}

// keyAndClock reads the key's fate and the server's clock from the first
// answer.
func (d *run) keyAndClock(a answer) {
	r := d.report
	switch {
	case a.err != nil:
		r.KeyNote = "not checked: " + transportNote(a.err)
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		r.KeyNote = fmt.Sprintf("refused (%d): set ASPECT_API_KEY to a key of this API", a.status)
	case a.status >= 200 && a.status < 300:
		r.KeyAccepted = true
		r.KeyNote = "accepted (GET /tasks/active answered " + fmt.Sprint(a.status) + ")"
	default:
		r.KeyNote = "not checked: GET /tasks/active answered " + statusText(a)
	}
	if a.err != nil || a.header == nil {
		r.SkewNote = "unknown: no answer"
		return
	}
	date, err := http.ParseTime(a.header.Get("Date"))
	if err != nil {
		r.SkewNote = "unknown: the answer had no Date header"
		return
	}
	// The Date header has whole seconds and was stamped during the request:
	// take the middle of it as this machine's moment.
	here := d.started.Add(a.latency / 2)
	skew := date.Sub(here).Truncate(time.Second)
	r.SkewSeconds = skew.Seconds()
	switch {
	case skew > -2*time.Second && skew < 2*time.Second:
		r.SkewNote = "in step (within 2 s)"
	case skew > 0:
		r.SkewNote = "the server is " + skew.String() + " ahead of this machine"
	default:
		r.SkewNote = "the server is " + (-skew).String() + " behind this machine"
	}
	if skew > 5*time.Minute || skew < -5*time.Minute {
		r.SkewNote += "; beyond Svix's ±5 minutes, so signatures checked here (listen) will be refused as too old or too new"
	}
}

// plan says what the dashboard will do with what was found.
func (d *run) plan() {
	r := d.report
	p := &r.Plan
	ev := d.byName[api.RouteEvents]
	if ev.Offered == Yes && ev.Shape == recognized {
		p.Feed = "live"
		p.Why = append(p.Why, "stream live: GET /events sends events")
	} else {
		p.Feed = "polling"
		p.Why = append(p.Why, "poll GET /tasks/active: no live stream ("+streamReason(ev)+")")
	}
	if l := d.byName[api.RouteEndpointList]; l.Offered == Yes && l.Shape == recognized {
		p.Endpoints = "listed"
		p.Why = append(p.Why, "list endpoints with GET /webhooks/endpoints")
	} else {
		p.Endpoints = "discovered"
		p.Why = append(p.Why, "discover endpoints (no list route): from recent messages' attempts, the endpoints made in this app, and `endpoints` in the config")
	}
	if rs := d.byName[api.RouteResend]; rs.Offered == Yes {
		p.Resend = "api"
		p.Why = append(p.Why, "resend through the API")
	} else {
		p.Resend = "this machine"
		p.Why = append(p.Why, "re-deliver from this machine on resend (no resend route), signed with the endpoint's secret from [endpoint_secrets] in the config, or ASPECT_WEBHOOK_SECRET")
	}
	ta := d.byName[api.RouteTasksActive]
	r.CanRun = r.KeyAccepted && ta.Offered == Yes && ta.Shape == recognized
}

// streamReason is why there is no live stream, as the dashboard's status
// line words it.
func streamReason(ev *Route) string {
	switch {
	case ev.Status != 0 && ev.Status != http.StatusOK:
		return fmt.Sprintf("GET %s answered %d", ev.Path, ev.Status)
	case ev.Status == http.StatusOK && ev.Shape != recognized && ev.ContentType != "" && !strings.HasPrefix(ev.ContentType, "text/event-stream"):
		return fmt.Sprintf("GET %s answered %s, not an event stream", ev.Path, describeType(ev.ContentType))
	case ev.Note != "":
		return ev.Note
	}
	return "no answer"
}

func statusText(a answer) string {
	s := fmt.Sprintf("%d", a.status)
	t := http.StatusText(a.status)
	if t != "" {
		s += " " + t
	}
	if detail := errorDetail(a.body); detail != "" && !strings.EqualFold(detail, t) {
		s += ": " + detail
	} else if len(a.body) > 0 {
		ct := ""
		if a.header != nil {
			ct = a.header.Get("Content-Type")
		}
		s += " (" + describeType(ct) + ")"
	}
	return s
}

// errorDetail reads FastAPI's {"detail"} or Svix's {"code", "detail"}.
func errorDetail(body []byte) string {
	var e struct {
		Code   string          `json:"code"`
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &e) != nil || len(e.Detail) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(e.Detail, &s) != nil {
		s = "validation error"
	}
	if e.Code != "" {
		s = e.Code + ": " + s
	}
	return api.Clip(s, 100)
}

func describeType(ct string) string {
	if ct == "" {
		return "no Content-Type"
	}
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return api.Clip(strings.TrimSpace(ct), 40)
}

func transportNote(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return "could not connect: " + api.Clip(op.Err.Error(), 80)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "no such host: " + api.Clip(dns.Name, 60)
	}
	return api.Clip(err.Error(), 100)
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

func fmtMS(ms int64) string {
	if ms < 1000 {
		return fmt.Sprintf("%d ms", ms)
	}
	return fmt.Sprintf("%.1f s", float64(ms)/1000)
}

func stringField(m map[string]json.RawMessage, names ...string) string {
	for _, n := range names {
		var s string
		if raw, ok := m[n]; ok && json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return ""
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

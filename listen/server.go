package listen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/aspect-hq/aspect-tui/api"
)

// Receiver defaults.
const (
	DefaultAddr    = "127.0.0.1:8787"
	DefaultMaxBody = 1 << 20
	// DefaultForwardTimeout is Svix's own limit: an attempt not answered
	// within 15 s counts as failed.
	DefaultForwardTimeout = 15 * time.Second
	// maxForwardBody is how much of the handler's answer is kept, shown and
	// returned, as Svix keeps 20 KB of an endpoint's response.
	maxForwardBody = 20 << 10
	// rememberedIDs bounds the svix-ids kept for spotting repeats.
	rememberedIDs = 10000
	// ForwardedHeader marks a request this receiver forwarded, so forwarding
	// to itself stops after one hop instead of looping.
	ForwardedHeader = "Aspect-Tui-Forwarded"
)

// Problems the receiver finds before or instead of checking a signature.
const (
	ProblemMethod     Problem = "method_not_allowed"
	ProblemTooLarge   Problem = "body_too_large"
	ProblemUnreadable Problem = "unreadable_body"
	ProblemLoop       Problem = "forward_loop"
	ProblemInternal   Problem = "internal_error" // a bug in the receiver
)

// ReceiverOptions configures a Receiver.
type Options struct {
	Addr      string   // default 127.0.0.1:8787; port 0 picks a free one
	Secrets   []string // whsec_... in order; Delivery.MatchedSecret indexes this
	ForwardTo string   // after verifying, send the raw request here
	MaxBody   int64    // default 1 MiB; larger bodies get 413
	// FailRate, for the demo, answers this share of verified deliveries with
	// a 5xx, chosen by a generator seeded with Seed, so the simulator's
	// deliveries pane has failures to retry and resend.
	FailRate float64
	Seed     int64
	// Now stamps deliveries and is the clock Diagnose explains skew against.
	// The svix library's verdict always uses the machine's clock.
	Now            func() time.Time
	ForwardTimeout time.Duration // default 15 s
	// Hold is how long a request waits for the consumer (Take, then Done)
	// before it is answered 503 with Retry-After; default 10 s.
	Hold time.Duration
	// HoldBytes bounds the bytes (bodies and headers) of the requests
	// waiting for the consumer; default 64 MiB, at least MaxBody.
	HoldBytes int64
	// Unwatched answers without waiting for a consumer: for the demo,
	// whose receiver nobody reads. Take then yields nothing.
	Unwatched bool
}

// Delivery is one request the receiver answered. Headers and Body are raw,
// as received, for forwarding and copying; every string field is sanitized
// for a terminal and JSON output, and none holds a secret.
type Request struct {
	Seq        int // 1-based, in arrival order
	Time       time.Time
	Method     string
	Path       string // path and query
	RemoteAddr string
	Headers    http.Header
	Body       []byte // nil when refused before reading
	Size       int64  // body bytes read, or the announced length when refused as too large

	SvixID    string
	EventType string // the body's event_type (or type), when it is JSON

	Verified      bool
	Problem       Problem
	Reason        string   // why it was refused; sent back to the sender too
	Hints         []string // what to check; local only
	MatchedSecret int      // 0-based index into ReceiverOptions.Secrets, -1 none
	// Check is the signature diagnosis; nil when the request was refused
	// before its signature was looked at (wrong method, too large).
	Check *Diagnosis

	Status      int  // what the receiver answered
	Simulated   bool // demo: a verified delivery answered 5xx on purpose
	DuplicateOf int  // Seq of the first request with this svix-id (a retry or a resend), 0 none
	// FromHere: aspect-tui re-delivered it from a developer's machine
	// (RedeliveredHeader), not Svix: a resend where the API has none.
	FromHere bool
	Forward  *ForwardResult
	Duration time.Duration // from arrival to the answer being ready

	held *held // the hand-off to the consumer; nil when not from Take
}

// ForwardResult is what the user's handler did with a forwarded delivery.
type ForwardResult struct {
	URL       string // credentials redacted
	Status    int    // 0 when there was no HTTP answer
	Latency   time.Duration
	Body      string // sanitized, cut at 20 KB
	Truncated bool
	Err       string // why there was no answer
}

// ReceiverStats are running totals.
type Stats struct {
	Received, Verified, Rejected int64
	// Busy were answered 503 with Retry-After because the consumer (stdout
	// or the screen) did not take them within the hold; they are not shown,
	// and their senders retry.
	Busy int64
	// Refused were answered by Go's HTTP server itself before the handler
	// (431, 400), or ended mid-headers; each is shown with its reason.
	Refused int64
}

// Receiver is a local webhook endpoint that verifies Svix signatures with
// the svix library, explains failures, spots repeats and forwards verified
// deliveries to the user's handler.
type Receiver struct {
	opts      Options
	secrets   []SigningSecret
	forward   *url.URL
	transport *http.Transport
	client    *http.Client
	warnings  []string

	ctx    context.Context // canceled by Close: ends forwards in flight
	cancel context.CancelFunc

	ln        net.Listener
	srv       *http.Server
	served    chan struct{}
	closeOnce sync.Once

	seq atomic.Int64

	mu  sync.Mutex // guards ids and rng
	ids recentIDs
	rng *rand.Rand
	q   *holdQueue

	received, verified, rejected, busy, refused atomic.Int64
}

// NewReceiver checks the options, secrets first, and returns a receiver
// that is not yet listening: Start listens, Handler serves without it.
func New(o Options) (*Receiver, error) {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxBody < 0 {
		return nil, fmt.Errorf("the body limit must be positive, not %d", o.MaxBody)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Hold <= 0 {
		o.Hold = DefaultHold
	}
	if o.HoldBytes <= 0 {
		o.HoldBytes = DefaultHoldBytes
	}
	o.HoldBytes = max(o.HoldBytes, o.MaxBody+(64<<10)+requestOverhead)
	if o.ForwardTimeout <= 0 {
		o.ForwardTimeout = DefaultForwardTimeout
	}
	if o.FailRate < 0 || o.FailRate > 1 {
		return nil, fmt.Errorf("the fail rate must be between 0 and 1, not %g", o.FailRate)
	}
	r := &Receiver{opts: o, q: newHoldQueue(o.HoldBytes), ids: newRecentIDs(rememberedIDs)}
	if len(o.Secrets) == 0 {
		return nil, errors.New("no signing secret: pass --secret whsec_... or set ASPECT_WEBHOOK_SECRET (the endpoint's secret, returned when it was created)")
	}
	for i, s := range o.Secrets {
		sec, err := ParseSigningSecret(i+1, s)
		if err != nil {
			return nil, err
		}
		if sec.NoPrefix {
			r.warnings = append(r.warnings, fmt.Sprintf("secret %d has no whsec_ prefix; using it as base64", i+1))
		}
		r.secrets = append(r.secrets, sec)
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: want HOST:PORT, like %s (port 0 picks a free one)", api.Clip(o.Addr, 80), DefaultAddr)
	}
	if !isLoopbackHost(host) {
		r.warnings = append(r.warnings, fmt.Sprintf("%s is not a loopback address: other machines can reach this receiver, send it requests and see your handler's answers; use 127.0.0.1 unless you mean it", api.Clip(o.Addr, 80)))
	}
	if o.ForwardTo != "" {
		u, err := url.Parse(o.ForwardTo)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("forward target %q must be an absolute http:// or https:// URL, like http://localhost:3000/webhooks", api.Clip(o.ForwardTo, 80))
		}
		r.forward = u
		r.transport = &http.Transport{
			Proxy:               nil, // the handler is local; a proxy from the environment would only get in the way
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     30 * time.Second,
			// The handler sees no Accept-Encoding it did not get from the
			// sender, and its answer reaches us as it wrote it.
			DisableCompression: true,
		}
		r.client = &http.Client{
			Transport: r.transport,
			Timeout:   o.ForwardTimeout,
			// Svix does not follow redirects: a 3xx is a failed attempt, and
			// the user should see the 3xx, not what it points at.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	r.rng = rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed))
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r, nil
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Warnings are things the user should know before the first delivery:
// a secret without its prefix, an address other machines can reach.
func (r *Receiver) Warnings() []string { return r.warnings }

// Secrets are the configured secrets, masked, in order.
func (r *Receiver) Secrets() []string {
	out := make([]string, len(r.secrets))
	for i, s := range r.secrets {
		out[i] = s.Masked
	}
	return out
}

// ForwardURL is the forward target with credentials redacted, or "".
func (r *Receiver) ForwardURL() string {
	if r.forward == nil {
		return ""
	}
	return api.Clean(r.forward.Redacted())
}

// Start listens on the configured address and serves until Close.
func (r *Receiver) Start() error {
	ln, err := net.Listen("tcp", r.opts.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%s is already in use (another receiver?); pick another port, or port 0 for any free one", r.opts.Addr)
		}
		return fmt.Errorf("cannot listen on %s: %w", r.opts.Addr, err)
	}
	r.ln = ln
	r.srv = &http.Server{
		Handler:           r.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ConnContext:       connContext,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return r.ctx },
		ErrorLog:          log.New(io.Discard, "", 0), // a client hanging up is not the user's concern
	}
	r.served = make(chan struct{})
	go func() {
		defer close(r.served)
		_ = r.srv.Serve(trackedListener{Listener: ln, r: r})
	}()
	return nil
}

// URL is where the receiver listens, "" before Start.
func (r *Receiver) URL() string {
	if r.ln == nil {
		return ""
	}
	return "http://" + r.ln.Addr().String()
}

// Close stops listening, ends forwards in flight, waits for the server's
// goroutines and ends Take. It is safe to call more than once.
func (r *Receiver) Close() error {
	var err error
	r.closeOnce.Do(func() {
		r.cancel()
		if r.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			if err = r.srv.Shutdown(ctx); err != nil {
				err = r.srv.Close()
			}
			cancel()
			<-r.served
		}
		if r.transport != nil {
			r.transport.CloseIdleConnections()
		}
		r.q.close()
	})
	return err
}

// Stats are the running totals.
func (r *Receiver) Stats() Stats {
	return Stats{Received: r.received.Load(), Verified: r.verified.Load(), Rejected: r.rejected.Load(), Busy: r.busy.Load(), Refused: r.refused.Load()}
}

// Handler answers webhook deliveries on any path. It can be mounted on
// another server (the demo's simulator does) without Start.
func (r *Receiver) Handler() http.Handler { return http.HandlerFunc(r.serve) }

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	began := time.Now()
	reachedHandler(req.Context())
	d := Request{
		Seq:           int(r.seq.Add(1)),
		Method:        api.Clip(req.Method, 16),
		Path:          api.Clip(req.URL.RequestURI(), 300),
		RemoteAddr:    api.Clip(req.RemoteAddr, 64),
		Headers:       req.Header.Clone(),
		MatchedSecret: -1,
		FromHere:      req.Header.Get(RedeliveredHeader) != "",
	}
	r.received.Add(1)
	a := &answer{header: http.Header{}}
	reserved, ok := r.decide(a, w, req, &d, began)
	d.Duration = time.Since(began)
	if ok && r.handOff(req, &d, began, reserved) {
		if d.Verified {
			r.verified.Add(1)
		} else {
			r.rejected.Add(1)
		}
		a.send(w)
		return
	}
	r.busy.Add(1)
	w.Header().Set("Retry-After", retryAfter)
	writeText(w, http.StatusServiceUnavailable, "aspect-tui listen: its output is full (stdout or the screen is not keeping up); retry in a few seconds")
}

// decide reads and checks the request and writes its answer into a; the
// body's bytes are reserved in the hold queue first (reserved), and ok is
// false when there was no room for them within the hold.
func (r *Receiver) decide(w *answer, raw http.ResponseWriter, req *http.Request, dp *Request, began time.Time) (reserved int64, ok bool) {
	d := dp
	ok = true
	// A bug on this request (hostile input reaching code that did not
	// expect it) answers 500 and shows on the listen screen with its reason, rather
	// than a reset connection and nothing on screen.
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		d.Verified = false
		d.Status, d.Problem = http.StatusInternalServerError, ProblemInternal
		d.Reason = "aspect-tui listen failed on this request (a bug; please report it): " + api.Clip(fmt.Sprint(p), 200)
		writeText(w, d.Status, d.Reason)
	}()
	d.Time = r.opts.Now()

	refuse := func(status int, p Problem, reason string, hints ...string) {
		d.Status, d.Problem, d.Reason = status, p, reason
		d.Hints = append(d.Hints, hints...)
		writeText(w, status, reason)
	}

	if req.Header.Get(ForwardedHeader) != "" {
		refuse(http.StatusLoopDetected, ProblemLoop, "this request was forwarded here by aspect-tui listen: the forward target is the receiver itself",
			"point --forward-to at your handler, not at the receiver")
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		refuse(http.StatusMethodNotAllowed, ProblemMethod, d.Method+" request: webhooks arrive as POST",
			"this URL is a webhook receiver; point an endpoint at it and Svix will POST deliveries here")
		return
	}
	limit := r.opts.MaxBody
	if req.ContentLength > limit {
		d.Size = req.ContentLength
		refuse(http.StatusRequestEntityTooLarge, ProblemTooLarge, tooLargeReason(req.ContentLength, limit), "raise the limit with --max-body")
		return
	}
	want := limit
	if req.ContentLength >= 0 && req.ContentLength < limit {
		want = req.ContentLength
	}
	if !r.opts.Unwatched {
		if !r.q.reserve(req.Context(), began.Add(r.opts.Hold), want) {
			return 0, false
		}
		reserved = want
	}
	body, err := io.ReadAll(http.MaxBytesReader(raw, req.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			d.Size = int64(len(body))
			refuse(http.StatusRequestEntityTooLarge, ProblemTooLarge, tooLargeReason(-1, limit), "raise the limit with --max-body")
			return
		}
		refuse(http.StatusBadRequest, ProblemUnreadable, "could not read the body: "+api.Clip(err.Error(), 120))
		return
	}
	d.Body, d.Size = body, int64(len(body))
	d.EventType = eventTypeOf(body)

	check := Diagnose(req.Header, body, r.secrets, d.Time)
	d.Check = &check
	d.SvixID = check.ID
	d.Verified, d.MatchedSecret = r.libraryVerdict(body, req.Header)
	if check.ID != "" {
		d.DuplicateOf = r.firstOrAdd(idKey(req.Header, check.Headers), d.Seq)
	}

	if !d.Verified {
		d.Problem, d.Reason, d.Hints = check.Problem, check.Reason, append(d.Hints, check.Hints...)
		if check.Verified {
			// Diagnose and the library disagree only when the clock moved
			// across the tolerance edge between the two checks, or when
			// Now is not the machine's clock; the library's verdict stands.
			d.Problem, d.Reason = ProblemTooOld, "rejected by the svix library at the edge of its ±5m timestamp tolerance"
		}
		d.Status = http.StatusBadRequest
		writeText(w, d.Status, d.Reason)
		return
	}

	if r.opts.FailRate > 0 && r.roll() {
		d.Simulated = true
		d.Status = http.StatusInternalServerError
		writeText(w, d.Status, "demo: this endpoint fails a share of deliveries on purpose")
		return
	}
	if r.forward == nil {
		d.Status = http.StatusNoContent
		w.WriteHeader(d.Status)
		return
	}
	r.forwardTo(w, req, d)
	return
}

// libraryVerdict is the svix library's Verify with each secret in turn: the
// first that verifies is the one reported.
func (r *Receiver) libraryVerdict(body []byte, h http.Header) (bool, int) {
	for i, s := range r.secrets {
		if s.Verify(body, h) == nil {
			return true, i
		}
	}
	return false, -1
}

func (r *Receiver) roll() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng.Float64() < r.opts.FailRate
}

// hopHeaders are meaningful for one connection only and are not forwarded.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Accept-Encoding"}

func (r *Receiver) forwardTo(w http.ResponseWriter, in *http.Request, d *Request) {
	target := r.forward.Redacted()
	fr := &ForwardResult{URL: api.Clean(target)}
	d.Forward = fr

	req, err := http.NewRequestWithContext(in.Context(), in.Method, r.forward.String(), bytes.NewReader(d.Body))
	if err != nil {
		fr.Err = api.Clip(err.Error(), 200)
		d.Status = http.StatusBadGateway
		writeText(w, d.Status, "cannot forward: "+fr.Err)
		return
	}
	req.Header = forwardHeaders(in.Header)

	var answer []byte
	var contentType string
	d.Status, answer, contentType = r.roundTrip(req, fr)
	if fr.Status == 0 {
		writeText(w, d.Status, fr.Err)
		return
	}
	d.Hints = append(d.Hints, handlerHints(d, fr)...)
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(d.Status)
	_, _ = w.Write(answer)
}

// forwardHeaders are the request's headers as the handler gets them:
// without those meant for one connection, and marked as forwarded.
func forwardHeaders(in http.Header) http.Header {
	h := in.Clone()
	for _, k := range h.Values("Connection") {
		for _, name := range strings.Split(k, ",") {
			h.Del(strings.TrimSpace(name))
		}
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
	h.Set(ForwardedHeader, "1")
	return h
}

// roundTrip sends req to the handler and records its answer in fr. It
// returns the status to answer the sender with (the handler's, or a 5xx
// when there was no answer, with fr.Status 0 and fr.Err saying why), the
// answer's first 20 KB and its content type.
func (r *Receiver) roundTrip(req *http.Request, fr *ForwardResult) (int, []byte, string) {
	return send(r.client, req, fr, r.opts.ForwardTimeout, func() bool { return r.ctx.Err() != nil })
}

// send does roundTrip's work for any client: closing says whether a
// failure came from shutting down.
func send(client *http.Client, req *http.Request, fr *ForwardResult, timeout time.Duration, closing func() bool) (int, []byte, string) {
	sent := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		fr.Latency = time.Since(sent)
		var status int
		status, fr.Err = forwardFailure(err, fr.URL, timeout, closing())
		return status, nil, ""
	}
	answer, readErr := io.ReadAll(io.LimitReader(resp.Body, maxForwardBody+1))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	resp.Body.Close()
	fr.Latency = time.Since(sent)
	fr.Status = resp.StatusCode
	if len(answer) > maxForwardBody {
		answer, fr.Truncated = answer[:maxForwardBody], true
	}
	fr.Body = api.CleanBlock(string(answer))
	if readErr != nil {
		fr.Err = "the handler's answer was cut: " + api.Clip(readErr.Error(), 120)
	}
	return resp.StatusCode, answer, resp.Header.Get("Content-Type")
}

func forwardFailure(err error, target string, timeout time.Duration, closing bool) (int, string) {
	var ne net.Error
	switch {
	case closing:
		return http.StatusServiceUnavailable, "the receiver is shutting down"
	case errors.Is(err, syscall.ECONNREFUSED):
		return http.StatusBadGateway, fmt.Sprintf("nothing is listening at %s (connection refused): is your handler running?", target)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return http.StatusGatewayTimeout, fmt.Sprintf("your handler at %s did not answer within %s; Svix counts that attempt as failed", target, timeout)
	}
	return http.StatusBadGateway, fmt.Sprintf("forwarding to %s failed: %s", target, api.Clip(err.Error(), 160))
}

// handlerHints explain a handler's answer to a delivery that verified here.
func handlerHints(d *Request, fr *ForwardResult) []string {
	var hints []string
	switch s := fr.Status; {
	case s >= 300 && s < 400:
		hints = append(hints, fmt.Sprintf("your handler answered %d: Svix counts any 3xx as a failure and does not follow redirects; point the endpoint at the final URL", s))
	case s == 400 || s == 401 || s == 403:
		secret := ""
		if d.MatchedSecret >= 0 {
			secret = fmt.Sprintf(" with secret %d", d.MatchedSecret+1)
		}
		hints = append(hints, fmt.Sprintf("your handler refused (%d) a delivery that verifies here%s: check that it verifies the raw body bytes (before any JSON parsing), with the same secret, reading the svix-* headers", s, secret))
		if v := stringifyChanges(d.Body); v != "" {
			hints = append(hints, v)
		}
	case s >= 500:
		hints = append(hints, fmt.Sprintf("your handler failed (%d); Svix retries this delivery after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h", s))
	}
	if fr.Latency > 10*time.Second {
		hints = append(hints, fmt.Sprintf("your handler took %s; Svix gives up after 15 s: answer first, then do the work", fr.Latency.Round(100*time.Millisecond)))
	}
	return hints
}

// stringifyChanges says whether JSON.stringify(JSON.parse(body)) differs
// from the body: Aspect's Node example verifies exactly that, and fails
// whenever it does.
func stringifyChanges(body []byte) string {
	if len(body) > maxReencodedBody {
		return ""
	}
	root, ok := parseOrderedJSON(body)
	if !ok {
		return ""
	}
	re := jsonStyles[0].encode(root, len(body))
	if bytes.Equal(re, body) {
		return ""
	}
	i := 0
	for i < len(re) && i < len(body) && re[i] == body[i] {
		i++
	}
	return fmt.Sprintf("this body changes when re-encoded with JSON.stringify (first at byte %d), so a handler that verifies JSON.stringify(req.body) rejects it; verify the raw body (express.raw())", i)
}

func tooLargeReason(size, limit int64) string {
	if size >= 0 {
		return fmt.Sprintf("body of %s is over the %s limit", humanize.IBytes(uint64(size)), humanize.IBytes(uint64(limit)))
	}
	return fmt.Sprintf("body is over the %s limit", humanize.IBytes(uint64(limit)))
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text+"\n")
}

func eventTypeOf(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 || bytes.TrimSpace(body)[0] != '{' {
		return ""
	}
	var v struct {
		EventType json.RawMessage `json:"event_type"`
		Type      json.RawMessage `json:"type"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	for _, raw := range []json.RawMessage{v.EventType, v.Type} {
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			return api.Clip(s, 80)
		}
	}
	return ""
}

// HeaderLines lists the headers sorted by name, one "Name: value" each,
// sanitized, with credentials masked, for the detail view.
func (d Request) HeaderLines() []string {
	names := make([]string, 0, len(d.Headers))
	for k := range d.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		for _, v := range d.Headers[k] {
			out = append(out, api.Clip(k, 80)+": "+api.Clip(maskHeader(k, v), 400))
		}
	}
	return out
}

func maskHeader(name, v string) string {
	n := strings.ToLower(name)
	switch {
	case n == "authorization" || n == "proxy-authorization":
		scheme, cred, ok := strings.Cut(v, " ")
		if !ok {
			return api.Mask(v)
		}
		return scheme + " " + maskAny(cred)
	case n == "cookie" || strings.Contains(n, "token") || strings.Contains(n, "secret") || strings.HasSuffix(n, "-key"):
		return maskAny(v)
	}
	// A key or a secret may sit anywhere in a value (a custom header
	// carrying "Bearer sk_..." or a JSON blob).
	return api.MaskSecrets(v)
}

func maskAny(v string) string {
	if m := api.Mask(v); strings.Contains(m, "••••") {
		return m
	}
	return "••••"
}

// maxPrettyBody bounds what PrettyBody renders.
const maxPrettyBody = 256 << 10

// PrettyBody is the body for display: indented when it is JSON, sanitized,
// cut at 256 KiB.
func (d Request) PrettyBody() string {
	b := d.Body
	cut := 0
	if len(b) > maxPrettyBody {
		b, cut = b[:maxPrettyBody], len(b)-maxPrettyBody
	}
	var buf bytes.Buffer
	if cut == 0 && json.Indent(&buf, b, "", "  ") == nil {
		b = buf.Bytes()
	}
	s := api.CleanBlock(string(b))
	if cut > 0 {
		s += fmt.Sprintf("\n… %s more", humanize.IBytes(uint64(cut)))
	}
	return s
}

// firstOrAdd is recentIDs.firstOrAdd under the receiver's lock, released
// however it returns: a request's panic is recovered, and must not leave
// every later request waiting on the lock.
func (r *Receiver) firstOrAdd(id string, seq int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids.firstOrAdd(id, seq)
}

// idKey is the message id the request carries, hashed when long so that
// remembered ids stay small whatever a sender puts in the header.
func idKey(h http.Header, set string) string {
	name := headerSets[0].id
	if set == headerSets[1].name {
		name = headerSets[1].id
	}
	id := h.Get(name)
	if len(id) > 128 {
		sum := sha256.Sum256([]byte(id))
		return string(sum[:])
	}
	return id
}

// recentIDs remembers the first Seq of the last n svix-ids, forgetting the
// oldest first, so a flood of ids cannot grow without bound.
type recentIDs struct {
	first map[string]int
	ring  []string
	next  int
}

func newRecentIDs(n int) recentIDs {
	return recentIDs{first: make(map[string]int), ring: make([]string, n)}
}

// firstOrAdd returns the Seq first seen with id, or records seq and returns 0.
func (x *recentIDs) firstOrAdd(id string, seq int) int {
	if s, ok := x.first[id]; ok {
		return s
	}
	if old := x.ring[x.next]; old != "" {
		delete(x.first, old)
	}
	x.ring[x.next] = id
	x.next = (x.next + 1) % len(x.ring)
	x.first[id] = seq
	return 0
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/dustin/go-humanize"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/listen"
	listenui "github.com/aspect-hq/aspect-tui/ui/listen"
)

func listenCommand() *command {
	return &command{
		name:    "listen",
		summary: "a local webhook receiver that verifies signatures and explains failures",
		usage:   "listen [--addr HOST:PORT] [--secret whsec_...] [--forward-to URL] [--json] [--max-body SIZE]",
		env:     []string{envWebhookSecret, "NO_COLOR"},
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			var secrets stringList
			maxBody := byteSize(listen.DefaultMaxBody)
			addr := fs.String("addr", listen.DefaultAddr, "the address (`HOST:PORT`) to listen on; loopback by default, port 0 picks a free one")
			fs.Var(&secrets, "secret", "the endpoint's signing secret (`whsec_...`); repeat it during a rotation (default $"+envWebhookSecret+")")
			forward := fs.String("forward-to", "", "after verifying, forward each delivery (raw body, original headers) to this `URL` and answer with its status")
			asJSON := fs.Bool("json", false, "print one JSON line per request, for jq and scripts, instead of the inbox (a terminal) or plain lines (a pipe)")
			fs.Var(&maxBody, "max-body", "largest body accepted, a `size` like 512KiB or 2MiB; larger gets 413")
			return func(ctx context.Context, io *stdio) error {
				cfg, err := loadConfig(overrides{WebhookSecrets: secrets}, io.getenv)
				if err != nil {
					return err
				}
				for _, w := range cfg.Warnings {
					fmt.Fprintln(io.err, "warning:", w)
				}
				if len(cfg.WebhookSecrets) == 0 {
					return errors.New("no signing secret: pass --secret whsec_... or set " + envWebhookSecret +
						" (the endpoint's secret, returned when the endpoint was created), or webhook_secret in " + orDefault(cfg.File, "the config file"))
				}
				interactive := !*asJSON && stdoutIsTerminal(io.out)
				look := listenui.Options{Theme: cfg.Theme, Keys: cfg.Keys, NoColor: io.getenv("NO_COLOR") != ""}
				if interactive {
					if err := listenui.Check(look); err != nil {
						return fmt.Errorf("config file %s: %w", orDefault(cfg.File, "(none)"), err)
					}
				}
				r, err := listen.New(listen.Options{
					Addr:      *addr,
					Secrets:   cfg.WebhookSecrets,
					ForwardTo: *forward,
					MaxBody:   int64(maxBody),
				})
				if err != nil {
					return err
				}
				if err := r.Start(); err != nil {
					r.Close()
					return err
				}
				for _, w := range r.Warnings() {
					fmt.Fprintln(io.err, "warning:", w)
				}
				// With --json, stdout holds nothing but the JSON lines.
				banner := io.out
				if *asJSON {
					banner = io.err
				}
				fmt.Fprintln(banner, listenBanner(r, int64(maxBody)))
				if interactive {
					return runInbox(ctx, r, io, look, cfg.WebhookSecrets)
				}
				return printDeliveries(ctx, r, io, *asJSON)
			}
		},
	}
}

func listenBanner(r *listen.Receiver, maxBody int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "listening on %s (any path, POST, up to %s)", r.URL(), humanize.IBytes(uint64(maxBody)))
	fmt.Fprintf(&b, " · verifying with %s", strings.Join(r.Secrets(), ", "))
	if f := r.ForwardURL(); f != "" {
		fmt.Fprintf(&b, " · forwarding to %s", f)
	}
	b.WriteString(" · Ctrl-C stops")
	return b.String()
}

// stdoutIsTerminal decides between the inbox and plain lines; tests
// replace it to run the inbox on a pipe.
var stdoutIsTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// runInbox shows the interactive inbox until the user quits or ctx ends,
// then stops the receiver and prints the same summary as plain output.
// The opening lines were printed before, so they stay on the terminal
// above the summary once the program gives the screen back.
func runInbox(ctx context.Context, r *listen.Receiver, io *stdio, look listenui.Options, secrets []string) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	look.Receiver, look.Context = r, ctx
	m, err := listenui.New(look)
	if err != nil {
		r.Close()
		return err
	}
	runErr := runProgram(ctx, io, m, "listen", secrets)
	r.Close()
	if runErr != nil {
		return runErr
	}
	s := r.Stats()
	if s.Dropped > 0 {
		fmt.Fprintf(io.err, "warning: %d deliveries not shown: the screen was too slow to keep up\n", s.Dropped)
	}
	fmt.Fprintf(io.err, "received %d: %d verified, %d refused\n", s.Received, s.Verified, s.Rejected)
	return nil
}

// printDeliveries prints each delivery until ctx ends, then closes the
// receiver, prints what was still queued and a one-line summary.
func printDeliveries(ctx context.Context, r *listen.Receiver, io *stdio, asJSON bool) error {
	emit := func(d listen.Request) error {
		if asJSON {
			return writeDeliveryJSON(io.out, d)
		}
		_, err := fmt.Fprint(io.out, plainDelivery(d))
		return err
	}
	var dropped int64
	noteDrops := func() {
		if n := r.Stats().Dropped; n > dropped {
			fmt.Fprintf(io.err, "warning: %d deliveries not shown: the output was too slow to keep up\n", n-dropped)
			dropped = n
		}
	}
	deliveries := r.Requests()
	for {
		select {
		case <-ctx.Done():
			r.Close()
			for d := range deliveries {
				if err := emit(d); err != nil {
					return err
				}
			}
			noteDrops()
			s := r.Stats()
			fmt.Fprintf(io.err, "received %d: %d verified, %d refused\n", s.Received, s.Verified, s.Rejected)
			return nil
		case d := <-deliveries:
			noteDrops()
			if err := emit(d); err != nil {
				r.Close()
				return fmt.Errorf("writing output: %w", err)
			}
		}
	}
}

// plainDelivery is one line per request, then, for a refusal or a handler's
// answer, indented lines with what to check.
func plainDelivery(d listen.Request) string {
	var b strings.Builder
	event := orDefault(d.EventType, "-")
	id := orDefault(api.Clip(d.SvixID, 40), "-")
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
	b.WriteByte('\n')

	if f := d.Forward; f != nil && f.Status != 0 && strings.TrimSpace(f.Body) != "" {
		fmt.Fprintf(&b, "    handler said: %s\n", api.Clip(f.Body, 200))
	}
	if c := d.Check; c != nil && !d.Verified && c.Problem == listen.ProblemNoMatch {
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

func roundLatency(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

// deliveryJSON is one line of `listen --json`. matched_secret counts from 1,
// as the --secret flags are numbered in messages; null means none matched.
type deliveryJSON struct {
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

func writeDeliveryJSON(w io.Writer, d listen.Request) error {
	j := deliveryJSON{
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

// byteSize is a flag holding a size like 1MiB, 512KB or 1048576.
type byteSize int64

func (s *byteSize) String() string { return humanize.IBytes(uint64(*s)) }
func (s *byteSize) Set(v string) error {
	n, err := humanize.ParseBytes(v)
	if err != nil {
		return fmt.Errorf("%q is not a size like 1MiB, 512KB or 1048576", v)
	}
	if n == 0 || n > 1<<40 {
		return fmt.Errorf("%q: the limit must be between 1 byte and 1 TiB", v)
	}
	*s = byteSize(n)
	return nil
}

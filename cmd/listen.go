package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/aspect-hq/aspect-tui/listen"
	listenui "github.com/aspect-hq/aspect-tui/ui/listen"
)

// listenFlags are listen's flags.
type listenFlags struct {
	addr, forward string
	secrets       []string
	asJSON        bool
	maxBody       byteSize
	exportDir     string
}

func listenCommand(io *stdio) *cobra.Command {
	f := listenFlags{maxBody: byteSize(listen.DefaultMaxBody)}
	c := &cobra.Command{
		Use:   "listen",
		Short: "a local webhook receiver that verifies signatures and explains failures",
		RunE: func(c *cobra.Command, _ []string) error {
			return failed("listen", runListen(c.Context(), io, f))
		},
	}
	fs := c.Flags()
	fs.StringVar(&f.addr, "addr", listen.DefaultAddr, "the address (`HOST:PORT`) to listen on; loopback by default, port 0 picks a free one")
	fs.StringArrayVar(&f.secrets, "secret", nil, "the endpoint's signing secret (`whsec_...`); repeat it during a rotation (default $"+envWebhookSecret+")")
	fs.StringVar(&f.forward, "forward-to", "", "after verifying, forward each delivery (raw body, original headers) to this `URL` and answer with its status")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON line per request, for jq and scripts, instead of the listen screen (a terminal) or plain lines (a pipe)")
	exportDirFlag(fs, &f.exportDir)
	fs.Var(&f.maxBody, "max-body", "largest body accepted, a `size` like 512KiB or 2MiB; larger gets 413")
	return reads(c, io.getenv, []string{envWebhookSecret, envConfig, "NO_COLOR", "EDITOR"}, []string{"webhook_secret", "theme", "keys"})
}

func runListen(ctx context.Context, io *stdio, f listenFlags) error {
	cfg, err := loadConfig(overrides{WebhookSecrets: f.secrets}, io.getenv)
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
	interactive := !f.asJSON && stdoutIsTerminal(io.out)
	look := listenui.Options{Theme: cfg.Theme, Keys: cfg.Keys, NoColor: io.getenv("NO_COLOR") != "", ExportDir: f.exportDir, Editor: io.getenv("EDITOR")}
	if interactive {
		if err := listenui.Check(look); err != nil {
			return fmt.Errorf("config file %s: %w", orDefault(cfg.File, "(none)"), err)
		}
	}
	r, err := listen.New(listen.Options{
		Addr:      f.addr,
		Secrets:   cfg.WebhookSecrets,
		ForwardTo: f.forward,
		MaxBody:   int64(f.maxBody),
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
	if f.asJSON {
		banner = io.err
	}
	fmt.Fprintln(banner, listenBanner(r, int64(f.maxBody)))
	if interactive {
		return runScreen(ctx, r, io, look, cfg.WebhookSecrets)
	}
	return printDeliveries(ctx, r, io, f.asJSON)
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

// stdoutIsTerminal decides between the listen screen and plain lines; tests
// replace it to run the screen on a pipe.
var stdoutIsTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// runScreen shows the listen screen until the user quits or ctx ends,
// then stops the receiver and prints the same summary as plain output.
// The opening lines were printed before, so they stay on the terminal
// above the summary once the program gives the screen back.
func runScreen(ctx context.Context, r *listen.Receiver, io *stdio, look listenui.Options, secrets []string) error {
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
	if s.Busy > 0 {
		fmt.Fprintf(io.err, "warning: %d requests answered 503 with Retry-After, not shown: the screen was not keeping up; their senders retry\n", s.Busy)
	}
	fmt.Fprintf(io.err, "received %d: %d verified, %d refused\n", s.Received, s.Verified, s.Rejected)
	return nil
}

// printDeliveries prints each request until ctx ends, then closes the
// receiver, prints a one-line summary. Lines go through a buffer flushed
// whenever nothing more is waiting, and a request's sender has its answer
// only after the flush that wrote its line (Done): when the reader stalls,
// senders wait, up to the receiver's hold, then are told 503 and retry.
func printDeliveries(ctx context.Context, r *listen.Receiver, io *stdio, asJSON bool) error {
	out := bufio.NewWriterSize(io.out, 64<<10)
	emit := func(d listen.Request) error {
		if asJSON {
			return listen.WriteJSON(out, d)
		}
		_, err := fmt.Fprint(out, listen.PlainLines(d))
		return err
	}
	var busy int64
	noteBusy := func() {
		if n := r.Stats().Busy; n > busy {
			fmt.Fprintf(io.err, "warning: %d requests answered 503 with Retry-After, not shown: the output was not keeping up; their senders retry\n", n-busy)
			busy = n
		}
	}
	// write prints what was taken and whatever else is waiting, up to a
	// batch, flushes, then lets their senders have their answers.
	write := func(ds []listen.Request) error {
		for len(ds) < maxPrintBatch {
			more := r.TakeNow(maxPrintBatch - len(ds))
			if len(more) == 0 {
				break
			}
			ds = append(ds, more...)
		}
		for _, d := range ds {
			if err := emit(d); err != nil {
				return err
			}
		}
		if err := out.Flush(); err != nil {
			return err
		}
		for _, d := range ds {
			d.Done()
		}
		noteBusy()
		return nil
	}
	for {
		ds, ok := r.Take(ctx, maxPrintBatch)
		if !ok {
			break
		}
		if err := write(ds); err != nil {
			r.Close()
			return fmt.Errorf("writing output: %w", err)
		}
	}
	r.Close()
	for {
		ds, ok := r.Take(context.Background(), maxPrintBatch)
		if !ok {
			break
		}
		if err := write(ds); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	noteBusy()
	s := r.Stats()
	fmt.Fprintf(io.err, "received %d: %d verified, %d refused, %d answered 503 (output full), %d refused by the HTTP server before verification\n", s.Received, s.Verified, s.Rejected, s.Busy, s.Refused)
	return nil
}

// maxPrintBatch bounds the lines written between flushes, so the first
// senders of a burst do not wait for the last.
const maxPrintBatch = 1024

// byteSize is a flag holding a size like 1MiB, 512KB or 1048576.
type byteSize int64

func (s *byteSize) String() string { return humanize.IBytes(uint64(*s)) }
func (s *byteSize) Type() string   { return "size" }
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

// Command aspect-tui is a terminal dashboard for Aspect's media API: a live
// grid of tasks and their feature states beside the webhook endpoints and
// failed deliveries, a local receiver that verifies Svix signatures, a
// headless tail, and an embedded simulator.
//
// main.go parses the command line and dispatches; each command lives in its
// own cmd_*.go file. Configuration is resolved and validated before any
// command takes the terminal, so a bad key or URL prints a plain error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3"; a
// `go install`ed binary reports its module version instead.
var version = "dev"

func appVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

// stdio is what a command reads and writes, so tests can run commands whole.
type stdio struct {
	in       io.Reader
	out, err io.Writer
	getenv   func(string) string
}

// command is one subcommand. setup registers its flags on fs and returns the
// function that runs it once the flags are parsed.
type command struct {
	name    string
	summary string
	usage   string   // the synopsis after "aspect-tui "
	env     []string // environment variables it reads
	setup   func(fs *flag.FlagSet) func(ctx context.Context, io *stdio) error
}

var envHelp = map[string]string{
	envAPIURL:        "API base URL (default " + "https://api.aspect.inc" + ")",
	envAPIKey:        "API key (sk_...); never taken on the command line",
	envWebhookSecret: "endpoint signing secret (whsec_...)",
	envConfig:        "config file path (default $XDG_CONFIG_HOME/aspect-tui/config.toml)",
	"NO_COLOR":       "any value turns colours off",
}

func commands() []*command {
	return []*command{dashboardCommand(), demoCommand(), simCommand(), tailCommand(), listenCommand(), versionCommand()}
}

// errUsage marks a command-line mistake: exit 2, usage already printed.
var errUsage = errors.New("usage")

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	// SIGINT, SIGTERM and SIGHUP end the context: every command stops
	// cleanly, gives the terminal back and exits 0. Once one has come, the
	// next gets the default action, so a stop that hangs can be cut short.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], &stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run dispatches args to a command and returns the exit code.
func run(ctx context.Context, args []string, io *stdio) int {
	cmds := commands()
	cmd := cmds[0] // the dashboard
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name := args[0]
		if name == "help" {
			if len(args) > 1 {
				return run(ctx, []string{args[1], "--help"}, io)
			}
			printMainHelp(io.out, cmds, io.getenv)
			return 0
		}
		cmd = nil
		for _, c := range cmds {
			if c.name == name {
				cmd = c
			}
		}
		if cmd == nil {
			fmt.Fprintf(io.err, "aspect-tui: unknown command %q\n\n", name)
			printMainHelp(io.err, cmds, io.getenv)
			return 2
		}
		args = args[1:]
	}
	fs := flag.NewFlagSet("aspect-tui "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	runCmd := cmd.setup(fs)
	fs.Usage = func() {
		if cmd == cmds[0] {
			printMainHelp(fs.Output(), cmds, io.getenv)
			return
		}
		printCommandHelp(fs.Output(), cmd, fs)
	}
	if wantsHelp(args) {
		fs.SetOutput(io.out)
		fs.Usage()
		return 0
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(io.err, "aspect-tui %s: unexpected argument %q (flags go before nothing else; see --help)\n", cmd.name, fs.Arg(0))
		return 2
	}
	if err := runCmd(ctx, io); err != nil {
		var ee *exitError
		code := 1
		if errors.As(err, &ee) {
			code = ee.code
		}
		if !errors.Is(err, errUsage) {
			fmt.Fprintf(io.err, "aspect-tui %s: %v\n", cmd.name, err)
		}
		return code
	}
	return 0
}

func printMainHelp(w io.Writer, cmds []*command, getenv func(string) string) {
	fmt.Fprintf(w, "aspect-tui %s: a terminal dashboard for Aspect's media API and its webhooks.\n\n", appVersion())
	fmt.Fprintln(w, "Usage:")
	for _, c := range cmds {
		fmt.Fprintf(w, "  aspect-tui %s\n      %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nRun `aspect-tui COMMAND --help` for a command's flags.")
	fmt.Fprint(w, "\nThe dashboard (aspect-tui with no command):")
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	cmds[0].setup(fs)
	printFlags(w, fs)
	printEnv(w, cmds[0].env)
	fmt.Fprintf(w, "\nConfig file: %s (optional; flags, then environment, then file)\n", orDefault(configPath(getenv), "$XDG_CONFIG_HOME/aspect-tui/config.toml"))
}

func printCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "aspect-tui %s: %s\n\nUsage:\n  aspect-tui %s\n", c.name, c.summary, c.usage)
	printFlags(w, fs)
	printEnv(w, c.env)
}

// printFlags lists flags GNU-style (--name), which is how the docs spell
// them; the flag package accepts one dash or two.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	var lines [][2]string
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if name != "" {
			left += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "[]" {
			usage += " (default " + f.DefValue + ")"
		}
		lines = append(lines, [2]string{left, usage})
	})
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-26s %s\n", l[0], l[1])
	}
}

func printEnv(w io.Writer, names []string) {
	if len(names) == 0 {
		return
	}
	fmt.Fprintln(w, "\nEnvironment:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-24s %s\n", n, envHelp[n])
	}
}

// wantsHelp reports -h, -help or --help before the first non-flag, so help
// goes to stdout with exit 0 and is printed once.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			return true
		}
	}
	return false
}

// stringList is a flag that may repeat (--secret a --secret b).
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print the version",
		usage:   "version",
		setup: func(fs *flag.FlagSet) func(context.Context, *stdio) error {
			return func(_ context.Context, io *stdio) error {
				fmt.Fprintf(io.out, "aspect-tui %s\n", appVersion())
				return nil
			}
		},
	}
}

// notBuilt is what a command says until its issue lands.
func notBuilt(what string) error {
	return &exitError{code: 3, err: fmt.Errorf("%s is not built yet in this version", what)}
}

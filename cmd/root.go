// Package cmd is aspect-tui's command line: one cobra command per file
// (dashboard.go is the root, then demo, sim, tail, listen, version, man;
// cobra adds help and completion), run through fang for styled help and
// errors. Configuration is resolved and validated (config.go) before any
// command takes the terminal, so a bad key or URL prints a plain error;
// crash.go turns a panic into a restored terminal, a crash file and exit
// code 70.
package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
)

// Build is what main knows at link time; empty fields come from the build
// info.
type Build struct {
	Version string
	Commit  string
}

// stdio is what a command reads and writes, so tests can run commands whole.
type stdio struct {
	in       io.Reader
	out, err io.Writer
	getenv   func(string) string
}

// Main runs the command line with the process's arguments and returns the
// exit code.
func Main(b Build) int {
	build = b
	settleForScreens()
	if startProfile != nil {
		defer startProfile()()
	}
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
	return code
}

// startProfile, when set (a build with -tags profile: see profile.go),
// starts a CPU profile and returns what stops it.
var startProfile func() func()

// run executes args and returns the exit code.
func run(ctx context.Context, args []string, io *stdio) int {
	root := newRoot(io)
	root.SetArgs(gnuArgs(root, args))
	err := fang.Execute(ctx, root,
		fang.WithoutVersion(), // the root's Version is ours: see version.go
		fang.WithoutManpage(), // man.go writes to the command's stdout and adds an ENVIRONMENT section
		fang.WithErrorHandler(errorHandler(io)),
	)
	return exitCode(err)
}

// newRoot builds the command tree, writing to io.
func newRoot(io *stdio) *cobra.Command {
	root := dashboardCommand(io, "aspect-tui")
	root.SetIn(io.in)
	root.SetOut(io.out)
	root.SetErr(io.err)
	root.Version = versionLine()
	root.SetVersionTemplate("aspect-tui {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError(c, err) })
	root.SuggestionsMinimumDistance = 2
	root.AddCommand(
		dashboardCommand(io, "dashboard"),
		demoCommand(io), simCommand(io), tailCommand(io), listenCommand(io),
		doctorCommand(io), versionCommand(io), manCommand(io),
	)
	root.AddCommand(replayCommand(io))
	root.SetHelpCommand(helpCommand())
	// cobra adds the completion command when it runs; added now, its
	// argument errors are usage errors like every other command's.
	root.InitDefaultCompletionCmd()
	markUsageErrors(root)
	return root
}

// helpCommand is cobra's help command, except that help for no such
// command is a usage error (exit 2), as it was before cobra.
func helpCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "help [command]",
		Short: "help about any command (the same as COMMAND --help)",
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usageError(c.Root(), fmt.Errorf("unknown command %q", strings.Join(args, " ")))
			}
			return target.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			if len(args) == 0 {
				for _, sub := range c.Root().Commands() {
					if sub.IsAvailableCommand() {
						names = append(names, sub.Name())
					}
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
	return c
}

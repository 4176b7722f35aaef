package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
)

// Exit codes: 0 done (a quit or a signal included), 1 failed, 2 a mistake
// on the command line, 70 a crash (crash.go).
const (
	exitFailed = 1
	exitUsage  = 2
)

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// commandError names the command that failed: "aspect-tui listen: ...".
type commandError struct {
	name  string // "" for the root's own usage errors
	usage bool   // a mistake on the command line: exit 2
	help  string // the command whose --help to suggest
	err   error
}

func (e *commandError) Error() string { return e.err.Error() }
func (e *commandError) Unwrap() error { return e.err }

// usageError marks a command-line mistake in c: exit 2.
func usageError(c *cobra.Command, err error) error {
	var ce *commandError
	if errors.As(err, &ce) {
		return err
	}
	name := c.Name()
	if !c.HasParent() {
		name = ""
	}
	return &commandError{name: name, usage: true, help: c.CommandPath(), err: err}
}

// noArgs is every command's Args: none of them takes an argument.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if c.HasParent() {
		return usageError(c, fmt.Errorf("unexpected argument %q", args[0]))
	}
	err := fmt.Errorf("unknown command %q", args[0])
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		err = fmt.Errorf("unknown command %q; did you mean %s?", args[0], strings.Join(s, " or "))
	}
	return usageError(c, err)
}

// markUsageErrors makes the argument errors of every command in the tree,
// cobra's own included (completion), usage errors.
func markUsageErrors(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return usageError(c, err)
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markUsageErrors(sub)
	}
}

// failed names the command in an error from its run.
func failed(name string, err error) error {
	if err == nil {
		return nil
	}
	return &commandError{name: name, err: err}
}

func exitCode(err error) int {
	var ee *exitError
	var ce *commandError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ce) && ce.usage:
		return exitUsage
	case isCobraUsage(err):
		return exitUsage
	}
	return exitFailed
}

// isCobraUsage recognises what cobra reports before any of our code runs
// (a flag error reaches SetFlagErrorFunc; these few do not, such as a
// `help` for no such command).
func isCobraUsage(err error) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument"} {
		if strings.HasPrefix(err.Error(), p) {
			return true
		}
	}
	return false
}

// errorHandler prints a command's error. On a terminal it is fang's styled
// block (without colour under NO_COLOR: fang's writer reads it); anywhere
// else (a pipe, a file, a test) it is one plain line, "aspect-tui CMD:
// error", that a script can grep.
func errorHandler(std *stdio) fang.ErrorHandler {
	return func(w io.Writer, styles fang.Styles, err error) {
		name, hint := "", ""
		var ce *commandError
		if errors.As(err, &ce) {
			name = ce.name
			if ce.usage {
				hint = ce.help + " --help"
			}
		} else if isCobraUsage(err) {
			hint = "aspect-tui --help"
		}
		prefix := "aspect-tui"
		if name != "" {
			prefix += " " + name
		}
		if !isTerminal(std.err) {
			if hint != "" {
				fmt.Fprintf(w, "%s: %v (see %s)\n", prefix, err, hint)
				return
			}
			fmt.Fprintf(w, "%s: %v\n", prefix, err)
			return
		}
		text := styles.ErrorText.UnsetTransform()
		fmt.Fprintln(w, styles.ErrorHeader.String())
		fmt.Fprintln(w, text.Render(prefix+": "+err.Error()))
		fmt.Fprintln(w)
		if hint != "" {
			fmt.Fprintln(w, lipgloss.JoinHorizontal(lipgloss.Left,
				text.Render("Try"), styles.Program.Flag.Render(" "+hint+" "), text.UnsetMargins().Render("for usage.")))
			fmt.Fprintln(w)
		}
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

package cmd

import (
	"fmt"
	"slices"
	"strings"

	mcobra "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
)

// manCommand writes the manual page. It is fang's man command but for two
// things: it writes to the command's stdout (fang's writes to os.Stdout,
// which tests cannot read), and the page gains ENVIRONMENT and FILES
// sections, since mango-cobra keeps only the root's long description.
func manCommand(io *stdio) *cobra.Command {
	c := &cobra.Command{
		Use:   "man",
		Short: "print the manual page (roff); read it with: aspect-tui man | man -l -",
		RunE: func(*cobra.Command, []string) error {
			// The page is for every user: the config file's path is not
			// this one's.
			root := newRoot(&stdio{getenv: func(string) string { return "" }})
			page, err := mcobra.NewManPage(1, root)
			if err != nil {
				return failed("man", err)
			}
			page = page.WithSection("Environment", manEnvironment(root)).
				WithSection("Files", "$XDG_CONFIG_HOME/aspect-tui/config.toml (or ~/.config/aspect-tui/config.toml, or $"+envConfig+
					"): optional TOML; flags win over the environment, which wins over the file.\n\n"+
					"$XDG_STATE_HOME/aspect-tui/ (or ~/.local/state/aspect-tui/): crash reports, mode 0600.")
			_, err = fmt.Fprint(io.out, page.Build(roff.NewDocument()))
			return failed("man", err)
		},
	}
	return reads(c, io.getenv, nil, nil)
}

// manEnvironment lists every variable a command reads, with the commands
// that read it.
func manEnvironment(root *cobra.Command) string {
	users := map[string][]string{}
	var names []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, n := range strings.Fields(c.Annotations[annEnv]) {
			if users[n] == nil {
				names = append(names, n)
			}
			if name := c.Name(); !slices.Contains(users[n], name) {
				users[n] = append(users[n], name)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s: %s (read by %s).\n\n", n, envHelp[n], strings.Join(users[n], ", "))
	}
	return strings.TrimSpace(b.String())
}

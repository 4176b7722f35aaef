package cmd

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// build is what main set at link time (-X main.version, -X main.commit).
var build Build

// appVersion is the version alone, for the User-Agent: the one set at
// link time, else the module version of a `go install`ed binary, else
// "dev".
func appVersion() string {
	if build.Version != "" {
		return build.Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// revision is the commit built: the one set at link time, else the VCS
// revision Go stamps into a binary built in a checkout, with whether the
// tree had uncommitted changes. A `go install`ed binary has none.
func revision() (commit string, modified bool) {
	if build.Commit != "" {
		return build.Commit, false
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return commit, modified
}

// versionLine is what --version and `aspect-tui version` print after the
// name: "v1.2.3 (commit 1e3765d9c0ab, modified)".
func versionLine() string {
	v := appVersion()
	commit, modified := revision()
	if commit == "" {
		return v
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if modified {
		return fmt.Sprintf("%s (commit %s, modified)", v, commit)
	}
	return fmt.Sprintf("%s (commit %s)", v, commit)
}

func versionCommand(io *stdio) *cobra.Command {
	c := &cobra.Command{
		Use:   "version",
		Short: "print the version and the commit it was built from (as --version does)",
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(io.out, "aspect-tui %s\n", versionLine())
			return failed("version", err)
		},
	}
	return reads(c, io.getenv, nil, nil)
}

// Command aspect-tui is a terminal dashboard for Aspect's media API: a live
// grid of tasks and their feature states beside the webhook endpoints and
// failed deliveries, a local receiver that verifies Svix signatures, a
// headless tail, and an embedded simulator.
//
// It stays at the module's root so that `go install
// github.com/aspect-hq/aspect-tui@latest` installs it; the command line
// itself lives in package cmd.
package main

import (
	"os"

	"github.com/aspect-hq/aspect-tui/cmd"
)

// version and commit may be set at build time:
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=$(git rev-parse HEAD)"
//
// Left empty, they come from the build info: the module version of a `go
// install`ed binary, and the VCS revision of one built in a checkout.
var version, commit string

func main() {
	os.Exit(cmd.Main(cmd.Build{Version: version, Commit: commit}))
}

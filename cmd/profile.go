//go:build profile

package cmd

import (
	"os"
	"runtime/pprof"
)

// Built with -tags profile, the binary writes a CPU profile of its whole run
// to $ASPECT_TUI_CPUPROFILE, for .ci/perf-e2e.sh PROFILE=1 and anyone
// chasing where a real terminal's CPU goes. Release builds hold none of it.
func init() {
	path := os.Getenv("ASPECT_TUI_CPUPROFILE")
	if path == "" {
		return
	}
	startProfile = func() func() {
		f, err := os.Create(path)
		if err != nil {
			return func() {}
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return func() {}
		}
		return func() { pprof.StopCPUProfile(); f.Close() }
	}
}

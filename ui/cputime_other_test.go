//go:build !unix

package ui

import "time"

// cpuTime is unknown here; the soak then shows no CPU share.
func cpuTime() time.Duration { return 0 }

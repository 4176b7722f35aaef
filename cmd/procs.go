package cmd

import (
	"os"
	"runtime"
)

// settle is called as a screen starts (runProgram). In the binary, with
// no GOMAXPROCS of the user's, it leaves the Go runtime one processor:
// the start-up (the snapshot's decoding and its garbage) has had them
// all, and what follows is a few milliseconds of work per frame, handed
// between goroutines on every event. With two processors, each hand-over
// woke the idle one to look for work: at about 10 events a second the
// dashboard used 1.82–2.02% of a core, and with one 1.48%, in the same
// hour on the README's machine. At 1,000 events a second (13–15%) and in
// BenchmarkEventToPixel's p99 the two measured the same. Tests run
// screens in their own process and leave it as it is.
var settle = func() {}

func settleForScreens() {
	if os.Getenv("GOMAXPROCS") == "" {
		settle = func() { runtime.GOMAXPROCS(1) }
	}
}

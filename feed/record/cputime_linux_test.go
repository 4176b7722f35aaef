package record

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time the calling thread has used (lock the
// goroutine to its thread around what is measured): on a loaded machine
// it says what a seek costs where the wall clock says how long it waited.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

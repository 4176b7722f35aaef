package sim

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test closes what it starts; goleak fails the package if a
// goroutine of the simulator (or of a test's client) outlives it.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

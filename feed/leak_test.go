package feed

import (
	"testing"

	"go.uber.org/goleak"
)

// No goroutine of the feed, the receiver or a test's server outlives the
// package's tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

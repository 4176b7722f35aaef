package record

import (
	"time"

	"github.com/aspect-hq/aspect-tui/feed"
)

// appendResume records the snapshot that ends a resumed start's catch-up
// (feed.Batch.Resume) as an aspect-tui.snapshot after the batch's events:
// a play applies it as a resync there, which is what the store did with
// it. It is recorded no earlier than the last of those events.
func appendResume(b []byte, at time.Time, fb *feed.Batch) []byte {
	for i := range fb.Events {
		if r := fb.Events[i].Received; r.After(at) {
			at = r
		}
	}
	b, _ = AppendJSON(b, at, TypeSnapshot, fb.Resume.Snapshot)
	return b
}

package ui

import "time"

// FrameInterval is the least time between two frames the program draws
// (render.RunOptions.Every). Frames are drawn when the view changes, not
// on a clock (package render): a change after a quiet spell is drawn at
// once, and an idle screen costs no wake-ups at all.
//
// Events are already paced by the feed, at most one batch per
// feed.DefaultFrameInterval (33 ms). A second gate of that length here,
// out of phase with the feed's, made a change wait for both: p99 57 ms
// from event to pixel at 1,000 events a second, against a budget of 38.
// So this gate only guards against a flood of keys or ticks; at 8 ms it
// still delayed a batch that came just after a tick's frame (p99 39–42 ms
// at 1,000 events a second, 34–39 at 2 ms, in BenchmarkEventToPixel).
const FrameInterval = 2 * time.Millisecond

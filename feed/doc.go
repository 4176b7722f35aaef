// Package feed turns live sources into typed events: the SSE supervisor
// (connect, resume, back off, detect a silent stream), a bounded
// event-stream parser and a fast envelope decoder, the task store that
// applies envelopes (dedupe by event_id, never step back to an older
// `updated`), and the coalescer that batches bursts into at most one batch per
// frame. Webhook deliveries are the listen package's.
//
// When there is no live stream (GET /events is not offered, is not an
// event stream, or never goes live), the feed polls GET /tasks/active
// instead (poll.go) and hands over what it read as a Batch.Poll; the
// store marks those transitions SourcePolled, and ConnState.Summary says
// why there is no stream.
//
// A start can resume a previous session (Options.Resume, resume.go): the
// events the server replays after the previous session's Mark are applied
// before that start's snapshot, and the batch that ends the catch-up
// reports, once, what the store found (Changes.Caught): how many events
// and failed tasks, or that events were missed.
//
// The store is owned by one goroutine, the consumer's (the UI's update loop
// or the tail loop): the supervisor decodes on its own goroutine and hands
// over Batches; nothing here is locked because nothing is shared.
package feed

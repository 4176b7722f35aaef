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
// The store is owned by one goroutine, the consumer's (the UI's update loop
// or the tail loop): the supervisor decodes on its own goroutine and hands
// over Batches; nothing here is locked because nothing is shared.
package feed

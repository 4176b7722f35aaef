// Package record owns aspect-tui's recording format: what `tail --record`
// and the dashboard's `--record FILE` write, and what `aspect-tui replay`
// and `aspect-tui sim --replay` read. It holds the encoder (Append*, and
// Writer for a file) and a streaming Reader with bounded memory.
//
// # The format, version 1
//
// A recording is a text/event-stream (the WHATWG "server-sent events"
// format, UTF-8, lines ending in LF), so serving the file as
// text/event-stream replays its events to any SSE client: the lines an
// SSE client does not know are comments, which it ignores.
//
// The file begins with a header comment:
//
//	: aspect-tui recording v1 {"app_version":"v1.2.0","api_url":"https://api.aspect.inc","started":"2026-12-06T03:20:00.123456789Z","recorder":"tail"}
//
// followed by a blank line. "v1" is the format version; the JSON names the
// app version that wrote the file, the API's base URL (never a key: user
// info and query are removed), when recording started (UTC, RFC 3339) and
// which command recorded it ("tail" or "dashboard"). A file written by an
// older `tail --record` (first line ": recorded by aspect-tui tail from URL
// at TIME") reads as version 0: its records have no receive times.
//
// Then come records, each a block of lines ended by a blank line. Each
// record's first line is a comment with the time it was received on the
// recording machine's clock (UTC, RFC 3339 with nanoseconds):
//
//	: at 2026-12-06T03:20:01.5Z
//	id: 5b6c4a0e-2d6f-4c59-9b1e-0d7e2b8f4c11
//	event: task.progress
//	data: {"timestamp":"...","event_id":"5b6c...","event_type":"task.progress","data":{"task":{...}}}
//
// An SSE event from GET /events is recorded exactly as received: its id,
// its event type and its data, one "data: " line per line of data. Records
// aspect-tui adds are events whose type begins with "aspect-tui." (a
// prefix the API does not use), with one JSON document as data:
//
//   - aspect-tui.snapshot: GET /tasks/active read after a (re)connect, a
//     JSON array of tasks as the API's Task.
//   - aspect-tui.poll: what polling read while there was no live stream,
//     {"active":[tasks],"finished":[tasks],"gone":[ids],"full":bool}.
//   - aspect-tui.messages: webhook messages the dashboard fetched,
//     {"messages":[Message]}.
//   - aspect-tui.attempts: delivery attempts the dashboard fetched,
//     {"message_id":"","endpoint_id":"","attempts":[Attempt]}.
//   - aspect-tui.endpoints: the webhook endpoints the dashboard listed, a
//     JSON array of Endpoint (endpoints carry no signing secret).
//   - aspect-tui.connection: the feed's connection state when it changed
//     (live, reconnecting, polling...), {"phase":"live","since":"...",...}.
//   - aspect-tui.tasks: tasks fetched one by one (GET /tasks/{id}, after a
//     snapshot left out tasks the client held as pending), a JSON array.
//
// An SSE client shown the file counts these as event types it does not
// know. An event that was too large to keep is a comment-only record:
//
//	: at 2026-12-06T03:20:02Z
//	: skipped ID (TYPE): too large: ...
//
// A second header later in the file starts a new session appended to the
// same file (tail --record appends). No API key, webhook signing secret
// or Authorization header is ever written; files are created mode 0600.
//
// # Reading
//
// Reader reads records one at a time, holding at most one record (bounded
// by MaxRecord) and a 64 KiB buffer, whatever the file's size. It stops at
// the first thing it cannot read — an empty file, a format version it does
// not know, a header or record from the future, a line that is no
// event-stream field, a record over MaxRecord, a last record cut short —
// with an *Error naming the line and byte where it stopped and how many
// records it read before; everything before is usable.
package record

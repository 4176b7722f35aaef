// Package sim is a local stand-in for Aspect's API: it serves every route of
// docs/contract.md over real HTTP, runs a seeded task engine whose state changes
// go out on an SSE stream with a replay buffer, and delivers each event as a
// Svix-signed webhook with Svix's retry schedule, rate limits and attempt
// records. Tests, `aspect-tui sim` and `aspect-tui demo` all start it.
//
// It shares only api's types with the rest of aspect-tui. The state lives
// in three parts, each behind its own lock and never nested: the engine
// (tasks, virtual clock), the event log (replay ring the SSE streams read),
// and the hooks (endpoints, messages, attempts, the delivery queue).
package sim

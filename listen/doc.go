// Package listen is `aspect-tui listen` without its screen: a local
// receiver for Svix webhook deliveries (server.go) that verifies each
// request with the svix library under both header families, explains a
// refusal (verify.go: the signature each secret computes beside the one
// received, a body re-serialized by a JSON parser, a secret used as text,
// a clock off), forwards verified requests to the user's handler, and
// resends one to it signed afresh (resend.go); and the plain and JSON lines
// the command prints on a pipe (print.go).
//
// It shares nothing with the SSE feed: both use only api's sanitizing and
// masking.
package listen

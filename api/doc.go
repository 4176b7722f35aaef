// Package api owns Aspect's wire types (Task, Envelope, Endpoint, Message,
// Attempt), the HTTP client for every route aspect-tui uses, the one table
// that marks each route documented or assumed, and the sanitizer that every
// string from the network passes through before it reaches a screen.
//
// It imports nothing else of aspect-tui; feed, ui, sim and main import it.
package api

package api

import "context"

// ActiveTasksWith is ActiveTasks reading the answer with fast first: fast
// decodes a bare JSON array of tasks into *out and reports whether it
// could. An answer it does not read is decoded as ActiveTasks would
// (pages, either casing, unreadable fields skipped and reported).
func (c *Client) ActiveTasksWith(ctx context.Context, fast func([]byte, *[]Task) bool) ([]Task, error) {
	var quick []Task
	answered := false
	cl := route(RouteTasksActive)
	cl.fast = func(b []byte) bool {
		answered = fast(b, &quick)
		return answered
	}
	all, err := list[Task](ctx, c, cl, 0)
	if answered && len(all) == 0 {
		return quick, err
	}
	// A bare array ends the list; the pages before it were objects.
	return append(all, quick...), err
}

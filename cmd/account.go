package cmd

import (
	"context"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/keycheck"
)

// checkKey checks the key before the dashboard takes the terminal, the
// cheapest way: GET /users/me, which also names the account for the
// header. Where that says nothing about the key (the API has no such
// route, or it failed), GET /tasks/active checks it, quietly, as before.
func checkKey(ctx context.Context, c *api.Client) (*api.User, error) {
	u, err := keycheck.Check(ctx, c)
	if err != nil || u != nil {
		return u, err
	}
	_, err = c.ActiveTasks(ctx)
	return nil, err
}

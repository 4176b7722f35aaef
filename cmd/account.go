package cmd

import (
	"context"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/keycheck"
)

// checkKey checks the key before the dashboard takes the terminal, the
// cheapest way: GET /users/me, which also names the account for the
// header. A refused key ends here with the usual message. Where the answer
// says nothing about the key (the API has no such route, or it failed),
// it returns nil, nil, quietly: the feed's first GET /tasks/active, which
// the dashboard waits for before it starts (startFeed), checks it then.
func checkKey(ctx context.Context, c *api.Client) (*api.User, error) {
	return keycheck.Check(ctx, c)
}

package cmd

import (
	"context"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/assets"
)

// assetNames are the asset names tail prints: fetched in the background
// (GET /assets/{id}, within feed/assets' bounds), so a line never waits
// for one; a line whose name is not known yet goes out without it, and a
// later line about the same asset has it. --json prints events exactly as
// received and fetches nothing.
type assetNames struct {
	lazy   *assets.Lazy
	cancel context.CancelFunc
}

func tailNames(ctx context.Context, c *api.Client, asJSON bool) *assetNames {
	if asJSON {
		return &assetNames{}
	}
	ctx, cancel := context.WithCancel(ctx)
	return &assetNames{lazy: assets.NewLazy(ctx, c.Asset), cancel: cancel}
}

func (n *assetNames) name(assetID string) string {
	if n == nil || n.lazy == nil || assetID == "" {
		return ""
	}
	return n.lazy.Name(assetID)
}

func (n *assetNames) drain() []string {
	if n == nil || n.lazy == nil {
		return nil
	}
	return n.lazy.Drain()
}

// stop cancels what is out and waits for it.
func (n *assetNames) stop() {
	if n == nil || n.lazy == nil {
		return
	}
	n.cancel()
	n.lazy.Wait()
}

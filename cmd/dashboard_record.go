package cmd

import (
	"context"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/feed/record"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// recordBatches records each batch the dashboard is about to apply and
// hands it on: the dashboard's --record. A failed write stops the
// recording (Writer keeps the error, said when the dashboard ends), never
// the dashboard.
func recordBatches(ctx context.Context, in <-chan feed.Batch, w *record.Writer) <-chan feed.Batch {
	out := make(chan feed.Batch)
	go func() {
		defer close(out)
		for b := range in {
			_ = w.Batch(&b)
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// recordingHooks records what the webhook panes fetch, as they receive it:
// endpoints, messages and attempts. Actions pass through unrecorded.
type recordingHooks struct {
	webhooks.Client
	w *record.Writer
}

func (h recordingHooks) ListEndpoints(ctx context.Context) ([]api.Endpoint, error) {
	es, err := h.Client.ListEndpoints(ctx)
	if err == nil {
		_ = h.w.Endpoints(time.Now(), es)
	}
	return es, err
}

func (h recordingHooks) ListMessages(ctx context.Context, q api.MessageQuery) ([]api.Message, error) {
	ms, err := h.Client.ListMessages(ctx, q)
	if err == nil {
		_ = h.w.Messages(time.Now(), ms)
	}
	return ms, err
}

func (h recordingHooks) ListAttempts(ctx context.Context, q api.AttemptQuery) ([]api.Attempt, error) {
	as, err := h.Client.ListAttempts(ctx, q)
	if err == nil {
		_ = h.w.Attempts(time.Now(), record.Attempts{MessageID: q.MessageID, EndpointID: q.EndpointID, Attempts: as})
	}
	return as, err
}

package listen

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGolden compares whole screens at 160×45 with testdata/TestGolden/*,
// drawn without colours or attributes, at the receiver's fixed clock, with
// the receiver's port hidden. Regenerate with:
// go test ./ui/listen -run TestGolden -update
func TestGolden(t *testing.T) {
	t.Run("list", func(t *testing.T) {
		h := goldenHarness(t)
		golden.RequireEqual(t, stable(h.screen()))
	})
	t.Run("detail", func(t *testing.T) {
		h := goldenHarness(t)
		h.press("enter")
		golden.RequireEqual(t, stable(h.screen()))
	})
}

// goldenHarness is a session of six requests, one of each kind, with the
// wrong-secret one selected: the screen a screenshot of "listen showing a
// rejected delivery with its reason" is made from.
func goldenHarness(t *testing.T) *harness {
	h := newHarness(t, setup{w: 160, h: 45})
	// Verified requests are signed with the machine's clock (the svix
	// library checks against it); nothing on the list shows that time.
	h.post("/webhooks/aspect", signed(t, secret1, "msg_2tQk8LxV0bN3eYw1", time.Now(), body), body)
	h.post("/webhooks/aspect", signed(t, secret2, "msg_2tQk9Hc4mZp7aRu2", time.Now(), body), body)
	old := h.stamp().Add(-12 * time.Minute)
	h.post("/webhooks/aspect", signed(t, secret1, "msg_2tQkAq0wEr5tYu3", old, body), body)
	unsigned := http.Header{"Content-Type": {"application/json"}}
	h.post("/webhooks/aspect", unsigned, body)
	h.post("/webhooks/aspect", signed(t, secret1, "msg_2tQk8LxV0bN3eYw1", time.Now(), body), body)
	failed := strings.Replace(body, "task.completed", "task.failed", 1)
	h.post("/webhooks/aspect", signed(t, wrong, "msg_2tQkC7vBn1mXq5", h.stamp(), failed), failed)
	h.pump(6)
	return h
}

package sim

import (
	"encoding/json"
	"io"
	"net/http"
)

// The echo receiver lets `aspect-tui sim --echo` produce real deliveries,
// failures included, without a handler of your own. It does not verify
// signatures: `aspect-tui listen` is the receiver that does.
const (
	echoPath    = "/_sim/echo"
	echoPattern = "POST " + echoPath
)

func (h *hooks) handleEcho(w http.ResponseWriter, r *http.Request) {
	n, _ := io.Copy(io.Discard, io.LimitReader(r.Body, maxRequestBody))
	h.echoMu.Lock()
	fail := h.echoRand.Float64() < h.o.EchoFailRate
	h.echoMu.Unlock()
	if fail {
		writeDetail(w, http.StatusInternalServerError, "simulated failure (--fail-rate)")
		return
	}
	b, _ := json.Marshal(map[string]any{"received": r.Header.Get("svix-id"), "bytes": n})
	writeRaw(w, http.StatusOK, b)
}

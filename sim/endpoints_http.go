package sim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/api"
)

// maxRateLimit bounds rate_limit; Svix's own ceiling is of this order.
const maxRateLimit = 10_000

// newSecret makes a signing secret as Svix does: whsec_ and 24 random bytes
// in base64. It comes from crypto/rand, never from the seed.
func newSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// endpointFields reads and checks create and update bodies alike.
type endpointFields struct {
	url, description string
	types            []string
	allTypes         bool
	rateLimit        int
	version          int
	disabled         *bool
}

// readEndpointBody reads a request's endpoint fields, in the form of the
// answering profile; when they are not valid it answers the request and
// ok is false.
func readEndpointBody(w http.ResponseWriter, r *http.Request) (f endpointFields, svix, ok bool) {
	b, ok := readBody(w, r)
	if !ok {
		return f, false, false
	}
	svix = profileOf(w) == ProfileSvix
	f = readEndpoint(b, svix)
	if b.errs.reply(w) {
		return f, svix, false
	}
	return f, svix, true
}

// readEndpoint reads our names; svix also reads Svix's (filterTypes,
// throttleRate), our client's names coming first.
func readEndpoint(b *body, svix bool) endpointFields {
	var f endpointFields
	f.url = b.str("url", true, 2048)
	if f.url != "" && !validURL(f.url) {
		b.errs.add("body", "url", "URL must be absolute, with http:// or https:// and a host (for example http://127.0.0.1:8787/webhooks)", "url_parsing")
	}
	f.description = b.str("description", false, 1000)
	typesName, rateName := "event_types", "rate_limit"
	if svix && !b.has(typesName) && b.has("filterTypes") {
		typesName = "filterTypes"
	}
	if svix && !b.has(rateName) && b.has("throttleRate") {
		rateName = "throttleRate"
	}
	raw := b.strings(typesName, false)
	f.types, f.allTypes = expandTypes(b, raw)
	f.rateLimit = b.int(rateName, 0, 0, maxRateLimit)
	// Version 0 is what a client sends that left it unset; it means 1.
	f.version = max(b.int("version", 1, 0, 1<<20), 1)
	f.disabled = b.bool("disabled")
	return f
}

// expandTypes checks event types and expands task.* to every task event.
// No list means every event, as in Svix.
func expandTypes(b *body, raw []string) ([]string, bool) {
	if len(raw) == 0 {
		return slices.Clone(api.EventTypes), true
	}
	want := map[string]bool{}
	for i, t := range raw {
		switch {
		case t == "task.*" || t == "*":
			for _, k := range api.EventTypes {
				want[k] = true
			}
		case slices.Contains(api.EventTypes, t):
			want[t] = true
		default:
			b.errs = append(b.errs, fieldErr("event_types", i,
				"unknown event type "+api.Clip(t, 60)+"; known: "+strings.Join(api.EventTypes, ", ")+", or task.* for all"))
		}
	}
	var out []string
	for _, k := range api.EventTypes {
		if want[k] {
			out = append(out, k)
		}
	}
	return out, len(out) == len(api.EventTypes)
}

func (h *hooks) newEndpointLocked(f endpointFields) *endpoint {
	h.epSeq++
	now := time.Now().Round(0).UTC()
	secret := newSecret()
	wh, _ := svix.NewWebhook(secret)
	ep := &endpoint{
		seq: h.epSeq, id: svixID("ep_"), url: f.url, description: f.description,
		eventTypes: f.types, allTypes: f.allTypes, rateLimit: f.rateLimit, version: f.version,
		created: now, updated: now, wh: wh,
	}
	ep.secret = secret
	if f.disabled != nil {
		ep.disabled = *f.disabled
	}
	ep.sess = h.newSession()
	h.eps[ep.id] = ep
	h.epOrder = append(h.epOrder, ep)
	return ep
}

func (h *hooks) newSession() *session {
	ctx, cancel := context.WithCancel(h.ctx)
	return &session{ctx: ctx, cancel: cancel}
}

func (h *hooks) handleCreateEndpoint(w http.ResponseWriter, r *http.Request) {
	f, svix, ok := readEndpointBody(w, r)
	if !ok {
		return
	}
	h.mu.Lock()
	ep := h.newEndpointLocked(f)
	isNew := h.isNew
	h.isNew = false
	out := api.EndpointCreated{Endpoint: ep.toAPI(), Secret: ep.secret, App: api.App{ID: h.appID, IsNew: isNew}}
	h.mu.Unlock()
	if svix {
		writeJSON(w, http.StatusCreated, map[string]any{"endpoint": toSvixEndpoint(out.Endpoint), "secret": out.Secret,
			"app": map[string]any{"id": out.App.ID, "isNew": out.App.IsNew}})
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (h *hooks) handleListEndpoints(w http.ResponseWriter, r *http.Request) {
	q := query{v: r.URL.Query()}
	limit, iter := q.limit(), q.iterator()
	if q.errs.reply(w) {
		return
	}
	h.mu.Lock()
	var out page[api.Endpoint]
	out.Data = []api.Endpoint{}
	for i := len(h.epOrder) - 1; i >= 0; i-- {
		ep := h.epOrder[i]
		if iter != 0 && ep.seq >= iter {
			continue
		}
		if len(out.Data) == limit {
			break
		}
		out.Data = append(out.Data, ep.toAPI())
		out.Iterator = iteratorOf(ep.seq)
	}
	out.Done = len(h.epOrder) == 0 || out.Iterator == "" || h.epOrder[0].seq >= seqOf(out.Iterator)
	h.mu.Unlock()
	writePage(w, r, out.Data, out.Iterator, out.Done, toSvixEndpoint)
}

// endpointLocked finds an endpoint by the route's id, answering 404 itself.
func (h *hooks) endpointLocked(w http.ResponseWriter, r *http.Request) *endpoint {
	ep := h.eps[r.PathValue("endpoint_id")]
	if ep == nil {
		writeDetail(w, http.StatusNotFound, "Endpoint not found")
	}
	return ep
}

func (h *hooks) handleUpdateEndpoint(w http.ResponseWriter, r *http.Request) {
	f, svix, ok := readEndpointBody(w, r)
	if !ok {
		return
	}
	ep := h.lockEndpoint(w, r, false)
	if ep == nil {
		return
	}
	ep.url, ep.description, ep.eventTypes, ep.allTypes = f.url, f.description, f.types, f.allTypes
	ep.rateLimit, ep.version = f.rateLimit, f.version
	ep.updated = time.Now().Round(0).UTC()
	if f.disabled != nil && *f.disabled != ep.disabled {
		ep.disabled = *f.disabled
		if ep.disabled {
			// Answer only once nothing is being sent to it any more, so
			// that "disabled" means no delivery after this answer.
			h.dropJobsLocked(ep)
			h.stopLocked(ep)
		} else {
			ep.sess = h.newSession()
			ep.failingSince = time.Time{} // a new start: the five days count afresh
		}
	}
	out := ep.toAPI()
	h.mu.Unlock()
	h.poke()
	if svix {
		// Svix answers the endpoint itself.
		writeJSON(w, http.StatusOK, toSvixEndpoint(out))
		return
	}
	writeJSON(w, http.StatusOK, map[string]api.Endpoint{"endpoint": out})
}

func (h *hooks) handleDeleteEndpoint(w http.ResponseWriter, r *http.Request) {
	ep := h.lockEndpoint(w, r, false)
	if ep == nil {
		return
	}
	delete(h.eps, ep.id)
	delete(h.epAttempts, ep.id)
	h.epOrder = slices.DeleteFunc(h.epOrder, func(e *endpoint) bool { return e == ep })
	h.dropJobsLocked(ep)
	h.stopLocked(ep)
	h.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// createEcho adds the endpoint that points at the simulator's own receiver.
func (h *hooks) createEcho(target string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.newEndpointLocked(endpointFields{url: target, description: "the simulator's echo receiver (--echo)",
		types: slices.Clone(api.EventTypes), allTypes: true, version: 1})
	h.isNew = false
	return nil
}

package sim

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
)

// Profile is which API the simulator plays: the routes it serves and the
// shapes of its answers. Every profile delivers webhooks the same way
// (signed, on Svix's schedule).
type Profile string

// The profiles.
const (
	// ProfileFull serves every route of docs/contract.md in our assumed
	// shapes: snake_case, {data, iterator, done}, FastAPI's errors. The
	// default, and what `demo` uses.
	ProfileFull Profile = "full"
	// ProfileDocumented serves only what Aspect documents: the task routes
	// and the routes of its webhooks page. Everything else answers as
	// FastAPI does for a route it lacks: 404 {"detail":"Not Found"}, or 405
	// where the path is served for another method (GET /webhooks/endpoints
	// beside the documented POST).
	ProfileDocumented Profile = "documented"
	// ProfileSvix serves every route with Svix's own names and behaviour in
	// the webhook answers: camelCase; lists {data, iterator, prevIterator,
	// done}; statusText on attempts, and a canceled attempt's status 0
	// unless expanded_statuses=true; payloads only with with_content=true;
	// throttleRate and filterTypes on endpoints; errors {code, detail};
	// recover's {id, status, task, updatedAt}; send-example's shape on the
	// test route; stats with canceled.
	ProfileSvix Profile = "svix"
)

// Profiles lists every profile, the default first.
var Profiles = []Profile{ProfileFull, ProfileDocumented, ProfileSvix}

// ParseProfile reads a profile's name; "" is the default, full.
func ParseProfile(s string) (Profile, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "" {
		return ProfileFull, nil
	}
	for _, p := range Profiles {
		if string(p) == name {
			return p, nil
		}
	}
	names := make([]string, len(Profiles))
	for i, p := range Profiles {
		names[i] = string(p)
	}
	return "", fmt.Errorf("unknown profile %q; the profiles are %s", api.Clip(s, 40), strings.Join(names, ", "))
}

// serves reports whether the profile serves the route.
func (p Profile) serves(r api.Route) bool {
	return p != ProfileDocumented || r.Documented
}

// profiled is the ResponseWriter every handler gets: it carries the
// profile the answer is shaped for.
type profiled struct {
	http.ResponseWriter
	p Profile
}

// Unwrap lets http.ResponseController reach the connection (SSE flushes).
func (w *profiled) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// profileOf is the profile an answer written to w is shaped for.
func profileOf(w http.ResponseWriter) Profile {
	if pw, ok := w.(*profiled); ok {
		return pw.p
	}
	return ProfileFull
}

package api

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Where an endpoint came from, when the API has no route that lists them.
const (
	SourceListed     = "listed"           // GET /webhooks/endpoints
	SourceDelivered  = "delivered to"     // seen in the attempts of recent messages
	SourceMadeHere   = "made in this app" // created with aspect-tui, remembered on this machine
	SourceConfigured = "in the config"    // `endpoints` in the config file
)

// KnownEndpoint is an endpoint this machine knows of without the API
// listing it: made in this app (remembered under the state directory) or
// named in the config. URL may be empty (a configured id).
type KnownEndpoint struct {
	ID     string `json:"id"`
	URL    string `json:"url,omitempty"`
	Source string `json:"-"`
}

// Directory is the Client with endpoints listed whatever the API offers:
// by its list route when it has one, otherwise discovered from documented
// routes (recent messages, then each message's attempts, which name the
// endpoint and its URL) and joined with the endpoints this machine knows.
// Every other method is the Client's.
type Directory struct {
	*Client
	// Known returns the endpoints this machine knows of; called on every
	// listing, so a config reload or a new endpoint shows at once.
	Known func() []KnownEndpoint
	// Remember is told of an endpoint created through the Directory, to
	// keep its id and URL (never its secret) for the next session.
	Remember func(KnownEndpoint)

	mu       sync.Mutex
	unlisted bool                 // the list route answered "not offered"
	seen     map[string]bool      // messages whose attempts were read
	found    map[string]*Endpoint // endpoint id → what attempts said of it
}

// Discovery's bounds: each listing reads at most this many recent
// messages, and asks for the attempts of at most discoverPerList messages
// it has not read before, discoverAtOnce at a time.
const (
	discoverMessages = 50
	discoverPerList  = 20
	discoverAtOnce   = 4
)

// Unlisted reports whether the API has no list route, so the endpoints
// shown were discovered.
func (d *Directory) Unlisted() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.unlisted
}

// ListEndpoints lists by the API's route, or, when it is not offered,
// discovers. Each endpoint's Source says where it came from.
func (d *Directory) ListEndpoints(ctx context.Context) ([]Endpoint, error) {
	if !d.Unlisted() {
		eps, err := d.Client.ListEndpoints(ctx)
		if err == nil {
			for i := range eps {
				eps[i].Source = SourceListed
			}
			return eps, nil
		}
		if !IsNotOffered(err) {
			return nil, err
		}
		d.mu.Lock()
		d.unlisted = true
		d.mu.Unlock()
	}
	return d.discover(ctx)
}

// CreateEndpoint creates the endpoint and, when the API has no route that
// lists endpoints (so nothing else would show it next time), remembers
// its id and URL.
func (d *Directory) CreateEndpoint(ctx context.Context, in EndpointIn) (EndpointCreated, error) {
	out, err := d.Client.CreateEndpoint(ctx, in)
	if err == nil && d.Remember != nil && out.Endpoint.ID != "" && d.Unlisted() {
		d.Remember(KnownEndpoint{ID: out.Endpoint.ID, URL: out.Endpoint.URL, Source: SourceMadeHere})
	}
	return out, err
}

func (d *Directory) discover(ctx context.Context) ([]Endpoint, error) {
	msgs, err := d.Client.ListMessages(ctx, MessageQuery{Limit: discoverMessages, Max: discoverMessages})
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if d.seen == nil {
		d.seen, d.found = map[string]bool{}, map[string]*Endpoint{}
	}
	var todo []string
	for _, m := range msgs {
		if !d.seen[m.ID] && len(todo) < discoverPerList {
			todo = append(todo, m.ID)
		}
	}
	d.mu.Unlock()

	var wg sync.WaitGroup
	var firstErr error
	var errMu sync.Mutex
	sem := make(chan struct{}, discoverAtOnce)
	for _, id := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			as, err := d.Client.ListAttempts(ctx, AttemptQuery{MessageID: id, Limit: 50, Max: 50})
			if err != nil {
				errMu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				errMu.Unlock()
				return
			}
			d.mu.Lock()
			defer d.mu.Unlock()
			d.seen[id] = true
			for _, a := range as {
				d.note(a.EndpointID, a.URL, a.Timestamp.Time)
			}
		}()
	}
	wg.Wait()
	// A configured id with no attempt seen yet is asked for its own, to
	// learn its URL.
	var known []KnownEndpoint
	if d.Known != nil {
		known = d.Known()
	}
	for _, k := range known {
		d.mu.Lock()
		_, have := d.found[k.ID]
		d.mu.Unlock()
		if have || k.URL != "" {
			continue
		}
		if as, err := d.Client.ListAttempts(ctx, AttemptQuery{EndpointID: k.ID, Limit: 1, Max: 1}); err == nil {
			d.mu.Lock()
			for _, a := range as {
				d.note(k.ID, a.URL, a.Timestamp.Time)
			}
			d.mu.Unlock()
		}
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Endpoint, 0, len(d.found)+len(known))
	byID := map[string]int{}
	for _, e := range d.found {
		byID[e.ID] = len(out)
		out = append(out, *e)
	}
	for _, k := range known {
		if i, ok := byID[k.ID]; ok {
			// Made here or configured says more than "delivered to".
			out[i].Source = k.Source
			if out[i].URL == "" {
				out[i].URL = k.URL
			}
			continue
		}
		byID[k.ID] = len(out)
		out = append(out, Endpoint{ID: k.ID, URL: k.URL, Source: k.Source})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// note records what an attempt says of its endpoint; the newest URL wins.
func (d *Directory) note(id, url string, at time.Time) {
	if id == "" {
		return
	}
	e, ok := d.found[id]
	if !ok {
		e = &Endpoint{ID: id, Source: SourceDelivered}
		d.found[id] = e
	}
	if url != "" && (e.URL == "" || at.After(e.UpdatedAt.Time)) {
		e.URL, e.UpdatedAt = url, Time{Time: at}
	}
}

package sim

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Server is a running simulator. Create it with New, then Start it.
type Server struct {
	o     Options
	eng   *engine
	log   *eventLog
	hooks *hooks
	front *front // the API as Options.Profile shapes it
	srv   *http.Server
	url   string

	// Held by the engine's lock (publishTask runs under it).
	epoch    uint64
	eventSeq uint64
	scratch  []byte

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // the engine, the server loop, the delivery scheduler

	reqMu   sync.Mutex
	reqs    sync.WaitGroup // handlers running now, SSE streams included
	closing bool

	streams atomic.Uint64 // SSE connections served, to alternate DropSSEEvery's cuts

	startOnce, closeOnce sync.Once
	startErr             error
}

// New checks the options and builds a simulator; nothing runs until Start.
func New(o Options) (*Server, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	var seed [8]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return nil, err
	}
	s := &Server{o: o, log: newEventLog(o.ReplayBuffer), epoch: binary.BigEndian.Uint64(seed[:])}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.hooks = newHooks(s.ctx, o)
	s.eng = newEngine(o, s.publishTask)
	s.hooks.userID = s.eng.userID
	if s.front, err = s.newFront(o.Profile); err != nil {
		return nil, err
	}
	return s, nil
}

// Start listens on Options.Addr and serves; it returns once the port is
// open, so URL is valid when it returns.
func (s *Server) Start() error {
	s.startOnce.Do(func() { s.startErr = s.start() })
	return s.startErr
}

func (s *Server) start() error {
	if s.ctx.Err() != nil {
		return errors.New("the simulator was closed")
	}
	ln, err := net.Listen("tcp", s.o.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another simulator running? --addr 127.0.0.1:0 picks a free port)", s.o.Addr, err)
	}
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
		// net/http's own complaints (a handler's panic included) go where
		// the simulator's lines go, not to stderr over a dashboard.
		ErrorLog: log.New(logfWriter(s.o.Logf), "simulator: ", 0),
	}
	s.eng.start(s.o.Backlog)
	if s.o.Echo {
		if err := s.hooks.createEcho(s.url + echoPath); err != nil {
			ln.Close()
			return err
		}
	}
	s.wg.Add(3)
	go func() { defer s.wg.Done(); defer rescue(s.o.OnPanic); s.eng.run(s.ctx) }()
	go func() { defer s.wg.Done(); defer rescue(s.o.OnPanic); s.hooks.run(s.ctx) }()
	go func() {
		defer s.wg.Done()
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.o.Logf("simulator stopped serving: %v", err)
		}
	}()
	return nil
}

// logfWriter writes a logger's lines to Logf.
type logfWriter func(format string, args ...any)

func (f logfWriter) Write(p []byte) (int, error) {
	f("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// URL is the base URL, "http://127.0.0.1:PORT"; empty before Start.
func (s *Server) URL() string { return s.url }

// APIKey is the one key the simulator accepts.
func (s *Server) APIKey() string { return s.o.APIKey }

// Close stops the engine, the deliveries and every SSE stream, and returns
// once no goroutine of the simulator is left.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.reqMu.Lock()
		s.closing = true
		s.reqMu.Unlock()
		s.cancel()
		// Attempts in flight end with the context; closing the delivery
		// client's idle connections first matters when it delivers to the
		// simulator itself (--echo): Shutdown waits on connections that
		// never sent a request.
		s.hooks.close()
		if s.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			if s.srv.Shutdown(ctx) != nil {
				// A client that stopped reading keeps its handler in a write;
				// closing the connections ends it.
				s.srv.Close()
			}
			cancel()
		}
		s.reqs.Wait()
		s.wg.Wait()
	})
	return nil
}

// Pause stops creating and advancing tasks; state stays put, streams stay
// open and deliveries go on.
func (s *Server) Pause() { s.eng.setPaused(true) }

// Resume undoes Pause.
func (s *Server) Resume() { s.eng.setPaused(false) }

// Advance moves virtual time forward by d (virtual) and plays everything due
// before it returns; with the engine paused, tests step it exactly.
func (s *Server) Advance(d time.Duration) {
	e := s.eng
	e.mu.Lock()
	e.clock.base += d.Seconds()
	e.process(e.clock.now(), -1)
	e.mu.Unlock()
	e.poke()
}

// CreateTasks creates n tasks now, as the engine does at Rate (seeded, so
// deterministic when called at the same points), and returns their ids.
func (s *Server) CreateTasks(n int) []string {
	e := s.eng
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, 0, n)
	for range n {
		t, err := e.create(e.rng, e.clock.now(), "", nil)
		if err != nil {
			break
		}
		ids = append(ids, t.id)
	}
	e.poke()
	return ids
}

// Tasks returns every task the simulator holds, in creation order.
func (s *Server) Tasks() []api.Task {
	e := s.eng
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]api.Task, 0, len(e.tasks))
	for _, t := range e.sortedTasks(func(*task) bool { return true }) {
		out = append(out, t.toAPI())
	}
	return out
}

// LastEventID is the id of the newest event emitted, or "" before any.
func (s *Server) LastEventID() string { return s.log.last() }

// Counts are what the simulator holds, for tests and the eviction caps.
type Counts struct {
	Tasks, Messages, Attempts  int
	PendingJobs, Inflight      int    // attempts queued, and sending now
	Events                     uint64 // emitted since start
	EvictedTasks, SkippedTasks int
}

// Counts reports how much the simulator holds now.
func (s *Server) Counts() Counts {
	e := s.eng
	e.mu.Lock()
	c := Counts{Tasks: len(e.tasks), Events: s.eventSeq, EvictedTasks: e.evicted, SkippedTasks: e.saturated}
	e.mu.Unlock()
	s.hooks.mu.Lock()
	c.Messages, c.Attempts = len(s.hooks.msgs), s.hooks.attempts.len()
	for _, ep := range s.hooks.epOrder {
		c.PendingJobs += len(ep.queue)
		c.Inflight += ep.inflight
	}
	s.hooks.mu.Unlock()
	return c
}

// Handler serves this simulator's state in profile p, whatever its own:
// one set of tasks, endpoints and attempts read through two shapes of the
// API (mount it on an httptest server).
func (s *Server) Handler(p Profile) (http.Handler, error) { return s.newFront(p) }

// ServeHTTP serves the API in the profile of Options.Profile.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.front.ServeHTTP(w, r) }

// front is the simulator's state served in one profile: the routes the
// profile has, answers in its shapes.
type front struct {
	s   *Server
	p   Profile
	mux *http.ServeMux
}

// ServeHTTP routes a request: FastAPI's 404 and 405 for what matches no
// route, Bearer auth for every API route.
func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := f.s
	w = &profiled{ResponseWriter: w, p: f.p}
	s.reqMu.Lock()
	if s.closing {
		s.reqMu.Unlock()
		writeDetail(w, http.StatusServiceUnavailable, "the simulator is shutting down")
		return
	}
	s.reqs.Add(1)
	s.reqMu.Unlock()
	defer s.reqs.Done()

	_, pattern := f.mux.Handler(r)
	if pattern == "" {
		if allow := f.allowed(r); allow != "" {
			w.Header().Set("Allow", allow)
			writeDetail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		writeDetail(w, http.StatusNotFound, "Not Found")
		return
	}
	if pattern != echoPattern && !s.authorized(w, r) {
		return
	}
	// The mux serves it, not the handler Handler found: only the mux sets
	// the path values ({task_id}, ...).
	f.mux.ServeHTTP(w, r)
}

// allowed lists the methods that would match r's path.
func (f *front) allowed(r *http.Request) string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := f.mux.Handler(probe); p != "" {
			methods = append(methods, m)
		}
	}
	return strings.Join(methods, ", ")
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	scheme, key, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeDetail(w, http.StatusUnauthorized, "Not authenticated")
		return false
	}
	if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(key)), []byte(s.o.APIKey)) != 1 {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeDetail(w, http.StatusUnauthorized, "Invalid API key")
		return false
	}
	return true
}

// newFront registers a handler for every route in api.Routes that the
// profile serves, by name, so the simulator and the client can never
// disagree on a path.
func (s *Server) newFront(p Profile) (*front, error) {
	handlers := map[string]http.HandlerFunc{
		api.RouteTasksActive:        s.handleActive,
		api.RouteTaskGet:            s.handleTask,
		api.RouteTaskCreate:         s.handleCreateTask,
		api.RouteEvents:             s.handleEvents,
		api.RouteEndpointCreate:     s.hooks.handleCreateEndpoint,
		api.RouteEndpointList:       s.hooks.handleListEndpoints,
		api.RouteEndpointUpdate:     s.hooks.handleUpdateEndpoint,
		api.RouteEndpointDelete:     s.hooks.handleDeleteEndpoint,
		api.RouteMessageList:        s.hooks.handleListMessages,
		api.RouteMessageGet:         s.hooks.handleGetMessage,
		api.RouteAttemptList:        s.hooks.handleListAttempts,
		api.RouteEndpointDeliveries: s.hooks.handleEndpointDeliveries,
		api.RouteResend:             s.hooks.handleResend,
		api.RouteRecover:            s.hooks.handleRecover,
		api.RouteTest:               s.hooks.handleTest,
		api.RouteStats:              s.hooks.handleStats,
		api.RouteAssetGet:           s.handleAsset,
		api.RouteIndexList:          s.handleIndexes,
		api.RouteIndexGet:           s.handleIndex,
		api.RouteUserMe:             s.handleMe,
	}
	mux := http.NewServeMux()
	for _, r := range api.Routes {
		h, ok := handlers[r.Name]
		if !ok {
			return nil, fmt.Errorf("sim: no handler for route %s (%s)", r.Name, r.Pattern())
		}
		if p.serves(r) {
			mux.Handle(r.Pattern(), h)
		}
	}
	mux.HandleFunc(echoPattern, s.hooks.handleEcho)
	return &front{s: s, p: p, mux: mux}, nil
}

package sim

import (
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"strings"
)

// Defaults for Options fields left zero. With every cap full (measured during
// a 13,000 events/s storm delivering to one endpoint) the heap holds about
// 200 MB and stays there however long the simulator runs.
const (
	DefaultAddr         = "127.0.0.1:8080"
	DefaultAPIKey       = "sk_sim_local"
	DefaultFailRate     = 0.08   // share of features that fail
	DefaultCancelRate   = 0.02   // share of tasks cancelled part-way
	DefaultNARate       = 0.06   // share of features that do not apply (transcription twice as often: no audio)
	DefaultReplayBuffer = 10_000 // SSE events kept for Last-Event-ID
	DefaultMaxTasks     = 20_000 // finished tasks beyond this are evicted, oldest first
	DefaultMaxMessages  = 50_000 // webhook messages beyond this are evicted, oldest first
	DefaultMaxAttempts  = 100_000
)

// Options configure a Server. Zero values take the defaults above; rates
// that must be able to be zero take a negative value to mean zero.
type Options struct {
	Addr   string // "127.0.0.1:0" in tests; port 0 picks a free port
	APIKey string // the one Bearer key accepted; default "sk_sim_local"
	Seed   int64  // the same seed gives the same tasks in the same order

	// Profile is the API played: ProfileFull (the default, "" too),
	// ProfileDocumented or ProfileSvix; ParseProfile reads a name.
	Profile Profile

	// Rate is new tasks per (real) second; 0 creates tasks only on
	// POST /tasks and CreateTasks. A task makes about 8 events over its
	// life, so Rate 2,500 with a TimeScale of 1,000 or more (tasks finish
	// fast, so they do not pile up) gives about 20,000 events a second.
	Rate float64
	// TimeScale speeds up virtual time: feature durations, Svix's retry
	// schedule, the 15 s delivery timeout (never below 200 ms), the SSE
	// ping interval and the retry: advice are all divided by it. 1 is real
	// time; 600 makes 5 minutes take half a second.
	TimeScale float64

	FailRate   float64 // share of features that fail; 0 = DefaultFailRate, <0 = none
	CancelRate float64 // share of tasks cancelled; 0 = DefaultCancelRate, <0 = none
	NARate     float64 // share of features that are "na"; 0 = DefaultNARate, <0 = none

	// Backlog tasks are created at Start as if the engine had been running
	// for a while, so a dashboard is not empty in its first second.
	Backlog int

	// DropSSEEvery cuts each SSE connection after about this many events
	// (between half and one and a half times it), half the time in the
	// middle of an event, so clients must resume with Last-Event-ID.
	DropSSEEvery int
	ReplayBuffer int // events kept for Last-Event-ID; default 10,000

	MaxTasks, MaxMessages, MaxAttempts int // eviction caps; see the defaults

	// Echo creates, at Start, an endpoint pointing at the simulator's own
	// receiver (POST /_sim/echo), so deliveries happen without a handler of
	// your own. EchoFailRate is the share of deliveries it answers 500.
	Echo         bool
	EchoFailRate float64

	// Clock is the delivery engine's time (attempts, retries, disabling);
	// nil is the real clock. Tests pass a *FakeClock.
	Clock Clock

	// Logf receives one line per delivery attempt; nil is quiet. It is
	// called from several goroutines at once.
	Logf func(format string, args ...any)

	// OnPanic, when set, receives a panic in one of the simulator's own
	// goroutines (the engine, the delivery loop, an attempt) instead of
	// letting it end the process: `demo` uses it to give the terminal back
	// and write a crash report. The simulator is broken after it; do not
	// Close it. Panics in HTTP handlers are net/http's to catch.
	OnPanic func(value any, stack []byte)
}

// rescue is deferred by each of the simulator's goroutines: it hands a
// panic to onPanic, or, without one, lets it run its course.
func rescue(onPanic func(any, []byte)) {
	if onPanic == nil {
		return
	}
	if r := recover(); r != nil {
		onPanic(r, debug.Stack())
	}
}

func rateOr(v, def float64) float64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

// withDefaults validates o and fills what is left zero.
func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return o, fmt.Errorf("address %q is not HOST:PORT (for example 127.0.0.1:8080, or port 0 for a free one)", o.Addr)
	}
	if o.APIKey == "" {
		o.APIKey = DefaultAPIKey
	}
	p, err := ParseProfile(string(o.Profile))
	if err != nil {
		return o, err
	}
	o.Profile = p
	if strings.ContainsAny(o.APIKey, " \t\r\n\"'\\") {
		return o, errors.New("API key must not contain spaces or quotes")
	}
	if o.TimeScale == 0 {
		o.TimeScale = 1
	}
	if o.TimeScale < 0 {
		return o, fmt.Errorf("time scale %g must be positive (1 is real time)", o.TimeScale)
	}
	if o.Rate < 0 {
		return o, fmt.Errorf("rate %g must be zero or more tasks per second", o.Rate)
	}
	o.FailRate = rateOr(o.FailRate, DefaultFailRate)
	o.CancelRate = rateOr(o.CancelRate, DefaultCancelRate)
	o.NARate = rateOr(o.NARate, DefaultNARate)
	for name, v := range map[string]float64{"fail rate": o.FailRate, "cancel rate": o.CancelRate, "na rate": o.NARate, "echo fail rate": o.EchoFailRate} {
		if v < 0 || v > 1 {
			return o, fmt.Errorf("%s %g must be between 0 and 1", name, v)
		}
	}
	if o.Backlog < 0 || o.DropSSEEvery < 0 {
		return o, errors.New("backlog and drop-sse-every must not be negative")
	}
	if o.ReplayBuffer <= 0 {
		o.ReplayBuffer = DefaultReplayBuffer
	}
	if o.MaxTasks <= 0 {
		o.MaxTasks = DefaultMaxTasks
	}
	if o.MaxMessages <= 0 {
		o.MaxMessages = DefaultMaxMessages
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return o, nil
}

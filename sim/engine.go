package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// backlogWindow is how far back, in virtual seconds, the backlog's tasks
// were created: long enough that some finished, short enough that some are
// still queued or processing.
const backlogWindow = 300

// itemKind is what a scheduled item does.
type itemKind uint8

const (
	itemStep    itemKind = iota // apply a task's next plan step
	itemCreate                  // create a task at Rate, then schedule the next one
	itemBacklog                 // create one backlog task
)

type item struct {
	at   float64
	seq  uint64 // ties in at are broken by scheduling order, which is deterministic too
	kind itemKind
	t    *task
}

// engine creates tasks and plays their plans in virtual time. Everything in
// it is guarded by mu; publish is called with mu held and must not call back.
type engine struct {
	mu         sync.Mutex
	clock      vclock
	paused     bool // what the user asked
	begun      bool // start has run; the clock stands still until then
	rate       float64
	rates      rates
	maxTasks   int
	rng        *rand.Rand // tasks the engine creates: the seeded sequence
	apiRng     *rand.Rand // tasks created over the API, so they do not shift the seeded sequence
	userID     string
	queue      []item // a binary min-heap on (at, seq)
	itemSeq    uint64
	taskSeq    uint64
	tasks      map[string]*task
	finished   []*task // in the order they finished, for eviction
	backfill   bool    // replaying the backlog: timestamps lie in the past
	startWall  time.Time
	saturated  int // creations skipped because MaxTasks tasks were all pending
	evicted    int
	publish    func(t *task, eventType string, at time.Time)
	wake       chan struct{}
	chunkLimit int
	lib        *library // the account's assets, indexes and tokens (assets.go)
}

func newEngine(o Options, publish func(*task, string, time.Time)) *engine {
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed_7a5c))
	e := &engine{
		clock:      vclock{scale: o.TimeScale},
		rate:       o.Rate,
		rates:      rates{fail: o.FailRate, cancel: o.CancelRate, na: o.NARate},
		maxTasks:   o.MaxTasks,
		rng:        rng,
		apiRng:     rand.New(rand.NewPCG(uint64(o.Seed), 0xa91_7a5c)),
		userID:     newUUID(rand.New(rand.NewPCG(uint64(o.Seed), 0x05e7))),
		tasks:      make(map[string]*task),
		publish:    publish,
		wake:       make(chan struct{}, 1),
		chunkLimit: 2048,
	}
	e.lib = newLibrary(o.Seed, e.userID, time.Now())
	return e
}

func (e *engine) push(it item) {
	e.itemSeq++
	it.seq = e.itemSeq
	e.queue = append(e.queue, it)
	i := len(e.queue) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !e.less(i, p) {
			break
		}
		e.queue[i], e.queue[p] = e.queue[p], e.queue[i]
		i = p
	}
}

func (e *engine) less(i, j int) bool {
	a, b := &e.queue[i], &e.queue[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (e *engine) pop() item {
	top := e.queue[0]
	last := len(e.queue) - 1
	e.queue[0] = e.queue[last]
	e.queue[last] = item{}
	e.queue = e.queue[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(e.queue) && e.less(l, m) {
			m = l
		}
		if r < len(e.queue) && e.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		e.queue[i], e.queue[m] = e.queue[m], e.queue[i]
		i = m
	}
	return top
}

// wall is the timestamp for something happening at virtual time at: now,
// except while the backlog is replayed, when it lies as far in the past as
// the task would have been.
func (e *engine) wall(at float64) time.Time {
	if e.backfill {
		return e.startWall.Add(time.Duration(at / e.clock.scale * float64(time.Second))).Round(0).UTC()
	}
	return time.Now().Round(0).UTC()
}

// start replays the backlog and schedules the first Rate creation; called
// once, before the clock runs.
func (e *engine) start(backlog int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if backlog > 0 {
		times := make([]float64, backlog)
		for i := range times {
			times[i] = -backlogWindow * e.rng.Float64()
		}
		slices.Sort(times)
		for _, at := range times {
			e.push(item{at: at, kind: itemBacklog})
		}
		e.backfill, e.startWall = true, time.Now()
		e.process(0, -1)
		e.backfill = false
	}
	if e.rate > 0 {
		e.push(item{at: e.nextArrival(0), kind: itemCreate})
	}
	e.begun = true
	if !e.paused {
		e.clock.resume()
	}
}

// nextArrival draws when the engine creates its next task: Poisson arrivals
// at Rate per real second, so TimeScale/Rate virtual seconds apart on average.
func (e *engine) nextArrival(after float64) float64 {
	return after + e.rng.ExpFloat64()*e.clock.scale/e.rate
}

// process runs every item due by virtual time until, at most limit of them
// (limit < 0: all), and reports whether items due remain.
func (e *engine) process(until float64, limit int) bool {
	for n := 0; len(e.queue) > 0 && e.queue[0].at <= until; n++ {
		if limit >= 0 && n >= limit {
			return true
		}
		it := e.pop()
		switch it.kind {
		case itemStep:
			e.applyStep(it.t, it.at)
		case itemCreate:
			e.create(e.rng, it.at, "", nil)
			e.push(item{at: e.nextArrival(it.at), kind: itemCreate})
		case itemBacklog:
			e.create(e.rng, it.at, "", nil)
		}
	}
	return false
}

// errSaturated is why a task could not be created.
type errSaturated struct{ max int }

func (e errSaturated) Error() string {
	return fmt.Sprintf("the simulator holds %d tasks (--max-tasks), all still pending; wait for some to finish or raise --max-tasks", e.max)
}

// create makes a task at virtual time at and publishes its first event.
// assetID and names are the API caller's; empty for the engine's own.
func (e *engine) create(r *rand.Rand, at float64, assetID string, names []string) (*task, error) {
	if len(e.tasks) >= e.maxTasks {
		e.evictOne()
	}
	if len(e.tasks) >= e.maxTasks {
		e.saturated++
		return nil, errSaturated{e.maxTasks}
	}
	e.taskSeq++
	t := &task{seq: e.taskSeq, id: newUUID(r), userID: e.userID}
	if assetID == "" {
		assetID = newUUID(r)
	}
	t.assetID = assetID
	if names == nil {
		names = engineFeatures(r)
	}
	t.features = make([]featureSlot, len(names))
	for i, n := range names {
		t.features[i].name = n
	}
	planTask(r, t, at, e.rates)
	t.created = e.wall(at)
	t.updated = t.created
	e.tasks[t.id] = t
	e.lib.hold(t.assetID, t.created)
	if !t.pending() {
		e.finish(t)
		e.publish(t, t.eventType(nil), t.updated)
		return t, nil
	}
	e.publish(t, api.EventTaskProgress, t.updated)
	e.scheduleNext(t)
	return t, nil
}

func (e *engine) scheduleNext(t *task) {
	if t.next < len(t.plan) {
		e.push(item{at: t.plan[t.next].at, kind: itemStep, t: t})
	}
}

func (e *engine) applyStep(t *task, at float64) {
	st := t.plan[t.next]
	t.next++
	now := e.wall(at)
	for _, c := range st.changes {
		t.features[c.feature].state = c.to
		if c.to == api.StateCompleted {
			e.lib.spend(t.assetID, t.features[c.feature].name, now)
		}
	}
	if !now.After(t.updated) {
		// Clients keep the newest `updated`; two steps in the same
		// microsecond must still move forward.
		now = t.updated.Add(time.Microsecond)
	}
	t.updated = now
	if !t.pending() {
		e.finish(t)
	}
	e.publish(t, t.eventType(st.changes), now)
	e.scheduleNext(t)
}

func (e *engine) finish(t *task) {
	t.done = true
	t.plan = nil
	e.finished = append(e.finished, t)
}

// evictOne drops the oldest finished task; false if none is left.
func (e *engine) evictOne() bool {
	for len(e.finished) > 0 {
		t := e.finished[0]
		e.finished[0] = nil
		e.finished = e.finished[1:]
		if e.tasks[t.id] == t {
			delete(e.tasks, t.id)
			e.lib.release(t.assetID)
			e.evicted++
			return true
		}
	}
	return false
}

// run is the engine's goroutine: it plays items as virtual time reaches them.
func (e *engine) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait := e.tick()
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		case <-timer.C:
		}
	}
}

// tick processes what is due and says how long to sleep. Work is done in
// chunks so that API calls waiting on mu are served during a storm.
func (e *engine) tick() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.clock.running {
		return time.Hour
	}
	if e.process(e.clock.now(), e.chunkLimit) {
		return 0
	}
	if len(e.queue) == 0 {
		return time.Hour
	}
	// Sleeping less than a millisecond costs more in timer wake-ups than it
	// gains; at storm rates each tick then handles a batch.
	return max(e.clock.realDelay(e.queue[0].at), time.Millisecond)
}

func (e *engine) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *engine) setPaused(p bool) {
	e.mu.Lock()
	e.paused = p
	if p {
		e.clock.pause()
	} else if e.begun {
		e.clock.resume()
	}
	e.mu.Unlock()
	e.poke()
}

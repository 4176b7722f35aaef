package feed

import (
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Outcome says what Apply did with an event.
type Outcome int

// Apply outcomes.
const (
	Applied     Outcome = iota // the task changed or was added
	Duplicate                  // the event_id was applied before
	Stale                      // the task is already at a newer `updated`
	UnknownType                // an event type this version does not apply; counted and logged
	NoTask                     // a task event without data.task.id
)

func (o Outcome) String() string {
	switch o {
	case Applied:
		return "applied"
	case Duplicate:
		return "duplicate"
	case Stale:
		return "stale"
	case UnknownType:
		return "unknown type"
	case NoTask:
		return "no task"
	}
	return "?"
}

// Transition is one feature changing state, as seen by this client.
type Transition struct {
	At      time.Time // the task's `updated` when the change was seen (server clock)
	Seen    time.Time // local clock
	Feature string
	From    api.State // "" when the task was first seen
	To      api.State
}

// Meta is what the store knows about a task beyond the task itself.
type Meta struct {
	FirstSeen time.Time // local clock
	ChangedAt time.Time // local clock of the last change
	Changed   []string  // the features whose state changed then
	Overall   api.Overall
}

// Counts are the store's tallies.
type Counts struct {
	Active, Failed, Done int
	Applied              int
	Duplicates           int
	Stale                int
	NoTask               int
	Unknown              map[string]int // by event type
	Evicted              int
}

// Changes is what applying a batch changed, for the UI's indexes.
type Changes struct {
	Updated []string // tasks added or changed, each once, in first-change order
	Removed []string // tasks evicted
	Missing []string // after a resync: tasks this store holds as pending that the API no longer lists; fetch them one by one
	// Outcomes holds what Apply did with each of the batch's Events, in
	// order (for the event log and for printing each event once).
	Outcomes []Outcome
}

// StoreOptions bounds the store.
type StoreOptions struct {
	MaxTasks       int              // finished tasks beyond this are evicted, oldest first (default 100,000)
	SeenIDs        int              // event ids remembered for dedupe (default 200,000)
	MaxTransitions int              // per task (default 32)
	Now            func() time.Time // default time.Now
}

type rec struct {
	task      api.Task
	firstSeen time.Time
	changedAt time.Time
	changed   []string
	timeline  []Transition
	done      bool
}

// Store holds every task the client knows, applying envelopes in a way that
// never loses, repeats or steps back. It is not safe for concurrent use: one
// goroutine owns it.
type Store struct {
	opts     StoreOptions
	tasks    map[string]*rec
	seen     seenIDs
	doneFIFO []string // ids in the order they finished, for eviction (may hold stale entries)
	counts   Counts
}

// NewStore returns an empty store.
func NewStore(o StoreOptions) *Store {
	if o.MaxTasks <= 0 {
		o.MaxTasks = 100_000
	}
	if o.SeenIDs <= 0 {
		o.SeenIDs = 200_000
	}
	if o.MaxTransitions <= 0 {
		o.MaxTransitions = 32
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{
		opts:   o,
		tasks:  make(map[string]*rec),
		seen:   newSeenIDs(o.SeenIDs),
		counts: Counts{Unknown: map[string]int{}},
	}
}

// Apply applies one event.
func (s *Store) Apply(ev Event) Outcome {
	o := s.apply(ev, nil)
	return o
}

func (s *Store) apply(ev Event, ch *changeSet) Outcome {
	id := ev.Env.EventID
	if id == "" {
		id = ev.ID
	}
	if id != "" && s.seen.has(id) {
		s.counts.Duplicates++
		return Duplicate
	}
	if !knownEventType(ev.Env.EventType, ev.Type) {
		if id != "" {
			s.seen.add(id)
		}
		t := ev.Env.EventType
		if t == "" {
			t = ev.Type
		}
		s.counts.Unknown[api.Clip(t, 40)]++
		return UnknownType
	}
	if ev.Env.Data.Task == nil || ev.Env.Data.Task.ID == "" {
		s.counts.NoTask++
		return NoTask
	}
	if id != "" {
		s.seen.add(id)
	}
	if !s.put(*ev.Env.Data.Task, ch) {
		s.counts.Stale++
		return Stale
	}
	s.counts.Applied++
	return Applied
}

func knownEventType(envType, sseType string) bool {
	t := envType
	if t == "" {
		t = sseType
	}
	switch t {
	case api.EventTaskProgress, api.EventTaskCompleted, api.EventTaskFailed:
		return true
	}
	return false
}

// ApplyTask merges a task fetched from the API (a snapshot or a single
// GET): it is applied unless the store already holds a newer `updated`.
func (s *Store) ApplyTask(t api.Task) bool { return s.put(t, nil) }

// put stores t unless it would step back; it reports whether it did.
func (s *Store) put(t api.Task, ch *changeSet) bool {
	now := s.opts.Now()
	r, ok := s.tasks[t.ID]
	if ok && t.Updated.Before(r.task.Updated.Time) {
		return false
	}
	if !ok {
		r = &rec{firstSeen: now}
		s.tasks[t.ID] = r
	} else {
		s.uncount(r)
	}
	changed := diffFeatures(r.task, t, ok)
	if len(changed) > 0 {
		r.changedAt = now
		r.changed = r.changed[:0]
		for _, c := range changed {
			r.changed = append(r.changed, c.Feature)
			c.At = t.Updated.Time
			c.Seen = now
			r.timeline = append(r.timeline, c)
		}
		if over := len(r.timeline) - s.opts.MaxTransitions; over > 0 {
			r.timeline = append(r.timeline[:0], r.timeline[over:]...)
		}
	}
	wasDone := ok && r.done
	r.task = t
	r.done = t.Done()
	s.count(r)
	if ch != nil {
		ch.touch(t.ID)
	}
	if r.done && !wasDone {
		s.doneFIFO = append(s.doneFIFO, t.ID)
		s.evict(ch)
	}
	return true
}

func diffFeatures(old, cur api.Task, had bool) []Transition {
	var out []Transition
	for _, name := range cur.FeatureOrder() {
		to := cur.Features[name].State
		from, ok := old.Features[name]
		if !had || !ok {
			out = append(out, Transition{Feature: name, To: to})
		} else if from.State != to {
			out = append(out, Transition{Feature: name, From: from.State, To: to})
		}
	}
	return out
}

func (s *Store) count(r *rec) {
	switch r.task.Overall() {
	case api.OverallActive:
		s.counts.Active++
	case api.OverallFailed:
		s.counts.Failed++
	default:
		s.counts.Done++
	}
}

func (s *Store) uncount(r *rec) {
	switch r.task.Overall() {
	case api.OverallActive:
		s.counts.Active--
	case api.OverallFailed:
		s.counts.Failed--
	default:
		s.counts.Done--
	}
}

// evict drops the oldest finished tasks while the store holds more than
// MaxTasks. Active tasks are never evicted.
func (s *Store) evict(ch *changeSet) {
	for len(s.tasks) > s.opts.MaxTasks && len(s.doneFIFO) > 0 {
		id := s.doneFIFO[0]
		s.doneFIFO = s.doneFIFO[1:]
		r, ok := s.tasks[id]
		if !ok || !r.done {
			continue
		}
		s.uncount(r)
		delete(s.tasks, id)
		s.counts.Evicted++
		if ch != nil {
			ch.remove(id)
		}
	}
	// Compact the queue's backing array once it is mostly consumed.
	if cap(s.doneFIFO) > 1024 && len(s.doneFIFO) < cap(s.doneFIFO)/4 {
		s.doneFIFO = append([]string(nil), s.doneFIFO...)
	}
}

// Resync merges a fresh GET /tasks/active. It returns the tasks the store
// holds as pending that the API no longer lists: they finished while events
// were missed, and the caller should fetch each (GET /tasks/{id}) and hand
// it to ApplyTask.
func (s *Store) Resync(tasks []api.Task) (missing []string) {
	return s.resync(tasks, nil)
}

func (s *Store) resync(tasks []api.Task, ch *changeSet) (missing []string) {
	listed := make(map[string]struct{}, len(tasks))
	for _, t := range tasks {
		if t.ID == "" {
			continue
		}
		listed[t.ID] = struct{}{}
		s.put(t, ch)
	}
	for id, r := range s.tasks {
		if _, ok := listed[id]; !ok && !r.done {
			missing = append(missing, id)
		}
	}
	return missing
}

// ApplyBatch applies a batch in order: resync first, then events.
func (s *Store) ApplyBatch(b *Batch) Changes {
	ch := &changeSet{}
	var missing []string
	if b.Resync != nil {
		missing = s.resync(b.Resync, ch)
	}
	var outcomes []Outcome
	if len(b.Events) > 0 {
		outcomes = make([]Outcome, len(b.Events))
	}
	for i := range b.Events {
		outcomes[i] = s.apply(b.Events[i], ch)
	}
	if len(missing) > 0 && len(b.Events) > 0 {
		// An event in this batch may have finished a task the snapshot
		// left out; only those still pending need fetching.
		kept := missing[:0]
		for _, id := range missing {
			if r, ok := s.tasks[id]; ok && !r.done {
				kept = append(kept, id)
			}
		}
		missing = kept
	}
	return Changes{Updated: ch.updated, Removed: ch.removed, Missing: missing, Outcomes: outcomes}
}

// Len is the number of tasks held.
func (s *Store) Len() int { return len(s.tasks) }

// Task returns a task by id.
func (s *Store) Task(id string) (api.Task, bool) {
	r, ok := s.tasks[id]
	if !ok {
		return api.Task{}, false
	}
	return r.task, true
}

// Meta returns what the store knows about a task beyond the task.
func (s *Store) Meta(id string) (Meta, bool) {
	r, ok := s.tasks[id]
	if !ok {
		return Meta{}, false
	}
	return Meta{FirstSeen: r.firstSeen, ChangedAt: r.changedAt, Changed: r.changed, Overall: r.task.Overall()}, true
}

// Timeline returns the transitions seen for a task, oldest first.
func (s *Store) Timeline(id string) []Transition {
	r, ok := s.tasks[id]
	if !ok {
		return nil
	}
	return append([]Transition(nil), r.timeline...)
}

// Range calls fn for every task, in no particular order, until fn returns
// false.
func (s *Store) Range(fn func(t *api.Task) bool) {
	for _, r := range s.tasks {
		if !fn(&r.task) {
			return
		}
	}
}

// Counts returns the store's tallies.
func (s *Store) Counts() Counts {
	c := s.counts
	c.Unknown = make(map[string]int, len(s.counts.Unknown))
	for k, v := range s.counts.Unknown {
		c.Unknown[k] = v
	}
	return c
}

// changeSet collects ids changed while a batch applies, each once.
type changeSet struct {
	updated []string
	removed []string
	idx     map[string]struct{}
}

func (c *changeSet) touch(id string) {
	if c.idx == nil {
		c.idx = map[string]struct{}{}
	}
	if _, ok := c.idx[id]; ok {
		return
	}
	c.idx[id] = struct{}{}
	c.updated = append(c.updated, id)
}

func (c *changeSet) remove(id string) { c.removed = append(c.removed, id) }

// seenIDs remembers the last n event ids: a ring for order, a set for lookup.
type seenIDs struct {
	ring []string
	next int
	set  map[string]struct{}
}

func newSeenIDs(n int) seenIDs {
	return seenIDs{ring: make([]string, n), set: make(map[string]struct{}, n)}
}

func (s *seenIDs) has(id string) bool {
	_, ok := s.set[id]
	return ok
}

func (s *seenIDs) add(id string) {
	if old := s.ring[s.next]; old != "" {
		delete(s.set, old)
	}
	s.ring[s.next] = id
	s.set[id] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
}

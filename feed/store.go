package feed

import (
	"slices"
	"strings"
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
	Source  Source // how the change was seen
}

// Source is how the store learned of a transition. One seen by polling
// or in a snapshot may stand for several changes between two reads, and
// its time is when it was read, not when it happened.
type Source uint8

// Sources.
const (
	SourceEvent    Source = iota // an event from the stream
	SourceSnapshot               // GET /tasks/active after a (re)connect, or a single GET (ApplyTask)
	SourcePolled                 // polling while there was no live stream
	SourceReplayed               // an event the server replayed when a start resumed: it happened while away
)

func (s Source) String() string {
	switch s {
	case SourceEvent:
		return "event"
	case SourceSnapshot:
		return "snapshot"
	case SourcePolled:
		return "polled"
	case SourceReplayed:
		return "replayed"
	}
	return "?"
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
	// Caught is what a resumed start found, in the batch that carried
	// Batch.Resume; else nil.
	Caught *Caught
}

// StoreOptions bounds the store.
type StoreOptions struct {
	MaxTasks       int              // finished tasks beyond this are evicted, oldest first (default 100,000)
	SeenIDs        int              // event ids remembered for dedupe (default 200,000)
	MaxTransitions int              // per task (default 32)
	Now            func() time.Time // default time.Now
}

// rec is one task, stored compactly: 100,000 tasks must fit in about
// 100 MB with their timelines. Feature names, states, storage variants and
// user ids are interned (a handful of values shared by every task), times
// are kept as seconds, nanoseconds and a zone offset, and the features that
// changed last are a bit set over feats.
type rec struct {
	id, asset        string
	feats            []feat
	timeline         []step
	created, updated stamp
	firstSeen        int64 // local clock, Unix nanoseconds
	changedAt        int64
	changed          uint32 // bit i: feats[i] changed at changedAt
	batch            uint32 // the Store.batch that last changed it, to list each task once per batch
	user             sym
	overall          overall
	done             bool
	gen              uint32 // the Store.gen that owns it; a store changes only its own (see snapshot.go)
}

type feat struct {
	name, variant sym
	state         sym
}

// step is a Transition in 32 bytes (one with two time.Time is 96); the
// source sits in what would be padding.
type step struct {
	at, seen int64 // Unix nanoseconds: the server's `updated`, the local clock
	feature  sym
	from, to sym
	source   Source
}

// Store holds every task the client knows, applying envelopes in a way that
// never loses, repeats or steps back. It is not safe for concurrent use: one
// goroutine owns it.
type Store struct {
	opts    StoreOptions
	tasks   taskMap
	seen    seenIDs
	syms    symbols
	zones   map[int32]*time.Location
	scratch []feat
	batch   uint32 // counts ApplyBatch calls; see nextBatch
	gen     uint32 // the recs it may change in place; see snapshot.go

	symQueued, symProcessing, symFailed sym
	symCompleted, symCancelled, symNA   sym
	symUsual                            []sym    // api.FeatureNames, in order
	doneFIFO                            []string // ids in the order they finished, for eviction (may hold stale entries)
	counts                              Counts
	catching                            *catchup // replayed events applied since the start resumed, until Batch.Resume
	mark                                Mark     // the last event applied by ApplyBatch
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
	s := &Store{
		opts:   o,
		tasks:  newTaskMap(),
		seen:   newSeenIDs(o.SeenIDs),
		syms:   newSymbols(),
		zones:  map[int32]*time.Location{},
		counts: Counts{Unknown: map[string]int{}},
		gen:    storeGen.Add(1),
	}
	s.seen.gen = s.gen
	s.symQueued = s.syms.get(string(api.StateQueued))
	s.symProcessing = s.syms.get(string(api.StateProcessing))
	s.symFailed = s.syms.get(string(api.StateFailed))
	s.symCompleted = s.syms.get(string(api.StateCompleted))
	s.symCancelled = s.syms.get(string(api.StateCancelled))
	s.symNA = s.syms.get(string(api.StateNA))
	for _, name := range api.FeatureNames {
		s.symUsual = append(s.symUsual, s.syms.get(name))
	}
	return s
}

// Apply applies one event.
func (s *Store) Apply(ev Event) Outcome { return s.apply(&ev, nil) }

func (s *Store) apply(ev *Event, ch *changeSet) Outcome {
	id := ev.Env.EventID
	if id == "" {
		id = ev.ID
	}
	var key [16]byte
	if id != "" {
		key = seenKey(id)
		if s.seen.has(key) {
			s.counts.Duplicates++
			return Duplicate
		}
	}
	if !knownEventType(ev.Env.EventType, ev.Type) {
		if id != "" {
			s.seen.add(key)
		}
		t := ev.Env.EventType
		if t == "" {
			t = ev.Type
		}
		s.countUnknown(t)
		return UnknownType
	}
	if ev.Env.Data.Task == nil || ev.Env.Data.Task.ID == "" {
		s.counts.NoTask++
		return NoTask
	}
	if id != "" {
		s.seen.add(key)
	}
	src := SourceEvent
	if ev.Replayed {
		src = SourceReplayed
	}
	if !s.put(ev.Env.Data.Task, ch, src) {
		s.counts.Stale++
		return Stale
	}
	s.counts.Applied++
	if ev.Replayed {
		s.countReplayed(ev)
	}
	return Applied
}

// maxUnknownTypes bounds the distinct unknown event types counted by name;
// a server sending a new type with every event must not grow the store.
const maxUnknownTypes = 64

// OtherUnknownTypes is the name under which Counts.Unknown tallies unknown
// event types past the first 64 distinct ones.
const OtherUnknownTypes = "(other types)"

func (s *Store) countUnknown(t string) {
	t = api.Clip(t, 40)
	if _, ok := s.counts.Unknown[t]; !ok && len(s.counts.Unknown) >= maxUnknownTypes {
		t = OtherUnknownTypes
	}
	if _, ok := s.counts.Unknown[t]; ok {
		s.counts.Unknown[t]++
		return
	}
	s.counts.Unknown[strings.Clone(t)] = 1
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
func (s *Store) ApplyTask(t api.Task) bool { return s.put(&t, nil, SourceSnapshot) }

// put stores t unless it would step back; it reports whether it did.
func (s *Store) put(t *api.Task, ch *changeSet, src Source) bool {
	r, ok := s.tasks.get(t.ID)
	updated := s.stamp(t.Updated.Time)
	if ok && updated.before(r.updated) {
		return false
	}
	if ok && src == SourcePolled && updated == r.updated && s.sameFeats(r, t) {
		// Polling reads every active task every few seconds: one that
		// has not changed is not news, nor listed as changed.
		return true
	}
	now := s.opts.Now().UnixNano()
	// The store keeps copies of the strings it retains: a decoded event's
	// strings share the memory of its raw data, which must not be held
	// for the life of a task.
	if !ok {
		r = &rec{id: strings.Clone(t.ID), firstSeen: now, gen: s.gen}
		s.tasks.put(r.id, r, s.gen)
	} else {
		r = s.own(r)
		s.uncount(r)
	}
	if r.asset != t.AssetID {
		r.asset = strings.Clone(t.AssetID)
	}
	r.user = s.syms.get(t.UserID)
	r.created, r.updated = s.stamp(t.Created.Time), updated

	feats := s.feats(t)
	var changed uint32
	for i, f := range feats {
		from, had := sym(0), false
		if ok {
			from, had = findState(r.feats, f.name)
		}
		if had && from == f.state {
			continue
		}
		if i < 32 {
			changed |= 1 << i
		}
		r.timeline = s.appendStep(r.timeline, step{at: unixNano(t.Updated.Time), seen: now, feature: f.name, from: from, to: f.state, source: src})
	}
	if cap(r.feats) >= len(feats) {
		r.feats = append(r.feats[:0], feats...)
	} else {
		r.feats = slices.Clone(feats)
	}
	if changed != 0 {
		r.changed, r.changedAt = changed, now
	}

	wasDone := ok && r.done
	r.overall = s.overallOfFeats(r.feats)
	r.done = r.overall != overallActive
	s.count(r)
	if ch != nil && r.batch != s.batch {
		r.batch = s.batch
		ch.updated = append(ch.updated, r.id)
	}
	if r.done && !wasDone {
		s.doneFIFO = append(s.doneFIFO, r.id)
		s.evict(ch)
	}
	return true
}

// feats builds a task's features in display order (today's features in
// their usual order, then others by name) in the store's scratch room.
// The usual four are looked up by name: ranging over the map cost more than
// the rest of an update.
func (s *Store) feats(t *api.Task) []feat {
	out := s.scratch[:0]
	for i, name := range api.FeatureNames {
		if f, ok := t.Features[name]; ok {
			out = append(out, feat{name: s.symUsual[i], state: s.stateSym(f.State), variant: s.syms.get(f.StorageVariant)})
		}
	}
	if len(out) < len(t.Features) {
		var extra []string
		for name := range t.Features {
			if usualFeature(name) < 0 {
				extra = append(extra, name)
			}
		}
		slices.Sort(extra)
		for _, name := range extra {
			f := t.Features[name]
			out = append(out, feat{name: s.syms.get(name), state: s.stateSym(f.State), variant: s.syms.get(f.StorageVariant)})
		}
	}
	s.scratch = out[:0]
	return out
}

// sameFeats reports whether t's features are those r holds (state and
// storage variant), without building them.
func (s *Store) sameFeats(r *rec, t *api.Task) bool {
	if len(r.feats) != len(t.Features) {
		return false
	}
	for _, f := range r.feats {
		tf, ok := t.Features[s.syms.str(f.name)]
		if !ok || string(tf.State) != s.syms.str(f.state) || tf.StorageVariant != s.syms.str(f.variant) {
			return false
		}
	}
	return r.asset == t.AssetID && s.syms.str(r.user) == t.UserID
}

// stateSym interns a state, the documented ones without a lookup.
func (s *Store) stateSym(st api.State) sym {
	switch st {
	case api.StateQueued:
		return s.symQueued
	case api.StateProcessing:
		return s.symProcessing
	case api.StateFailed:
		return s.symFailed
	case api.StateCompleted:
		return s.symCompleted
	case api.StateCancelled:
		return s.symCancelled
	case api.StateNA:
		return s.symNA
	}
	return s.syms.get(string(st))
}

// usualFeature is name's place in api.FeatureNames, or -1.
func usualFeature(name string) int {
	switch name {
	case "proxy":
		return 0
	case "preview":
		return 1
	case "visual":
		return 2
	case "transcription":
		return 3
	}
	return -1
}

// overallOfFeats is api.Task.Overall over interned features.
func (s *Store) overallOfFeats(feats []feat) overall {
	failed := false
	for _, f := range feats {
		switch f.state {
		case s.symQueued, s.symProcessing:
			return overallActive
		case s.symFailed:
			failed = true
		}
	}
	if failed {
		return overallFailed
	}
	return overallDone
}

func findState(feats []feat, name sym) (sym, bool) {
	for _, f := range feats {
		if f.name == name {
			return f.state, true
		}
	}
	return 0, false
}

// appendStep adds to a timeline bounded by MaxTransitions, growing it a few
// steps at a time: most tasks see a dozen transitions, and doubling would
// leave a third of the room unused.
func (s *Store) appendStep(tl []step, st step) []step {
	if len(tl) >= s.opts.MaxTransitions {
		copy(tl, tl[1:])
		tl[len(tl)-1] = st
		return tl
	}
	if len(tl) == cap(tl) {
		grown := make([]step, len(tl), min(len(tl)+4, s.opts.MaxTransitions))
		copy(grown, tl)
		tl = grown
	}
	return append(tl, st)
}

func (s *Store) count(r *rec) {
	switch r.overall {
	case overallActive:
		s.counts.Active++
	case overallFailed:
		s.counts.Failed++
	default:
		s.counts.Done++
	}
}

func (s *Store) uncount(r *rec) {
	switch r.overall {
	case overallActive:
		s.counts.Active--
	case overallFailed:
		s.counts.Failed--
	default:
		s.counts.Done--
	}
}

// evict drops the oldest finished tasks while the store holds more than
// MaxTasks. Active tasks are never evicted.
func (s *Store) evict(ch *changeSet) {
	for s.tasks.len() > s.opts.MaxTasks && len(s.doneFIFO) > 0 {
		id := s.doneFIFO[0]
		s.doneFIFO = s.doneFIFO[1:]
		r, ok := s.tasks.get(id)
		if !ok || !r.done {
			continue
		}
		s.uncount(r)
		s.tasks.del(id, s.gen)
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
	return s.resync(tasks, nil, SourceSnapshot)
}

func (s *Store) resync(tasks []api.Task, ch *changeSet, src Source) (missing []string) {
	if s.counts.Active == 0 {
		// No task is pending, so none can be missing (a start's first
		// snapshot): 20,000 ids need not be listed to learn that.
		for i := range tasks {
			if tasks[i].ID != "" {
				s.put(&tasks[i], ch, src)
			}
		}
		return nil
	}
	listed := make(map[string]struct{}, len(tasks))
	for i := range tasks {
		if tasks[i].ID == "" {
			continue
		}
		listed[tasks[i].ID] = struct{}{}
		s.put(&tasks[i], ch, src)
	}
	for id, r := range s.tasks.all() {
		if _, ok := listed[id]; !ok && !r.done {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	return missing
}

// ApplyBatch applies a batch in order: resync first, then events, then a
// resumed start's snapshot.
func (s *Store) ApplyBatch(b *Batch) Changes {
	s.nextBatch()
	ch := &changeSet{}
	var missing []string
	if b.Resync != nil {
		missing = s.resync(b.Resync, ch, SourceSnapshot)
	}
	if b.Poll != nil {
		missing = append(missing, s.applyPoll(b.Poll, ch)...)
	}
	var outcomes []Outcome
	if len(b.Events) > 0 {
		outcomes = make([]Outcome, len(b.Events))
	}
	for i := range b.Events {
		outcomes[i] = s.apply(&b.Events[i], ch)
		s.advanceMark(&b.Events[i])
	}
	var caught *Caught
	if b.Resume != nil {
		m, c := s.applyResume(b.Resume, ch)
		missing, caught = append(missing, m...), &c
	}
	if len(missing) > 0 && (len(b.Events) > 0 || b.Poll != nil) {
		// An event or a poll in this batch may have finished (or
		// removed) a task the snapshot left out; only those still
		// pending need fetching, each once.
		slices.Sort(missing)
		missing = slices.Compact(missing)
		kept := missing[:0]
		for _, id := range missing {
			if r, ok := s.tasks.get(id); ok && !r.done {
				kept = append(kept, id)
			}
		}
		missing = kept
	}
	return Changes{Updated: ch.updated, Removed: ch.removed, Missing: missing, Outcomes: outcomes, Caught: caught}
}

// applyPoll applies what polling read, marking its transitions
// SourcePolled: the tasks fetched after they left the active list, then
// the list. It forgets the tasks that are gone, and on a full poll returns
// the pending tasks neither accounts for.
func (s *Store) applyPoll(p *Poll, ch *changeSet) (missing []string) {
	for i := range p.Finished {
		if p.Finished[i].ID != "" {
			s.put(&p.Finished[i], ch, SourcePolled)
		}
	}
	for _, id := range p.Gone {
		if s.Forget(id) {
			ch.remove(id)
		}
	}
	if p.Full {
		return s.resync(p.Active, ch, SourcePolled)
	}
	for i := range p.Active {
		if p.Active[i].ID != "" {
			s.put(&p.Active[i], ch, SourcePolled)
		}
	}
	return nil
}

// Forget removes a task the API no longer has (see GoneError). It reports
// whether the store held it.
func (s *Store) Forget(id string) bool {
	r, ok := s.tasks.get(id)
	if !ok {
		return false
	}
	s.uncount(r)
	s.tasks.del(id, s.gen)
	return true
}

// Len is the number of tasks held.
func (s *Store) Len() int { return s.tasks.len() }

// Task returns a task by id. Each call builds the task afresh (its
// Features map included), so callers may keep or change it.
func (s *Store) Task(id string) (api.Task, bool) {
	r, ok := s.tasks.get(id)
	if !ok {
		return api.Task{}, false
	}
	return s.task(r), true
}

func (s *Store) task(r *rec) api.Task {
	t := api.Task{
		ID:       r.id,
		AssetID:  r.asset,
		UserID:   s.syms.str(r.user),
		Features: make(map[string]api.Feature, len(r.feats)),
		Created:  api.Time{Time: s.time(r.created)},
		Updated:  api.Time{Time: s.time(r.updated)},
	}
	for _, f := range r.feats {
		t.Features[s.syms.str(f.name)] = api.Feature{State: api.State(s.syms.str(f.state)), StorageVariant: s.syms.str(f.variant)}
	}
	return t
}

// Meta returns what the store knows about a task beyond the task.
func (s *Store) Meta(id string) (Meta, bool) {
	r, ok := s.tasks.get(id)
	if !ok {
		return Meta{}, false
	}
	m := Meta{FirstSeen: time.Unix(0, r.firstSeen), ChangedAt: time.Unix(0, r.changedAt), Overall: r.overall.api()}
	if r.changedAt == 0 {
		m.ChangedAt = time.Time{}
	}
	for i, f := range r.feats {
		if i < 32 && r.changed&(1<<i) != 0 {
			m.Changed = append(m.Changed, s.syms.str(f.name))
		}
	}
	return m, true
}

// Row is what a list of tasks shows of one, read without building a map
// of its features: for a reader of every task of a large batch (the grid,
// 20,000 at a start).
type Row struct {
	ID, AssetID      string
	Created, Updated time.Time
	Overall          api.Overall
	Failed           bool         // a feature failed
	Features         []RowFeature // each once, in no particular order
	FirstSeen        time.Time    // as Meta
	ChangedAt        time.Time
}

// RowFeature is a feature in a Row, and whether it changed last (Meta.Changed).
type RowFeature struct {
	Name    string
	State   api.State
	Changed bool
}

// RowInto reads a task into row, reusing row.Features.
func (s *Store) RowInto(id string, row *Row) bool {
	r, ok := s.tasks.get(id)
	if !ok {
		return false
	}
	*row = Row{ID: r.id, AssetID: r.asset, Created: s.time(r.created), Updated: s.time(r.updated),
		Overall: r.overall.api(), FirstSeen: time.Unix(0, r.firstSeen), Features: row.Features[:0]}
	if r.changedAt != 0 {
		row.ChangedAt = time.Unix(0, r.changedAt)
	}
	for i, f := range r.feats {
		st := api.State(s.syms.str(f.state))
		row.Failed = row.Failed || f.state == s.symFailed
		row.Features = append(row.Features, RowFeature{Name: s.syms.str(f.name), State: st, Changed: i < 32 && r.changed&(1<<i) != 0})
	}
	return true
}

// Timeline returns the transitions seen for a task, oldest first.
func (s *Store) Timeline(id string) []Transition {
	r, ok := s.tasks.get(id)
	if !ok {
		return nil
	}
	out := make([]Transition, len(r.timeline))
	for i, st := range r.timeline {
		out[i] = Transition{At: fromUnixNano(st.at), Seen: time.Unix(0, st.seen), Feature: s.syms.str(st.feature),
			From: api.State(s.syms.str(st.from)), To: api.State(s.syms.str(st.to)), Source: st.source}
	}
	return out
}

// Range calls fn for every task, in no particular order, until fn returns
// false. Each task is built afresh for the call: for a quick look at one
// task prefer Task, and keep indexes up to date from Changes rather than
// ranging after every batch.
func (s *Store) Range(fn func(t *api.Task) bool) {
	for _, r := range s.tasks.all() {
		t := s.task(r)
		if !fn(&t) {
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

// changeSet collects the ids a batch changed: each task once (see
// rec.batch), in first-change order.
type changeSet struct {
	updated []string
	removed []string
}

func (c *changeSet) remove(id string) { c.removed = append(c.removed, id) }

// nextBatch starts a batch. A task's mark says which batch last listed it,
// so a task changed twice in one batch is listed once without a set of
// ids per batch. After 2^32 batches (four years at 30 a second) the count
// starts over, and the marks with it.
func (s *Store) nextBatch() {
	s.batch++
	if s.batch == 0 {
		for _, r := range s.tasks.all() {
			s.own(r).batch = 0
		}
		s.batch = 1
	}
}

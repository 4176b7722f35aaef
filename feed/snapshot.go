package feed

import (
	"maps"
	"slices"
	"sync/atomic"
)

// storeGen numbers stores and their snapshots: a rec belongs to the store
// whose gen it carries, and any other store copies it before a change.
var storeGen atomic.Uint32

// Snapshot returns a copy of the store as it is now, for going back to it
// later (replay's seek). It costs little: the tasks, the task map's shards
// and the pages of event ids remembered for dedupe are shared, and
// whichever store changes a shared one copies it first. Restoring rebuilds
// the ids' hash table (200,000 ids: about 20 ms), in the room the store
// had. Apply nothing to
// a snapshot: Restore a store from it.
func (s *Store) Snapshot() *Store {
	c := s.copyOf()
	c.seen = s.seen.share()
	// Every task, shard and page of ids is now shared with c: s copies
	// each before changing it.
	s.gen = storeGen.Add(1)
	s.seen.gen = s.gen
	return c
}

// Restore makes s hold what from holds (a Snapshot), keeping s's options:
// the store then equals the one the snapshot was taken of, at that time.
func (s *Store) Restore(from *Store) {
	opts, slots := s.opts, s.seen.slots
	*s = *from.copyOf()
	s.opts = opts
	s.gen = storeGen.Add(1)
	s.seen = from.seen.restored(s.gen, slots)
}

func (s *Store) copyOf() *Store {
	c := *s
	c.tasks = s.tasks.share()
	c.syms = symbols{strs: slices.Clip(s.syms.strs), idx: maps.Clone(s.syms.idx), cache: s.syms.cache}
	c.zones = maps.Clone(s.zones)
	c.scratch = nil
	c.symUsual = slices.Clip(s.symUsual)
	// Appending past a clipped slice copies it; evicting reslices it: the
	// queue's array is never written where another store reads it.
	c.doneFIFO = slices.Clip(s.doneFIFO)
	c.counts.Unknown = maps.Clone(s.counts.Unknown)
	c.gen = 0 // a snapshot owns no task: it changes none
	return &c
}

// own returns r when s may change it, else a copy of it that s now holds.
func (s *Store) own(r *rec) *rec {
	if r.gen == s.gen {
		return r
	}
	c := *r
	c.feats = slices.Clone(r.feats)
	c.timeline = slices.Clone(r.timeline)
	c.gen = s.gen
	s.tasks.put(c.id, &c, s.gen)
	return &c
}

// IDs lists the ids of the tasks held, in no particular order.
func (s *Store) IDs() []string {
	ids := make([]string, 0, s.tasks.len())
	for id := range s.tasks.all() {
		ids = append(ids, id)
	}
	return ids
}

package feed

import "iter"

// taskShards is how many maps the store's tasks are spread over. A
// snapshot shares them, and a store copies a shard before its first
// change after one: with 4,096 shards a shard of a 100,000-task store
// holds about 25 tasks, so a snapshot taken every few thousand events
// costs the few hundred shards those events touched, not the whole map.
const taskShards = 4096

// taskMap is the store's tasks by id, in shards a snapshot can share.
type taskMap struct {
	shards *[taskShards]*taskShard
	n      int
}

type taskShard struct {
	m   map[string]*rec
	gen uint32 // the Store.gen that may change it
}

func newTaskMap() taskMap { return taskMap{shards: new([taskShards]*taskShard)} }

// shardOf mixes the id's last bytes: the API's ids are UUIDs, random there.
func shardOf(id string) int {
	h := uint32(len(id))
	for i := max(0, len(id)-6); i < len(id); i++ {
		h = h*31 + uint32(id[i])
	}
	h ^= h >> 13
	return int(h * 0x9E3779B1 >> 20 % taskShards)
}

func (t *taskMap) get(id string) (*rec, bool) {
	sh := t.shards[shardOf(id)]
	if sh == nil {
		return nil, false
	}
	r, ok := sh.m[id]
	return r, ok
}

// writable returns the shard for id, copied first unless gen owns it.
func (t *taskMap) writable(id string, gen uint32) *taskShard {
	i := shardOf(id)
	sh := t.shards[i]
	switch {
	case sh == nil:
		sh = &taskShard{m: make(map[string]*rec), gen: gen}
		t.shards[i] = sh
	case sh.gen != gen:
		c := &taskShard{m: make(map[string]*rec, len(sh.m)+1), gen: gen}
		for k, v := range sh.m {
			c.m[k] = v
		}
		sh = c
		t.shards[i] = sh
	}
	return sh
}

func (t *taskMap) put(id string, r *rec, gen uint32) {
	sh := t.writable(id, gen)
	if _, ok := sh.m[id]; !ok {
		t.n++
	}
	sh.m[id] = r
}

func (t *taskMap) del(id string, gen uint32) {
	if _, ok := t.get(id); !ok {
		return
	}
	delete(t.writable(id, gen).m, id)
	t.n--
}

func (t *taskMap) len() int { return t.n }

func (t *taskMap) all() iter.Seq2[string, *rec] {
	return func(yield func(string, *rec) bool) {
		for _, sh := range t.shards {
			if sh == nil {
				continue
			}
			for k, v := range sh.m {
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// share returns a copy that shares every shard: after it, neither side
// may change a shard without copying it (see writable).
func (t *taskMap) share() taskMap {
	c := *t
	c.shards = new([taskShards]*taskShard)
	*c.shards = *t.shards
	return c
}

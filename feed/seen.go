package feed

import (
	"hash/maphash"
	"slices"
)

// seenIDs remembers the last n event ids in 16 bytes each (see seenKey: a
// UUID, what the API sends, as its 128 bits; anything else as a 128-bit
// hash, which for 200,000 ids leaves a chance of a false "seen" below 1 in
// 10^28), for dedupe after a reconnect replays what the client had.
//
// The ids sit in a ring, oldest overwritten first, kept in pages of 1,024
// that a store's snapshot shares (a set copies a page before changing one
// it does not own), and a hash table of
// ring positions finds them: open addressing with linear probing, kept at
// most half full, and deletion by shifting the entries after a removed one
// back instead of leaving a tombstone. A Go map churned this way (one id
// in, one out, for every event) accumulates tombstones and grows to twice
// its size within minutes; this table never changes size once it reaches
// n, and holds 200,000 ids in 7.2 MB where the map took 9 to 13.
type seenIDs struct {
	n     int
	pages []*seenPage
	held  int      // ids held, at most n
	room  int      // ids the table has room for before it grows
	gen   uint32   // the pages this set may change in place
	next  int      // the ring position to overwrite next, once full
	slots []uint64 // 0 empty; else the key's hash (low 32 bits) << 32 | ring position + 1
	mask  int
	hash  func(k [16]byte) uint64
}

var seenSeed = maphash.MakeSeed()

const seenPageLen = 1024

type seenPage struct {
	ids [seenPageLen][16]byte
	gen uint32
}

func (s *seenIDs) at(pos int) *[16]byte { return &s.pages[pos/seenPageLen].ids[pos%seenPageLen] }

// set writes k at ring position pos, copying the page first unless this
// set owns it.
func (s *seenIDs) set(pos int, k [16]byte) {
	p := s.pages[pos/seenPageLen]
	if p.gen != s.gen {
		c := *p
		c.gen = s.gen
		p = &c
		s.pages[pos/seenPageLen] = p
	}
	p.ids[pos%seenPageLen] = k
}

func newSeenIDs(n int) seenIDs {
	return seenIDs{n: n, hash: func(k [16]byte) uint64 { return maphash.Comparable(seenSeed, k) }}
}

func (s *seenIDs) has(k [16]byte) bool {
	if len(s.slots) == 0 {
		return false
	}
	h := uint32(s.hash(k))
	for i := int(h) & s.mask; ; i = (i + 1) & s.mask {
		e := s.slots[i]
		if e == 0 {
			return false
		}
		if uint32(e>>32) == h && *s.at(int(uint32(e)) - 1) == k {
			return true
		}
	}
}

// add remembers k, which has must have just reported absent, forgetting
// the oldest id when n are remembered.
func (s *seenIDs) add(k [16]byte) {
	if s.held < s.n {
		if s.held == s.room {
			s.grow()
		}
		pos := s.held
		if pos%seenPageLen == 0 {
			s.pages = append(s.pages, &seenPage{gen: s.gen})
		}
		s.set(pos, k)
		s.held++
		s.insert(k, pos)
		return
	}
	s.remove(s.next)
	s.set(s.next, k)
	s.insert(k, s.next)
	s.next = (s.next + 1) % s.n
}

func (s *seenIDs) insert(k [16]byte, pos int) {
	h := uint32(s.hash(k))
	i := int(h) & s.mask
	for s.slots[i] != 0 {
		i = (i + 1) & s.mask
	}
	s.slots[i] = uint64(h)<<32 | uint64(pos+1)
}

// remove takes the id at ring position pos out of the table, moving back
// the entries of its probe run that may move (Knuth's algorithm R): an
// entry may fill the hole when the hole lies between its home slot and
// where it sits.
func (s *seenIDs) remove(pos int) {
	i := int(uint32(s.hash(*s.at(pos)))) & s.mask
	for uint32(s.slots[i]) != uint32(pos+1) {
		i = (i + 1) & s.mask
	}
	for {
		s.slots[i] = 0
		j := i
		for {
			j = (j + 1) & s.mask
			e := s.slots[j]
			if e == 0 {
				return
			}
			home := int(e>>32) & s.mask
			if (j-home)&s.mask >= (j-i)&s.mask {
				s.slots[i] = e
				i = j
				break
			}
		}
	}
}

// seenFirst is the room the memory of ids starts with.
const seenFirst = 4096

// grow makes room in two steps: a little for a quiet account, then, at
// its first busy seconds, all of it at once, so that a long-running
// dashboard's memory reaches its size early and then stays there rather
// than creeping up for as long as the ring takes to fill (at 1,000 events a
// second, 200,000 ids take over three minutes).
func (s *seenIDs) grow() {
	size := min(s.n, seenFirst)
	if s.room > 0 {
		size = s.n
	}
	s.room = size
	s.rebuild(nil)
}

// rebuild makes the hash table anew for room ids, in reuse when it is the
// right size, and fills it with the ids held.
func (s *seenIDs) rebuild(reuse []uint64) {
	slots := 1
	for slots < 2*s.room {
		slots *= 2
	}
	if len(reuse) == slots {
		clear(reuse)
		s.slots = reuse
	} else {
		s.slots = make([]uint64, slots)
	}
	s.mask = slots - 1
	for pos := range s.held {
		s.insert(*s.at(pos), pos)
	}
}

// share returns a copy for a snapshot: the pages, shared, without the hash
// table (see restored). Neither side changes a shared page in place.
func (s *seenIDs) share() seenIDs {
	c := *s
	c.pages = slices.Clip(slices.Clone(s.pages))
	c.slots, c.mask, c.gen = nil, 0, 0
	return c
}

// restored returns a set holding what the snapshot s holds, owned by gen,
// its hash table in reuse when that is the right size (the table of the
// set it replaces: no other set may hold it).
func (s *seenIDs) restored(gen uint32, reuse []uint64) seenIDs {
	c := *s
	c.pages = slices.Clone(s.pages)
	c.gen = gen
	if c.room > 0 {
		c.rebuild(reuse)
	}
	return c
}

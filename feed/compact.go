package feed

import (
	"hash/maphash"
	"math"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// overall is api.Overall in a byte.
type overall uint8

const (
	overallActive overall = iota
	overallFailed
	overallDone
)

func (o overall) api() api.Overall {
	switch o {
	case overallActive:
		return api.OverallActive
	case overallFailed:
		return api.OverallFailed
	}
	return api.OverallDone
}

// unixNano is t in Unix nanoseconds, 0 for the zero time; instants outside
// 1678-2261 (UTC; which no task has) are clamped. The bounds are compared
// in seconds: asking t for its year costs more than the rest of a step.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	switch sec := t.Unix(); {
	case sec < nanoMinSec:
		return math.MinInt64 + 1
	case sec >= nanoMaxSec:
		return math.MaxInt64
	}
	return t.UnixNano()
}

var (
	nanoMinSec = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	nanoMaxSec = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
)

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// sym is an interned string: an index into the store's symbols. 0 is "".
type sym uint32

// symbols interns the strings every task repeats: feature names, states,
// storage variants, user ids. Unknown values are interned too (they are
// kept and shown, never dropped), so the table grows only with the number
// of distinct values the API sends.
type symbols struct {
	strs  []string
	idx   map[string]sym
	cache [64]struct {
		s string
		n sym
	}
}

func newSymbols() symbols {
	return symbols{strs: []string{""}, idx: map[string]sym{"": 0}}
}

func (s *symbols) get(v string) sym {
	if v == "" {
		return 0
	}
	// A small direct-mapped cache in front of the map: the same few
	// strings come a dozen times per event, and comparing one (often the
	// very same string, which compares by pointer) beats hashing it.
	slot := &s.cache[(len(v)*31+int(v[0])+int(v[len(v)-1])*7)&63]
	if slot.s == v {
		return slot.n
	}
	if n, ok := s.idx[v]; ok {
		slot.s, slot.n = s.strs[n], n
		return n
	}
	v = strings.Clone(v) // v may share an event's raw data
	n := sym(len(s.strs))
	s.strs = append(s.strs, v)
	s.idx[v] = n
	slot.s, slot.n = v, n
	return n
}

func (s *symbols) str(n sym) string { return s.strs[n] }

// stamp is an instant in 16 bytes: a time.Time is 24 and a parsed offset
// zone costs an allocation per task. The zone comes back as a fixed zone
// with the same offset (UTC for 0), so the instant and the clock reading
// are kept; only a zone's name, which ISO 8601 does not carry, is not.
type stamp struct {
	sec  int64
	nsec int32
	off  int32
}

func (s *Store) stamp(t time.Time) stamp {
	if t.IsZero() {
		return stamp{}
	}
	_, off := t.Zone()
	return stamp{sec: t.Unix(), nsec: int32(t.Nanosecond()), off: int32(off)}
}

func (s *Store) time(st stamp) time.Time {
	if st == (stamp{}) {
		return time.Time{}
	}
	t := time.Unix(st.sec, int64(st.nsec))
	if st.off == 0 {
		return t.UTC()
	}
	loc, ok := s.zones[st.off]
	if !ok {
		loc = time.FixedZone("", int(st.off))
		s.zones[st.off] = loc
	}
	return t.In(loc)
}

func (a stamp) before(b stamp) bool {
	return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec
}

var seenSeedA, seenSeedB = maphash.MakeSeed(), maphash.MakeSeed()

func seenKey(id string) [16]byte {
	var k [16]byte
	if len(id) == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-' && uuidBytes(id, &k) {
		return k
	}
	a, b := maphash.String(seenSeedA, id), maphash.String(seenSeedB, id)
	for i := range 8 {
		k[i], k[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
	}
	// Mark hashed keys so a hash never equals a UUID's bytes by design
	// rather than by chance: version nibble 0 is not a UUID this API sends.
	k[6] &= 0x0f
	return k
}

// uuidBytes reads a canonical (lower-case) UUID's 32 hex digits. "ABC..."
// and "abc..." are different strings, so only one spelling maps to bytes;
// the other is hashed like any other id.
func uuidBytes(id string, k *[16]byte) bool {
	if len(id) != 36 {
		return false
	}
	var bad byte
	for j, at := range uuidDigits {
		hi, lo := lowerHex[id[at]], lowerHex[id[at+1]]
		bad |= hi | lo
		k[j] = hi<<4 | lo
	}
	return bad <= 15
}

// uuidDigits is where each byte's two hex digits start in a canonical UUID.
var uuidDigits = [16]uint8{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

var lowerHex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	return t
}()

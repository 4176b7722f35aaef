package feed

import (
	"math/rand/v2"
	"testing"
)

// TestSeenIDsMatchAReference drives the table with random ids, repeats
// among them, against a plain ring and map: it must remember exactly the
// last n ids. A weak hash (a few values only) makes long probe runs that
// wrap around the table, so that removal's shifting is exercised hard.
func TestSeenIDsMatchAReference(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		hash func([16]byte) uint64
	}{
		{"real hash", 50, nil},
		{"real hash, past the first step", seenFirst + 100, nil},
		{"4 hash values", 37, func(k [16]byte) uint64 { return uint64(k[0] % 4) }},
		{"hash near the table's end", 20, func(k [16]byte) uint64 { return uint64(60 + k[0]%4) }},
		{"one hash value", 9, func([16]byte) uint64 { return 7 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSeenIDs(c.n)
			if c.hash != nil {
				s.hash = c.hash
			}
			rng := rand.New(rand.NewPCG(1, uint64(c.n)))
			var ring [][16]byte
			ref := map[[16]byte]int{}
			key := func(i int) [16]byte {
				var k [16]byte
				k[0], k[1], k[2] = byte(i), byte(i>>8), byte(i>>16)
				return k
			}
			for step := range 20 * c.n {
				// Mostly new ids, some recent ones again, some long gone.
				i := step
				switch r := rng.IntN(10); {
				case r < 2 && step > 0:
					i = rng.IntN(step)
				case r < 3 && step > c.n:
					i = step - 1 - rng.IntN(c.n)
				}
				k := key(i)
				want := ref[k] > 0
				if got := s.has(k); got != want {
					t.Fatalf("step %d: has(%d) = %v, want %v", step, i, got, want)
				}
				if want {
					continue
				}
				s.add(k)
				ring = append(ring, k)
				ref[k]++
				if len(ring) > c.n {
					old := ring[0]
					ring = ring[1:]
					if ref[old]--; ref[old] == 0 {
						delete(ref, old)
					}
				}
			}
			for k := range ref {
				if !s.has(k) {
					t.Fatalf("forgot %v", k[:3])
				}
			}
			used := 0
			for _, e := range s.slots {
				if e != 0 {
					used++
				}
			}
			if used != len(ref) {
				t.Errorf("table holds %d entries, want %d", used, len(ref))
			}
		})
	}
}

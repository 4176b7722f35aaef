package grid

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestListStaysSortedUnderRandomMoves moves entries around at random, as
// live updates do, and compares the list with a full sort after each step.
func TestListStaysSortedUnderRandomMoves(t *testing.T) {
	for _, s := range []Sort{ByUpdate, ByCreated, FailedFirst, ByID} {
		for _, rev := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/reverse=%v", s, rev), func(t *testing.T) {
				r := rand.New(rand.NewPCG(1, uint64(s)))
				less := lessFor(s, rev)
				l := newList(less)
				var all []*entry
				for i := range 3000 {
					e := &entry{id: fmt.Sprintf("%08x%d", r.Uint32(), i), updated: r.Int64N(500), created: r.Int64N(500)}
					all = append(all, e)
					l.insert(e)
				}
				for step := range 4000 {
					e := all[r.IntN(len(all))]
					switch r.IntN(3) {
					case 0:
						if l.remove(e) {
							e.updated = r.Int64N(500)
							l.insert(e)
						}
					case 1:
						l.remove(e)
					default:
						if l.rank(e) < 0 {
							l.insert(e)
						}
					}
					if step%500 == 0 {
						checkList(t, l, less)
					}
				}
				checkList(t, l, less)
			})
		}
	}
}

func checkList(t *testing.T, l *list, less func(a, b *entry) bool) {
	t.Helper()
	var got []*entry
	l.each(func(e *entry) { got = append(got, e) })
	if len(got) != l.len() {
		t.Fatalf("len %d, walked %d", l.len(), len(got))
	}
	if !slices.IsSortedFunc(got, func(a, b *entry) int {
		if less(a, b) {
			return -1
		}
		if less(b, a) {
			return 1
		}
		return 0
	}) {
		t.Fatal("list out of order")
	}
	for i, e := range got {
		if r := l.rank(e); r != i {
			t.Fatalf("rank(%s) = %d, want %d", e.id, r, i)
		}
		if l.at(i) != e {
			t.Fatalf("at(%d) is not %s", i, e.id)
		}
	}
	w := l.window(nil, len(got)/2, 40)
	for i, e := range w {
		if got[len(got)/2+i] != e {
			t.Fatalf("window differs at %d", i)
		}
	}
}

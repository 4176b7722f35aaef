package grid

import "sort"

// list keeps entries sorted by less, in blocks of a few hundred, so that
// moving one entry costs a binary search and a short copy, and reading a
// screenful from any rank costs a walk over the block sizes: a 100,000-task
// grid re-positions the tasks a batch changed without sorting the rest, and
// draws as fast as a 100-task one. less must be a total order (ties broken
// by id) and an entry's sort fields must not change while it is listed.
type list struct {
	blocks [][]*entry
	n      int
	less   func(a, b *entry) bool
}

const (
	blockLoad = 256           // entries per block after a build or split
	blockMax  = 2 * blockLoad // a block this full splits in two
)

func newList(less func(a, b *entry) bool) *list { return &list{less: less} }

func (l *list) len() int { return l.n }

// build replaces the contents with sorted, which must already be in order.
func (l *list) build(sorted []*entry) {
	l.blocks = l.blocks[:0]
	for i := 0; i < len(sorted); i += blockLoad {
		j := min(i+blockLoad, len(sorted))
		b := make([]*entry, j-i, blockMax+1)
		copy(b, sorted[i:j])
		l.blocks = append(l.blocks, b)
	}
	l.n = len(sorted)
}

// locate is where e is, or would go: block index and index within it.
func (l *list) locate(e *entry) (int, int) {
	if len(l.blocks) == 0 {
		return 0, 0
	}
	bi := sort.Search(len(l.blocks), func(i int) bool {
		b := l.blocks[i]
		return !l.less(b[len(b)-1], e)
	})
	if bi == len(l.blocks) {
		bi--
		return bi, len(l.blocks[bi])
	}
	b := l.blocks[bi]
	return bi, sort.Search(len(b), func(j int) bool { return !l.less(b[j], e) })
}

func (l *list) insert(e *entry) {
	if len(l.blocks) == 0 {
		b := make([]*entry, 1, blockMax+1)
		b[0] = e
		l.blocks = append(l.blocks, b)
		l.n = 1
		return
	}
	bi, i := l.locate(e)
	b := append(l.blocks[bi], nil)
	copy(b[i+1:], b[i:])
	b[i] = e
	l.blocks[bi] = b
	l.n++
	if len(b) > blockMax {
		half := len(b) / 2
		right := make([]*entry, len(b)-half, blockMax+1)
		copy(right, b[half:])
		clear(b[half:])
		l.blocks[bi] = b[:half]
		l.blocks = append(l.blocks, nil)
		copy(l.blocks[bi+2:], l.blocks[bi+1:])
		l.blocks[bi+1] = right
	}
}

// remove takes e out; it reports whether e was listed.
func (l *list) remove(e *entry) bool {
	bi, i := l.find(e)
	if bi < 0 {
		return false
	}
	b := l.blocks[bi]
	copy(b[i:], b[i+1:])
	b[len(b)-1] = nil
	b = b[:len(b)-1]
	l.n--
	if len(b) == 0 {
		copy(l.blocks[bi:], l.blocks[bi+1:])
		l.blocks[len(l.blocks)-1] = nil
		l.blocks = l.blocks[:len(l.blocks)-1]
		return true
	}
	l.blocks[bi] = b
	return true
}

// find is e's position, or -1, -1 when it is not listed.
func (l *list) find(e *entry) (int, int) {
	bi, i := l.locate(e)
	if bi < len(l.blocks) && i < len(l.blocks[bi]) && l.blocks[bi][i] == e {
		return bi, i
	}
	return -1, -1
}

// rank is e's index in the order, or -1.
func (l *list) rank(e *entry) int {
	bi, i := l.find(e)
	if bi < 0 {
		return -1
	}
	for _, b := range l.blocks[:bi] {
		i += len(b)
	}
	return i
}

// at is the entry at rank r, or nil.
func (l *list) at(r int) *entry {
	if r < 0 || r >= l.n {
		return nil
	}
	for _, b := range l.blocks {
		if r < len(b) {
			return b[r]
		}
		r -= len(b)
	}
	return nil
}

// window appends to dst the entries at ranks [from, from+n).
func (l *list) window(dst []*entry, from, n int) []*entry {
	if from < 0 {
		n += from
		from = 0
	}
	for _, b := range l.blocks {
		if n <= 0 {
			break
		}
		if from >= len(b) {
			from -= len(b)
			continue
		}
		take := min(len(b)-from, n)
		dst = append(dst, b[from:from+take]...)
		n -= take
		from = 0
	}
	return dst
}

// each calls fn for every entry in order.
func (l *list) each(fn func(*entry)) {
	for _, b := range l.blocks {
		for _, e := range b {
			fn(e)
		}
	}
}

package sim

// deque is a FIFO that keeps its items in order, oldest first, so lists
// can be paged newest first by walking back from the end and eviction pops
// the front.
type deque[T any] struct {
	items []T
	head  int
}

func (d *deque[T]) push(v T) { d.items = append(d.items, v) }

func (d *deque[T]) len() int { return len(d.items) - d.head }

func (d *deque[T]) front() T { return d.items[d.head] }

func (d *deque[T]) popFront() T {
	var zero T
	v := d.items[d.head]
	d.items[d.head] = zero
	d.head++
	// Compact once the dead prefix is most of the array, so memory stays
	// proportional to what is held.
	if d.head > 1024 && d.head > len(d.items)/2 {
		n := copy(d.items, d.items[d.head:])
		clear(d.items[n:])
		d.items = d.items[:n]
		d.head = 0
	}
	return v
}

// view is the items, oldest first; valid until the next push or pop.
func (d *deque[T]) view() []T { return d.items[d.head:] }

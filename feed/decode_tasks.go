package feed

import "github.com/aspect-hq/aspect-tui/api"

// decodeTasks reads GET /tasks/active's usual answer, a bare JSON array of
// tasks, with the envelope's fast decoder: a snapshot of 20,000 tasks is
// 7 MB, which encoding/json read at about 13 MB/s (half a second on every
// start and every resync). It reports false for anything else (a page
// object, a null item, whatever the fast path does not answer for), and
// api's own decoding then reads the answer. FuzzDecodeTasks proves the two
// agree wherever this answers.
//
// Tasks whose features read the same, byte for byte, share one map: a
// snapshot holds a few hundred combinations of states at most, and a map
// of its own for each of 20,000 tasks was 9 MB, the most of any part of a
// start (see maxShared). The tasks of a snapshot are read, never changed.
func decodeTasks(b []byte, out *[]api.Task) bool {
	d := fastDecoder{b: b, shared: make(map[string]map[string]api.Feature, 64)}
	if !d.consume('[') {
		return false
	}
	// A task is about 370 bytes on the wire: guess the count once rather
	// than grow the slice a dozen times.
	tasks := make([]api.Task, 0, len(b)/300+1)
	if !d.consume(']') {
		for {
			if d.peek() != '{' {
				return false
			}
			tasks = append(tasks, api.Task{})
			if !d.task(&tasks[len(tasks)-1]) {
				return false
			}
			if d.consume(',') {
				continue
			}
			if !d.consume(']') {
				return false
			}
			break
		}
	}
	d.ws()
	if d.i != len(d.b) {
		return false
	}
	*out = tasks
	return true
}

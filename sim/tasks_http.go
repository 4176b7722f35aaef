package sim

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
)

// sortedTasks returns the tasks keep selects, in creation order; call with
// the engine's lock held.
func (e *engine) sortedTasks(keep func(*task) bool) []*task {
	out := make([]*task, 0, len(e.tasks))
	for _, t := range e.tasks {
		if keep(t) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *task) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	return out
}

// handleActive answers GET /tasks/active: a bare array of the queued,
// processing and failed tasks.
func (s *Server) handleActive(w http.ResponseWriter, r *http.Request) {
	e := s.eng
	e.mu.Lock()
	ts := e.sortedTasks((*task).listed)
	b := make([]byte, 0, 64+len(ts)*420)
	b = append(b, '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = t.appendJSON(b)
	}
	e.mu.Unlock()
	writeRaw(w, http.StatusOK, append(b, ']'))
}

func (s *Server) handleTask(w http.ResponseWriter, r *http.Request) {
	e := s.eng
	e.mu.Lock()
	t, ok := e.tasks[r.PathValue("task_id")]
	var b []byte
	if ok {
		b = t.appendJSON(nil)
	}
	e.mu.Unlock()
	if !ok {
		writeDetail(w, http.StatusNotFound, "Task not found")
		return
	}
	writeRaw(w, http.StatusOK, b)
}

var featureName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

const maxFeatures = 16

// handleCreateTask answers POST /tasks {asset_id, features}. Feature names
// the simulator does not know are accepted and processed like any other:
// the contract keeps features an open map.
func (s *Server) handleCreateTask(w http.ResponseWriter, r *http.Request) {
	b, ok := readBody(w, r)
	if !ok {
		return
	}
	asset := b.str("asset_id", true, 200)
	if b.has("asset_id") && asset == "" && len(b.errs) == 0 {
		b.errs.add("body", "asset_id", "String should have at least 1 character", "string_too_short")
	}
	names := b.strings("features", true)
	if b.has("features") && names != nil {
		switch {
		case len(names) == 0:
			b.errs.add("body", "features", "List should have at least 1 item", "too_short")
		case len(names) > maxFeatures:
			b.errs.add("body", "features", "List should have at most "+strconv.Itoa(maxFeatures)+" items", "too_long")
		}
		seen := map[string]bool{}
		for i, n := range names {
			if !featureName.MatchString(n) {
				b.errs = append(b.errs, fieldErr("features", i, "a feature name is lower-case letters, digits and _ (for example proxy, transcription)"))
			} else if seen[n] {
				b.errs = append(b.errs, fieldErr("features", i, "feature "+n+" is listed twice"))
			}
			seen[n] = true
		}
	}
	if b.errs.reply(w) {
		return
	}
	e := s.eng
	e.mu.Lock()
	t, err := e.create(e.apiRng, e.clock.now(), asset, names)
	e.mu.Unlock()
	if err != nil {
		w.Header().Set("Retry-After", "1")
		writeDetail(w, http.StatusTooManyRequests, err.Error())
		return
	}
	e.poke()
	writeJSON(w, http.StatusOK, map[string]string{"task_id": t.id})
}

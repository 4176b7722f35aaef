package grid

import (
	"slices"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// entry is what the grid keeps per task to sort, filter and draw it
// without going back to the store: the sort keys, the text the filter
// matches, the extra feature names the task brings, and what its row
// shows. Apply copies it from the store whenever the task changes, so a
// frame reads nothing from the store.
type entry struct {
	id      string // as the store knows it
	lower   string // what the filter matches (filterText); "" until it first does
	updated int64  // unix nanoseconds
	created int64
	overall api.Overall
	failed  bool     // has a failed feature
	extras  []string // feature names beyond the standard four, cleaned
	named            // the asset's name and index, once fetched (names.go)

	// What the row shows of the features, in about 40 bytes a task (a
	// grid of 100,000 tasks holds one entry each): the standard four's
	// states as small numbers, anything else in other.
	std        [stdFeatures]uint8 // api.FeatureNames' states, as indexes into api.States plus one; 0: the task has none
	other      []featState        // every other feature, and one of the four in a state not in api.States (nil for most tasks)
	changed    uint8              // bit i: std[i] changed last (other's say so themselves)
	flashUntil int64              // local clock, Unix nanoseconds: what changed last stays marked until then (0: never)
	stamped    bool               // the task has an `updated` (else no age is shown)
	spins      bool               // a feature is processing: its glyph turns with the frames
	ver        uint32             // counts changes to anything the row shows, for its cache (view.go)
}

// stdFeatures is how many names api.FeatureNames holds.
const stdFeatures = 4

// featState is a feature the four numbers of an entry do not hold.
type featState struct {
	name    string
	state   api.State
	changed bool
}

// set copies what the grid needs of a task as the store holds it.
func (e *entry) set(t *feed.Row) {
	e.id = t.ID
	e.assetID = t.AssetID
	e.lower = "" // made when a filter first needs it (filterText)
	e.updated = t.Updated.UnixNano()
	e.stamped = !t.Updated.IsZero()
	e.created = t.Created.UnixNano()
	e.overall = t.Overall
	e.failed = t.Failed
	e.extras = e.extras[:0]
	e.std, e.other, e.changed, e.spins = [stdFeatures]uint8{}, e.other[:0], 0, false
	for _, f := range t.Features {
		e.spins = e.spins || f.State == api.StateProcessing
		i := slices.Index(api.FeatureNames, f.Name)
		if i < 0 {
			e.extras = append(e.extras, f.Name)
		}
		if code := slices.Index(api.States, f.State); i >= 0 && i < stdFeatures && code >= 0 {
			e.std[i] = uint8(code + 1)
			if f.Changed {
				e.changed |= 1 << i
			}
			continue
		}
		e.other = append(e.other, featState{name: f.Name, state: f.State, changed: f.Changed})
	}
	if len(e.other) == 0 {
		e.other = nil
	}
	e.flashUntil = 0
	if !t.ChangedAt.IsZero() && !t.ChangedAt.Equal(t.FirstSeen) {
		e.flashUntil = t.ChangedAt.Add(FlashFor).UnixNano()
	}
	e.ver++
}

// flashing reports whether the features that changed last are still marked.
func (e *entry) flashing(now time.Time) bool {
	return e.flashUntil != 0 && now.UnixNano() < e.flashUntil
}

// filterText is what the filter matches: the task and asset ids, and the
// asset's name once known, lowercased. It is made when a filter first asks
// (a snapshot of 20,000 tasks made it 20,000 times before its first frame)
// and kept until the task's asset or name changes.
func (e *entry) filterText() string {
	if e.lower == "" {
		e.lower = strings.ToLower(api.Clean(e.id) + " " + api.Clean(e.assetID) + e.nameLower())
	}
	return e.lower
}

// state is the task's feature called name, if it has one, and whether it
// changed last.
func (e *entry) state(name string) (st api.State, changed, ok bool) {
	if i := slices.Index(api.FeatureNames, name); i >= 0 && i < stdFeatures && e.std[i] != 0 {
		return api.States[e.std[i]-1], e.changed&(1<<i) != 0, true
	}
	for _, f := range e.other {
		if f.name == name {
			return f.state, f.changed, true
		}
	}
	return "", false, false
}

// Sort is an order of the grid.
type Sort int

// The sorts `s` cycles through.
const (
	ByUpdate    Sort = iota // last update, newest first
	ByCreated               // created, newest first
	FailedFirst             // failed, then active, then done; newest update first within each
	ByID                    // task id, ascending
	ByName                  // asset name, A to Z; tasks whose name is not known yet last
	sortCount
)

func (s Sort) String() string {
	switch s {
	case ByUpdate:
		return "last update"
	case ByCreated:
		return "created"
	case FailedFirst:
		return "failed first"
	case ByID:
		return "id"
	case ByName:
		return "name"
	}
	return "?"
}

func overallRank(o api.Overall) int {
	switch o {
	case api.OverallFailed:
		return 0
	case api.OverallActive:
		return 1
	}
	return 2
}

// lessFor is the order for a sort; reverse flips it whole (ties included,
// so it stays a total order).
func lessFor(s Sort, reverse bool) func(a, b *entry) bool {
	var less func(a, b *entry) bool
	switch s {
	case ByCreated:
		less = func(a, b *entry) bool {
			if a.created != b.created {
				return a.created > b.created
			}
			return a.id < b.id
		}
	case FailedFirst:
		less = func(a, b *entry) bool {
			if ra, rb := overallRank(a.overall), overallRank(b.overall); ra != rb {
				return ra < rb
			}
			if a.updated != b.updated {
				return a.updated > b.updated
			}
			return a.id < b.id
		}
	case ByID:
		less = func(a, b *entry) bool { return a.id < b.id }
	case ByName:
		less = byName
	default:
		less = func(a, b *entry) bool {
			if a.updated != b.updated {
				return a.updated > b.updated
			}
			return a.id < b.id
		}
	}
	if reverse {
		return func(a, b *entry) bool { return less(b, a) }
	}
	return less
}

// filter is what limits the rows: text over task and asset ids (inverted
// with a leading "!"), and the failed and active toggles.
type filter struct {
	text       string // as typed, "!" included
	query      string // lowercased, without the "!"
	invert     bool
	failedOnly bool
	activeOnly bool
	index      string // an index id: only its tasks (and those whose index is not known yet)
}

func (f *filter) setText(s string) {
	f.text = s
	q := s
	f.invert = strings.HasPrefix(q, "!")
	if f.invert {
		q = q[1:]
	}
	f.query = strings.ToLower(strings.TrimSpace(q))
}

func (f *filter) active() bool {
	return f.query != "" || f.failedOnly || f.activeOnly || f.index != ""
}

func (f *filter) match(e *entry) bool {
	if f.failedOnly && !e.failed {
		return false
	}
	if f.activeOnly && e.overall != api.OverallActive {
		return false
	}
	if f.index != "" && e.indexID != "" && e.indexID != f.index {
		return false
	}
	if f.query == "" {
		return true
	}
	return strings.Contains(e.filterText(), f.query) != f.invert
}

// narrows reports whether every entry next matches also matches f, so the
// rows can be filtered in place instead of gathered and sorted again.
func (f filter) narrows(next filter) bool {
	if f.index != next.index && f.index != "" {
		return false
	}
	if f.invert || next.invert {
		return f.query == "" && !next.invert && f.failedOnly == next.failedOnly && f.activeOnly == next.activeOnly
	}
	return strings.Contains(next.query, f.query) &&
		(!f.failedOnly || next.failedOnly) && (!f.activeOnly || next.activeOnly)
}

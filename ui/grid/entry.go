package grid

import (
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
)

// entry is what the grid keeps per task to sort and filter it without
// going back to the store: the sort keys, the text the filter matches and
// the extra feature names the task brings.
type entry struct {
	id      string // as the store knows it
	lower   string // cleaned task id + " " + asset id, lowercased, for the filter
	updated int64  // unix nanoseconds
	created int64
	overall api.Overall
	failed  bool     // has a failed feature
	extras  []string // feature names beyond the standard four, cleaned
	named            // the asset's name and index, once fetched (names.go)
}

func (e *entry) set(t *api.Task) {
	e.id = t.ID
	e.assetID = t.AssetID
	e.lower = strings.ToLower(api.Clean(t.ID) + " " + api.Clean(t.AssetID) + e.nameLower())
	e.updated = t.Updated.UnixNano()
	e.created = t.Created.UnixNano()
	e.overall = t.Overall()
	e.failed = t.HasFailed()
	e.extras = e.extras[:0]
	for name := range t.Features {
		if !standard(name) {
			e.extras = append(e.extras, name)
		}
	}
}

func standard(name string) bool {
	for _, n := range api.FeatureNames {
		if n == name {
			return true
		}
	}
	return false
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
	return strings.Contains(e.lower, f.query) != f.invert
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

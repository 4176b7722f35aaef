package listen

import (
	"sort"
	"strings"

	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// Bounds on what the list keeps, so a receiver left running under a flood
// stays small: the newest DefaultLimit requests, and their bodies up to
// DefaultBodyBudget in all (older bodies are let go first; the row and its
// diagnosis stay).
const (
	DefaultLimit      = 10000
	DefaultBodyBudget = 64 << 20
)

// entry is one request in the list.
type entry struct {
	d     listen.Request
	lower string // path, event type and svix-id, lowercased, for the filter
	// bodyGone says the body was let go to stay within the body budget.
	bodyGone bool
	replays  []replay
	edits    []edit
}

func newEntry(d listen.Request) *entry {
	return &entry{d: d, lower: strings.ToLower(d.Path + " " + d.EventType + " " + d.SvixID)}
}

// filter is what limits the rows: text over path, event type and svix-id
// (inverted with a leading "!"), and the refused-only toggle.
type filter struct {
	text        string // as typed, "!" included
	query       string // lowercased, without the "!"
	invert      bool
	refusedOnly bool
	// body is the query over the body and the handler's answer: a
	// substring, or path=value in JSON.
	body common.Query
}

func (f *filter) setText(s string) {
	f.text = s
	q, inv := strings.CutPrefix(s, "!")
	f.invert = inv
	f.query = strings.ToLower(strings.TrimSpace(q))
	f.body = common.ParseQuery(q)
}

func (f filter) active() bool { return f.query != "" || f.refusedOnly }

func (f filter) match(e *entry) bool {
	if f.refusedOnly && e.d.Verified {
		return false
	}
	if f.query == "" {
		return true
	}
	return e.matches(f) != f.invert
}

// matches reports whether e's path, event type, svix-id, body or
// handler's answer (or its replays') holds f's text; a path=value query
// looks in the bodies only.
func (e *entry) matches(f filter) bool {
	if f.body.MatchText(e.lower) || f.body.Match(e.d.Body) {
		return true
	}
	if fw := e.d.Forward; fw != nil && f.body.Match([]byte(fw.Body)) {
		return true
	}
	for _, r := range e.replays {
		if f.body.Match([]byte(r.res.Body)) {
			return true
		}
	}
	return false
}

func (f filter) describe() string {
	var parts []string
	if f.query != "" {
		parts = append(parts, "/"+f.text)
	}
	if f.refusedOnly {
		parts = append(parts, "refused only")
	}
	return strings.Join(parts, " + ")
}

// list is the requests in arrival order (by Seq), the rows the filter lets
// through, and a selection tied to a request, not to a line: it stays on
// its request as others arrive, except while it is on the newest row, when
// it follows new arrivals the way `tail -f` does.
type list struct {
	all  []*entry // by Seq, oldest first
	rows []*entry // those the filter lets through, by Seq
	flt  filter

	limit      int
	bodyBudget int64
	bodyBytes  int64
	evicted    int // requests let go to stay within limit
	cleared    int // requests cleared with the clear key

	oldestFirst bool
	// hold keeps the selection where it is as requests arrive (while the
	// user reads its detail).
	hold   bool
	sel    *entry
	offset int // display index of the first row shown
	h      int // rows shown
	unseen int // arrivals out of view (the newest end is off screen)
}

func newList(limit int, bodyBudget int64) *list {
	return &list{limit: limit, bodyBudget: bodyBudget}
}

func (l *list) len() int { return len(l.rows) }

// at is the row shown at display index i.
func (l *list) at(i int) *entry {
	if i < 0 || i >= len(l.rows) {
		return nil
	}
	if l.oldestFirst {
		return l.rows[i]
	}
	return l.rows[len(l.rows)-1-i]
}

// index is e's display index, or -1 when the filter hides it.
func (l *list) index(e *entry) int {
	if e == nil {
		return -1
	}
	i := sort.Search(len(l.rows), func(i int) bool { return l.rows[i].d.Seq >= e.d.Seq })
	if i == len(l.rows) || l.rows[i] != e {
		return -1
	}
	if l.oldestFirst {
		return i
	}
	return len(l.rows) - 1 - i
}

// bySeq is the request with this Seq, if the list still holds it.
func (l *list) bySeq(seq int) *entry {
	i := sort.Search(len(l.all), func(i int) bool { return l.all[i].d.Seq >= seq })
	if i < len(l.all) && l.all[i].d.Seq == seq {
		return l.all[i]
	}
	return nil
}

// newest is the row of the latest request.
func (l *list) newest() *entry {
	if len(l.rows) == 0 {
		return nil
	}
	return l.rows[len(l.rows)-1]
}

// following reports whether the selection follows new arrivals.
func (l *list) following() bool { return l.sel == nil || l.sel == l.newest() }

// cursor is the selection's display index (0 when there is none).
func (l *list) cursor() int { return max(0, l.index(l.sel)) }

// add takes a batch, keeps the bounds and moves the selection as the user
// expects: along with new arrivals when following, else nowhere (and the
// rows on screen do not move under the reader).
func (l *list) add(ds []listen.Request) {
	follow := l.following() && !l.hold
	line := l.cursor() - l.offset
	var shown []*entry
	for _, d := range ds {
		e := newEntry(d)
		l.all = insertBySeq(l.all, e)
		l.bodyBytes += int64(len(d.Body))
		if l.flt.match(e) {
			l.rows = insertBySeq(l.rows, e)
			shown = append(shown, e)
		}
	}
	l.evict()
	l.trimBodies()
	switch {
	case follow:
		l.sel = l.newest()
		l.show()
	case l.index(l.sel) < 0:
		// The selection was let go with the oldest requests.
		l.sel = l.at(l.len() - 1)
		if l.oldestFirst {
			l.sel = l.at(0)
		}
		l.show()
	default:
		l.offset = l.cursor() - line
		l.show()
	}
	for _, e := range shown {
		if i := l.index(e); i >= 0 && (i < l.offset || i >= l.offset+l.h) {
			l.unseen++
		}
	}
	l.seen()
}

// seen forgets the count of arrivals out of view once the newest row is
// on screen.
func (l *list) seen() {
	newest := l.offset == 0
	if l.oldestFirst {
		newest = l.offset+l.h >= l.len()
	}
	if newest {
		l.unseen = 0
	}
}

func insertBySeq(s []*entry, e *entry) []*entry {
	if n := len(s); n == 0 || s[n-1].d.Seq < e.d.Seq {
		return append(s, e)
	}
	i := sort.Search(len(s), func(i int) bool { return s[i].d.Seq > e.d.Seq })
	s = append(s, nil)
	copy(s[i+1:], s[i:])
	s[i] = e
	return s
}

// evict lets the oldest requests go beyond the limit.
func (l *list) evict() {
	n := len(l.all) - l.limit
	if n <= 0 {
		return
	}
	last := l.all[n-1].d.Seq
	for _, e := range l.all[:n] {
		if !e.bodyGone {
			l.bodyBytes -= int64(len(e.d.Body))
		}
	}
	l.all = append(l.all[:0], l.all[n:]...)
	k := sort.Search(len(l.rows), func(i int) bool { return l.rows[i].d.Seq > last })
	l.rows = append(l.rows[:0], l.rows[k:]...)
	l.evicted += n
}

// trimBodies lets the oldest bodies go beyond the budget.
func (l *list) trimBodies() {
	for _, e := range l.all {
		if l.bodyBytes <= l.bodyBudget {
			return
		}
		if e.bodyGone || len(e.d.Body) == 0 {
			continue
		}
		l.bodyBytes -= int64(len(e.d.Body))
		e.d.Body, e.bodyGone = nil, true
	}
}

// clear empties the list; the counts are the session's and stay.
func (l *list) clear() {
	l.cleared += len(l.all)
	l.all, l.rows, l.sel = nil, nil, nil
	l.offset, l.unseen, l.bodyBytes = 0, 0, 0
}

// setFilter applies a new filter. The selection stays when the filter lets
// it through; otherwise the newest row is selected.
func (l *list) setFilter(f filter) {
	l.flt = f
	l.rows = l.rows[:0]
	for _, e := range l.all {
		if f.match(e) {
			l.rows = append(l.rows, e)
		}
	}
	if l.index(l.sel) < 0 {
		l.sel = l.newest()
		l.offset = 0
	}
	l.show()
	l.unseen = 0
}

// setOrder puts the newest requests first or last, keeping the selection.
func (l *list) setOrder(oldestFirst bool) {
	l.oldestFirst = oldestFirst
	l.offset = 0
	l.show()
	l.unseen = 0
}

// moveTo selects display row i (clamped) and keeps it on screen.
func (l *list) moveTo(i int) {
	if l.len() == 0 {
		l.sel = nil
		return
	}
	l.sel = l.at(min(max(i, 0), l.len()-1))
	l.show()
	l.seen()
}

// scroll moves the view by d rows, dragging the selection along only when
// it would leave the screen.
func (l *list) scroll(d int) {
	l.offset = min(max(l.offset+d, 0), max(0, l.len()-l.h))
	switch c := l.cursor(); {
	case c < l.offset:
		l.moveTo(l.offset)
	case c >= l.offset+l.h:
		l.moveTo(l.offset + l.h - 1)
	}
	l.seen()
}

func (l *list) setHeight(h int) {
	l.h = h
	l.show()
}

// show keeps the offset in range and the selection on screen.
func (l *list) show() {
	n := l.len()
	if l.h <= 0 {
		l.offset = 0
		return
	}
	l.offset = min(max(l.offset, 0), max(0, n-l.h))
	c := l.cursor()
	if c < l.offset {
		l.offset = c
	}
	if c >= l.offset+l.h {
		l.offset = c - l.h + 1
	}
}
